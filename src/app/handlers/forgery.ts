import type { Context } from "probot";
import { CHECK_NAME } from "../../core/names.js";
import type { RepoRef } from "../../github/api.js";
import { openViolationIssue } from "../violations.js";
import type { HandlerContext } from "./context.js";

/**
 * A check run or commit status named `rolegate` that this app did not post would satisfy a
 * required check that is not pinned to the app: report it where it can be seen.
 */
export function onForgery(h: HandlerContext): void {
  const report = async (context: Context, who: string, sha: string, what: string) => {
    const repo = context.repo() as RepoRef;
    await openViolationIssue(
      h.apiOf(context),
      repo,
      {
        kind: "forgery",
        who,
        what,
        rules: [`${what} named "${CHECK_NAME}" was posted by ${who}, not by the rolegate app; pin the required check to the rolegate app (docs/app.md)`],
        headSha: sha,
      },
      undefined,
    );
  };
  h.on(["check_run.created", "check_run.completed"], async (context) => {
    const run = context.payload.check_run;
    if (run.name !== CHECK_NAME || h.appId === undefined || run.app?.id === h.appId) return;
    if (context.payload.action === "completed" && run.app?.id !== undefined) return; // reported once, on creation
    await report(context, run.app?.slug ?? `app ${run.app?.id}`, run.head_sha, "a check run");
  });
  h.on("status", async (context) => {
    const payload = context.payload;
    if (payload.context !== CHECK_NAME) return;
    await report(context, payload.sender?.login ?? "unknown", payload.sha, "a commit status");
  });
}
