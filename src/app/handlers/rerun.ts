import type { Context } from "probot";
import { CHECK_NAME } from "../../core/names.js";
import type { HandlerContext, PrRef } from "./context.js";
import { targetOf } from "./context.js";

/** Re-runs and suites: re-judge every open pull request the commit is the head of. */
export function onRerun(h: HandlerContext): void {
  const rejudgeCommit = async (context: Context, headSha: string, prs: PrRef[]) => {
    let list = prs;
    if (list.length === 0) {
      // GitHub leaves this empty for pull requests from forks: look them up by commit.
      const res = await h.apiOf(context).request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { ...context.repo(), commit_sha: headSha });
      list = (res.data as (PrRef & { state: string })[]).filter((p) => p.state === "open");
    }
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
