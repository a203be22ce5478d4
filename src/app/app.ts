import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot } from "probot";
import type { LockOptions, SharedStore } from "../github/store.js";
import { httpHandler } from "./http.js";
import { classifierFor } from "../core/classify.js";
import { decide, heldRoles, membershipsOf } from "../core/permissions.js";
import type { GitHubApi, RepoRef } from "../github/api.js";
import { postCheckRun } from "../github/checks.js";
import { failedJudgement, type Judgement } from "../github/judge.js";
import { fetchBlob } from "../github/pull-request.js";
import { withNativeJson, type OctokitLike } from "../github/native-json.js";
import { parseCommand, runCommand } from "./commands.js";
import { RolegateService, type PullRequestTarget } from "./service.js";
import { openViolationIssue } from "./violations.js";
import { DEFAULT_BUDGET, resilient, type RetryBudget } from "../github/resilient.js";

const POLICY_FILES = [".github/rolegate.yml", ".github/rolegate.yaml"];
/** Open pull requests re-judged when the policy on their base branch changes. */
const MAX_REEVALUATED = 100;

function installationOf(context: Context): string {
  return String((context.payload as { installation?: { id?: number } }).installation?.id ?? "none");
}

interface PrRef {
  number: number;
  base: { ref: string };
  head?: { sha: string };
}

export interface RolegateAppOptions {
  mergeMethod?: "merge" | "squash" | "rebase";
  /** This app's ID: a `rolegate` check or status from anyone else is reported as forged. */
  appId?: number;
  retryBudget?: RetryBudget;
  /** Shared between replicas (Redis) or in memory; used when no service is given. */
  store?: SharedStore;
  redis?: boolean;
  lock?: LockOptions;
  /** Lets tests and the scale-out work share one service (caches, serializer). */
  service?: RolegateService;
}

/** The Probot application: events → fetch → pure core → check run, issues, comments. */
export function rolegateApp(options: RolegateAppOptions = {}): ApplicationFunction {
  return (app: Probot, appOptions?: ApplicationFunctionOptions) => {
    const service = options.service ?? new RolegateService(app.log, () => new Date(), { store: options.store, lock: options.lock });
    const mergeMethod = options.mergeMethod ?? "merge";
    const budget = options.retryBudget ?? DEFAULT_BUDGET;
    /** Every call goes through the retry layer: transient faults are retried within a budget, then fail. */
    const apiOf = (context: Context): GitHubApi =>
      resilient(service.metrics.instrument(withNativeJson(context.octokit as unknown as OctokitLike), installationOf(context)), budget);

    // GitHub may deliver an event twice; the second delivery changes nothing.
    const on = <E extends Parameters<typeof app.on>[0]>(events: E, handler: (context: any) => Promise<void>) =>
      app.on(events, async (context: Context) => {
        if (await service.handledBefore(context.id)) return;
        const event = `${context.name}${(context.payload as { action?: string }).action ? `.${(context.payload as { action: string }).action}` : ""}`;
        try {
          await handler(context);
          await service.markHandled(context.id);
          service.metrics.events.inc({ event, outcome: "ok" });
        } catch (e) {
          service.metrics.events.inc({ event, outcome: "error" });
          throw e;
        }
      });

    const target = (context: Context, pr: PrRef): PullRequestTarget => ({
      repo: context.repo() as RepoRef,
      number: pr.number,
      baseRef: pr.base.ref,
      headSha: pr.head?.sha,
      installation: installationOf(context),
      deliveryId: context.id,
    });

    on(
      [
        "pull_request.opened",
        "pull_request.reopened",
        "pull_request.synchronize",
        "pull_request.ready_for_review",
        "pull_request.edited",
        "pull_request.labeled",
        "pull_request.unlabeled",
        "pull_request.converted_to_draft",
        "pull_request_review.submitted",
        "pull_request_review.edited",
        "pull_request_review.dismissed",
      ],
      async (context) => {
        const pr = (context.payload as { pull_request: PrRef & { state?: string } }).pull_request;
        if (pr.state === "closed") return;
        await service.evaluateAndPost(apiOf(context), target(context, pr));
      },
    );

    on("pull_request.closed", async (context) => {
      const pr = context.payload.pull_request;
      if (!pr.merged) return;
      const t = target(context, pr);
      const key = `${t.repo.owner}/${t.repo.repo}#${t.number}`.toLowerCase();
      const merger = service.mergedFor.get(key) ?? pr.merged_by?.login;
      if (!merger) return;
      // Judged by the policy the change was merged under: the one at the base it was compared to.
      let j: Judgement;
      try {
        j = await service.judge(apiOf(context), { ...t, mergedBy: merger, policyRevision: pr.base.sha });
      } catch (e) {
        j = failedJudgement("rolegate could not judge this merge", e, pr.head.sha);
      }
      const rules = [
        ...(j.result?.violations ?? []).map((v) => `${v.user} may not ${v.action} \`${v.path}\`: ${v.reason}`),
        ...(j.result?.requirements ?? [])
          .filter((r) => !r.satisfied)
          .map((r) => `requirement not met at merge: ${r.name} (${r.approvals.have}/${r.approvals.need} approvals)`),
        ...(j.result?.blocking ?? []).map((b) => `merged despite a blocking review: ${b.reason}`),
        ...(j.result ? j.result.errors : j.conclusion === "failure" ? [j.title] : []),
      ];
      if (rules.length === 0 || j.conclusion === "neutral") return;
      await openViolationIssue(
        apiOf(context),
        t.repo,
        { kind: "merge", who: merger, what: `pull request #${t.number}`, rules, headSha: pr.head.sha, policySha: j.policySha, policyFile: j.policyFile },
        j.policy,
      );
    });

    // Re-runs and suites: re-judge every pull request the commit belongs to.
    const rejudgeCommit = async (context: Context, headSha: string, prs: PrRef[]) => {
      let list = prs;
      if (list.length === 0) {
        // GitHub leaves this empty for pull requests from forks: look them up by commit.
        const repo = context.repo();
        const res = await apiOf(context).request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { ...repo, commit_sha: headSha });
        list = (res.data as (PrRef & { state: string })[]).filter((p) => p.state === "open");
      }
      await Promise.all(list.map((pr) => service.evaluateAndPost(apiOf(context), target(context, { ...pr, head: { sha: headSha } }))));
    };
    on("check_run.rerequested", async (context) => {
      const run = context.payload.check_run;
      if (run.name !== "rolegate") return;
      await rejudgeCommit(context, run.head_sha, run.pull_requests as PrRef[]);
    });
    on(["check_suite.requested", "check_suite.rerequested"], async (context) => {
      const suite = context.payload.check_suite;
      await rejudgeCommit(context, suite.head_sha, suite.pull_requests as PrRef[]);
    });

    on("merge_group.checks_requested", async (context) => {
      const group = context.payload.merge_group;
      const repo = context.repo() as RepoRef;
      const numbers = [...group.head_ref.matchAll(/pr-(\d+)-/g)].map((m) => Number(m[1]));
      let j: Judgement;
      if (numbers.length === 0) {
        j = failedJudgement(`cannot tell which pull requests are in merge group ${group.head_ref}`, undefined, group.head_sha);
      } else {
        const verdicts: { number: number; conclusion: string; title: string }[] = [];
        for (const number of numbers) {
          try {
            const one = await service.judge(apiOf(context), {
              repo,
              number,
              baseRef: group.base_ref.replace(/^refs\/heads\//, ""),
              installation: installationOf(context),
            });
            verdicts.push({ number, conclusion: one.conclusion, title: one.title });
          } catch (e) {
            verdicts.push({ number, conclusion: "failure", title: failedJudgement("could not judge", e).summary.split("\n")[2] ?? "could not judge" });
          }
        }
        const ok = verdicts.every((v) => v.conclusion === "success" || v.conclusion === "neutral");
        const table = verdicts.map((v) => `| #${v.number} | \`${v.conclusion}\` | ${v.title.replace(/\|/g, "\\|")} |`).join("\n");
        j = {
          headSha: group.head_sha,
          conclusion: ok ? (verdicts.every((v) => v.conclusion === "neutral") ? "neutral" : "success") : "failure",
          title: ok ? `All ${verdicts.length} pull requests in the merge group pass` : "A pull request in the merge group does not pass",
          summary: `## rolegate: merge group\n\n| Pull request | Conclusion | Why |\n|---|---|---|\n${table}\n`,
        };
      }
      await postCheckRun(apiOf(context), repo, j);
    });

    on("push", async (context) => {
      const payload = context.payload;
      if (!payload.ref.startsWith("refs/heads/") || payload.deleted) return;
      const branch = payload.ref.slice("refs/heads/".length);
      const repo = context.repo() as RepoRef;
      const api = apiOf(context);
      const touched = new Set<string>();
      for (const c of payload.commits) for (const p of [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]) touched.add(p);
      if ([...touched].some((p) => POLICY_FILES.includes(p))) {
        const res = await api.request("GET /repos/{owner}/{repo}/pulls", { ...repo, state: "open", base: branch, per_page: MAX_REEVALUATED });
        for (const pr of res.data as PrRef[]) await service.evaluateAndPost(api, target(context, pr));
      }
      if (branch === payload.repository.default_branch && touched.size > 0) await checkDirectPush(context, api, repo, branch, [...touched]);
    });

    on("issue_comment.created", async (context) => {
      const { issue, comment } = context.payload;
      if (!issue.pull_request || !comment.user || comment.user.type === "Bot") return;
      const command = parseCommand(comment.body);
      if (!command) return;
      const api = apiOf(context);
      const repo = context.repo() as RepoRef;
      const pr = await api.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: issue.number });
      await runCommand(service, api, target(context, pr.data as PrRef), comment.user.login, command, mergeMethod);
    });

    // A check run or commit status named `rolegate` that this app did not post would satisfy a
    // required check that is not pinned to the app: report it where it can be seen.
    const reportForgery = async (context: Context, who: string, sha: string, what: string) => {
      const repo = context.repo() as RepoRef;
      await openViolationIssue(
        apiOf(context),
        repo,
        {
          kind: "forgery",
          who,
          what,
          rules: [`${what} named "rolegate" was posted by ${who}, not by the rolegate app; pin the required check to the rolegate app (docs/app.md)`],
          headSha: sha,
        },
        undefined,
      );
    };
    on(["check_run.created", "check_run.completed"], async (context) => {
      const run = context.payload.check_run;
      if (run.name !== "rolegate" || options.appId === undefined || run.app?.id === options.appId) return;
      if (context.payload.action === "completed" && run.app?.id !== undefined) return; // reported once, on creation
      await reportForgery(context, run.app?.slug ?? `app ${run.app?.id}`, run.head_sha, "a check run");
    });
    on("status", async (context) => {
      const payload = context.payload;
      if (payload.context !== "rolegate") return;
      await reportForgery(context, payload.sender?.login ?? "unknown", payload.sha, "a commit status");
    });

    // GET /healthz and /metrics, when running under Probot's server (not when loaded bare in tests).
    try {
      appOptions?.addHandler?.(httpHandler(app, service, options.redis ?? false));
    } catch (e) {
      if ((e as Error).message !== "No server instance") throw e;
    }

    /** A push to the default branch not made through a merged pull request, changing files the policy guards. */
    async function checkDirectPush(context: Context<"push">, api: GitHubApi, repo: RepoRef, branch: string, paths: string[]) {
      const payload = context.payload;
      const pusher = payload.sender?.login ?? payload.pusher.name;
      const pulls = await api.request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { ...repo, commit_sha: payload.after });
      if ((pulls.data as { merged_at: string | null }[]).some((p) => p.merged_at)) return;
      const branchInfo = await api.request("GET /repos/{owner}/{repo}/branches/{branch}", { ...repo, branch });
      if (!(branchInfo.data as { protected: boolean }).protected) return;
      // The policy before the push is the one the push had to respect.
      const blob =
        (await fetchBlob(api, repo, `${payload.before}:.github/rolegate.yml`)) ?? (await fetchBlob(api, repo, `${payload.before}:.github/rolegate.yaml`));
      if (!blob) return;
      const now = service.now();
      const loaded = await service.policies.load(api, repo, { file: blob.path, text: blob.text, sha: blob.oid }, payload.before, now);
      const policy = loaded.policy;
      if (!policy) return;
      const teams = await service.directory.resolveTeams(api, installationOf(context), policy.teams);
      const classifier = classifierFor(policy);
      const ctx = { policy, targetBranch: branch, labels: new Set<string>(), draft: false, now, author: pusher, teams };
      const memberships = membershipsOf(pusher, ctx);
      const rules: string[] = [];
      for (const path of paths) {
        const file = { ...classifier.classifyPath(path, classifier.branchEnvironments(branch)), status: "modified" as const };
        const d = decide(heldRoles(memberships, file, policy), "merge", file, ctx);
        const guarded = policy.requirements.length > 0 && !file.categories.every((c) => c === "other");
        if (!d.allowed) rules.push(`${pusher} may not merge \`${path}\`: ${d.reasons.filter((r) => !r.startsWith("holds ")).join("; ")}`);
        else if (guarded) rules.push(`\`${path}\` (${file.categories.join(", ")}) changed without the review a pull request would need`);
      }
      if (rules.length === 0) return;
      await openViolationIssue(
        api,
        repo,
        {
          kind: "push",
          who: pusher,
          what: `a push of ${paths.length} file${paths.length === 1 ? "" : "s"} to ${branch}`,
          rules,
          headSha: payload.after,
          policySha: blob.oid,
          policyFile: blob.path,
        },
        policy,
      );
    }
  };
}

export default rolegateApp();
