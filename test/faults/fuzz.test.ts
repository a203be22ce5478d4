import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolegateApp } from "../../src/app/app.js";
import { RolegateService } from "../../src/app/service.js";
import { evaluate } from "../../src/core/evaluate.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import type { ChangeState, Review } from "../../src/core/state.js";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/index.js";
import { silentLog } from "../helpers/github-world.js";

// Time budget: about 60 s for the default 1,000 sequences (FUZZ_SEQUENCES overrides it;
// `npm run fuzz` runs 100,000 locally). Random events and injected faults drive the app
// against the fake GitHub; after every step, a posted `success` must be the pure engine's
// verdict on the complete, true state, read straight from the fake (not through the app).

const SEQUENCES = Number(process.env.FUZZ_SEQUENCES ?? 1000);

const MAIN_POLICY = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
  infrastructure: { paths: ["**/*.tf"] }
roles:
  developer:
    members: [dev1, dev2, dev3]
    grants: { author: ["*"] }
  devops:
    inherits: [developer]
    members: ["@acme/devops"]
    grants: { approve: [pipeline, infrastructure, policy], merge: ["*"] }
require:
  - name: DevOps approval
    categories: [pipeline, infrastructure, policy]
  - name: Two approvals for production
    when: { labels: [production] }
    approvals: 2
`;
const RELEASE_POLICY = MAIN_POLICY.replace("approvals: 2", "approvals: 1");
const USERS = ["dev1", "dev2", "dev3", "olga", "omar", "stranger"];
const FILE_SETS = [[".github/workflows/ci.yml"], ["src/app.ts"], ["infra/main.tf", "src/app.ts"], [".github/rolegate.yml"]];

type Step =
  | { kind: "review"; user: string; state: "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED" | "COMMENTED"; onHead: boolean }
  | { kind: "push" }
  | { kind: "label" }
  | { kind: "retarget" }
  | { kind: "fault"; status: number | "reset" | "graphql"; route: "graphql" | "files" | "teams" | "checks" }
  | { kind: "duplicate" };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("review" as const),
      user: fc.constantFrom(...USERS),
      state: fc.constantFrom("APPROVED" as const, "CHANGES_REQUESTED" as const, "DISMISSED" as const, "COMMENTED" as const),
      onHead: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "push" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "label" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "retarget" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("fault" as const),
      status: fc.constantFrom(500 as const, 502 as const, 403 as const, "reset" as const, "graphql" as const),
      route: fc.constantFrom("graphql" as const, "files" as const, "teams" as const, "checks" as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "duplicate" as const }) },
);

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub({ validate: false });
  fake.state.setTeam("acme", "devops", ["olga", "omar"]);
});
afterAll(async () => fake?.close());

/** The verdict on the true state, computed by the pure core from the fake's records. */
function truth(repo: string, number: number): string {
  const s = fake.state;
  const r = s.repo("acme", repo);
  const pr = s.pullRequest("acme", repo, number);
  const p = pr.pull;
  const text = s.treeAt(r, p.base.ref)?.get(".github/rolegate.yml");
  if (text === undefined) return "neutral";
  const policy = loadPolicy(".github/rolegate.yml", text, new Date()).policy!;
  const members = new Map<string, Set<string>>();
  for (const t of s.teams.values()) members.set(`${t.org}/${t.slug}`.toLowerCase(), new Set([...t.members.keys()]));
  const baseChanges = p.timeline
    .filter((e) => e.__typename === "BaseRefChangedEvent" || e.__typename === "BaseRefForcePushedEvent")
    .map((e) => e.createdAt)
    .sort();
  const lastBaseChange = baseChanges.at(-1);
  const reviews: Review[] = p.reviews
    .filter((x) => x.state !== "PENDING" && x.submitted_at)
    .map((x) => ({
      user: x.user,
      state: x.state as Review["state"],
      onHead: x.commit_id === p.head.sha,
      afterBaseChange: !lastBaseChange || x.submitted_at! > lastBaseChange,
      order: Date.parse(x.submitted_at!),
    }));
  const writers = new Set([...r.permissions.values()].filter((x) => ["admin", "maintain", "write"].includes(x.permission)).map((x) => x.login.toLowerCase()));
  const state: ChangeState = {
    files: p.files.map((f) => ({
      path: f.filename,
      status: f.status === "removed" ? "removed" : f.status === "renamed" ? "renamed" : f.status === "added" ? "added" : "modified",
      previousPath: f.previous_filename,
    })),
    filesComplete: true,
    author: pr.author,
    committers: [...new Set(p.commits.flatMap((c) => [c.author, c.committer, ...c.coAuthors].filter((x): x is string => !!x)))],
    reviews,
    checksPassed: [],
    labels: pr.labels,
    targetBranch: p.base.ref,
    draft: p.draft,
    admins: [],
    writers,
    teams: { members, errors: new Map() },
    now: new Date(),
  };
  return evaluate(policy, state).conclusion;
}

let sequence = 0;

async function runSequence(files: string[], steps: Step[]): Promise<void> {
  const repo = `app${++sequence}`;
  const s = fake.state;
  s.addRepo({ owner: "acme", name: repo, defaultBranch: "main" });
  s.setFile("acme", repo, "main", ".github/rolegate.yml", MAIN_POLICY);
  s.setBranch("acme", repo, "release");
  s.setFile("acme", repo, "release", ".github/rolegate.yml", RELEASE_POLICY);
  for (const u of USERS.filter((x) => x !== "stranger")) s.setPermission("acme", repo, u, "write");
  let head = `${sequence.toString(16).padStart(8, "0")}${"0".repeat(32)}`;
  s.addPullRequest({
    owner: "acme",
    repo,
    number: 1,
    author: "dev1",
    base: { ref: "main" },
    head: { ref: "feature", sha: head },
    files: files.map((filename) => ({ filename, status: "modified" as const })),
  });

  const probot = new Probot({
    appId: 1001,
    privateKey,
    baseUrl: fake.apiUrl,
    log: silentLog,
    Octokit: ProbotOctokit.defaults((o: object) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })),
  });
  probot.load(
    rolegateApp({
      service: new RolegateService(silentLog),
      appId: 1001,
      retryBudget: { maxAttempts: 2, maxWaitMs: 1000, attemptTimeoutMs: 5000, sleep: async () => {} },
    }),
  );
  let clock = Date.now();
  let last: any;
  const deliver = async (name: string, action: string) => {
    last = {
      id: `${repo}-${clock}`,
      name,
      payload: {
        action,
        number: 1,
        pull_request: fake.pullRequestJson("acme", repo, 1),
        repository: fake.repositoryJson("acme", repo),
        installation: { id: 1 },
      },
    };
    await probot.receive(last);
  };

  await deliver("pull_request", "opened");
  for (const step of steps) {
    const before = s.checkRuns.length;
    clock += 1000;
    switch (step.kind) {
      case "review":
        s.addReview("acme", repo, 1, {
          user: step.user,
          state: step.state,
          commit_id: step.onHead ? head : "f".repeat(40),
          submitted_at: new Date(clock).toISOString(),
        });
        if (!step.onHead) s.addCommit("acme", repo, "f".repeat(40));
        await deliver("pull_request_review", "submitted");
        break;
      case "push":
        head = (BigInt(`0x${head}`) + 1n).toString(16).padStart(40, "0");
        s.pushHead("acme", repo, 1, { sha: head, author: "dev1", committer: "dev1" });
        await deliver("pull_request", "synchronize");
        break;
      case "label": {
        const pr = s.pullRequest("acme", repo, 1);
        pr.labels = pr.labels.includes("production") ? [] : ["production"];
        await deliver("pull_request", pr.labels.length ? "labeled" : "unlabeled");
        break;
      }
      case "retarget": {
        const to = s.pullRequest("acme", repo, 1).pull.base.ref === "main" ? "release" : "main";
        s.changeBase("acme", repo, 1, { ref: to });
        await deliver("pull_request", "edited");
        break;
      }
      case "fault": {
        const path =
          step.route === "graphql" ? "/graphql" : step.route === "files" ? /\/pulls\/1\/files/ : step.route === "teams" ? /\/teams\// : /\/check-runs/;
        const headers: Record<string, string> = step.status === 403 ? { "retry-after": "3600" } : {};
        const response =
          step.status === "reset"
            ? { destroy: true }
            : step.status === "graphql"
              ? { status: 200, body: { errors: [{ message: "boom" }] } }
              : { status: step.status, body: { message: "fault" }, headers };
        fake.failNext({ path }, { ...response, times: 1 });
        await deliver("pull_request", "synchronize");
        fake.clearFaults();
        break;
      }
      case "duplicate":
        if (last) await probot.receive(last);
        break;
    }
    const posted = s.checkRuns.slice(before).filter((c) => c.repo === repo && c.name === "rolegate");
    for (const run of posted) {
      if (run.conclusion !== "success") continue;
      // A success must hold for the state it was posted on: the current head, judged now.
      expect(run.headSha).toBe(head);
      expect(truth(repo, 1)).toBe("success");
    }
  }
}

describe("fuzz: the app never posts a success the true state does not earn", () => {
  it(`holds over ${SEQUENCES} random sequences of events and faults`, async () => {
    let successes = 0;
    const counting = fake.state.checkRuns;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FILE_SETS), fc.array(stepArb, { minLength: 1, maxLength: 6 }), async (files, steps) => {
        await runSequence(files, steps);
      }),
      { numRuns: SEQUENCES },
    );
    successes = counting.filter((c) => c.conclusion === "success").length;
    // The property is only meaningful if successes do happen: the generator must reach them.
    expect(successes).toBeGreaterThan(SEQUENCES / 20);
  }, 600_000);
});
