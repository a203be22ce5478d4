import type { BlockingReview, RequirementResult } from "./evaluate.js";
import type { Options } from "./policy/types.js";
import type { Review } from "./state.js";

/**
 * Each reviewer's standing: whether their review counts and, when not, every reason why. Every
 * reason begins with one of the spec's keywords, so people and programs can tell them apart
 * without reading further.
 */
export const STANDING_KEYWORDS = [
  "author",
  "committer",
  "stale",
  "base changed",
  "no write access",
  "not eligible",
  "superseded",
  "dismissed",
  "changes requested",
  // Not in the spec's list: a reviewer who only commented gave nothing that could count.
  "commented",
] as const;

export type StandingKeyword = (typeof STANDING_KEYWORDS)[number];

export interface StandingReason {
  keyword: StandingKeyword;
  /** Begins with the keyword: `stale: approved an earlier commit …`. */
  text: string;
}

export type StandingState = "approved" | "changes_requested" | "dismissed" | "commented";

export interface ReviewStanding {
  /** Lower-cased login. */
  user: string;
  /** The reviewer's latest deciding review (APPROVED, CHANGES_REQUESTED, DISMISSED), else `commented`. */
  state: StandingState;
  /** Their approval counts: it is valid and counts toward a requirement (or no requirement applies). */
  counted: boolean;
  /** Why it does not count (always some when not counted), and which applicable requirements it cannot serve. */
  reasons: StandingReason[];
  /** Names of the requirements it counted toward. */
  requirements: string[];
  /** The commit of the review that decided the standing, when known. */
  commit?: string;
}

/** `keyword: detail`; with `separator` " ", `not eligible for "X": …` reads on. */
export function standingReason(keyword: StandingKeyword, detail: string, separator = ": "): StandingReason {
  return { keyword, text: `${keyword}${separator}${detail}` };
}

/** Is this approval of the right commit under the option: the head, or an earlier one the option keeps? */
export function approvesCurrentChanges(a: Review, stale: Options["staleApprovals"]): boolean {
  return a.onHead || stale === "keep" || (stale === "unless_changed" && a.sameAsHead === true);
}

/** An approval counts only on the right commit and after the latest change of the base branch. */
export function approvalIsValid(a: Review, stale: Options["staleApprovals"]): boolean {
  return a.afterBaseChange && approvesCurrentChanges(a, stale);
}

const shortSha = (sha: string) => (/^[0-9a-f]{40,64}$/i.test(sha) ? sha.slice(0, 12) : sha);

/**
 * Why none of a reviewer's approvals (latest first) is valid: `stale` when one approved an
 * earlier commit the option does not keep, `base changed` when one came before the latest
 * change of the base branch.
 */
export function invalidApprovalReasons(approvals: readonly Review[], stale: Options["staleApprovals"]): StandingReason[] {
  const out: StandingReason[] = [];
  const staleOne = approvals.find((a) => !approvesCurrentChanges(a, stale));
  if (staleOne) {
    const which = staleOne.commit ? `an earlier commit (${shortSha(staleOne.commit)})` : "an earlier commit";
    const why =
      stale === "dismiss"
        ? "and options.stale_approvals is dismiss"
        : staleOne.sameAsHead === false
          ? "and the pull request's changes differ since"
          : "and whether the pull request's changes differ since is unknown, so they count as changed";
    out.push(standingReason("stale", `approved ${which}, ${why}`));
  }
  if (approvals.some((a) => !a.afterBaseChange)) {
    out.push(standingReason("base changed", "approved before the latest change of the base branch (a retarget or a force-push)"));
  }
  return out;
}

/** The short form of a review state, as JSON and tables show it. */
export function standingState(state: Review["state"]): StandingState {
  return state.toLowerCase() as StandingState;
}

/**
 * Each reviewer's standing: their latest deciding review (COMMENTED changes nothing) and, when
 * that is an approval, every approval since their last change request or dismissal. Any of
 * those approvals may make the reviewer valid: an approval on the head is not undone by a later
 * approval of an older commit (the spec's "an approval on the head beats a stale approval").
 */
interface Standing {
  /** Undefined when the reviewer only commented. */
  latest?: Review;
  /** Latest first. */
  approvals: Review[];
  /** The latest change request or dismissal that replaced an earlier approval. */
  replacedBy?: Review;
}

function standings(reviews: readonly Review[]): Map<string, Standing> {
  const byUser = new Map<string, Review[]>();
  for (const r of reviews) {
    const key = r.user.toLowerCase();
    const list = byUser.get(key);
    if (list) list.push(r);
    else byUser.set(key, [r]);
  }
  const result = new Map<string, Standing>();
  for (const [user, all] of byUser) {
    // Ties (same order) resolve by the offline precedence: changes requested > fresh > stale.
    const list = all.filter((r) => r.state !== "COMMENTED").sort(byTime);
    const latest = list[list.length - 1];
    const approvals: Review[] = [];
    let i = list.length - 1;
    for (; i >= 0 && list[i]!.state === "APPROVED"; i--) approvals.push(list[i]!);
    // list[i] is the last change request or dismissal; did it (or one before it) end an approval?
    const replacedBy = i >= 0 && list.slice(0, i).some((r) => r.state === "APPROVED") ? list[i] : undefined;
    result.set(user, { latest, approvals, replacedBy });
  }
  return result;
}

/** Reviews in the order given, ties broken so that the result never depends on input order. */
function byTime(a: Review, b: Review): number {
  return a.order - b.order || rank(a) - rank(b) || (a.commit ?? "").localeCompare(b.commit ?? "");
}

/** A total order for reviews given at the same moment, so the result never depends on input order. */
function rank(r: Review): number {
  const state = r.state === "CHANGES_REQUESTED" ? 3 : r.state === "APPROVED" ? 2 : 1;
  return state * 16 + (r.onHead ? 8 : 0) + (r.sameAsHead ? 4 : 0) + (r.afterBaseChange ? 2 : 0) + (r.commit !== undefined ? 1 : 0);
}

/** What judging reviewers needs to know about the change, worked out by `evaluate`. */
export interface ReviewerFacts {
  options: Pick<Options, "staleApprovals" | "authorCanApprove" | "committersCanApprove">;
  /** Lower-cased logins. */
  author?: string;
  committers: ReadonlySet<string>;
  /** Has write access to the repository or holds a role in the policy. */
  canWrite(user: string): boolean;
  /** The first changed file, in change order, the user may approve. */
  firstApprovable(user: string): string | undefined;
}

/** A reviewer whose latest review approves, and what keeps that approval from counting (nothing when valid). */
export interface Approving {
  standing: ReviewStanding;
  problems: StandingReason[];
}

/**
 * Every reviewer once, in login order: the valid approvers, the change requests that block,
 * and each reviewer's standing so far. Approving reviewers' standings are completed by
 * `completeStandings` once the requirements are known.
 */
export function judgeReviewers(
  all: readonly Review[],
  facts: ReviewerFacts,
): { approvers: string[]; blocking: BlockingReview[]; reviews: ReviewStanding[]; approving: Approving[] } {
  const { options, author, committers, canWrite } = facts;
  const approvers: string[] = [];
  const blocking: BlockingReview[] = [];
  const reviews: ReviewStanding[] = [];
  const approving: Approving[] = [];
  for (const [user, { latest: review, approvals, replacedBy }] of [...standings(all)].sort(([a], [b]) => a.localeCompare(b))) {
    const standing: ReviewStanding = { user, state: review ? standingState(review.state) : "commented", counted: false, reasons: [], requirements: [] };
    if (review?.commit !== undefined) standing.commit = review.commit;
    reviews.push(standing);
    const superseded = replacedBy
      ? [standingReason("superseded", `an earlier approval was replaced by a later ${replacedBy.state === "DISMISSED" ? "dismissal" : "change request"}`)]
      : [];
    if (!review) {
      standing.reasons.push(standingReason("commented", "only commented, which neither approves nor requests changes"));
    } else if (review.state === "CHANGES_REQUESTED") {
      const blocks = canWrite(user) ? facts.firstApprovable(user) : undefined;
      if (blocks !== undefined) blocking.push({ user, reason: `${user} requested changes and may approve ${blocks}` });
      const why =
        blocks !== undefined
          ? `${user} may approve ${blocks}, so this review blocks the change until it is dismissed or replaced`
          : canWrite(user)
            ? `does not block: ${user} may approve none of the changed files`
            : `does not block: ${user} has no write access and holds no role in the policy`;
      standing.reasons.push(standingReason("changes requested", why), ...superseded);
    } else if (review.state === "DISMISSED") {
      standing.reasons.push(standingReason("dismissed", "the latest review was dismissed"), ...superseded);
    } else {
      const problems = approvals.some((a) => approvalIsValid(a, options.staleApprovals)) ? [] : invalidApprovalReasons(approvals, options.staleApprovals);
      if (!canWrite(user)) problems.push(standingReason("no write access", `${user} has no write access to the repository and holds no role in the policy`));
      if (user === author && !options.authorCanApprove)
        problems.push(standingReason("author", `${user} opened the pull request, and options.author_can_approve is false`));
      if (committers.has(user) && !options.committersCanApprove)
        problems.push(standingReason("committer", `${user} authored or committed commits of the pull request, and options.committers_can_approve is false`));
      if (problems.length > 0) problems.push(...superseded);
      else approvers.push(user);
      approving.push({ standing, problems });
    }
  }
  return { approvers, blocking, reviews, approving };
}

/** An applicable requirement as standings see it: who is eligible, and why someone is not. */
export interface JudgedRequirement {
  result: RequirementResult;
  eligible(user: string): boolean;
  /** The reason chain for the first selected file the user may not approve. */
  whyNot(user: string): string;
}

/**
 * Completes the approving reviewers' standings: the requirements each counted toward, and
 * `not eligible` for every applicable requirement they cannot serve. A valid approval counts
 * where it serves a requirement, and when none applies (nothing needed it; see the docs'
 * decisions).
 */
export function completeStandings(approving: readonly Approving[], requirements: readonly RequirementResult[], judged: readonly JudgedRequirement[]): void {
  for (const { standing, problems } of approving) {
    const user = standing.user;
    standing.requirements = requirements.filter((r) => r.approvedBy.includes(user)).map((r) => r.name);
    const notEligible = judged.filter((j) => !j.eligible(user)).map((j) => standingReason("not eligible", `for "${j.result.name}": ${j.whyNot(user)}`, " "));
    standing.reasons = [...problems, ...notEligible];
    standing.counted = problems.length === 0 && (standing.requirements.length > 0 || requirements.length === 0);
  }
}
