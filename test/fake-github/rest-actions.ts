/**
 * REST routes for GitHub Actions: a workflow run, and the callback with which a
 * GitHub App approves or rejects a deployment its custom protection rule holds.
 */
import { bodyObject, errorReply, intParam, notFound, str, withRepo, type RouteDef } from "./rest-kit.js";
import { workflowRunJson } from "./views-git.js";

export const actionsRoutes: RouteDef[] = [
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/actions/runs/{run_id}",
    perms: [["actions", "read"]],
    handler: withRepo((ctx, repo) => {
      const run = ctx.state.workflowRuns.get(intParam(ctx, "run_id"));
      if (!run || run.owner !== repo.owner || run.repo !== repo.name) return notFound(ctx);
      return { status: 200, body: workflowRunJson(ctx.state, ctx.urls, repo, run, ctx.query.get("exclude_pull_requests") !== "true") };
    }),
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule",
    perms: [["deployments", "write"]],
    appOnly: true,
    handler: withRepo((ctx, repo) => {
      // GitHub Apps review only their own custom protection rules: an app's installation token is required.
      if (ctx.auth.kind !== "installation") return errorReply(403, "Resource not accessible by integration", ctx.docUrl);
      const run = ctx.state.workflowRuns.get(intParam(ctx, "run_id"));
      if (!run || run.owner !== repo.owner || run.repo !== repo.name) return notFound(ctx);
      const body = bodyObject(ctx);
      const state = str(body["state"]);
      ctx.state.deploymentReviews.push({
        owner: repo.owner,
        repo: repo.name,
        runId: run.id,
        environment: str(body["environment_name"]) ?? "",
        state: state === "approved" || state === "rejected" ? state : null,
        comment: str(body["comment"]) ?? null,
        appId: ctx.auth.token.appId,
        installationId: ctx.auth.token.installationId,
        at: ctx.state.timestamp(),
      });
      return { status: 204 };
    }),
  },
];
