import type { ChangedFile, ChangeState, Review, ReviewState, TeamData } from "./state.js";

/** An approval of a known commit (`--approved-by LOGIN@REV`). */
export interface CommitApproval {
  user: string;
  commit: string;
  /** The commit is the change's head. */
  onHead: boolean;
  /** For an earlier commit: the change is the same since (equal patch-ids); undefined when unknown. */
  sameAsHead?: boolean;
}

/** A review given in full (a policy test's `reviews:` row). */
export interface OfflineReview {
  user: string;
  state: ReviewState;
  commit?: string;
  /** Default true. */
  onHead?: boolean;
  sameAsHead?: boolean;
  /** Default true: given after the latest change of the base branch. */
  afterBaseChange?: boolean;
}

/**
 * A change described offline, as the CLI's flags and the policy tests' cases describe it.
 * Every named user has write access, every approval came after the latest base-branch change,
 * and the repository admins are exactly `admins`.
 */
export interface OfflineChange {
  files: ChangedFile[];
  author?: string;
  /** Approvals on the head commit. */
  approvedBy?: string[];
  /** Approvals on an earlier commit. */
  staleApprovedBy?: string[];
  changesRequestedBy?: string[];
  /** Approvals of known commits, ranked with `approvedBy` (on the head) or `staleApprovedBy` (not). */
  commitApprovals?: CommitApproval[];
  /** Reviews in full, in the order given, all later than the lists above. */
  reviews?: OfflineReview[];
  committers?: string[];
  mergedBy?: string;
  admins?: string[];
  labels?: string[];
  targetBranch?: string;
  /** The change's head branch (`OWNER:branch` for a fork). */
  sourceBranch?: string;
  /** Checks and statuses that concluded `success` on the head. */
  checksPassed?: string[];
  draft?: boolean;
  now: Date;
  teams: TeamData;
  headSha?: string;
}

/** `@login` and `login` name the same user. */
export function login(name: string): string {
  return name.trim().replace(/^@/, "");
}

/**
 * The change state of an offline description. For one reviewer, changes requested beats a
 * fresh approval, which beats a stale one (the spec's precedence for reviews given offline);
 * reviews given in full come later still, in their order.
 */
export function offlineChangeState(c: OfflineChange): ChangeState {
  const reviews: Review[] = [
    ...(c.staleApprovedBy ?? []).map((user) => ({ user: login(user), state: "APPROVED" as const, onHead: false, afterBaseChange: true, order: 1 })),
    ...(c.approvedBy ?? []).map((user) => ({ user: login(user), state: "APPROVED" as const, onHead: true, afterBaseChange: true, order: 2 })),
    ...(c.commitApprovals ?? []).map(
      (a): Review => ({
        user: login(a.user),
        state: "APPROVED",
        onHead: a.onHead,
        afterBaseChange: true,
        order: a.onHead ? 2 : 1,
        commit: a.commit,
        ...(a.onHead || a.sameAsHead === undefined ? {} : { sameAsHead: a.sameAsHead }),
      }),
    ),
    ...(c.changesRequestedBy ?? []).map((user) => ({ user: login(user), state: "CHANGES_REQUESTED" as const, onHead: true, afterBaseChange: true, order: 3 })),
    ...(c.reviews ?? []).map(
      (r, i): Review => ({
        user: login(r.user),
        state: r.state,
        onHead: r.onHead ?? true,
        afterBaseChange: r.afterBaseChange ?? true,
        order: 4 + i,
        ...(r.commit !== undefined ? { commit: r.commit } : {}),
        ...(r.sameAsHead !== undefined ? { sameAsHead: r.sameAsHead } : {}),
      }),
    ),
  ];
  return {
    files: c.files,
    filesComplete: true,
    author: c.author === undefined ? undefined : login(c.author),
    committers: (c.committers ?? []).map(login),
    reviews,
    labels: c.labels ?? [],
    targetBranch: c.targetBranch ?? "main",
    ...(c.sourceBranch !== undefined ? { sourceBranch: c.sourceBranch } : {}),
    checksPassed: c.checksPassed ?? [],
    draft: c.draft ?? false,
    mergedBy: c.mergedBy === undefined ? undefined : login(c.mergedBy),
    admins: (c.admins ?? []).map(login),
    writers: "all",
    teams: c.teams,
    now: c.now,
    headSha: c.headSha,
  };
}
