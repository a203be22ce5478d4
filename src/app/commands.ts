import { mergeDecision } from "../core/merge-decision.js";
import { verdictMarkdown } from "../core/render/check.js";
import type { GitHubApi } from "../github/api.js";
import type { PullRequestTarget, RolegateService } from "./service.js";

export type Command = { name: "merge"; method?: "merge" | "squash" | "rebase" } | { name: "explain" } | { name: "recheck" };

/** `/rolegate merge [merge|squash|rebase]`, `/rolegate explain`, `/rolegate recheck`, on a line of its own. */
export function parseCommand(body: string): Command | undefined {
  const m = /^\s*\/rolegate\s+(merge|explain|recheck)(?:\s+(merge|squash|rebase))?\s*$/im.exec(body);
  if (!m) return undefined;
  if (m[1] === "merge") return { name: "merge", method: m[2] as "merge" | "squash" | "rebase" | undefined };
  return { name: m[1] as "explain" | "recheck" };
}

async function reply(api: GitHubApi, t: PullRequestTarget, body: string): Promise<void> {
  await api.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: t.repo.owner, repo: t.repo.repo, issue_number: t.number, body });
}

/**
 * Runs a command. `merge` re-judges the pull request against its current state first
 * (memberships, time windows and teams may have changed since the last check), with the
 * commenter as the merger, and merges only on a clean success at the judged head commit.
 */
export async function runCommand(
  service: RolegateService,
  api: GitHubApi,
  t: PullRequestTarget,
  commenter: string,
  command: Command,
  defaultMethod: "merge" | "squash" | "rebase",
): Promise<void> {
  if (command.name === "recheck") {
    await service.evaluateAndPost(api, t);
    return;
  }
  if (command.name === "explain") {
    const j = await service.judgeOrFail(api, t);
    await reply(api, t, `${verdictMarkdown(j.verdict)}\n\n_Evaluated for @${commenter} on request._`);
    return;
  }
  // merge: judged with the commenter as the merger, so a merge the policy enforces is checked;
  // fresh, so a membership or permission removed a minute ago must not merge on a cached success.
  const asMerger = await service.judgeOrFail(api, { ...t, mergedBy: commenter, fresh: true });
  const canWrite = await service.directory.hasWriteAccess(api, t.repo, commenter, true);
  const decision = mergeDecision(asMerger.verdict, { login: commenter, canWrite });
  if (!decision.merge) {
    // Show the current state, as judged for everyone (not only for this merger).
    await service.evaluateAndPost(api, t);
    await reply(api, t, `@${commenter} ${decision.why}`);
    return;
  }
  const method = command.method ?? defaultMethod;
  try {
    await service.rememberMerger(t, commenter);
    await api.request("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", {
      owner: t.repo.owner,
      repo: t.repo.repo,
      pull_number: t.number,
      sha: decision.headSha,
      merge_method: method,
    });
  } catch (e) {
    await service.rememberMerger(t, undefined);
    const message = (e as { response?: { data?: { message?: string } }; message?: string }).response?.data?.message ?? (e as Error).message;
    await reply(api, t, `@${commenter} GitHub refused the merge: ${message}`);
    return;
  }
  await reply(api, t, `Merged by rolegate for @${commenter} (${method}), at ${decision.headSha}.`);
}
