import type { Context } from "probot";
import { CHECK_NAME } from "../../core/names.js";
import type { RepoRef } from "../../github/api.js";
import { openPullRequestsOfCommit } from "../../github/listing.js";
import type { HandlerContext, PrRef } from "./context.js";
import { targetOf } from "./context.js";

/** The pull requests an event about a commit names, or, when it names none (forks), those the commit is the head of. */
export async function pullRequestsOfEvent(h: HandlerContext, context: Context, headSha: string, listed: PrRef[]): Promise<PrRef[]> {
  if (listed.length > 0) return listed;
  return openPullRequestsOfCommit(h.apiOf(context), context.repo() as RepoRef, headSha);
}

/** Re-runs and suites: re-judge every open pull request the commit is the head of. */
export function onRerun(h: HandlerContext): void {
  const rejudgeCommit = async (context: Context, headSha: string, prs: PrRef[]) => {
    const list = await pullRequestsOfEvent(h, context, headSha, prs);
    await Promise.all(list.map((pr) => h.service.evaluateAndPost(h.apiOf(context), targetOf(context, { ...pr, head: { sha: headSha } }))));
  };
  h.on("check_run.rerequested", async (context) => {
    const run = context.payload.check_run;
    if (run.name !== CHECK_NAME) return;
    await rejudgeCommit(context, run.head_sha, run.pull_requests as PrRef[]);
  });
  h.on(["check_suite.requested", "check_suite.rerequested"], async (context) => {
    const suite = context.payload.check_suite;
    await rejudgeCommit(context, suite.head_sha, suite.pull_requests as PrRef[]);
  });
}
