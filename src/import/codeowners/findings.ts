/** Where and why the imported policy differs from CODEOWNERS, for people and for tests. */
export type ImportFinding =
  /** Files selected by two requirements: they need both approvals. */
  | { kind: "overlap"; requirements: [string, string]; lines: [number | undefined, number | undefined]; widenedLine?: number; example?: string }
  /** Files whose last matching line (`line`) has no owners, which a requirement still selects. */
  | { kind: "unowned"; requirement: string; line: number; via?: number; example?: string }
  /** Files no CODEOWNERS line matches, which a requirement still selects (a widened pattern). */
  | { kind: "unmatched"; requirement: string; via?: number; example?: string }
  /** No requirement covers the policy files, so rolegate's built-in admin rule applies to them. */
  | { kind: "policy-admin" }
  /** A line a later line fully covers: it never decides anything and is left out. */
  | { kind: "shadowed"; line: number; by: number }
  /** A pattern rolegate can only widen. */
  | { kind: "widened"; line: number; pattern: string; glob: string; reason: string; example?: string }
  /** A line without owners that GitHub may not read as written; the policy, which never subtracts, ignores it. */
  | { kind: "ignored-line"; line: number; pattern: string; reason: string }
  /** A line whose pattern can match nothing. */
  | { kind: "empty-pattern"; line: number; pattern: string }
  /** An owner rolegate cannot name (an email address, or not `@login`/`@org/team`). */
  | { kind: "unmapped-owner"; line: number; owner: string; placeholder?: string }
  /** The work limit was reached: places where the policy asks for more may be missing from the findings. */
  | { kind: "incomplete" };

/** Findings where the policy asks for more than CODEOWNERS on some files. */
export const STRICTER_KINDS = new Set<ImportFinding["kind"]>(["overlap", "unowned", "unmatched", "policy-admin", "incomplete"]);
