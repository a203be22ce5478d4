import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RecordedCall } from "../fake-github/index.js";
import { pullRequestEvent } from "../fake-github/webhooks.js";
import { startFakeApp, type FakeApp } from "../helpers/fake-app.js";

// Time budget: about 3 s. The app in-process against the strict fake GitHub's commit graph: the
// histories of test/cli/reviews.test.ts (an "Update branch" merge, a clean rebase, a real change),
// judged through the compare API instead of git, must reach the same answers.

const POLICY = (stale: string) => `version: 1
categories:
  infrastructure: { paths: ["k8s/**"] }
roles:
  developer: { members: [dev1, dev2], grants: { author: ["*"] } }
  devops:
    inherits: [developer]
    members: [olga, omar]
    grants:
      approve: [infrastructure, policy]
require:
  - name: DevOps approval
    categories: [infrastructure, policy]
options: { stale_approvals: ${stale} }
`;

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
const DEPLOY = lines(40);
/** The change under review: one edited line of an infrastructure file. */
const CHANGED = DEPLOY.replace("line 10\n", "line ten\n");

let app: FakeApp;
/** The commit olga approved: the change before anything else happened to it. */
let approved: string;

beforeEach(async () => {
  app = await startFakeApp({ fake: { validateResponses: true } });
});
afterEach(() => app.close());

/**
 * acme/app: the base, a pull request by dev1 changing k8s/deploy.tf (plus `more`), reviewed by
 * `approver` on that commit, and the base branch moving on elsewhere afterwards.
 */
function setup(options: { stale: string; approver?: string; more?: Record<string, string> }): void {
  const s = app.fake.state;
  s.addRepo({ owner: "acme", name: "app", defaultBranch: "main" });
  for (const login of ["dev1", "dev2", "olga", "omar"]) s.setPermission("acme", "app", login, "write");
  const base = s.commit("acme", "app", {
    branch: "main",
    files: { ".github/rolegate.yml": POLICY(options.stale), "k8s/deploy.tf": DEPLOY, "src/app.ts": "a\n" },
    author: "lead",
  });
  approved = s.commit("acme", "app", { branch: "feature", parents: [base], changes: { "k8s/deploy.tf": CHANGED, ...options.more }, author: "dev1" });
  s.addPullRequest({ owner: "acme", repo: "app", number: 1, author: "dev1", base: { ref: "main" }, head: { ref: "feature", sha: approved } });
  if (options.approver) s.addReview("acme", "app", 1, { user: options.approver, state: "APPROVED", commit_id: approved });
  s.commit("acme", "app", { branch: "main", changes: { "src/app.ts": "b\n" }, author: "lead" });
}

const histories = {
  /** GitHub's "Update branch": the base merged into the head, by dev2. */
  updated: () => app.fake.state.updateBranch("acme", "app", 1, "dev2"),
  /** A clean rebase onto the new base. */
  rebased: () => app.fake.state.rebase("acme", "app", 1),
  /** A real change after the approval. */
  changed: () =>
    app.fake.state.commit("acme", "app", { branch: "feature", changes: { "k8s/deploy.tf": CHANGED.replace("line 30\n", "line thirty\n") }, author: "dev1" }),
};

/** Delivers a push to the pull request and returns the check rolegate posted on its head. */
async function judged(action = "synchronize") {
  await app.deliver("pull_request", pullRequestEvent(app.fake, { owner: "acme", repo: "app", number: 1, action }));
  const head = app.fake.state.pullRequest("acme", "app", 1).pull.head.sha;
  const check = app.fake.state.checkRunsFor("acme", "app", { name: "rolegate", headSha: head }).at(-1);
  if (!check) throw new Error("rolegate posted no check on the head");
  return { conclusion: check.conclusion, summary: check.output.summary ?? "" };
}

/** A reviewer's row of the check's Reviews table. */
function reviewRow(summary: string, user: string): string {
  const row = summary.split("\n").find((l) => l.startsWith(`| \`${user}\` |`));
  if (!row) throw new Error(`no Reviews row for ${user}`);
  return row;
}

const compares = (calls: readonly RecordedCall[]) => calls.filter((c) => c.path.includes("/compare/"));

describe("stale_approvals: unless_changed in the app", () => {
  it("keeps an approval across an Update branch merge of the base", async () => {
    setup({ stale: "unless_changed", approver: "olga" });
    histories.updated();
    const { conclusion, summary } = await judged();
    expect(conclusion).toBe("success");
    expect(reviewRow(summary, "olga")).toContain("| ✅ yes | approved | DevOps approval |");
  });

  it("keeps it across a clean rebase onto the new base", async () => {
    setup({ stale: "unless_changed", approver: "olga" });
    histories.rebased();
    expect((await judged()).conclusion).toBe("success");
  });

  it("voids it when the change itself changed, saying so", async () => {
    setup({ stale: "unless_changed", approver: "olga" });
    histories.changed();
    const { conclusion, summary } = await judged();
    expect(conclusion).toBe("action_required");
    const row = reviewRow(summary, "olga");
    expect(row).toContain("| ❌ no |");
    expect(row).toContain(`**stale**: approved an earlier commit (${approved.slice(0, 12)}), and the pull request's changes differ since`);
  });

  it.each([
    ["a patch too large to show", (s: FakeApp["fake"]["state"]) => (s.limits.patch.maxChangedLines = 1), {}],
    ["a binary file", () => {}, { "k8s/image.bin": "\u0000\u0001 binary" }],
    ["a compare that lists fewer files than changed", (s: FakeApp["fake"]["state"]) => (s.limits.compareFiles = 1), { "k8s/other.tf": "x\n" }],
  ])("voids it when the API cannot show the whole change: %s", async (_why, limit, more) => {
    setup({ stale: "unless_changed", approver: "olga", more });
    limit(app.fake.state);
    histories.updated();
    const { conclusion, summary } = await judged();
    expect(conclusion).toBe("action_required");
    expect(reviewRow(summary, "olga")).toContain("whether the pull request's changes differ since is unknown, so they count as changed");
  });

  it("pays compare calls only for an approval not on the head, once per commit", async () => {
    setup({ stale: "unless_changed", approver: "olga" });
    app.fake.resetCalls();
    expect((await judged("opened")).conclusion).toBe("success");
    expect(compares(app.fake.calls)).toEqual([]);

    histories.updated();
    app.fake.resetCalls();
    expect((await judged()).conclusion).toBe("success");
    // One for the approved commit, one for the head, each from the base branch's tip.
    const head = app.fake.state.pullRequest("acme", "app", 1).pull.head.sha;
    const tip = app.fake.state.repo("acme", "app").branches.get("main")!;
    expect(compares(app.fake.calls).map((c) => c.path.split("/compare/")[1])).toEqual(expect.arrayContaining([`${tip}...${approved}`, `${tip}...${head}`]));
    expect(compares(app.fake.calls)).toHaveLength(2);

    // The fingerprints are kept: judging again costs no compare call.
    app.fake.resetCalls();
    expect((await judged("edited")).conclusion).toBe("success");
    expect(compares(app.fake.calls)).toEqual([]);
  });
});

describe("stale_approvals: dismiss in the app", () => {
  it("voids the approval on any new commit, and never pays a compare call", async () => {
    for (const history of ["updated", "rebased", "changed"] as const) {
      await app.close();
      app = await startFakeApp({ fake: { validateResponses: true } });
      setup({ stale: "dismiss", approver: "olga" });
      histories[history]();
      app.fake.resetCalls();
      const { conclusion, summary } = await judged();
      expect(conclusion, history).toBe("action_required");
      expect(reviewRow(summary, "olga"), history).toContain("and options.stale_approvals is dismiss");
      expect(compares(app.fake.calls), history).toEqual([]);
    }
  });
});

describe("a merge of the base alone makes nobody a committer", () => {
  it("lets the person who clicked Update branch approve", async () => {
    setup({ stale: "dismiss" });
    const head = app.fake.state.updateBranch("acme", "app", 1, "omar");
    app.fake.state.addReview("acme", "app", 1, { user: "omar", state: "APPROVED", commit_id: head });
    app.fake.resetCalls();
    const { conclusion, summary } = await judged();
    expect(conclusion).toBe("success");
    expect(reviewRow(summary, "omar")).toContain("| ✅ yes |");
    // The merge and its first parent, compared once each.
    expect(compares(app.fake.calls)).toHaveLength(2);
  });

  it("but a merge with a change of its own (a conflict resolved by hand) makes its author a committer", async () => {
    setup({ stale: "dismiss" });
    const s = app.fake.state;
    const tip = s.repo("acme", "app").branches.get("main")!;
    // The clean merge would take src/app.ts from the base; this one also edits the change.
    const head = s.commit("acme", "app", {
      branch: "feature",
      parents: [approved, tip],
      changes: { "src/app.ts": "b\n", "k8s/deploy.tf": CHANGED.replace("line 20\n", "line twenty\n") },
      author: "omar",
      message: "Merge branch 'main' into feature",
    });
    s.addReview("acme", "app", 1, { user: "omar", state: "APPROVED", commit_id: head });
    const { conclusion, summary } = await judged();
    expect(conclusion).toBe("action_required");
    expect(reviewRow(summary, "omar")).toContain("**committer**: omar authored or committed commits of the pull request");
  });

  it("pays nothing when the person who merged has not approved", async () => {
    setup({ stale: "dismiss", approver: "olga" });
    histories.updated(); // by dev2, who never reviewed
    app.fake.resetCalls();
    await judged();
    expect(compares(app.fake.calls)).toEqual([]);
  });
});
