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
