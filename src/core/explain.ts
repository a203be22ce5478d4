import { classifierFor, type ClassifiedFile } from "./classify.js";
import { decide, heldRoles, judgeContext, membershipsOf, unresolvedTeams, type Membership } from "./permissions.js";
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

/** Where a file sits, in the words of a reason chain. */
export function fileReason(file: ClassifiedFile): Reason {
  return reason(
    "file",
    `${file.path} is in ${file.categories.join(", ")} at level ${file.level}${file.environments.length ? ` (${file.environments.join(", ")})` : ""}`,
  );
}

/**
 * The decision for known memberships (a user's, a team's own entries, or none) on a classified
 * file: where it sits, the roles held and how (or `noRole` when none), then the grants and
 * denies that decided. `author` is the change's author conditions see.
 */
export function explainMemberships(
  policy: Policy,
  context: ExplainContext,
  memberships: readonly Membership[],
  action: string,
  file: ClassifiedFile,
  noRole: string,
): Explanation {
  const ctx = judgeContext(policy, context);
  const d = decide(heldRoles(memberships, file, policy), action, file, ctx);
  const holdsNone = d.reasons.some((r) => r.kind === "holds") ? [] : [reason("no-role", noRole)];
  return { allowed: d.allowed, reasons: [fileReason(file), ...holdsNone, ...d.reasons] };
}

/** A path classified as a change to it on the context's target branch would be. */
export function classifyForExplain(policy: Policy, path: string, targetBranch: string): ClassifiedFile {
  const classifier = classifierFor(policy);
  return classifier.classifyPath(path.replace(/^\//, ""), classifier.branchEnvironments(targetBranch));
}

/**
 * May this user take this action on this path? The decision and its reason chain: where the
 * file sits, which roles the user holds and how, which grant allowed it or which deny beat it.
 * An unresolved team means membership cannot be known, so the answer is no.
 */
export function explainAction(
  policy: Policy,
  context: ExplainContext,
  user: string,
  action: string,
  path: string,
  file = classifyForExplain(policy, path, context.targetBranch),
): Explanation {
  const unresolved = unresolvedTeams(policy, context.teams);
  if (unresolved.length > 0) {
    return {
      allowed: false,
      reasons: unresolved.map((u) => reason("unresolved", `team @${u.team} could not be resolved (${u.why}): not allowed, since membership cannot be known`)),
    };
  }
  // When judging authorship, the user asking is the author unless the context names another.
  const ctx = { ...context, author: context.author ?? (action === "author" ? user : undefined) };
  return explainMemberships(
    policy,
    ctx,
    membershipsOf(user, { policy, teams: context.teams, now: context.now }),
    action,
    file,
    `${user} holds no role for this file`,
  );
}
