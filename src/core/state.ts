/**
 * Everything evaluation needs to know about one pull request (or one local change),
 * gathered by a front end (GitHub App, Action, CLI) and judged by the pure core.
 */
export type FileStatus = "added" | "modified" | "removed" | "renamed";

export interface ChangedFile {
  path: string;
  status: FileStatus;
  previousPath?: string;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED" | "COMMENTED";

export interface Review {
  user: string;
  state: ReviewState;
  /** Submitted on the pull request's current head commit. */
  onHead: boolean;
  /** Submitted after the latest change of the base branch. */
  afterBaseChange: boolean;
  /** Larger is later; only the order between one reviewer's reviews matters. */
  order: number;
  /** The commit the review was submitted on, when known (shown in reasons). */
  commit?: string;
  /**
   * For a review of an earlier commit: are the pull request's own changes the same as at that
   * commit (the same `git patch-id --stable` of the diff from the merge base)? Undefined means
   * unknown, which counts as changed: rolegate fails closed. Used by `stale_approvals: unless_changed`.
   */
  sameAsHead?: boolean;
}

/** Team membership as resolved by the front end; never guessed. */
export interface TeamData {
  /** Resolved teams (lower-case `org/team`) and the lower-case logins known to be members. */
  members: Map<string, Set<string>>;
  /** Teams that could not be resolved, with the reason. */
  errors: Map<string, string>;
  /**
   * Teams whose members may be named as people who can approve; the others are named only as
   * `@org/team`. Absent: every resolved team (offline, where the teams file is the user's own).
   * A check run on a public repository must never publish a secret team's members.
   */
  expandable?: ReadonlySet<string>;
}

export interface ChangeState {
  files: ChangedFile[];
  /** False when the front end could not list every changed file: evaluation fails closed. */
  filesComplete: boolean;
  author?: string;
  /** Logins of users who authored or committed commits of the change. */
  committers: string[];
  reviews: Review[];
  labels: string[];
  targetBranch: string;
  /** The pull request's head branch, `OWNER:branch` for a fork; undefined when unknown (no `source_branch` glob matches). */
  sourceBranch?: string;
  /** Names of the check runs and commit statuses on the head commit that concluded `success`. */
  checksPassed: string[];
  draft: boolean;
  mergedBy?: string;
  /** Repository admins (offline: exactly `--admins`). */
  admins: string[];
  /** Users with write access; "all" offline, where every named user is taken to have it. */
  writers: Set<string> | "all";
  teams: TeamData;
  now: Date;
  headSha?: string;
}

export function emptyTeams(): TeamData {
  return { members: new Map(), errors: new Map() };
}
