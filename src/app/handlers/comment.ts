import type { RepoRef } from "../../github/api.js";
import { parseCommand, runCommand } from "../commands.js";
import type { HandlerContext, PrRef } from "./context.js";
import { targetOf } from "./context.js";

/** `/rolegate merge | explain | recheck | break-glass REASON` in a pull request's comments. */
export function onComment(h: HandlerContext): void {
  h.on("issue_comment.created", async (context) => {
    const { issue, comment } = context.payload;
    if (!issue.pull_request || !comment.user || comment.user.type === "Bot") return;
    const command = parseCommand(comment.body);
    if (!command) return;
    const api = h.apiOf(context);
    const repo = context.repo() as RepoRef;
    // The pull request is read anew: the comment says only who asked, when and why.
    const pr = await api.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: issue.number });
    const data = pr.data as PrRef & { html_url?: string };
    await runCommand(
      h.service,
      api,
      targetOf(context, data),
      { by: comment.user.login, id: comment.id, createdAt: new Date(comment.created_at), pullRequestUrl: data.html_url },
      command,
      h.mergeMethod,
    );
  });
}
