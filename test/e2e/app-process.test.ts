import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/index.js";
import { HEAD, pullRequestEvent, setupPipelinePr } from "../fixtures/pipeline-pr.js";
import { appKeys, startApp, waitFor, type AppProcess } from "../helpers/processes.js";

// Time budget: about 10 s. Starts `npm start`'s entry (node dist/app/main.js) as a child
// process against the strict fake GitHub on 127.0.0.1, and talks to it only over HTTP.

let fake: FakeGitHub;
let app: AppProcess;

beforeAll(async () => {
  const keys = appKeys();
  fake = await startFakeGitHub({ appPublicKey: keys.publicKey, preload: true });
  setupPipelinePr(fake, "developer-only");
  app = await startApp(fake.url, keys.privateKey);
}, 30_000);

afterAll(async () => {
  app?.stop();
  await fake?.close();
});

const deliver = (name: string, payload: unknown, signature?: string) => app.deliver(name, payload, signature);
const port = () => app.port;
const output = () => app.output();

describe("the app as a separate process", () => {
  it("refuses a delivery with a bad signature and calls no API", async () => {
    fake.resetCalls();
    const res = await deliver("pull_request", pullRequestEvent(fake), "sha256=" + "0".repeat(64));
    expect(res.status).toBe(400);
    const unsigned = await fetch(`http://127.0.0.1:${port()}/api/github/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": "x" },
      body: "{}",
    });
    expect(unsigned.status).toBe(400);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.calls).toEqual([]);
  });

  it("judges a signed pull_request delivery and posts the rolegate check on the head commit", async () => {
    const res = await deliver("pull_request", pullRequestEvent(fake));
    expect(res.status).toBeLessThan(300);
    const run = await waitFor("a check run", () => fake.state.checkRunsFor("acme", "app", { headSha: HEAD, name: "rolegate" })[0]);
    expect(run).toMatchObject({ name: "rolegate", headSha: HEAD, status: "completed", conclusion: "action_required", appId: 1001 });
    expect(run.output?.title).toBe("Waiting for approval: 1 of 1 requirement not met");
    expect(run.output?.summary).toContain("| ⏳ | DevOps approval (roles: devops-engineer) | 1 | 0/1 | — | @acme/devops |");
    // Every call the app made was one GitHub would accept.
    expect(fake.calls.filter((c) => c.status >= 400)).toEqual([]);
  });

  it("re-judges on a review and converges on success", async () => {
    fake.state.addReview("acme", "app", 7, { user: "omar", state: "APPROVED", commit_id: HEAD, submitted_at: new Date().toISOString() });
    const payload = { ...pullRequestEvent(fake, "submitted"), review: { user: { login: "omar" }, state: "approved", commit_id: HEAD } };
    const res = await deliver("pull_request_review", payload);
    expect(res.status).toBeLessThan(300);
    await waitFor("a success check", () => fake.state.checkRunsFor("acme", "app", { headSha: HEAD, name: "rolegate" }).find((r) => r.conclusion === "success"));
    // Every evaluation is logged as structured JSON with the delivery, repository, PR, head and verdict.
    const line = await waitFor("the evaluation log line", () =>
      output()
        .split("\n")
        .find((l) => l.includes('"conclusion":"success"')),
    );
    expect(JSON.parse(line)).toMatchObject({ repository: "acme/app", pr: 7, head_sha: HEAD, conclusion: "success", msg: "evaluated pull request" });
  });
});
