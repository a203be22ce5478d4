import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/index.js";
import { HEAD, pullRequestEvent, setupPipelinePr } from "../fixtures/pipeline-pr.js";

// Time budget: about 10 s. Starts `npm start`'s entry (node dist/app/main.js) as a child
// process against the strict fake GitHub on 127.0.0.1, and talks to it only over HTTP.

const ROOT = join(import.meta.dirname, "..", "..");
const SECRET = "e2e-webhook-secret";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let fake: FakeGitHub;
let app: ChildProcess;
let port: number;
let dir: string;
let output = "";

function deliver(name: string, payload: unknown, signature?: string) {
  const body = JSON.stringify(payload);
  const sig = signature ?? `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
  return fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": name, "x-github-delivery": `d-${Math.random()}`, "x-hub-signature-256": sig },
    body,
  });
}

beforeAll(async () => {
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  fake = await startFakeGitHub({ appPublicKey: keys.publicKey, preload: true });
  setupPipelinePr(fake, "developer-only");
  dir = mkdtempSync(join(tmpdir(), "rolegate-e2e-"));
  writeFileSync(join(dir, "app.pem"), keys.privateKey);
  port = await freePort();
  const host = new URL(fake.url).host;
  app = spawn(process.execPath, [join(ROOT, "dist", "app", "main.js")], {
    env: { PATH: process.env.PATH, APP_ID: "1001", PRIVATE_KEY_PATH: join(dir, "app.pem"), WEBHOOK_SECRET: SECRET, GHE_HOST: host, GHE_PROTOCOL: "http", PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info", LOG_FORMAT: "json", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  app.stdout!.on("data", (d) => (output += d));
  app.stderr!.on("data", (d) => (output += d));
  await waitFor("the app to listen", async () => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: "GET" });
      return res.status > 0 ? true : undefined;
    } catch {
      return undefined;
    }
  });
}, 30_000);

afterAll(async () => {
  app?.kill("SIGTERM");
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the app as a separate process", () => {
  it("refuses a delivery with a bad signature and calls no API", async () => {
    fake.resetCalls();
    const res = await deliver("pull_request", pullRequestEvent(fake), "sha256=" + "0".repeat(64));
    expect(res.status).toBe(400);
    const unsigned = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": "x" }, body: "{}" });
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
    expect(run.output?.summary).toContain("| ⏳ | DevOps approval (roles: devops-engineer) | 1 | 0/1 | — | @acme/devops, olga, omar |");
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
    const line = await waitFor("the evaluation log line", () => output.split("\n").find((l) => l.includes('"conclusion":"success"')));
    expect(JSON.parse(line)).toMatchObject({ repository: "acme/app", pr: 7, head_sha: HEAD, conclusion: "success", msg: "evaluated pull request" });
  });
});
