// rolegate's app in this process against the strict fake GitHub (test/helpers/fake-app.ts).
import { afterEach, describe, expect, it } from "vitest";
import { HEAD, pullRequestEvent, setupPipelinePr } from "./fixtures/pipeline-pr.js";
import { startFakeApp, type FakeApp } from "./helpers/fake-app.js";

let app: FakeApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("the in-process app harness", () => {
  for (const layout of ["ghes", "root"] as const) {
    it(`judges a pipeline change approved by DevOps and posts a successful rolegate check (${layout} URLs)`, async () => {
      app = await startFakeApp({ layout });
      setupPipelinePr(app.fake, "approved");
      await app.deliver("pull_request", pullRequestEvent(app.fake, "opened"));
      const runs = app.fake.state.checkRunsFor("acme", "app", { headSha: HEAD, name: "rolegate" });
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: "completed", conclusion: "success", appId: 1001 });
      // The app authenticated as itself (JWT, then an installation token) and every call was one GitHub accepts.
      expect(app.fake.callsTo("POST", "/app/installations/1/access_tokens")).toHaveLength(1);
      expect(app.fake.calls.filter((c) => c.status >= 400)).toEqual([]);
      // REST and GraphQL both went where the layout puts them (Octokit derives the GraphQL URL).
      const paths = new Set(app.fake.calls.map((c) => (c.path === "/graphql" ? c.requestPath : c.requestPath.replace(c.path, "<rest>"))));
      expect([...paths].sort()).toEqual(layout === "ghes" ? ["/api/graphql", "/api/v3<rest>"] : ["/graphql", "<rest>"]);
    });
  }

  it("sees the developer-only variant through the same harness as waiting for approval", async () => {
    app = await startFakeApp();
    setupPipelinePr(app.fake, "developer-only");
    await app.deliver("pull_request", pullRequestEvent(app.fake, "opened"));
    expect(app.fake.state.checkRunsFor("acme", "app", { headSha: HEAD, name: "rolegate" }).at(-1)).toMatchObject({ conclusion: "action_required" });
  });
});
