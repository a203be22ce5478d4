import { spawnSync } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/index.js";
import { POLICY } from "../fixtures/pipeline-pr.js";
import { appKeys, startApp, startRedis, waitFor, type AppProcess } from "../helpers/processes.js";

// Time budget: about 60 s, at most 5 min. Two app processes share one real redis-server (started here on
// 127.0.0.1) and the fake GitHub. Events for the same pull requests are interleaved across
// both; one replica is killed mid-stream; every pull request must end with a current check.

// Tests never install anything: without redis-server this suite skips itself and says how to enable it.
const REDIS_SERVER = !spawnSync("redis-server", ["--version"], { stdio: "ignore" }).error;
const SKIPPED =
  "redis-server is not installed, so the scale-out suite is skipped. To run it, install Redis, e.g. `sudo apt-get install redis-server` (Debian/Ubuntu) or `brew install redis` (macOS).";
if (!REDIS_SERVER) console.warn(`test/scale/replicas.test.ts: ${SKIPPED}`);

const PRS = [1, 2, 3];
let fake: FakeGitHub;
let redis: Awaited<ReturnType<typeof startRedis>>;
let a: AppProcess;
let b: AppProcess;

const headOf = (n: number, v: number) => `${n.toString(16)}${v.toString(16)}`.padEnd(40, "0");

function event(n: number, action: string) {
  return { action, number: n, pull_request: fake.pullRequestJson("acme", "app", n), repository: fake.repositoryJson("acme", "app"), installation: { id: 1 } };
}

beforeAll(async () => {
  if (!REDIS_SERVER) return;
  const keys = appKeys();
  redis = await startRedis();
  fake = await startFakeGitHub({ appPublicKey: keys.publicKey, preload: true });
  const s = fake.state;
  s.addRepo({ owner: "acme", name: "app", defaultBranch: "main" });
  s.setFile("acme", "app", "main", ".github/rolegate.yml", POLICY);
  s.setTeam("acme", "devops", ["olga", "omar"]);
  s.setTeam("acme", "developers", []);
  for (const u of ["dev1", "dev2", "olga", "omar"]) s.setPermission("acme", "app", u, "write");
  for (const n of PRS) {
    s.addPullRequest({
      owner: "acme",
      repo: "app",
      number: n,
      author: "dev1",
      base: { ref: "main" },
      head: { ref: `f${n}`, sha: headOf(n, 0) },
      files: [{ filename: `.github/workflows/w${n}.yml`, status: "modified" }],
    });
  }
  const env = { REDIS_URL: redis.url, ROLEGATE_LOCK_TTL_MS: "2000" };
  [a, b] = await Promise.all([startApp(fake.url, keys.privateKey, env), startApp(fake.url, keys.privateKey, env)]);
}, 60_000);

afterAll(async () => {
  a?.stop("SIGKILL");
  b?.stop("SIGKILL");
  await fake?.close();
  redis?.stop();
});

/** The check GitHub shows for a head: the latest rolegate run on it. */
const latest = (n: number) => {
  const head = fake.state.pullRequest("acme", "app", n).pull.head.sha;
  return fake.state.checkRunsFor("acme", "app", { headSha: head, name: "rolegate" }).at(-1);
};

describe.skipIf(!REDIS_SERVER)(REDIS_SERVER ? "two replicas behind one Redis" : `two replicas behind one Redis (${SKIPPED})`, () => {
  it("converge on one current check per pull request, also after one replica is killed", async () => {
    const s = fake.state;
    const at = () => new Date().toISOString();
    // Round 1: both replicas get the opened event of every pull request (a duplicate each).
    await Promise.all(PRS.flatMap((n) => [a.deliver("pull_request", event(n, "opened")), b.deliver("pull_request", event(n, "opened"))]));
    // Round 2: a developer's approval goes to A, a DevOps approval to B, concurrently.
    for (const n of PRS) s.addReview("acme", "app", n, { user: "dev2", state: "APPROVED", commit_id: headOf(n, 0), submitted_at: at() });
    for (const n of PRS) s.addReview("acme", "app", n, { user: "olga", state: "APPROVED", commit_id: headOf(n, 0), submitted_at: at() });
    await Promise.all(PRS.flatMap((n) => [a.deliver("pull_request_review", event(n, "submitted")), b.deliver("pull_request_review", event(n, "submitted"))]));
    await waitFor("every pull request to pass", () => (PRS.every((n) => latest(n)?.conclusion === "success") ? true : undefined), 90_000);

    // Round 3: new pushes make the approvals stale; replica A dies while handling them.
    for (const n of PRS) s.pushHead("acme", "app", n, { sha: headOf(n, 1), author: "dev1", committer: "dev1" });
    const inFlight = PRS.map((n) => a.deliver("pull_request", event(n, "synchronize")).catch(() => undefined));
    await new Promise((r) => setTimeout(r, 30));
    a.stop("SIGKILL");
    await Promise.all(inFlight);
    // The survivor gets the same events (GitHub redelivers) and the next ones.
    await Promise.all(PRS.map((n) => b.deliver("pull_request", event(n, "synchronize"))));
    await waitFor("the survivor to judge the new heads", () => (PRS.every((n) => latest(n)?.conclusion === "action_required") ? true : undefined), 90_000);
    for (const n of PRS.slice(0, 2)) s.addReview("acme", "app", n, { user: "omar", state: "APPROVED", commit_id: headOf(n, 1), submitted_at: at() });
    await Promise.all(PRS.map((n) => b.deliver("pull_request_review", event(n, "submitted"))));
    await waitFor("the final verdicts", () => (latest(1)?.conclusion === "success" && latest(2)?.conclusion === "success" ? true : undefined), 90_000);

    // Final state: PRs 1 and 2 are approved on their heads, PR 3 is not.
    await new Promise((r) => setTimeout(r, 2500)); // let any straggler land: none may be stale
    expect(PRS.map((n) => [n, latest(n)?.headSha, latest(n)?.conclusion])).toEqual([
      [1, headOf(1, 1), "success"],
      [2, headOf(2, 1), "success"],
      [3, headOf(3, 1), "action_required"],
    ]);
    // No check on a current head was posted after the state it reflects had changed:
    // the last check of each head came after the last event for it.
    const posted = (n: number) => s.checkRunsFor("acme", "app", { headSha: headOf(n, 1), name: "rolegate" });
    expect(posted(3).every((r) => r.conclusion === "action_required")).toBe(true);

    // One shared rate-limit budget: Probot's throttling keeps its Bottleneck state in this Redis.
    const client = new Redis(redis.url);
    const keys = await client.keys("*");
    client.disconnect();
    expect(keys.some((k) => k.startsWith("b_"))).toBe(true);
    expect(keys.some((k) => k.startsWith("rolegate:team:"))).toBe(true);
  }, 300_000);

  it("serves /healthz and /metrics", async () => {
    const health = await fetch(`http://127.0.0.1:${b.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", checks: { github: "ok", redis: "ok" } });
    const metrics = await (await fetch(`http://127.0.0.1:${b.port}/metrics`)).text();
    expect(metrics).toMatch(/rolegate_events_total\{event="pull_request\.synchronize",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/rolegate_evaluation_seconds_bucket\{le="[\d.]+",conclusion="success"\} \d+/);
    expect(metrics).toMatch(/rolegate_github_api_calls_total\{route="POST \/repos\/\{owner\}\/\{repo\}\/check-runs",status="201"\} \d+/);
    expect(metrics).toMatch(/rolegate_cache_lookups_total\{cache="team",result="hit"\} \d+/);
    expect(metrics).toMatch(/rolegate_github_rate_limit_remaining\{installation="1"\} \d+/);
  });

  it("a Redis outage in the middle of the stream leaves no stale success", async () => {
    const s = fake.state;
    const at = (offset = 0) => new Date(Date.now() + offset).toISOString();
    expect(latest(1)?.conclusion).toBe("success");
    redis.stop();
    // A blocking review arrives while the store is gone: the earlier success must not stand.
    s.addReview("acme", "app", 1, { user: "omar", state: "CHANGES_REQUESTED", commit_id: headOf(1, 1), submitted_at: at() });
    await b.deliver("pull_request_review", event(1, "submitted"));
    await waitFor("the blocking review to fail the check", () => (latest(1)?.conclusion === "failure" ? true : undefined), 60_000);
    // The review withdrawn, the pull request would pass, but no replica can confirm it is the newest verdict.
    s.addReview("acme", "app", 1, { user: "omar", state: "APPROVED", commit_id: headOf(1, 1), submitted_at: at(1000) });
    await b.deliver("pull_request_review", event(1, "submitted"));
    await waitFor(
      "a second judgement",
      () =>
        s
          .checkRunsFor("acme", "app", { headSha: headOf(1, 1), name: "rolegate" })
          .at(-1)
          ?.output?.summary?.includes("cannot be confirmed")
          ? true
          : undefined,
      60_000,
    );
    expect(latest(1)?.conclusion).toBe("failure");
  }, 150_000);

  it("reports unhealthy when Redis is gone", async () => {
    redis.stop();
    await new Promise((r) => setTimeout(r, 5_500)); // past the cached health reading
    const health = await fetch(`http://127.0.0.1:${b.port}/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { checks: { redis: string } }).checks.redis).toBe("unreachable");
  }, 20_000);
});
