import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Conclusion } from "../../src/core/evaluate.js";
import { combineVerdicts, type Verdict } from "../../src/core/verdict.js";
import { enqueuePullRequest } from "../fake-github/merge-queue.js";
import { mergeGroupEvent, pullRequestEvent, pushEvent } from "../fake-github/webhooks.js";
import { runActionBundle } from "../helpers/action-runner.js";
import { TempRepo } from "../helpers/cli.js";
import { startFakeApp, type FakeApp } from "../helpers/fake-app.js";

// Time budget: about 20 s (the Action runs as a child process per fixture). One verdict for
// every front end: each shared fixture goes through the App (in-process against the strict
// fake GitHub), the Action (the committed bundle as the runner runs it) and the CLI (a real
// git repository), and all three must give the same conclusion.

const POLICY = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
roles:
  developer:
    members: [dev1, dev2]
    grants: { author: [pipeline, other, policy] }
  devops-engineer:
    inherits: [developer]
    members: ["@acme/devops"]
    grants: { approve: [pipeline, policy], merge: ["*"] }
require:
  - name: DevOps approval
    categories: [pipeline, policy]
    roles: [devops-engineer]
`;

const TESTS = `version: 1
cases:
  - name: a pipeline change needs a DevOps engineer
    files: [.github/workflows/ci.yml]
    author: dev1
    approved_by: [dev2]
    expect: { conclusion: action_required }
`;

const TEAMS = { "acme/devops": ["olga", "omar"] };

interface Fixture {
  name: string;
  /** The repository's files at the base (its policy among them, or not). */
  base: Record<string, string>;
  /** The organisation default, in acme/.github. */
  orgPolicy?: string;
  /** What the pull request changes: path → new text, or null to delete. */
  change: Record<string, string | null>;
  author: string;
  approvedBy: string[];
  expected: Conclusion;
}

const FIXTURES: Fixture[] = [
  {
    name: "a pipeline change approved by a DevOps engineer",
    base: { ".github/rolegate.yml": POLICY },
    change: { ".github/workflows/ci.yml": "on: push\n" },
    author: "dev1",
    approvedBy: ["olga"],
    expected: "success",
  },
  {
    name: "a pipeline change approved only by a developer",
    base: { ".github/rolegate.yml": POLICY },
    change: { ".github/workflows/ci.yml": "on: push\n" },
    author: "dev1",
    approvedBy: ["dev2"],
    expected: "action_required",
  },
  {
    name: "an author the policy does not allow",
    base: { ".github/rolegate.yml": POLICY },
    change: { ".github/workflows/ci.yml": "on: push\n" },
    author: "stranger",
    approvedBy: ["olga"],
    expected: "failure",
  },
  {
    name: "a repository without any policy",
    base: { "README.md": "hi\n" },
    change: { "src/a.ts": "x\n" },
    author: "dev1",
    approvedBy: [],
    expected: "neutral",
  },
  {
    name: "a repository judged by its organisation default",
    base: { "README.md": "hi\n" },
    orgPolicy: POLICY,
    change: { ".github/workflows/ci.yml": "on: push\n" },
    author: "dev1",
    approvedBy: ["dev2"],
    expected: "action_required",
  },
  {
    name: "a pull request that adds a valid first policy",
    base: { "README.md": "hi\n" },
    change: { ".github/rolegate.yml": POLICY },
    author: "dev1",
    approvedBy: [],
    expected: "neutral",
  },
  {
    name: "a pull request that adds an invalid first policy",
    base: { "README.md": "hi\n" },
    change: { ".github/rolegate.yml": "version: 1\nroles:\n  a: { inherits: [ghost] }\n" },
    author: "dev1",
    approvedBy: [],
    expected: "failure",
  },
  {
    name: "a policy change that breaks the policy tests",
    base: { ".github/rolegate.yml": POLICY, ".github/rolegate.tests.yml": TESTS },
    change: {
      ".github/rolegate.yml": POLICY.replace("    roles: [devops-engineer]\n", "").replace(
        "grants: { author: [pipeline, other, policy] }",
        "grants: { author: [pipeline, other, policy], approve: [pipeline, policy] }",
      ),
    },
    author: "dev1",
    approvedBy: ["olga"],
    expected: "failure",
  },
  {
    name: "an invalid policy on the base branch",
    base: { ".github/rolegate.yml": "version: 1\nroles:\n  a: { inherits: [ghost] }\n" },
    change: { "src/a.ts": "x\n" },
    author: "dev1",
    approvedBy: [],
    expected: "failure",
  },
];

const MERGE_GROUPS: { name: string; members: number[]; expected: Conclusion }[] = [
  { name: "a merge group whose pull requests all pass", members: [0], expected: "success" },
  { name: "a merge group with one pull request waiting", members: [0, 1], expected: "failure" },
  { name: "a merge group of pull requests under no policy at all", members: [3], expected: "neutral" },
];

let app: FakeApp;
let actionDir: string;
let extendsRoot: string;
let nextNumber = 1;

beforeAll(async () => {
  app = await startFakeApp();
  actionDir = mkdtempSync(join(tmpdir(), "rolegate-front-ends-"));
  extendsRoot = mkdtempSync(join(tmpdir(), "rolegate-org-"));
});
afterAll(async () => {
  await app.close();
  rmSync(actionDir, { recursive: true, force: true });
  rmSync(extendsRoot, { recursive: true, force: true });
});

/** A fresh acme/app on the fake with the fixture's base, and its pull request; returns the PR number. */
function onFakeGitHub(f: Fixture, queue = false): number {
  const s = app.fake.state;
  const number = nextNumber++;
  if (!s.findRepo("acme", "app")) {
    s.addRepo({ owner: "acme", name: "app", defaultBranch: "main" });
    for (const [team, members] of Object.entries(TEAMS)) s.setTeam("acme", team.split("/")[1]!, members);
    for (const login of ["dev1", "dev2", "olga", "omar", "stranger"]) s.setPermission("acme", "app", login, "write");
  }
  const base = s.commit("acme", "app", { branch: "main", files: f.base, author: "lead", message: `base of #${number}` });
  const orgFiles: Record<string, string> = f.orgPolicy ? { ".github/rolegate.yml": f.orgPolicy } : { "README.md": "org\n" };
  if (!s.findRepo("acme", ".github")) s.addRepo({ owner: "acme", name: ".github", defaultBranch: "main" });
  const orgBefore = s.repo("acme", ".github").branches.get("main")!;
  s.commit("acme", ".github", { branch: "main", files: orgFiles, author: "lead" });
  pushes.push(pushEvent(app.fake, { owner: "acme", repo: ".github", ref: "main", before: orgBefore, pusher: "lead" }));
  const head = s.commit("acme", "app", { branch: `change-${number}`, parents: [base], changes: f.change, author: f.author });
  s.addPullRequest({ owner: "acme", repo: "app", number, author: f.author, base: { ref: "main" }, head: { ref: `change-${number}`, sha: head } });
  for (const user of f.approvedBy)
    s.addReview("acme", "app", number, { user, state: "APPROVED", commit_id: head, submitted_at: new Date(Date.now() - 1000).toISOString() });
  if (queue) enqueuePullRequest(s, s.repo("acme", "app"), s.pullRequest("acme", "app", number), { enqueuer: "olga" });
  return number;
}

/** Pushes the App must hear of before it judges (a change of the organisation's default). */
const pushes: unknown[] = [];

async function throughApp(number: number): Promise<Conclusion> {
  for (const push of pushes.splice(0)) await app.deliver("push", push);
  const pr = app.fake.state.pullRequest("acme", "app", number);
  await app.deliver("pull_request", pullRequestEvent(app.fake, { owner: "acme", repo: "app", number, action: "opened" }));
  return latestCheck(pr.pull.head.sha, app.appId);
}

function latestCheck(sha: string, appId: number): Conclusion {
  const run = app.fake.state.checkRunsFor("acme", "app", { headSha: sha, name: "rolegate", appId }).at(-1);
  if (!run) throw new Error(`no rolegate check on ${sha}`);
  return run.conclusion as Conclusion;
}

async function throughAction(event: string, payload: unknown): Promise<Conclusion> {
  // A token that can read organisation members, as the docs require for team roles.
  app.fake.state.actionsTokenPermissions = { ...app.fake.state.actionsTokenPermissions, members: "read" };
  const r = await runActionBundle(app.fake, actionDir, event, payload);
  return r.outputs.conclusion as Conclusion;
}

/** The same change in a real git repository, judged by `rolegate check --base main`. Exit 2 (invalid policy) is a failure. */
async function throughCli(f: Fixture): Promise<{ conclusion: Conclusion; title: string }> {
  const repo = new TempRepo();
  try {
    repo.commit(f.base, "base");
    repo.git("checkout", "-qb", "change");
    for (const [path, text] of Object.entries(f.change)) {
      if (text === null) repo.git("rm", "-q", path);
      else repo.write(path, text);
    }
    repo.git("add", "-A");
    repo.git("commit", "-qm", "change");
    repo.write(
      "../teams.yml",
      Object.entries(TEAMS)
        .map(([t, m]) => `${t}: [${m.join(", ")}]`)
        .join("\n"),
    );
    const args = ["check", "--base", "main", "--author", f.author, "--teams", "../teams.yml", "--format", "json"];
    if (f.approvedBy.length > 0) args.push("--approved-by", f.approvedBy.join(","));
    if (f.orgPolicy) {
      mkdirSync(dirname(join(extendsRoot, "acme/.github/.github/rolegate.yml")), { recursive: true });
      writeFileSync(join(extendsRoot, "acme/.github/.github/rolegate.yml"), f.orgPolicy);
      args.push("--extends-root", extendsRoot, "--repo", "acme/app");
    }
    const r = await repo.run(...args);
    if (r.code === 2) return { conclusion: "failure", title: r.stderr.split("\n")[0]! };
    const out = JSON.parse(r.stdout);
    return { conclusion: out.conclusion, title: out.title };
  } finally {
    repo.remove();
  }
}

describe("the App, the Action and the CLI give the same conclusion", () => {
  it.each(FIXTURES.map((f) => [f.name, f] as const))("%s", async (_name, f) => {
    const number = onFakeGitHub(f);
    const fromApp = await throughApp(number);
    const fromAction = await throughAction("pull_request_target", pullRequestEvent(app.fake, { owner: "acme", repo: "app", number, action: "opened" }));
    const fromCli = (await throughCli(f)).conclusion;
    expect({ app: fromApp, action: fromAction, cli: fromCli }).toEqual({ app: f.expected, action: f.expected, cli: f.expected });
  });

  it.each(MERGE_GROUPS.map((g) => [g.name, g] as const))("%s", async (_name, g) => {
    const s = app.fake.state;
    const numbers = g.members.map((i) => onFakeGitHub(FIXTURES[i]!, false));
    // One base for the whole group: every member's base commit moved main; queue them on its tip.
    if (!s.repo("acme", "app").mergeQueues.has("main")) s.enableMergeQueue("acme", "app", "main");
    for (const n of numbers) enqueuePullRequest(s, s.repo("acme", "app"), s.pullRequest("acme", "app", n), { enqueuer: "olga" });
    const event = mergeGroupEvent(app.fake, { owner: "acme", repo: "app", number: numbers.at(-1)! }) as ReturnType<typeof mergeGroupEvent> & {
      merge_group: { head_sha: string };
    };
    expect(event.pullRequests).toEqual(numbers);
    await app.deliver("merge_group", event);
    const fromApp = latestCheck(event.merge_group.head_sha, app.appId);
    const fromAction = await throughAction("merge_group", event);
    // The CLI judges each pull request; the core's one combination serves the App and the Action too.
    const members = [];
    for (const [i, n] of numbers.entries()) {
      const one = await throughCli(FIXTURES[g.members[i]!]!);
      members.push({ number: n, verdict: one as unknown as Verdict });
    }
    const fromCli = combineVerdicts(members).conclusion;
    for (const n of numbers) s.dequeue("acme", "app", n);
    expect({ app: fromApp, action: fromAction, cli: fromCli }).toEqual({ app: g.expected, action: g.expected, cli: g.expected });
  });
});
