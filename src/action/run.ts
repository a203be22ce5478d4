import * as core from "@actions/core";
import { Octokit } from "@octokit/rest";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { verdictMarkdown } from "../core/render/check.js";
import { verdictJson } from "../core/render/result.js";
import { combineVerdicts, failedVerdict, type Verdict } from "../core/verdict.js";
import { statusOf, type GitHubApi, type RepoRef } from "../github/api.js";
import { postCheckRun } from "../github/checks.js";
import { Directory } from "../github/directory.js";
import { failedJudgement, judgePullRequest } from "../github/judge.js";
import { ORG_POLICY_FILE, ORG_POLICY_REPO } from "../core/names.js";
import { PolicyLoader, type BaselineMode } from "../github/policy.js";
import { openPullRequestsOfCommit } from "../github/listing.js";
import { mergeGroupOf, pullRequestsInMergeGroup } from "../github/merge-queue.js";
import { resilient } from "../github/resilient.js";

const SUPPORTED = ["pull_request", "pull_request_target", "pull_request_review", "merge_group", "workflow_run"];

/** What a refused team read means in a workflow: the token that read it. */
const MEMBERS_HINT =
  "the token that reads organisation membership cannot see this team: pass a token with organisation Members: read as the `members-token` input (the workflow's GITHUB_TOKEN never can)";

/** GitHub's answer when a personal (or OAuth) token calls the Checks API. */
function notAnAppToken(e: unknown): boolean {
  const message = (e as { response?: { data?: { message?: string } }; message?: string }).response?.data?.message ?? (e as Error).message ?? "";
  return statusOf(e) === 403 && /must authenticate via a GitHub App/i.test(message);
}

interface Inputs {
  /** Reads the pull request and posts the check: the workflow's GITHUB_TOKEN (the Checks API takes only GitHub App tokens). */
  token: string;
  /** Reads organisation membership for team roles (GITHUB_TOKEN never can); default: `token`. */
  membersToken?: string;
  /** Whose team members the check may name: nobody's (default) or those of visible teams, never secret ones. */
  teamRosters: "none" | "visible";
  /** Undefined: the default names (`.github/rolegate.yml` or `.yaml`), then the organisation default, as the App reads them. */
  policyPath?: string;
  postCheck: boolean;
  failOn: "action_required" | "failure";
  /** Whether the organisation baseline must be readable (see `BaselineMode`). */
  baseline: BaselineMode;
}

function readInputs(): Inputs {
  const failOn = core.getInput("fail-on") || "action_required";
  if (failOn !== "action_required" && failOn !== "failure") throw new Error(`input fail-on must be action_required or failure, not "${failOn}"`);
  const postCheck = (core.getInput("post-check") || "true").toLowerCase();
  if (postCheck !== "true" && postCheck !== "false") throw new Error(`input post-check must be true or false, not "${postCheck}"`);
  const token = core.getInput("token");
  if (!token) throw new Error("input token is empty: pass ${{ github.token }} (it posts the check; team roles need members-token too)");
  const membersToken = core.getInput("members-token") || undefined;
  const teamRosters = core.getInput("show-team-members") || "none";
  if (teamRosters !== "none" && teamRosters !== "visible") throw new Error(`input show-team-members must be none or visible, not "${teamRosters}"`);
  const policyPath = core.getInput("policy-path").trim().replace(/^\/+/, "") || undefined;
  const baseline = (core.getInput("baseline") || "auto").trim().toLowerCase();
  if (baseline !== "auto" && baseline !== "required") throw new Error(`input baseline must be auto or required, not "${baseline}"`);
  return { token, membersToken, teamRosters, policyPath, postCheck: postCheck === "true", failOn, baseline };
}

/** Which pull requests an event is about; a merge group's are read from its merge queue. */
async function pullRequestsOf(
  api: GitHubApi,
  repo: RepoRef,
  event: string,
  payload: any,
): Promise<{ number: number; baseRef: string; headSha?: string }[] | { problem: string }> {
  if (event === "merge_group") {
    const group = mergeGroupOf(payload.merge_group);
    const numbers = await pullRequestsInMergeGroup(api, repo, group);
    return Array.isArray(numbers) ? numbers.map((number) => ({ number, baseRef: group.baseRef })) : numbers;
  }
  if (event === "workflow_run") return pullRequestsOfRun(api, repo, payload.workflow_run);
  const pr = payload.pull_request;
  return [{ number: pr.number, baseRef: pr.base.ref, headSha: pr.head?.sha }];
}

/**
 * The pull request a finished workflow run was about (the review signal of docs/action.md):
 * the run's own list, or, for a fork (GitHub lists none then), the open pull request whose head
 * is the run's commit. Only what GitHub says about the run is used, never the run's output.
 */
async function pullRequestsOfRun(
  api: GitHubApi,
  repo: RepoRef,
  run: any,
): Promise<{ number: number; baseRef: string; headSha?: string }[] | { problem: string }> {
  const listed = (run?.pull_requests ?? []) as { number: number; base: { ref: string }; head: { sha: string } }[];
  if (listed.length > 0) return listed.map((p) => ({ number: p.number, baseRef: p.base.ref, headSha: p.head.sha }));
  const open = (await openPullRequestsOfCommit(api, repo, String(run?.head_sha ?? ""))).filter((p) => p.head.sha === run?.head_sha);
  if (open.length === 0) return { problem: `no open pull request has the workflow run's commit ${String(run?.head_sha)} as its head` };
  return open.map((p) => ({ number: p.number, baseRef: p.base.ref, headSha: p.head.sha }));
}

/**
 * Says so when no organisation baseline could be seen (`baseline: auto`): GitHub answers "not
 * found" alike for a missing `.github` repository and one this token cannot read, so rolegate
 * judged without a baseline that may exist. Cached: no second read.
 */
async function unseenBaseline(api: GitHubApi, policies: PolicyLoader, repo: RepoRef, mode: BaselineMode): Promise<string | undefined> {
  if (mode !== "auto" || repo.repo.toLowerCase() === ORG_POLICY_REPO) return undefined;
  const org = await policies.organisationDefault(api, repo.owner).catch(() => undefined);
  if (!org || "unreadable" in org || org.text) return undefined;
  return `No organisation baseline was found at ${repo.owner}/${ORG_POLICY_REPO}:${ORG_POLICY_FILE}: there is none, or this token cannot read that repository, so none was applied. Set the input \`baseline: required\` to fail instead when one is expected.`;
}

/**
 * The Action: the same judgement as the app, for teams that add a workflow instead.
 * It reads only the API (the policy from the base branch's tip), never the checked-out
 * pull request, so a pull request cannot edit its own gate.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let inputs: Inputs;
  try {
    inputs = readInputs();
  } catch (e) {
    core.setFailed((e as Error).message);
    return;
  }
  const event = env.GITHUB_EVENT_NAME ?? "";
  if (!SUPPORTED.includes(event)) {
    const refused = failedVerdict(`rolegate runs on ${SUPPORTED.join(", ")} events, not "${event}"`);
    core.setOutput("conclusion", refused.conclusion);
    core.setFailed(refused.errors[0]!);
    return;
  }
  const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH ?? "", "utf8"));
  const [owner, name] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const repo: RepoRef = { owner: owner!, repo: name! };
  const client = (auth: string) =>
    resilient(new Octokit({ auth, baseUrl: env.GITHUB_API_URL ?? "https://api.github.com", userAgent: "rolegate-action" }) as unknown as GitHubApi);
  const api = client(inputs.token);
  const policies = new PolicyLoader(new URL("../policies/", import.meta.url).pathname, undefined, inputs.baseline);
  const deps = {
    directory: new Directory(undefined, undefined, MEMBERS_HINT),
    policies,
    now: () => new Date(),
    teamRosters: inputs.teamRosters,
    ...(inputs.membersToken ? { membersApi: client(inputs.membersToken) } : {}),
  };

  const verdicts: { number: number; verdict: Verdict }[] = [];
  const targets = await pullRequestsOf(api, repo, event, payload);
  for (const pr of Array.isArray(targets) ? targets : []) {
    try {
      verdicts.push({
        number: pr.number,
        verdict: (
          await judgePullRequest(api, deps, { repo, number: pr.number, baseRef: pr.baseRef, installation: "action" }, { policyPath: inputs.policyPath })
        ).verdict,
      });
    } catch (e) {
      verdicts.push({ number: pr.number, verdict: failedJudgement(`rolegate could not read pull request #${pr.number}`, e, pr.headSha).verdict });
    }
  }
  const problem = Array.isArray(targets) ? undefined : targets.problem;
  const v =
    event === "merge_group"
      ? combineVerdicts(verdicts, payload.merge_group.head_sha as string, problem)
      : (verdicts[0]?.verdict ?? failedVerdict(problem ?? "no pull request in the event"));
  const unseen = await unseenBaseline(api, policies, repo, inputs.baseline);
  if (unseen) {
    v.notes.push(unseen);
    core.notice(unseen);
  }

  for (const d of [...v.diagnostics, ...(v.policyChange?.findings ?? [])]) {
    const props = { file: d.file, startLine: d.line, startColumn: d.col, title: "rolegate policy" };
    if (d.severity === "error") core.error(d.message, props);
    else core.warning(d.message, props);
  }
  await core.summary.addRaw(verdictMarkdown(v), true).write();
  const reportDir = env.RUNNER_TEMP ?? ".";
  mkdirSync(reportDir, { recursive: true });
  const reportPath = join(reportDir, "rolegate-report.json");
  writeFileSync(reportPath, JSON.stringify(verdictJson(v), null, 2));
  const unmet = v.result?.requirements.filter((r) => !r.satisfied) ?? [];
  core.setOutput("conclusion", v.conclusion);
  core.setOutput("required-roles", [...new Set(unmet.flatMap((r) => r.roles ?? []))].join(","));
  core.setOutput("missing-approvals", String(unmet.reduce((n, r) => n + Math.max(0, r.approvals.need - r.approvals.have), 0)));
  core.setOutput("report", reportPath);

  if (inputs.postCheck && v.headSha) {
    try {
      await postCheckRun(api, repo, v);
    } catch (e) {
      const status = statusOf(e);
      if (notAnAppToken(e)) {
        // The real cause, not a guess: the Checks API takes only GitHub App tokens.
        core.setFailed(
          "rolegate could not post its check run: the `token` input is not a GitHub App token, and GitHub's Checks API accepts only those (the workflow's GITHUB_TOKEN is one). Pass ${{ github.token }} as `token`, and the personal token that reads organisation members as `members-token`.",
        );
        return;
      }
      if (status === 403 || status === 404) {
        core.warning(
          `rolegate could not post its check run (HTTP ${status}): the token cannot write checks (the workflow needs \`permissions: checks: write\`, which a pull request from a fork never gets). The verdict is in this job's summary and outcome (see docs/action.md).`,
        );
      } else throw e;
    }
  }
  const fails = v.conclusion === "failure" || (inputs.failOn === "action_required" && v.conclusion === "action_required");
  if (fails) core.setFailed(`rolegate: ${v.conclusion}: ${v.title}`);
  else core.info(`rolegate: ${v.conclusion}: ${v.title}`);
}
