import { classifierFor, type ClassifiedFile } from "./classify.js";
import { decide, heldRoles, judgeContext, membershipsOf, unresolvedTeams, type ContextOfChange, type Membership } from "./permissions.js";
import { KNOWN_ACTIONS, type Policy, type Requirement } from "./policy/types.js";
import { reason, type Reason } from "./reasons.js";

export interface Explanation {
  allowed: boolean;
  /** The reason chain, in the order a person reads it. */
  reasons: Reason[];
}

/** The context `explain` judges in: the change's context without its files and reviews. */
export type ExplainContext = ContextOfChange;

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
 * denies that decided. `author` is the change's author conditions see. `concern`, when given,
 * limits the categories that need a grant (a requirement's `categories:`).
 */
export function explainMemberships(
  policy: Policy,
  context: ExplainContext,
  memberships: readonly Membership[],
  action: string,
  file: ClassifiedFile,
  noRole: string,
  concern?: readonly string[],
): Explanation {
  const ctx = judgeContext(policy, context);
  const d = decide(heldRoles(memberships, file, policy), action, file, ctx, concern);
  const holdsNone = d.reasons.some((r) => r.kind === "holds") ? [] : [reason("no-role", noRole)];
  return { allowed: d.allowed, reasons: [fileReason(file), ...holdsNone, ...d.reasons] };
}

/**
 * May these memberships approve this file for this requirement? The chain of
 * `explainMemberships` for the categories the requirement concerns, and, where it names
 * `roles:`, whether one of them is held for the file.
 */
export function explainApproval(
  policy: Policy,
  context: ExplainContext,
  memberships: readonly Membership[],
  file: ClassifiedFile,
  requirement: Pick<Requirement, "roles" | "categories">,
  noRole: string,
): Explanation {
  const e = explainMemberships(policy, context, memberships, "approve", file, noRole, requirement.categories);
  const roles = requirement.roles;
  if (!roles) return e;
  const held = heldRoles(memberships, file, policy);
  if (roles.some((r) => held.has(r))) return e;
  const names = roles.join(" or ");
  return {
    allowed: false,
    reasons: [...e.reasons, reason("requirement-roles", `the requirement accepts only ${names}, and no such role is held for this file`)],
  };
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
