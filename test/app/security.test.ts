import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installationApi, replanEverything } from "../../src/app/scheduler.js";
import { RolegateService } from "../../src/app/service.js";
import { DEFAULT_BUDGET } from "../../src/github/resilient.js";
import { MemoryStore } from "../../src/github/store.js";
import { silentLog } from "../helpers/github-world.js";
import { startFakeApp, type FakeApp } from "../helpers/fake-app.js";
import { Scenario } from "../helpers/fake-scenarios.js";

// Time budget: about 5 s. The gate under an adversary (issue "The gate cannot be walked
// around"), each attack played against the strict fake GitHub with the app in-process.

/** A policy like the `minimal` preset: `merge` is not enforced on ordinary code. */
const OPEN_MERGE = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
roles:
  developer: { members: [dev1, dev2], grants: { author: ["*"] } }
  devops: { members: ["@acme/devops"], grants: { approve: [pipeline, policy], merge: [pipeline] } }
require:
  - { name: DevOps approval, categories: [pipeline, policy] }
`;

const PIPELINE = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
roles:
  developer: { members: [dev1, dev2, "renovate[bot]"], grants: { author: ["*"] } }
  devops: { members: ["@acme/devops"], grants: { approve: [pipeline, policy], merge: ["*"] } }
  bots: { members: ["renovate[bot]"], denies: { author: [pipeline] } }
require:
  - { name: DevOps approval, categories: [pipeline, policy] }
`;

let app: FakeApp;
let s: Scenario;
beforeEach(async () => {
  app = await startFakeApp();
  s = new Scenario(app);
  app.fake.state.setTeam("acme", "devops", ["olga", "omar"]);
});
afterEach(() => app.close());

describe("1. /rolegate merge by anyone", () => {
  it("refuses a commenter without write access, even where merge is not enforced, and says why", async () => {
    s.repository({ ".github/rolegate.yml": OPEN_MERGE, "src/a.ts": "a\n" }, { dev1: "write" });
    const pr = s.pullRequest("dev1", { "src/a.ts": "b\n" });
    await s.opened(pr);
    expect(s.check(s.head(pr))?.conclusion).toBe("success");
    await s.comment(pr, "stranger", "/rolegate merge");
    expect(app.fake.state.merges).toEqual([]);
    expect(s.lastReply(pr)).toContain("@stranger you have no write access to this repository");
  });

  it("refuses the author of a fork's pull request, who has no write access", async () => {
    s.repository(
      { ".github/rolegate.yml": OPEN_MERGE.replace("members: [dev1, dev2]", "members: [dev1, dev2, forker]"), "src/a.ts": "a\n" },
      { dev1: "write" },
    );
    const pr = s.pullRequest("forker", { "src/a.ts": "b\n" }, { fork: "forker" });
    await s.opened(pr);
    await s.comment(pr, "forker", "/rolegate merge");
    expect(app.fake.state.merges).toEqual([]);
  });

  it("merges for a writer, pinned to the head commit it judged", async () => {
    s.repository({ ".github/rolegate.yml": OPEN_MERGE, "src/a.ts": "a\n" }, { dev1: "write", dev2: "write" });
    const pr = s.pullRequest("dev1", { "src/a.ts": "b\n" });
    await s.comment(pr, "dev2", "/rolegate merge");
    expect(app.fake.state.merges).toHaveLength(1);
    expect(app.fake.state.merges[0]).toMatchObject({ number: pr });
    expect(app.fake.state.merges[0]!.request).toMatchObject({ sha: s.head(pr) });
  });

  it("reads write access fresh: a permission removed since the last check cannot merge", async () => {
    s.repository({ ".github/rolegate.yml": OPEN_MERGE, "src/a.ts": "a\n" }, { dev1: "write", dev2: "write" });
    const pr = s.pullRequest("dev1", { "src/a.ts": "b\n" });
    await s.opened(pr);
    app.fake.state.setPermission("acme", "app", "dev2", "read");
    await s.comment(pr, "dev2", "/rolegate merge");
    expect(app.fake.state.merges).toEqual([]);
  });
});

describe("2. the base policy is read by the branch's full name", () => {
  it("a tag named like the base branch cannot choose the policy", async () => {
    const strict = s.repository({ ".github/rolegate.yml": PIPELINE }, { dev1: "write" });
    // A permissive policy on a side commit, tagged `main`: a bare `main` would now resolve to the tag.
    const lax = app.fake.state.commit("acme", "app", {
      parents: [strict],
      changes: { ".github/rolegate.yml": "version: 1\nroles:\n  any: { members: [dev1] }\n" },
      author: "dev1",
    });
    app.fake.state.addTag("acme", "app", "main", lax);
    const pr = s.pullRequest("dev1", { ".github/workflows/ci.yml": "on: push\n" });
    await s.opened(pr);
    const check = s.check(s.head(pr));
    expect(check?.conclusion).toBe("action_required");
    expect(check?.output?.summary).toContain("DevOps approval");
  });
});

describe("3. cached policies never leak across organisations", () => {
  it("the same policy text extending `.github` is composed with each organisation's own default", async () => {
    // Flow style: no line starts with `extends:`.
    const text = '{version: 1, extends: .github, categories: {pipeline: {paths: [".github/workflows/**"]}}}\n';
    const strictDefault =
      "version: 1\nroles:\n  dev: { members: [dev1], grants: { author: ['*'] } }\n  ops: { members: [olga], grants: { approve: ['*'] } }\nrequire:\n  - { name: Everything needs ops }\n";
    const laxDefault = "version: 1\nroles:\n  dev: { members: [dev1], grants: { author: ['*'] } }\n";
    for (const [org, def, inst] of [
      ["evil", laxDefault, 2],
      ["acme", strictDefault, 1],
    ] as const) {
      if (inst === 2) app.fake.state.addInstallation({ id: 2, appId: app.appId, account: "evil" });
      app.fake.state.addRepo({ owner: org, name: ".github", defaultBranch: "main" });
      app.fake.state.commit(org, ".github", { branch: "main", files: { ".github/rolegate.yml": def }, author: "lead" });
    }
    const evil = new Scenario(app, "evil");
    evil.repository({ ".github/rolegate.yml": text });
    const evilPr = evil.pullRequest("dev1", { ".github/workflows/ci.yml": "x\n" });
    await evil.opened(evilPr);
    expect(evil.check(evil.head(evilPr))?.conclusion).toBe("success");
    s.repository({ ".github/rolegate.yml": text });
    const acmePr = s.pullRequest("dev1", { ".github/workflows/ci.yml": "x\n" });
    await s.opened(acmePr);
    expect(s.check(s.head(acmePr))?.conclusion).toBe("action_required");
  });
});

describe("4. a success never goes stale", () => {
  const TEAM_POLICY = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
roles:
  developer: { members: [dev1], grants: { author: ["*"] } }
  devops: { members: ["@acme/devops"], grants: { approve: [pipeline, policy] } }
require:
  - { name: DevOps approval, categories: [pipeline, policy] }
`;

  it("a team member's removal re-judges the pull requests their approval passed", async () => {
    s.repository({ ".github/rolegate.yml": TEAM_POLICY });
    const pr = s.pullRequest("dev1", { ".github/workflows/ci.yml": "x\n" });
    s.approve(pr, "olga");
    await s.opened(pr);
    expect(s.check(s.head(pr))?.conclusion).toBe("success");
    await s.membership("devops", "olga", "removed");
    expect(s.check(s.head(pr))?.conclusion).toBe("action_required");
  });

  it("a push to an in-repository parent or the policy tests re-judges every open pull request, past the first hundred", async () => {
    const parent = TEAM_POLICY;
    s.repository({ ".github/rolegate.yml": "version: 1\nextends: acme/app:policies/base.yml\n", "policies/base.yml": parent });
    const prs: number[] = [];
    for (let i = 0; i < 101; i++) prs.push(s.pullRequest("dev1", { [`src/f${i}.ts`]: "x\n" }));
    // The parent now requires DevOps approval for everything.
    await s.push("main", { "policies/base.yml": parent.replace("categories: [pipeline, policy] }", "categories: [pipeline, policy, other] }") });
    for (const pr of [prs[0]!, prs[100]!]) expect(s.check(s.head(pr))?.conclusion).toBe("action_required");
    const judged = prs.filter((pr) => s.check(s.head(pr)) !== undefined).length;
    expect(judged).toBe(101);
    // The tests file defines the policy too.
    const before = s.checks(s.head(prs[0]!)).length;
    await s.push("main", { ".github/rolegate.tests.yml": "version: 1\ncases:\n  - { name: x, files: [a], expect: { conclusion: action_required } }\n" });
    expect(s.checks(s.head(prs[0]!)).length).toBe(before + 1);
  });

  it("a push to the organisation's .github re-judges the pull requests its default judges, on every replica", async () => {
    app.fake.state.addRepo({ owner: "acme", name: ".github", defaultBranch: "main" });
    app.fake.state.commit("acme", ".github", {
      branch: "main",
      files: { ".github/rolegate.yml": TEAM_POLICY.replace("[pipeline, policy] }", "[pipeline] }") },
      author: "lead",
    });
    s.repository({ "README.md": "x\n" });
    const pr = s.pullRequest("dev1", { "src/a.ts": "x\n" });
    await s.opened(pr);
    expect(s.check(s.head(pr))?.conclusion).toBe("success");
    await s.push(
      "main",
      { ".github/rolegate.yml": TEAM_POLICY.replace("categories: [pipeline, policy] }", "categories: [pipeline, policy, other] }") },
      "lead",
      ".github",
    );
    expect(s.check(s.head(pr))?.conclusion).toBe("action_required");
  });

  it("a time window closing re-judges at its edge, planned in the shared store", async () => {
    let now = new Date("2026-12-07T10:00:00Z"); // a Monday, inside 09:00-17:00 UTC
    const store = new MemoryStore();
    const service = new RolegateService(silentLog, () => now, { store });
    await app.close();
    app = await startFakeApp({ service });
    s = new Scenario(app);
    app.fake.state.setTeam("acme", "devops", ["olga"]);
    const windowed = TEAM_POLICY.replace(
      "grants: { approve: [pipeline, policy] }",
      'grants: { approve: [{ category: pipeline, when: { time: { from: "09:00", to: "17:00" } } }, policy] }',
    );
    s.repository({ ".github/rolegate.yml": windowed });
    const pr = s.pullRequest("dev1", { ".github/workflows/ci.yml": "x\n" });
    s.approve(pr, "olga");
    await s.opened(pr);
    expect(s.check(s.head(pr))?.conclusion).toBe("success");
    const planned = await store.due(Date.parse("2026-12-07T17:00:00Z"), 10);
    expect(planned.map((p) => new Date(p.at).toISOString())).toEqual(["2026-12-07T17:00:00.000Z"]);
    now = new Date("2026-12-07T17:00:30Z");
    const apiFor = async (installation: string) => (await app.probot.auth(Number(installation))) as never;
    expect(await service.runDueJudgements(apiFor)).toBe(1);
    expect(s.check(s.head(pr))?.conclusion).toBe("action_required");
  });
});

describe("4. plans survive a restart", () => {
  it("a replica whose plans lived in memory judges every open pull request at start, planning them again", async () => {
    const windowed = PIPELINE.replace(
      'grants: { approve: [pipeline, policy], merge: ["*"] }',
      'grants: { approve: [{ category: pipeline, when: { time: { from: "09:00", to: "17:00" } } }, policy] }',
    );
    s.repository({ ".github/rolegate.yml": windowed });
    const pr = s.pullRequest("dev1", { ".github/workflows/ci.yml": "x\n" });
    // A new replica, with nothing planned: it must find the pull request by itself.
    const store = new MemoryStore();
    const service = new RolegateService(silentLog, () => new Date("2026-12-07T10:00:00Z"), { store });
    const count = await replanEverything(app.probot, service, installationApi(app.probot, DEFAULT_BUDGET), DEFAULT_BUDGET);
    expect(count).toBe(1);
    expect(s.check(s.head(pr))).toBeDefined();
    expect((await store.due(Date.parse("2026-12-08T00:00:00Z"), 10)).map((d) => new Date(d.at).toISOString())).toEqual(["2026-12-07T17:00:00.000Z"]);
  });
});

describe("5. storage faults fail closed", () => {
  /** A store that can go down: every call throws while `down`. */
  class FlakyStore extends MemoryStore {
    down = false;
    private guard() {
      if (this.down) throw new Error("connection refused");
    }
    override async get(key: string) {
      this.guard();
      return super.get(key);
    }
    override async set(key: string, value: string, ttl: number) {
      this.guard();
      return super.set(key, value, ttl);
    }
    override async acquire(key: string, token: string, ttl: number) {
      this.guard();
      return super.acquire(key, token, ttl);
    }
    override async extend(key: string, token: string, ttl: number) {
      this.guard();
      return super.extend(key, token, ttl);
    }
  }

  it("with the store down, a blocking review still replaces an earlier success, and a success is never posted unconfirmed", async () => {
    const store = new FlakyStore();
    await app.close();
    app = await startFakeApp({ service: new RolegateService(silentLog, () => new Date(), { store }) });
    s = new Scenario(app);
    app.fake.state.setTeam("acme", "devops", ["olga", "omar"]);
    s.repository({ ".github/rolegate.yml": PIPELINE });
    const pr = s.pullRequest("dev1", { ".github/workflows/ci.yml": "x\n" });
    s.approve(pr, "olga");
    await s.opened(pr);
    expect(s.check(s.head(pr))?.conclusion).toBe("success");
    store.down = true;
    s.approve(pr, "omar", "CHANGES_REQUESTED");
    await s.opened(pr, "edited");
    expect(s.check(s.head(pr))?.conclusion).toBe("failure");
    // The change request withdrawn, the verdict would pass: without the store it cannot be confirmed as the newest.
    app.fake.state.addReview("acme", "app", pr, {
      user: "omar",
      state: "APPROVED",
      commit_id: s.head(pr),
      submitted_at: new Date(Date.now() + 60_000).toISOString(),
    });
    await s.opened(pr, "synchronize");
    const check = s.check(s.head(pr));
    expect(check?.conclusion).toBe("failure");
    expect(check?.output?.summary).toContain("the shared store that orders rolegate's evaluations is unavailable");
  });

  it("an evaluation that outlived its lock posts nothing; the newer one is the last word", async () => {
    await app.close();
    app = await startFakeApp({ service: new RolegateService(silentLog, () => new Date(), { lock: { ttlMs: 500, pollMs: 10 } }) });
    s = new Scenario(app);
    app.fake.state.setTeam("acme", "devops", ["olga"]);
    s.repository({ ".github/rolegate.yml": PIPELINE });
    const pr = s.pullRequest("dev1", { ".github/workflows/ci.yml": "x\n" });
    // The first evaluation is slow: it read the pull request (no approval yet), then its team
    // read answers only after the lock expired and a newer evaluation posted.
    app.fake.failNext({ method: "GET", path: /\/orgs\/acme\/teams\/devops\/members/ }, { delayMs: 1500 });
    const slow = s.opened(pr);
    // The slow evaluation has read the pull request (no approval yet) before the approval lands.
    while (!app.fake.calls.some((c) => c.path === "/graphql" && c.status === 200)) await new Promise((r) => setTimeout(r, 5));
    s.approve(pr, "olga");
    await s.opened(pr, "synchronize");
    await slow;
    const posted = s.checks(s.head(pr));
    expect(posted.at(-1)?.conclusion).toBe("success");
    expect(posted.filter((c) => c.conclusion === "action_required")).toEqual([]);
  });
});

describe("6. bot logins", () => {
  it("a pipeline change by a denied bot is a violation: GraphQL's `renovate` is the policy's `renovate[bot]`", async () => {
    s.repository({ ".github/rolegate.yml": PIPELINE });
    const pr = s.pullRequest("renovate[bot]", { ".github/workflows/ci.yml": "x\n" });
    s.approve(pr, "olga");
    await s.opened(pr);
    const check = s.check(s.head(pr));
    expect(check?.conclusion).toBe("failure");
    expect(check?.output?.summary).toContain("renovate[bot]");
  });
});

describe("8. committers", () => {
  it("a late co-author (the 12th of a commit, on the third page of commits) cannot approve", async () => {
    s.repository({ ".github/rolegate.yml": PIPELINE, ".github/workflows/ci.yml": "a\n" });
    const base = app.fake.state.repo("acme", "app").branches.get("main")!;
    let head = base;
    for (let i = 0; i < 210; i++) {
      head = app.fake.state.commit("acme", "app", {
        branch: "long",
        parents: [head],
        changes: { [".github/workflows/ci.yml"]: `v${i}\n` },
        author: "dev1",
        ...(i === 205 ? { coAuthors: [...Array.from({ length: 11 }, (_, k) => `pair${k}`), "olga"] } : {}),
      });
    }
    const pr = app.fake.state.addPullRequest({ owner: "acme", repo: "app", author: "dev1", base: { ref: "main" }, head: { ref: "long", sha: head } }).number;
    s.approve(pr, "olga");
    await s.opened(pr);
    expect(s.check(head)?.conclusion).toBe("action_required");
  });

  it("more commits than GitHub lists fails closed", async () => {
    s.repository({ ".github/rolegate.yml": PIPELINE, "src/a.ts": "a\n" });
    let head = app.fake.state.repo("acme", "app").branches.get("main")!;
    for (let i = 0; i < 252; i++)
      head = app.fake.state.commit("acme", "app", { branch: "huge", parents: [head], changes: { "src/a.ts": `v${i}\n` }, author: "dev1" });
    const pr = app.fake.state.addPullRequest({ owner: "acme", repo: "app", author: "dev1", base: { ref: "main" }, head: { ref: "huge", sha: head } }).number;
    await s.opened(pr);
    const check = s.check(head);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output?.summary).toContain("GitHub lists only 250");
  });
});

describe("9. team rosters are not published", () => {
  it("names teams, not their members; with visible rosters allowed, never a secret team's", async () => {
    s.repository({ ".github/rolegate.yml": PIPELINE });
    const pr = s.pullRequest("dev1", { ".github/workflows/ci.yml": "x\n" });
    await s.opened(pr);
    const summary = s.check(s.head(pr))?.output?.summary ?? "";
    expect(summary).toContain("| @acme/devops |");
    expect(summary).not.toMatch(/olga|omar/);

    await app.close();
    app = await startFakeApp({ service: new RolegateService(silentLog, () => new Date(), { teamRosters: "visible" }) });
    s = new Scenario(app);
    app.fake.state.setTeam("acme", "devops", ["olga", "omar"], { privacy: "secret" });
    app.fake.state.setTeam("acme", "ops", ["otto"], { privacy: "closed" });
    s.repository({ ".github/rolegate.yml": PIPELINE.replace('members: ["@acme/devops"]', 'members: ["@acme/devops", "@acme/ops"]') });
    const again = s.pullRequest("dev1", { ".github/workflows/ci.yml": "x\n" });
    await s.opened(again);
    const shown = s.check(s.head(again))?.output?.summary ?? "";
    expect(shown).toContain("otto");
    expect(shown).not.toMatch(/olga|omar/);
  });
});
