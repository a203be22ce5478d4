import type { BreakGlassRequest } from "../core/break-glass.js";
import { judgeChange } from "../core/judge-change.js";
import { failedVerdict, type Verdict } from "../core/verdict.js";
import { describeApiError, type GitHubApi } from "./api.js";
import { gatherPullRequest, type GatherDeps, type GatherOptions, type PullRequestRef } from "./gather.js";
import type { PullRequestData } from "./pull-request.js";

/** A verdict on a pull request and what was read to reach it. */
export interface Judgement {
  verdict: Verdict;
  /** The pull request as read, when it could be read. */
  pr?: PullRequestData;
}

export interface JudgeOptions extends GatherOptions {
  /** A break-glass request made now (`/rolegate break-glass REASON`): judged instead of any kept one. */
  breakGlass?: BreakGlassRequest;
  /** The override kept for the head commit read, if any (a later push voids it). */
  breakGlassFor?: (headSha: string) => Promise<BreakGlassRequest | undefined>;
}

/** Judges one pull request as it is now: gather through the API, judge in the core. Throws only on API failures. */
export async function judgePullRequest(api: GitHubApi, deps: GatherDeps, target: PullRequestRef, options: JudgeOptions = {}): Promise<Judgement> {
  const { breakGlass, breakGlassFor, ...gather } = options;
  const { inputs, pr } = await gatherPullRequest(api, deps, target, gather);
  const request = breakGlass ?? (breakGlassFor ? await breakGlassFor(pr.headOid) : undefined);
  return { verdict: judgeChange(request ? { ...inputs, breakGlass: request } : inputs), pr };
}

/** A pull request that could not be read or judged: `failure`, saying what failed. */
export function failedJudgement(what: string, error: unknown, headSha?: string): Judgement {
  const why = error === undefined ? what : `${what}: ${describeApiError(error)}`;
  return { verdict: failedVerdict(why, headSha) };
}
