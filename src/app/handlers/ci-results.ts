import type { Context } from "probot";
import { CHECK_NAME } from "../../core/names.js";
import type { GitHubApi, RepoRef } from "../../github/api.js";
import { mayNameCheck, namesSomeCheck } from "../policy-checks.js";
import type { HandlerContext, PrRef } from "./context.js";
import { targetOf } from "./context.js";
import { pullRequestsOfEvent } from "./rerun.js";

/** The names of an app's latest check runs on a commit: what one of its suites reported. */
async function checkRunNames(api: GitHubApi, repo: RepoRef, sha: string, appId: number): Promise<string[]> {
  const names = new Set<string>();
  for (let page = 1; ; page++) {
    const res = await api.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
      owner: repo.owner,
      repo: repo.repo,
      ref: sha,
      app_id: appId,
      filter: "latest",
      per_page: 100,
      page,
    });
    const runs = (res.data as { check_runs: { name: string }[] }).check_runs;
    for (const run of runs) names.add(run.name);
    if (runs.length < 100) return [...names];
  }
}

/**
 * CI results: a check run completing, a check suite completing, a commit status changing. Each
 * re-judges the open pull requests whose head the result is on and whose policy names the check
 * in a `checks_passed` condition; nothing else pays a call. rolegate's own check never does (it
 * would re-judge itself forever); a status named like it is a forgery, reported elsewhere.
 */
export function onCiResult(h: HandlerContext): void {
  const rejudge = async (context: Context, sha: string, listed: PrRef[], names: string[]) => {
    const repo = context.repo() as RepoRef;
    const store = h.service.store;
    if (names.length === 0 || !(await mayNameCheck(store, repo, names))) return;
    const api = h.apiOf(context);
    const prs = await pullRequestsOfEvent(h, context, sha, listed);
    const judged = [];
    for (const pr of prs) {
      // Checks are read on the head: a result on an older commit changes nothing.
      if (pr.head?.sha !== undefined && pr.head.sha !== sha) continue;
      if (await mayNameCheck(store, repo, names, pr.base.ref)) judged.push(h.service.evaluateAndPost(api, targetOf(context, { ...pr, head: { sha } })));
    }
    await Promise.all(judged);
  };
  const ours = (app: { id?: number } | null | undefined) => h.appId !== undefined && app?.id === h.appId;

  h.on("check_run.completed", async (context) => {
    const run = context.payload.check_run;
    if (run.name === CHECK_NAME || ours(run.app)) return;
    await rejudge(context, run.head_sha, run.pull_requests as PrRef[], [run.name]);
  });
  h.on("check_suite.completed", async (context) => {
    const suite = context.payload.check_suite;
    if (ours(suite.app) || suite.app?.id === undefined) return;
    const repo = context.repo() as RepoRef;
    // A suite does not say which checks it holds: look only where a policy names some.
    if (!(await namesSomeCheck(h.service.store, repo))) return;
    const names = await checkRunNames(h.apiOf(context), repo, suite.head_sha, suite.app.id);
    await rejudge(
      context,
      suite.head_sha,
      suite.pull_requests as PrRef[],
      names.filter((n) => n !== CHECK_NAME),
    );
  });
  h.on("status", async (context) => {
    const payload = context.payload;
    if (payload.context === CHECK_NAME) return;
    await rejudge(context, payload.sha, [], [payload.context]);
  });
}
