/**
 * Section 3, in its own process (nock patches the HTTP stack of the process it runs in):
 * GitHub API calls the app makes per event, counted with the nock world the app tests use.
 */
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { rolegateApp } from "../../src/app/app.js";
import { serve, silentLog, world, worldPayload, type World } from "../../test/helpers/github-world.js";
import { changedPaths, globSpecs, policyYaml, teamMembers } from "./scenario.js";

export interface CallCount {
  event: string;
  files: number;
  cache: "cold" | "warm";
  total: number;
  byKind: Record<string, number>;
  ms: number;
  conclusion?: string;
}

function delivery(w: World, event: string): { id: string; name: any; payload: any } {
  const [name, action] = event.split(".") as [string, string];
  const p = worldPayload(w, name, action);
  if (name === "check_run") {
    p.check_run.name = "rolegate";
    p.check_run.head_sha = w.pr.head;
    p.check_run.pull_requests = [{ number: w.pr.number, head: { ref: "feature", sha: w.pr.head }, base: { ref: w.pr.base, sha: w.tips[w.pr.base] } }];
  }
  if (name === "pull_request_review") p.review = { ...p.review, user: { ...p.review?.user, login: "olga" }, state: "approved", commit_id: w.pr.head };
  return { id: `bench-${Math.random()}`, name, payload: p };
}

const POLICY = policyYaml(globSpecs(300));
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/**
 * A Probot instance running rolegate with retries and throttling off, as the helper
 * `probotWith` in test/helpers/github-world.ts builds it, except that `load` gets an
 * `addHandler`: the app registers HTTP routes (/healthz, /metrics), which need a server
 * that `probot.receive` does not use.
 */
async function probotForCounting(): Promise<Probot> {
  const probot = new Probot({
    appId: 1,
    privateKey,
    log: silentLog,
    Octokit: ProbotOctokit.defaults((options: object) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } })),
  });
  await probot.load(rolegateApp(), { cwd: process.cwd(), addHandler: () => {} } as never);
  return probot;
}

function prWorld(files: number): World {
  const at = "2026-11-20T10:00:00Z";
  return world({
    trees: { base000: { ".github/rolegate.yml": POLICY } },
    teams: Object.fromEntries(teamMembers("acme")),
    permissions: { "qa-1": "write" },
    pr: {
      author: "ops-lead",
      files: changedPaths(files, 11).map((filename) => ({ filename, status: "modified" })),
      commits: [{ author: "ops-lead", committer: "ops-lead" }],
      reviews: [
        { user: "olga", state: "APPROVED", commit: "head111", at },
        { user: "dev-00-1", state: "APPROVED", commit: "head111", at },
        { user: "qa-1", state: "APPROVED", commit: "head111", at },
        { user: "sam", state: "COMMENTED", commit: "head111", at },
      ],
    },
  });
}

/** What kind of call a recorded `METHOD /path` is, for the breakdown. */
function kind(call: string): string {
  if (call === "POST /graphql") return "graphql";
  if (/\/pulls\/\d+\/files$/.test(call)) return "files pages";
  if (/\/teams\/[^/]+\/members$/.test(call)) return "team members";
  if (/\/collaborators\/[^/]+\/permission$/.test(call)) return "permission";
  if (/\/collaborators$/.test(call)) return "admins";
  if (/^POST .*\/check-runs$/.test(call)) return "check run";
  if (/^PATCH .*\/check-runs\/\d+$/.test(call)) return "annotation batches";
  if (/requested_reviewers$/.test(call)) return "review request";
  if (/\/commits\/[^/]+\/pulls$/.test(call)) return "commit → PRs";
  return call;
}

async function run(sizes: number[]): Promise<CallCount[]> {
  const events = ["pull_request.opened", "pull_request.synchronize", "pull_request_review.submitted", "check_run.rerequested"];
  const out: CallCount[] = [];
  nock.disableNetConnect();
  for (const files of sizes) {
    for (const event of events) {
      nock.cleanAll();
      const w = prWorld(files);
      // Installation tokens are not in the world's call log: count them here. Registered first,
      // so nock answers token requests from this interceptor rather than the world's.
      let tokens = 0;
      nock("https://api.github.com")
        .persist()
        .post(/\/app\/installations\/\d+\/access_tokens/)
        .reply(201, () => {
          tokens++;
          return { token: "ghs_bench", expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {} };
        });
      serve(w);
      const probot = await probotForCounting();
      for (const cache of ["cold", "warm"] as const) {
        w.calls.length = 0;
        w.checkRuns.length = 0;
        tokens = 0;
        const t = performance.now();
        await probot.receive(delivery(w, event) as never);
        const ms = performance.now() - t;
        const byKind: Record<string, number> = {};
        for (const c of w.calls) byKind[kind(c)] = (byKind[kind(c)] ?? 0) + 1;
        if (tokens) byKind["installation token"] = tokens;
        out.push({ event, files, cache, total: w.calls.length + tokens, byKind, ms, conclusion: w.checkRuns.find((c) => !c.patch)?.conclusion });
      }
    }
  }
  nock.cleanAll();
  nock.enableNetConnect();
  return out;
}

process.once("message", (sizes: number[]) => {
  run(sizes).then(
    (r) => process.send!(r, () => process.exit(0)),
    (e: unknown) => {
      process.stderr.write(`api-calls worker failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
});
