import type { Verdict } from "./verdict.js";

export type MergeDecision = { merge: true; headSha: string } | { merge: false; why: string };

/**
 * May rolegate merge for this person now? Only a person with write access to the repository
 * (read fresh by the caller), on a verdict judged with them as the merger (so a `merge` the
 * policy enforces is checked), that is a clean `success` on a known head commit. The merge is
 * pinned to that commit.
 */
export function mergeDecision(verdict: Verdict, merger: { login: string; canWrite: boolean }): MergeDecision {
  if (!merger.canWrite) return { merge: false, why: "you have no write access to this repository, so rolegate will not merge for you." };
  const refusals = verdict.result?.violations.filter((v) => v.action === "merge") ?? [];
  if (refusals.length > 0) {
    const list = refusals
      .slice(0, 10)
      .map((v) => `- \`${v.path}\`: ${v.reason}`)
      .join("\n");
    return { merge: false, why: `you may not merge this pull request:\n\n${list}` };
  }
  if (verdict.conclusion !== "success" || !verdict.headSha)
    return { merge: false, why: `rolegate will not merge: the check is \`${verdict.conclusion}\` (${verdict.title}).` };
  return { merge: true, headSha: verdict.headSha };
}
