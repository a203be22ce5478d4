import { classifierFor } from "./classify.js";
import { decide, heldRoles, judgeContext, membershipsOf, unresolvedTeams } from "./permissions.js";
import { KNOWN_ACTIONS, type Policy } from "./policy/types.js";
import { reason, type Reason } from "./reasons.js";
import type { ChangeState } from "./state.js";

export interface Explanation {
  allowed: boolean;
  /** The reason chain, in the order a person reads it. */
  reasons: Reason[];
}

/** The context `explain` judges in: the change's context without its files and reviews. */
export type ExplainContext = Pick<ChangeState, "targetBranch" | "labels" | "draft" | "now" | "author" | "teams">;

/** Is this an action the policy knows (built in, or declared in `privileges:`)? */
export function isDeclaredAction(policy: Policy, action: string): boolean {
  return (KNOWN_ACTIONS as readonly string[]).includes(action) || policy.privileges.includes(action);
}

/**
 * May this user take this action on this path? The decision and its reason chain: where the
 * file sits, which roles the user holds and how, which grant allowed it or which deny beat it.
 * An unresolved team means membership cannot be known, so the answer is no.
 */
export function explainAction(policy: Policy, context: ExplainContext, user: string, action: string, path: string): Explanation {
  const unresolved = unresolvedTeams(policy, context.teams);
  if (unresolved.length > 0) {
    return {
      allowed: false,
      reasons: unresolved.map((u) => reason("unresolved", `team @${u.team} could not be resolved (${u.why}): not allowed, since membership cannot be known`)),
    };
  }
  const classifier = classifierFor(policy);
  const file = classifier.classifyPath(path, classifier.branchEnvironments(context.targetBranch));
  // When judging authorship, the user asking is the author unless the context names another.
  const ctx = judgeContext(policy, { ...context, author: context.author ?? (action === "author" ? user : undefined) });
  const d = decide(heldRoles(membershipsOf(user, ctx), file, policy), action, file, ctx);
  const where = reason(
    "file",
    `${path} is in ${file.categories.join(", ")} at level ${file.level}${file.environments.length ? ` (${file.environments.join(", ")})` : ""}`,
  );
  const holdsNone = d.reasons.some((r) => r.kind === "holds") ? [] : [reason("no-role", `${user} holds no role for this file`)];
  return { allowed: d.allowed, reasons: [where, ...holdsNone, ...d.reasons] };
}
