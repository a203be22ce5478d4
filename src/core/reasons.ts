/**
 * One step of a reason chain ("holds devops-engineer (member via @acme/devops)", "a deny beats
 * every grant"). The kind says what the step is, so callers choose steps by kind, never by
 * parsing the text.
 */
export type ReasonKind =
  /** Where the file sits: categories, level, environments. */
  | "file"
  /** Where a deployment goes: the environment, its level, the GitHub environment it came as. */
  | "environment"
  /** A role the user holds for the file, and how. */
  | "holds"
  /** The user holds no role for the file. */
  | "no-role"
  /** The action is not enforced on one of the file's categories: anyone may. */
  | "not-enforced"
  /** A held role grants the action. */
  | "grant"
  /** No held role grants the action on a category where it is enforced. */
  | "no-grant"
  /** A held role denies the action (a deny beats every grant). */
  | "deny"
  /** Membership cannot be known: a team could not be resolved. */
  | "unresolved"
  /** A requirement's `roles:` accepts none of the roles held for the file. */
  | "requirement-roles";

export interface Reason {
  kind: ReasonKind;
  text: string;
}

export function reason(kind: ReasonKind, text: string): Reason {
  return { kind, text };
}

/** Why an action was refused, without the roles the user holds: "no held role grants …; … denies …". */
export function refusalText(reasons: readonly Reason[], fallback: string): string {
  return (
    reasons
      .filter((r) => r.kind !== "holds" && r.kind !== "file")
      .map((r) => r.text)
      .join("; ") || fallback
  );
}
