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

/** A `/rolegate merge` waiting for the check to reach `success`: who asked, on which head, how. */
export interface ArmedMerge {
  /** Names this arming, so that it is merged or disarmed once. */
  id: string;
  by: string;
  headSha: string;
  method: "merge" | "squash" | "rebase";
  /** ISO 8601: when it was armed. */
  at: string;
}

/** What `/rolegate merge` does now. */
export type MergeCommandDecision = { action: "merge"; headSha: string } | { action: "arm"; headSha: string; why: string } | { action: "refuse"; why: string };

/**
 * `/rolegate merge`, judged with the commenter as the merger and their write access read fresh.
 * A person who may not merge is refused (no write access, or the policy's `merge` refuses them);
 * a clean `success` merges now; a pull request that is not yet `success` arms the merge, pinned
 * to the head commit judged. There is nothing to arm without a policy (`neutral`: rolegate does
 * not merge where nothing is enforced) or without a known head commit.
 */
export function mergeCommandDecision(verdict: Verdict, merger: { login: string; canWrite: boolean }): MergeCommandDecision {
  const now = mergeDecision(verdict, merger);
  if (now.merge) return { action: "merge", headSha: now.headSha };
  const mayNotMerge = !merger.canWrite || (verdict.result?.violations.some((v) => v.action === "merge") ?? false);
  if (mayNotMerge) return { action: "refuse", why: now.why };
  if (verdict.conclusion === "neutral" || !verdict.headSha) return { action: "refuse", why: now.why };
  return {
    action: "arm",
    headSha: verdict.headSha,
    why: `the check is \`${verdict.conclusion}\` (${verdict.title}); rolegate merges once it reaches \`success\` at head commit ${verdict.headSha}`,
  };
}

/** What an armed merge does after a re-judgement of its pull request. */
export type ArmedMergeStep =
  | { action: "wait" }
  /** Judge again with the armer as the merger, fresh, and decide with `armedMergeDecision`. */
  | { action: "judge-as-merger" }
  | { action: "disarm"; why: string };

/**
 * A re-judgement of an armed pull request (as judged for everyone): a new head disarms it; a
 * `success` at the armed head asks for the armer's own judgement; anything else waits.
 */
export function armedMergeStep(armed: ArmedMerge, verdict: Verdict): ArmedMergeStep {
  if (verdict.headSha && verdict.headSha !== armed.headSha)
    return { action: "disarm", why: `a new head commit (${verdict.headSha}) was pushed after the merge was armed at ${armed.headSha}` };
  if (verdict.conclusion === "success" && verdict.headSha === armed.headSha) return { action: "judge-as-merger" };
  return { action: "wait" };
}

/** What an armed merge does once its head reached `success`. */
export type ArmedMergeDecision = { action: "merge"; headSha: string } | { action: "wait"; why: string } | { action: "disarm"; why: string };

/**
 * The armed merge at the moment its head reached `success`, judged again with the armer as the
 * merger and their write access read fresh: merge (pinned to the armed head) when they are
 * still allowed and the verdict is a clean `success`; disarm when they lost the right to merge
 * (write access, or the policy's `merge`) or the head moved; wait otherwise.
 */
export function armedMergeDecision(armed: ArmedMerge, asMerger: Verdict, canWrite: boolean): ArmedMergeDecision {
  if (asMerger.headSha && asMerger.headSha !== armed.headSha)
    return { action: "disarm", why: `a new head commit (${asMerger.headSha}) was pushed after the merge was armed at ${armed.headSha}` };
  const decision = mergeDecision(asMerger, { login: armed.by, canWrite });
  if (decision.merge) return { action: "merge", headSha: decision.headSha };
  const lostRight = !canWrite || (asMerger.result?.violations.some((v) => v.action === "merge") ?? false);
  if (lostRight) return { action: "disarm", why: decision.why };
  return { action: "wait", why: decision.why };
}
