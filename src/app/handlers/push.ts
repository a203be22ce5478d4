import type { Context } from "probot";
import { brokenRules, judgePush } from "../../core/after-the-fact.js";
import { POLICY_FILES } from "../../core/names.js";
import type { GitHubApi, RepoRef } from "../../github/api.js";
import { fetchBlob, type PolicyBlob } from "../../github/pull-request.js";
import { openViolationIssue } from "../violations.js";
import type { HandlerContext, PrRef } from "./context.js";
import { installationOf, targetOf } from "./context.js";

/** Open pull requests re-judged when the policy on their base branch changes. */
const MAX_REEVALUATED = 100;

/** A push: a policy change re-judges open pull requests; a direct push to the default branch is judged after the fact. */
export function onPush(h: HandlerContext): void {
  h.on("push", async (context) => {
    const payload = context.payload;
    if (!payload.ref.startsWith("refs/heads/") || payload.deleted) return;
    const branch = payload.ref.slice("refs/heads/".length);
    const repo = context.repo() as RepoRef;
    const api = h.apiOf(context);
    const touched = new Set<string>();
    for (const c of payload.commits) for (const p of [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]) touched.add(p);
    if ([...touched].some((p) => (POLICY_FILES as readonly string[]).includes(p))) {
      const res = await api.request("GET /repos/{owner}/{repo}/pulls", { ...repo, state: "open", base: branch, per_page: MAX_REEVALUATED });
      for (const pr of res.data as PrRef[]) await h.service.evaluateAndPost(api, targetOf(context, pr));
    }
    if (branch === payload.repository.default_branch && touched.size > 0) await judgeDirectPush(h, context, api, repo, branch, [...touched]);
  });
}

/** A push to the default branch not made through a merged pull request, judged by the policy from before it. */
async function judgeDirectPush(h: HandlerContext, context: Context<"push">, api: GitHubApi, repo: RepoRef, branch: string, paths: string[]): Promise<void> {
  const payload = context.payload;
  const pusher = payload.sender?.login ?? payload.pusher.name;
  const pulls = await api.request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { ...repo, commit_sha: payload.after });
  if ((pulls.data as { merged_at: string | null }[]).some((p) => p.merged_at)) return;
  const branchInfo = await api.request("GET /repos/{owner}/{repo}/branches/{branch}", { ...repo, branch });
  if (!(branchInfo.data as { protected: boolean }).protected) return;
  const blobs: PolicyBlob[] = [];
  for (const name of POLICY_FILES) {
    const blob = await fetchBlob(api, repo, `${payload.before}:${name}`);
    if (blob) blobs.push(blob);
  }
  const now = h.service.now();
  const base = await h.service.policies.basePolicy(api, repo, blobs, payload.before, now);
  const policy = base.kind === "loaded" ? base.loaded.policy : undefined;
  const teams = policy ? await h.service.directory.resolveTeams(api, installationOf(context), policy.teams) : { members: new Map(), errors: new Map() };
  const verdict = judgePush(base, { paths, pusher, branch, headSha: payload.after, now, teams });
  const rules = brokenRules(verdict);
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
      policySha: verdict.source?.sha,
      policyFile: verdict.source?.file,
    },
    verdict.policy,
  );
}
