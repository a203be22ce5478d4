import type { Context } from "probot";
import { brokenRules, judgePush } from "../../core/after-the-fact.js";
import { ORG_POLICY_REPO, POLICY_DEFINING_FILES } from "../../core/names.js";
import { emptyTeams } from "../../core/state.js";
import type { GitHubApi, RepoRef } from "../../github/api.js";
import { policyBlobsAt } from "../../github/pull-request.js";
import { rejudgeOpen, repositoriesOf } from "../rejudge.js";
import { openViolationIssue } from "../violations.js";
import type { HandlerContext } from "./context.js";
import { installationOf } from "./context.js";
import { plural } from "../../core/words.js";

/** Files that can be policy files: what `extends` may name is read as YAML (JSON is YAML too). */
const MAYBE_POLICY = /\.(ya?ml|json)$/i;

/**
 * A push. A change to what defines a branch's policy (the policy, its tests, an in-repository
 * parent) re-judges every open pull request into that branch; a change to the organisation's
 * `.github` repository re-judges every open pull request of the installation; a direct push to
 * the default branch is judged after the fact.
 */
export function onPush(h: HandlerContext): void {
  h.on("push", async (context) => {
    const payload = context.payload;
    if (!payload.ref.startsWith("refs/heads/") || payload.deleted) return;
    const branch = payload.ref.slice("refs/heads/".length);
    const repo = context.repo() as RepoRef;
    const api = h.apiOf(context);
    const installation = installationOf(context);
    const touched = new Set<string>();
    for (const c of payload.commits) for (const p of [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]) touched.add(p);
    const isDefault = branch === payload.repository.default_branch;
    if (repo.repo.toLowerCase() === ORG_POLICY_REPO && isDefault) {
      await h.service.forgetOrgPolicy(repo.owner);
      await rejudgeOpen(
        h.service,
        api,
        installation,
        repositoriesOf(api, async (r) => r.repo.toLowerCase() !== ORG_POLICY_REPO),
      );
    } else if (await definesPolicy(h, api, repo, payload.after, [...touched])) {
      await rejudgeOpen(h.service, api, installation, [repo], branch);
    }
    if (isDefault && touched.size > 0) await judgeDirectPush(h, context, api, repo, branch, [...touched]);
  });
}

/** Did the push touch a file that defines the policy after it (the default names, the tests file, an in-repository parent)? */
async function definesPolicy(h: HandlerContext, api: GitHubApi, repo: RepoRef, after: string, touched: string[]): Promise<boolean> {
  if (touched.some((p) => (POLICY_DEFINING_FILES as readonly string[]).includes(p))) return true;
  const candidates = touched.filter((p) => MAYBE_POLICY.test(p));
  if (candidates.length === 0) return false;
  const base = await h.service.policies.basePolicy(api, repo, await policyBlobsAt(api, repo, after), after, h.service.now());
  const paths = base.kind === "loaded" ? (base.loaded.policy?.policyPaths ?? []) : [];
  return candidates.some((p) => paths.includes(p));
}

/** A push to the default branch not made through a merged pull request, judged by the policy from before it. */
async function judgeDirectPush(h: HandlerContext, context: Context<"push">, api: GitHubApi, repo: RepoRef, branch: string, paths: string[]): Promise<void> {
  const payload = context.payload;
  const pusher = payload.sender?.login ?? payload.pusher.name;
  const pulls = await api.request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { ...repo, commit_sha: payload.after });
  if ((pulls.data as { merged_at: string | null }[]).some((p) => p.merged_at)) return;
  const branchInfo = await api.request("GET /repos/{owner}/{repo}/branches/{branch}", { ...repo, branch });
  if (!(branchInfo.data as { protected: boolean }).protected) return;
  const now = h.service.now();
  const base = await h.service.policies.basePolicy(api, repo, await policyBlobsAt(api, repo, payload.before), payload.before, now);
  const policy = base.kind === "loaded" ? base.loaded.policy : undefined;
  const teams = policy ? await h.service.directory.resolveTeams(api, installationOf(context), policy.teams) : emptyTeams();
  const verdict = judgePush(base, { paths, pusher, branch, headSha: payload.after, now, teams });
  const rules = brokenRules(verdict);
  if (rules.length === 0) return;
  await openViolationIssue(
    api,
    repo,
    {
      kind: "push",
      who: pusher,
      what: `a push of ${plural(paths.length, "file")} to ${branch}`,
      rules,
      headSha: payload.after,
      policySha: verdict.source?.sha,
      policyFile: verdict.source?.file,
    },
    verdict.policy,
  );
}
