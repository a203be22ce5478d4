/** REST routes for commit statuses: create, list (newest first) and the combined status. */
import { actorLogin, bodyObject, errorReply, notFound, paged, pageReply, str, unprocessable, withRepo, type RouteDef } from "./rest-kit.js";
import { addStatus, combinedState, latestStatuses, statusesFor, type StatusState } from "./statuses.js";
import { combinedStatusJson, statusJson } from "./views-git.js";

const STATES = new Set(["error", "failure", "pending", "success"]);

export const statusRoutes: RouteDef[] = [
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/statuses/{sha}",
    perms: [["statuses", "write"]],
    handler: withRepo((ctx, repo) => {
      const sha = ctx.params["sha"] ?? "";
      const body = bodyObject(ctx);
      const state = str(body["state"]);
      if (!state || !STATES.has(state)) return unprocessable(ctx, "Validation Failed");
      if (!repo.knownShas.has(sha)) return unprocessable(ctx, `No commit found for SHA: ${sha}`);
      const context = str(body["context"]) ?? "default";
      const count = repo.statuses.filter((s) => s.sha === sha && s.context === context).length;
      if (count >= ctx.state.limits.statusesPerContext) {
        return errorReply(422, "Validation Failed", ctx.docUrl, {
          errors: [{ resource: "Status", code: "custom", message: "This SHA and context has reached the maximum number of statuses." }],
        });
      }
      const record = addStatus(ctx.state, repo, {
        sha,
        state: state as StatusState,
        context,
        description: str(body["description"]) ?? null,
        targetUrl: str(body["target_url"]) ?? null,
        creator: actorLogin(ctx.state, ctx.auth),
      });
      return { status: 201, body: statusJson(ctx.state, ctx.urls, repo, record) };
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/commits/{ref}/statuses",
    perms: [["statuses", "read"]],
    handler: withRepo((ctx, repo) => {
      const sha = ctx.state.resolveRef(repo, ctx.params["ref"] ?? "")?.sha;
      return pageReply(ctx, sha ? statusesFor(repo, sha) : [], (s) => statusJson(ctx.state, ctx.urls, repo, s));
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/commits/{ref}/status",
    perms: [["statuses", "read"]],
    handler: withRepo((ctx, repo) => {
      const sha = ctx.state.resolveRef(repo, ctx.params["ref"] ?? "")?.sha;
      if (!sha) return notFound(ctx);
      const latest = latestStatuses(repo, sha);
      const page = paged(ctx, latest);
      return { status: 200, body: combinedStatusJson(ctx.state, ctx.urls, repo, sha, combinedState(latest), page.items, latest.length), headers: page.headers };
    }),
  },
];
