import type { ChangedFile, ChangeState, Review, TeamData } from "./state.js";

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
  committers?: string[];
  mergedBy?: string;
  admins?: string[];
  labels?: string[];
  targetBranch?: string;
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
 * fresh approval, which beats a stale one (the spec's precedence for reviews given offline).
 */
export function offlineChangeState(c: OfflineChange): ChangeState {
  const reviews: Review[] = [
    ...(c.staleApprovedBy ?? []).map((user) => ({ user: login(user), state: "APPROVED" as const, onHead: false, afterBaseChange: true, order: 1 })),
    ...(c.approvedBy ?? []).map((user) => ({ user: login(user), state: "APPROVED" as const, onHead: true, afterBaseChange: true, order: 2 })),
    ...(c.changesRequestedBy ?? []).map((user) => ({ user: login(user), state: "CHANGES_REQUESTED" as const, onHead: true, afterBaseChange: true, order: 3 })),
  ];
  return {
    files: c.files,
    filesComplete: true,
    author: c.author === undefined ? undefined : login(c.author),
    committers: (c.committers ?? []).map(login),
    reviews,
    labels: c.labels ?? [],
    targetBranch: c.targetBranch ?? "main",
    draft: c.draft ?? false,
    mergedBy: c.mergedBy === undefined ? undefined : login(c.mergedBy),
    admins: (c.admins ?? []).map(login),
    writers: "all",
    teams: c.teams,
    now: c.now,
    headSha: c.headSha,
  };
}
