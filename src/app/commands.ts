import { mergeCommandDecision } from "../core/merge-decision.js";
import { verdictMarkdown } from "../core/render/check.js";
import type { GitHubApi } from "../github/api.js";
import { runBreakGlass } from "./break-glass.js";
import { armMerge, mergeFor } from "./merge-when-ready.js";
import { reply } from "./reply.js";
import type { PullRequestTarget, RolegateService } from "./service.js";

export type MergeMethod = "merge" | "squash" | "rebase";

export type Command =
  | { name: "merge"; method?: MergeMethod }
  | { name: "explain" }
  | { name: "recheck" }
  /** The reason is the rest of the comment after `break-glass`, trimmed (empty when none was given). */
  | { name: "break-glass"; reason: string };

const BREAK_GLASS = /^[ \t]*\/rolegate[ \t]+break-glass(?=\s|$)/i;
const SIMPLE = /^\s*\/rolegate\s+(merge|explain|recheck)(?:\s+(merge|squash|rebase))?\s*$/i;

/**
 * `/rolegate merge [merge|squash|rebase]`, `/rolegate explain`, `/rolegate recheck` on a line of
 * their own; `/rolegate break-glass REASON` at the start of a line, its reason the rest of the
 * comment. The first command line counts.
 */
export function parseCommand(body: string): Command | undefined {
  const lines = body.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const glass = BREAK_GLASS.exec(line);
    if (glass) return { name: "break-glass", reason: [line.slice(glass[0].length), ...lines.slice(i + 1)].join("\n").trim() };
    const m = SIMPLE.exec(line);
    if (!m) continue;
    if (m[1] === "merge") return { name: "merge", method: m[2]?.toLowerCase() as MergeMethod | undefined };
    return { name: m[1]!.toLowerCase() as "explain" | "recheck" };
  }
  return undefined;
}

/** The comment a command came in, as the webhook says: only who, when and which are trusted from it. */
export interface CommandComment {
  by: string;
  id: number;
  createdAt: Date;
  pullRequestUrl?: string;
}

/**
 * Runs a command. `merge` re-judges the pull request against its current state first
 * (memberships, time windows and teams may have changed since the last check), with the
 * commenter as the merger: a clean success merges now (or enqueues, where the base branch has
 * a merge queue), a pull request not yet `success` arms the merge, and anyone not allowed to
 * merge is refused.
 */
export async function runCommand(
  service: RolegateService,
  api: GitHubApi,
  t: PullRequestTarget,
  comment: CommandComment,
  command: Command,
  defaultMethod: MergeMethod,
): Promise<void> {
  const commenter = comment.by;
  if (command.name === "recheck") {
    await service.evaluateAndPost(api, t);
    return;
  }
  if (command.name === "explain") {
    const j = await service.judgeOrFail(api, t);
    await reply(api, t, `${verdictMarkdown(j.verdict)}\n\n_Evaluated for @${commenter} on request._`);
    return;
  }
  if (command.name === "break-glass") {
    await runBreakGlass(service, api, t, {
      request: { by: commenter, reason: command.reason, at: comment.createdAt },
      commentId: comment.id,
      pullRequestUrl: comment.pullRequestUrl,
    });
    return;
  }
  // merge: judged with the commenter as the merger, so a merge the policy enforces is checked;
  // fresh, so a membership or permission removed a minute ago must not merge on a cached success.
  const asMerger = await service.judgeOrFail(api, { ...t, mergedBy: commenter, fresh: true });
  const canWrite = await service.directory.hasWriteAccess(api, t.repo, commenter, true);
  const decision = mergeCommandDecision(asMerger.verdict, { login: commenter, canWrite });
  const method = command.method ?? defaultMethod;
  if (decision.action === "refuse") {
    // Show the current state, as judged for everyone (not only for this merger).
    await service.evaluateAndPost(api, t);
    await reply(api, t, `@${commenter} ${decision.why}`);
    return;
  }
  if (decision.action === "arm") {
    await armMerge(service, api, t, commenter, { headSha: decision.headSha, method, why: decision.why });
    // The check as judged for everyone; should it already be `success`, the armed merge acts on it.
    await service.evaluateAndPost(api, t);
    return;
  }
  await mergeFor(service, api, t, commenter, {
    number: t.number,
    baseRef: asMerger.verdict.targetBranch ?? t.baseRef,
    headSha: decision.headSha,
    method,
  });
}
