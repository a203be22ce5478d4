import type { Options } from "../core/policy/types.js";
import type { GitHubApi, RepoRef } from "./api.js";
import type { ChangeFingerprint, ChangeFingerprints } from "./change-fingerprints.js";
import type { PullCommit, PullRequestData } from "./pull-request.js";

/** What deciding whose approval may still count needs, besides the pull request. */
export interface ApprovalFacts {
  options: Pick<Options, "staleApprovals" | "authorCanApprove" | "committersCanApprove" | "checkCommitAuthors">;
  /** Has write access or holds a role in the policy (lower-cased login). */
  canWrite(user: string): boolean;
}

/** What the commit history and the compare API say about the pull request's updates. */
export interface ApprovedChanges {
  /** Commits that only merge the base branch in, with no change of their own. */
  mergeOnly: Set<string>;
  /** The accounts that made the pull request's other commits. */
  committers: string[];
  /** For approved earlier commits: are the pull request's own changes the same at the head? Absent: unknown. */
  sameAsHead: Map<string, boolean>;
}

type ReviewData = PullRequestData["reviews"][number];

/**
 * Each reviewer's approvals that may still decide their standing: those since their latest
 * change request or dismissal (comments change nothing), latest first. A reviewer whose latest
 * deciding review is no approval has none.
 */
export function standingApprovals(reviews: readonly ReviewData[]): Map<string, ReviewData[]> {
  const byUser = new Map<string, ReviewData[]>();
  for (const r of reviews) {
    if (r.state === "COMMENTED") continue;
    const user = r.user.toLowerCase();
    byUser.set(user, [...(byUser.get(user) ?? []), r]);
  }
  const out = new Map<string, ReviewData[]>();
  for (const [user, list] of byUser) {
    const sorted = [...list].sort((a, b) => (a.submittedAt < b.submittedAt ? -1 : a.submittedAt > b.submittedAt ? 1 : 0));
    const approvals: ReviewData[] = [];
    for (let i = sorted.length - 1; i >= 0 && sorted[i]!.state === "APPROVED"; i--) approvals.push(sorted[i]!);
    if (approvals.length > 0) out.set(user, approvals);
  }
  return out;
}

/** The accounts that made a commit: its authors, co-authors and committer. */
const makersOf = (c: PullCommit): string[] => [...c.authors, ...(c.committer ? [c.committer] : [])];

/** The accounts that made these commits. */
export function committersOf(commits: readonly PullCommit[]): string[] {
  return [...new Set(commits.flatMap(makersOf))];
}

const madeBy = (c: PullCommit, user: string) => makersOf(c).some((l) => l.toLowerCase() === user);

/**
 * Merge commits that could only bring the base branch in: two parents, the first one the pull
 * request's own, the second reachable from the base (not among the pull request's commits).
 * Needs the full commit list: with a partial one, no commit is taken for a mere merge.
 */
function mergesOfTheBase(pr: PullRequestData): PullCommit[] {
  if (!pr.commitsComplete) return [];
  const own = new Set(pr.commits.map((c) => c.oid));
  return pr.commits.filter((c) => c.parentCount === 2 && own.has(c.parents[0]!) && !own.has(c.parents[1]!));
}

/**
 * Works out, through the compare API, the two things about a pull request's updates that the
 * commit list alone cannot tell, paying calls only where the answer can change the verdict:
 * - which merges of the base into the head brought no change of their own (the pull request's
 *   changes are the same at the merge and at its first parent), so that whoever made them (the
 *   person who clicked "Update branch") is not a committer: checked only for merges made by an
 *   approving reviewer whom being a committer would exclude, or, with `check_commit_authors`,
 *   by someone other than the author;
 * - with `stale_approvals: unless_changed`, whether the changes at each approved earlier commit
 *   are those at the head: only for approvals that could otherwise count.
 * Anything GitHub cannot show in full counts as changed, and as a commit of its own.
 */
export async function approvedChanges(
  api: GitHubApi,
  repo: RepoRef,
  pr: PullRequestData,
  facts: ApprovalFacts,
  fingerprints: ChangeFingerprints,
): Promise<ApprovedChanges> {
  const { options } = facts;
  const read = new Map<string, Promise<ChangeFingerprint | undefined>>();
  const changesAt = (commit: string) => {
    let p = read.get(commit);
    if (!p) read.set(commit, (p = fingerprints.of(api, repo, pr.baseTipOid, commit)));
    return p;
  };
  const fingerprint = async (commit: string) => (await changesAt(commit))?.fingerprint;
  const author = pr.author?.toLowerCase();
  const approvals = standingApprovals(pr.reviews);
  const mayCount = (user: string) => facts.canWrite(user) && (options.authorCanApprove || user !== author);

  const mergeOnly = new Set<string>();
  const merges = mergesOfTheBase(pr);
  if (merges.length > 0) {
    const matters = (user: string) =>
      (!options.committersCanApprove && approvals.has(user) && mayCount(user)) || (options.checkCommitAuthors && user !== author);
    for (const merge of merges) {
      const makers = makersOf(merge).map((l) => l.toLowerCase());
      // Only people whom this merge alone makes committers can gain anything from it.
      const gains = makers.filter((u) => matters(u) && pr.commits.every((c) => c === merge || !madeBy(c, u) || merges.includes(c)));
      if (gains.length === 0) continue;
      const [own, parent] = await Promise.all([fingerprint(merge.oid), fingerprint(merge.parents[0]!)]);
      if (own !== undefined && own === parent) mergeOnly.add(merge.oid);
    }
  }
  const committers = committersOf(pr.commits.filter((c) => !mergeOnly.has(c.oid)));

  const sameAsHead = new Map<string, boolean>();
  if (options.staleApprovals === "unless_changed") {
    const isCommitter = new Set(committers.map((l) => l.toLowerCase()));
    const commits = new Set<string>();
    for (const [user, list] of approvals) {
      if (!mayCount(user) || (isCommitter.has(user) && !options.committersCanApprove)) continue;
      // An approval of the head already counts; one before the base changed never does.
      if (list.some((r) => r.commitOid === pr.headOid)) continue;
      for (const r of list) if (r.commitOid && (pr.baseChangedAt === undefined || r.submittedAt > pr.baseChangedAt)) commits.add(r.commitOid);
    }
    if (commits.size > 0) {
      // The head's compare must list every file the pull request says it changes.
      const atHead = await changesAt(pr.headOid);
      const head = atHead?.files === pr.changedFiles ? atHead.fingerprint : undefined;
      const compared = await Promise.all([...commits].map(async (c) => [c, head === undefined ? undefined : await fingerprint(c)] as const));
      // Unknown stays unset: the core says so in the reason, and counts it as changed.
      for (const [commit, at] of compared) if (head !== undefined && at !== undefined) sameAsHead.set(commit, at === head);
    }
  }
  return { mergeOnly, committers, sameAsHead };
}
