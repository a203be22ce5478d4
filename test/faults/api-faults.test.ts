import { generateKeyPairSync } from "node:crypto";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rolegateApp } from "../../src/app/app.js";
import { RolegateService } from "../../src/app/service.js";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/index.js";
import { HEAD, POLICY, PR, pullRequestEvent, RENAMED_DOC, setupPipelinePr } from "../fixtures/pipeline-pr.js";
import { silentLog } from "../helpers/github-world.js";

// Time budget: about 10 s. Every GitHub fault the issue lists, injected into the strict fake
// GitHub; the app runs in-process. The retry budget's sleep is instant, so nothing really waits.

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

let fake: FakeGitHub;
let probot: Probot;
let slept: number[];

function makeProbot(attemptTimeoutMs: number): Probot {
  const p = new Probot({
    appId: 1001,
    privateKey,
    baseUrl: fake.apiUrl,
    log: silentLog,
    Octokit: ProbotOctokit.defaults((o: object) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })),
  });
  const budget = { maxAttempts: 3, maxWaitMs: 10_000, attemptTimeoutMs, sleep: async (ms: number) => void slept.push(ms) };
  p.load(rolegateApp({ service: new RolegateService(silentLog), retryBudget: budget, appId: 1001 }));
  return p;
}

beforeEach(async () => {
  fake = await startFakeGitHub({ preload: true });
  slept = [];
  probot = makeProbot(10_000);
});
afterEach(async () => {
  await fake.close();
});

let delivery = 0;
async function deliver(action = "synchronize") {
  await probot.receive({ id: `d${++delivery}`, name: "pull_request", payload: pullRequestEvent(fake, action) } as any);
}
const checks = () => fake.state.checkRunsFor("acme", "app", { headSha: HEAD, name: "rolegate" });
const last = () => checks().at(-1);

describe("transient faults are retried within the budget", () => {
  it.each([500, 502, 503])("a %i once, then the right answer", async (status) => {
    setupPipelinePr(fake, "approved");
    fake.failNext({ path: "/graphql" }, { status, body: { message: "Server Error" }, times: 1 });
    await deliver();
    expect(last()).toMatchObject({ conclusion: "success" });
    expect(slept.length).toBe(1);
  });

  it("a connection reset once, then the right answer", async () => {
    setupPipelinePr(fake, "approved", [RENAMED_DOC]);
    fake.failNext({ path: /\/pulls\/7\/files/ }, { destroy: true, times: 1 });
    await deliver();
    expect(last()).toMatchObject({ conclusion: "success" });
  });

  it("403 with retry-after and 429 with x-ratelimit-reset are waited out when short", async () => {
    setupPipelinePr(fake, "approved", [RENAMED_DOC]);
    fake.failNext(
      { path: "/graphql" },
      { status: 403, headers: { "retry-after": "2" }, body: { message: "You have exceeded a secondary rate limit" }, times: 1 },
    );
    const reset = String(Math.floor(Date.now() / 1000) + 3);
    fake.failNext(
      { path: /\/pulls\/7\/files/ },
      { status: 429, headers: { "x-ratelimit-reset": reset, "x-ratelimit-remaining": "0" }, body: { message: "API rate limit exceeded" }, times: 1 },
    );
    await deliver();
    expect(last()).toMatchObject({ conclusion: "success" });
    expect(slept[0]).toBe(2000);
    expect(slept[1]).toBeGreaterThan(1000);
    expect(slept[1]).toBeLessThanOrEqual(3000);
  });
});

describe("faults that outlast the budget, or are final, give failure with the reason", () => {
  const failsWith = async (text: RegExp) => {
    const run = last();
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.summary).toMatch(text);
    expect(checks().some((c) => c.conclusion === "success")).toBe(false);
  };

  it("a persistent 503", async () => {
    setupPipelinePr(fake, "approved");
    fake.failNext({ path: "/graphql" }, { status: 503, body: { message: "Service Unavailable" }, times: 10 });
    await deliver();
    await failsWith(/gave up after 3 attempts \(HTTP 503: Service Unavailable\)/);
  });

  it("a rate limit whose retry-after is beyond the budget", async () => {
    setupPipelinePr(fake, "approved");
    fake.failNext(
      { path: "/graphql" },
      { status: 403, headers: { "retry-after": "3600" }, body: { message: "You have exceeded a secondary rate limit" }, times: 1 },
    );
    await deliver();
    await failsWith(/beyond the retry budget/);
    expect(slept).toEqual([]);
  });

  it("a timeout on every attempt", async () => {
    setupPipelinePr(fake, "approved", [RENAMED_DOC]);
    probot = makeProbot(300);
    fake.failNext({ path: /\/pulls\/7\/files/ }, { delayMs: 2_000, times: 3 });
    await deliver();
    await failsWith(/gave up after 3 attempts \(.*aborted due to timeout\)/);
  });

  it("401: a bad installation token is final", async () => {
    setupPipelinePr(fake, "approved");
    // @octokit/auth-app itself retries a 401 on a freshly minted token; a bad token fails every time.
    fake.failNext({ path: "/graphql" }, { status: 401, body: { message: "Bad credentials" }, times: 50 });
    await deliver();
    await failsWith(/HTTP 401: Bad credentials/);
    expect(slept).toEqual([]);
  });

  it("a GraphQL response with errors", async () => {
    setupPipelinePr(fake, "approved");
    fake.failNext(
      { path: "/graphql" },
      { status: 200, body: { data: null, errors: [{ message: "Something went wrong while executing your query." }] }, times: 1 },
    );
    await deliver();
    await failsWith(/Something went wrong while executing your query/);
  });

  it("malformed JSON", async () => {
    setupPipelinePr(fake, "approved", [RENAMED_DOC]);
    fake.failNext({ path: /\/pulls\/7\/files/ }, { status: 200, body: "{not json", headers: { "content-type": "application/json" }, times: 1 });
    await deliver();
    await failsWith(/could not read this pull request/);
  });

  it("a file list that stops early", async () => {
    setupPipelinePr(fake, "approved", [RENAMED_DOC]);
    fake.failNext({ path: /\/pulls\/7\/files/ }, { status: 200, body: [], times: 1 });
    await deliver();
    await failsWith(/GitHub reported 2 changed files but listed 0/);
  });

  it("more than 3,000 changed files", async () => {
    setupPipelinePr(fake, "approved");
    const many = Array.from({ length: 3001 }, (_, i) => ({ filename: `src/f${i}.ts`, status: "modified" as const }));
    fake.state.addPullRequest({
      owner: "acme",
      repo: "app",
      number: 8,
      author: "dev1",
      base: { ref: "main" },
      head: { ref: "big", sha: "b".repeat(40) },
      files: many,
    });
    await probot.receive({
      id: "big",
      name: "pull_request",
      payload: { ...pullRequestEvent(fake), number: 8, pull_request: fake.pullRequestJson("acme", "app", 8) },
    } as any);
    const run = fake.state.checkRunsFor("acme", "app", { headSha: "b".repeat(40), name: "rolegate" }).at(-1);
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.summary).toContain("changes 3001 files; GitHub lists at most 3000");
  });

  it("a parent policy that extends names and that does not exist (404)", async () => {
    setupPipelinePr(fake, "approved");
    fake.state.setFile(
      "acme",
      "app",
      "main",
      ".github/rolegate.yml",
      "version: 1\nextends: acme/shared:policies/base.yml\n" + POLICY.replace("version: 1\n", ""),
    );
    await deliver();
    await failsWith(
      /cannot read parent policy acme\/shared:policies\/base\.yml \(not found\); chain: \.github\/rolegate\.yml -&gt; acme\/shared:policies\/base\.yml|cannot read parent policy acme\/shared:policies\/base\.yml/,
    );
  });
});

describe("the process stays up", () => {
  it("serves the next event correctly after a failed one", async () => {
    setupPipelinePr(fake, "approved");
    fake.failNext({ path: "/graphql" }, { status: 500, body: { message: "boom" }, times: 10 });
    await deliver();
    expect(last()?.conclusion).toBe("failure");
    fake.clearFaults();
    await deliver();
    expect(last()?.conclusion).toBe("success");
  });

  it("never posts success when the check-run POST itself fails: nothing is posted", async () => {
    setupPipelinePr(fake, "approved");
    fake.failNext({ method: "POST", path: "/repos/acme/app/check-runs" }, { status: 500, body: { message: "boom" }, times: 10 });
    await deliver();
    expect(checks()).toEqual([]);
  });
});

describe("webhook ordering", () => {
  it("the same delivery twice gives one result", async () => {
    setupPipelinePr(fake, "approved");
    const event = { id: "same", name: "pull_request", payload: pullRequestEvent(fake) } as any;
    await probot.receive(event);
    await probot.receive(event);
    expect(checks()).toHaveLength(1);
  });

  it("concurrent and out-of-order events for one pull request converge on the current state", async () => {
    setupPipelinePr(fake, "developer-only");
    // A review arrives, then the synchronize that preceded it, concurrently.
    fake.state.addReview("acme", "app", PR, { user: "olga", state: "APPROVED", commit_id: HEAD, submitted_at: new Date().toISOString() });
    const review = probot.receive({
      id: "r",
      name: "pull_request_review",
      payload: { ...pullRequestEvent(fake, "submitted"), review: { user: { login: "olga" } } },
    } as any);
    const sync = probot.receive({ id: "s", name: "pull_request", payload: pullRequestEvent(fake, "synchronize") } as any);
    await Promise.all([review, sync]);
    expect(last()?.conclusion).toBe("success");
  });
});
