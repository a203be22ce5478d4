import { judgeChange } from "../core/judge-change.js";
import { failedVerdict, type Verdict } from "../core/verdict.js";
import { describeApiError, type GitHubApi, type RepoRef } from "./api.js";
import { gatherPullRequest, type GatherDeps, type GatherOptions } from "./gather.js";
import type { PullRequestData } from "./pull-request.js";

/** A verdict on a pull request and what was read to reach it. */
export interface Judgement {
  verdict: Verdict;
  /** The pull request as read, when it could be read. */
  pr?: PullRequestData;
}

/** Judges one pull request as it is now: gather through the API, judge in the core. Throws only on API failures. */
export async function judgePullRequest(
  api: GitHubApi,
  deps: GatherDeps,
  repo: RepoRef,
  number: number,
  baseRefHint: string,
  installation: string,
  options: GatherOptions = {},
): Promise<Judgement> {
  const { inputs, pr } = await gatherPullRequest(api, deps, repo, number, baseRefHint, installation, options);
  return { verdict: judgeChange(inputs), pr };
}

/** A pull request that could not be read or judged: `failure`, saying what failed. */
export function failedJudgement(what: string, error: unknown, headSha?: string): Judgement {
  const why = error === undefined ? what : `${what}: ${describeApiError(error)}`;
  return { verdict: failedVerdict(why, headSha) };
}
