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
    const j = await service.judge(api, t);
    await reply(api, t, `${j.summary}\n\n_Evaluated for @${commenter} on request._`);
    return;
  }
  // merge: judged with the commenter as the merger, so a merge permission problem is a violation.
  // Fresh: a membership removed a minute ago must not merge on a cached success.
  const asMerger = await service.judge(api, { ...t, mergedBy: commenter, fresh: true });
  if (asMerger.conclusion !== "success" || !asMerger.headSha) {
    const merge = asMerger.result?.violations.filter((v) => v.action === "merge") ?? [];
    const why =
      merge.length > 0
        ? `you may not merge this pull request:\n\n${merge
            .slice(0, 10)
            .map((v) => `- \`${v.path}\`: ${v.reason}`)
            .join("\n")}`
        : `rolegate will not merge: the check is \`${asMerger.conclusion}\` (${asMerger.title}).`;
    // Show the current state, as judged for everyone (not only for this merger).
    await service.evaluateAndPost(api, t);
    await reply(api, t, `@${commenter} ${why}`);
    return;
  }
  const j = asMerger;
  const method = command.method ?? defaultMethod;
  try {
    service.mergedFor.set(`${t.repo.owner}/${t.repo.repo}#${t.number}`.toLowerCase(), commenter);
    await api.request("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", {
      owner: t.repo.owner,
      repo: t.repo.repo,
      pull_number: t.number,
      sha: j.headSha,
      merge_method: method,
    });
  } catch (e) {
    service.mergedFor.delete(`${t.repo.owner}/${t.repo.repo}#${t.number}`.toLowerCase());
    const message = (e as { response?: { data?: { message?: string } }; message?: string }).response?.data?.message ?? (e as Error).message;
    await reply(api, t, `@${commenter} GitHub refused the merge: ${message}`);
    return;
  }
  await reply(api, t, `Merged by rolegate for @${commenter} (${method}), at ${j.headSha}.`);
}
