import { describe, expect, it } from "vitest";
import { emptyTeams } from "../../src/core/state.js";
import { approved, changesRequested, files, judge, NOW, policyOf, teams } from "../helpers/policy.js";

// Time budget: well under a second; pure in-memory evaluation.

const BASE = `
version: 1
categories:
  pipeline:       { paths: [".github/workflows/**", "Jenkinsfile"] }
  infrastructure: { paths: ["**/*.tf", "k8s/**"] }
  secrets:        { paths: ["**/*.sops.yaml"] }
environments:
  dev:        { level: 2, paths: ["envs/dev/**"] }
  test:       { level: 3, paths: ["envs/test/**"] }
  staging:    { level: 4, paths: ["envs/staging/**"] }
  production: { level: 5, paths: ["envs/prod/**"], branches: ["release/*"] }
roles:
  developer:
    members: [dev1, dev2, "@acme/developers"]
    grants: { author: ["*"] }
  sysadmin:
    inherits: [developer]
    members: [sam]
    grants: { approve: [{ category: infrastructure, up_to_level: 3 }] }
  devops:
    inherits: [sysadmin]
    members:
      - ops1
      - ops2
      - "@acme/devops"
      - { user: carol, environments: [dev] }
      - { user: oldie, expires: "2026-01-31" }
    grants: { approve: [pipeline, infrastructure], merge: [pipeline, infrastructure, other] }
  contractor:
    inherits: [devops]
    members: [ext-bob]
    denies: { approve: [{ category: "*", from_level: 4 }], merge: ["*"] }
  security:
    members: [dana]
    grants: { approve: [secrets, policy] }
require:
  - name: DevOps review
    categories: [pipeline, infrastructure]
  - name: Security review
    categories: [secrets, policy]
    roles: [security]
`;

const base = policyOf(BASE);
const noTeams = teams({ "acme/developers": [], "acme/devops": [] });

describe("effective permission and requirements", () => {
  it("counts an approval from a role that grants approve on the category", () => {
    const r = judge(base, { files: files(".github/workflows/ci.yml"), reviews: [approved("ops1")], teams: noTeams });
    expect(r.conclusion).toBe("success");
    expect(r.requirements[0]).toMatchObject({ name: "DevOps review", satisfied: true, approvedBy: ["ops1"] });
  });

  it("does not count an approval from a role without the grant, and names who can approve", () => {
    const r = judge(base, { files: files(".github/workflows/ci.yml"), reviews: [approved("dev1")], teams: noTeams });
    expect(r.conclusion).toBe("action_required");
    expect(r.requirements[0]!.approvals).toEqual({ have: 0, need: 1 });
    expect(r.requirements[0]!.eligible).toEqual(expect.arrayContaining(["ops1", "ops2", "@acme/devops"]));
    expect(r.requirements[0]!.eligible).not.toContain("dev1");
  });

  it("a deny beats an inherited grant", () => {
    // contractor inherits devops (which grants approve on infrastructure) but denies approve from level 4.
    const staging = judge(base, { files: files("envs/staging/main.tf"), reviews: [approved("ext-bob")], teams: noTeams });
    expect(staging.requirements[0]!.satisfied).toBe(false);
    const dev = judge(base, { files: files("envs/dev/main.tf"), reviews: [approved("ext-bob")], teams: noTeams });
    expect(dev.requirements[0]!.satisfied).toBe(true);
  });

  it("up_to_level 3 allows a test (level 3) file but not a staging (level 4) file", () => {
    const test = judge(base, { files: files("envs/test/main.tf"), reviews: [approved("sam")], teams: noTeams });
    expect(test.conclusion).toBe("success");
    const staging = judge(base, { files: files("envs/staging/main.tf"), reviews: [approved("sam")], teams: noTeams });
    expect(staging.conclusion).toBe("action_required");
  });

  it("a member scoped to environments [dev] can approve dev but not production", () => {
    const dev = judge(base, { files: files("envs/dev/main.tf"), reviews: [approved("carol")], teams: noTeams });
    expect(dev.conclusion).toBe("success");
    const prod = judge(base, { files: files("envs/prod/main.tf"), reviews: [approved("carol")], teams: noTeams });
    expect(prod.conclusion).toBe("action_required");
    // A file in no environment is outside an environments scope.
    const none = judge(base, { files: files("main.tf"), reviews: [approved("carol")], teams: noTeams });
    expect(none.conclusion).toBe("action_required");
  });

  it("a member scoped to paths holds the role only for matching files", () => {
    const p = policyOf(BASE.replace("- { user: carol, environments: [dev] }", '- { user: carol, paths: ["k8s/**"] }'));
    expect(judge(p, { files: files("k8s/a.yaml"), reviews: [approved("carol")], teams: noTeams }).conclusion).toBe("success");
    expect(judge(p, { files: files("infra/a.tf"), reviews: [approved("carol")], teams: noTeams }).conclusion).toBe("action_required");
  });

  it("an expired member does not count; the day of expiry still counts", () => {
    const after = judge(base, { files: files("main.tf"), reviews: [approved("oldie")], teams: noTeams });
    expect(after.conclusion).toBe("action_required");
    const onDay = judge(base, { files: files("main.tf"), reviews: [approved("oldie")], teams: noTeams, now: new Date("2026-01-31T23:59:00Z") });
    expect(onDay.conclusion).toBe("success");
  });

  it("holds a role through a team, case-insensitively", () => {
    const t = teams({ "acme/developers": [], "acme/devops": ["Olga"] });
    const r = judge(base, { files: files("k8s/deploy.yaml"), reviews: [approved("olga")], teams: t });
    expect(r.conclusion).toBe("success");
    const upper = judge(base, { files: files("k8s/deploy.yaml"), reviews: [approved("OPS1")], teams: noTeams });
    expect(upper.conclusion).toBe("success");
  });

  it("an unresolvable team fails closed and names the team", () => {
    const r = judge(base, { files: files("k8s/deploy.yaml"), reviews: [approved("ops1")], teams: emptyTeams() });
    expect(r.conclusion).toBe("failure");
    expect(r.errors.join("\n")).toContain("@acme/devops");
    const errored = emptyTeams();
    errored.members.set("acme/developers", new Set());
    errored.errors.set("acme/devops", "403: missing members:read");
    const r2 = judge(base, { files: files("README.md"), teams: errored });
    expect(r2.conclusion).toBe("failure");
    expect(r2.errors.join("\n")).toContain("403: missing members:read");
  });

  it("a requirement checks only the categories it concerns; one without categories needs all enforced ones", () => {
    // A file that is both infrastructure and secrets: DevOps satisfies the DevOps requirement,
    // the security contact satisfies the security one.
    const r = judge(base, { files: files("k8s/db.sops.yaml"), reviews: [approved("ops1"), approved("dana")], teams: noTeams });
    expect(r.requirements.map((q) => [q.name, q.approvedBy])).toEqual([
      ["DevOps review", ["ops1"]],
      ["Security review", ["dana"]],
    ]);
    expect(r.conclusion).toBe("success");
    const all = policyOf(BASE.replace(/require:[\s\S]*$/, "require:\n  - name: Everything\n"));
    const r2 = judge(all, { files: files("k8s/db.sops.yaml"), reviews: [approved("ops1"), approved("dana")], teams: noTeams });
    expect(r2.requirements[0]!.approvedBy).toEqual([]);
    expect(r2.conclusion).toBe("action_required");
  });

  it("roles: restricts approvers to holders of the listed roles", () => {
    // sam (sysadmin) may approve level-0 infrastructure by grant, but does not hold devops.
    const p = policyOf(BASE.replace("    categories: [pipeline, infrastructure]\n", "    categories: [pipeline, infrastructure]\n    roles: [devops]\n"));
    expect(judge(base, { files: files("main.tf"), reviews: [approved("sam")], teams: noTeams }).conclusion).toBe("success");
    expect(judge(p, { files: files("main.tf"), reviews: [approved("sam")], teams: noTeams }).conclusion).toBe("action_required");
    // ext-bob holds devops through contractor, which inherits it.
    expect(judge(p, { files: files("main.tf"), reviews: [approved("ext-bob")], teams: noTeams }).conclusion).toBe("success");
  });

  it("an action that no grant names is not enforced: anyone may approve", () => {
    const p = policyOf(BASE.replace(/require:[\s\S]*$/, "require:\n  - name: Docs\n    paths: [docs/]\n"));
    const r = judge(p, { files: files("docs/a.md"), reviews: [approved("random-user")], teams: noTeams });
    expect(r.conclusion).toBe("success");
    expect(r.requirements[0]!.eligible).toContain("*");
  });
});

describe("who counts as an approver", () => {
  it("the author's own approval never counts, unless author_can_approve", () => {
    const r = judge(base, { files: files("k8s/a.yaml"), author: "ops1", reviews: [approved("ops1")], teams: noTeams });
    expect(r.conclusion).toBe("action_required");
    const p = policyOf(BASE + "options: { author_can_approve: true }\n");
    expect(judge(p, { files: files("k8s/a.yaml"), author: "ops1", reviews: [approved("ops1")], teams: noTeams }).conclusion).toBe("success");
  });

  it("a committer's approval does not count by default, and does with committers_can_approve", () => {
    const r = judge(base, { files: files("k8s/a.yaml"), committers: ["ops1"], reviews: [approved("ops1")], teams: noTeams });
    expect(r.conclusion).toBe("action_required");
    const p = policyOf(BASE + "options: { committers_can_approve: true }\n");
    expect(judge(p, { files: files("k8s/a.yaml"), committers: ["ops1"], reviews: [approved("ops1")], teams: noTeams }).conclusion).toBe("success");
  });

  it("two approvals by the same person count once", () => {
    const p = policyOf(BASE.replace("    categories: [pipeline, infrastructure]\n", "    categories: [pipeline, infrastructure]\n    approvals: 2\n"));
    const r = judge(p, { files: files("k8s/a.yaml"), reviews: [approved("ops1", { order: 1 }), approved("OPS1", { order: 2 })], teams: noTeams });
    expect(r.requirements[0]!.approvals).toEqual({ have: 1, need: 2 });
    const two = judge(p, { files: files("k8s/a.yaml"), reviews: [approved("ops1"), approved("ops2")], teams: noTeams });
    expect(two.conclusion).toBe("success");
  });

  it("stale approvals are dismissed by default and kept with stale_approvals: keep", () => {
    const stale = [approved("ops1", { onHead: false })];
    expect(judge(base, { files: files("k8s/a.yaml"), reviews: stale, teams: noTeams }).conclusion).toBe("action_required");
    const keep = policyOf(BASE + "options: { stale_approvals: keep }\n");
    expect(judge(keep, { files: files("k8s/a.yaml"), reviews: stale, teams: noTeams }).conclusion).toBe("success");
  });

  it("names eligible approvers by the current team members and day when the same policy judges again", () => {
    const first = judge(base, { files: files("k8s/a.yaml"), teams: teams({ "acme/developers": [], "acme/devops": ["tina"] }) });
    expect(first.requirements[0]!.eligible).toContain("tina");
    const later = judge(base, { files: files("k8s/a.yaml"), teams: teams({ "acme/developers": [], "acme/devops": ["uma"] }) });
    expect(later.requirements[0]!.eligible).toContain("uma");
    expect(later.requirements[0]!.eligible).not.toContain("tina");
    // oldie's membership expired on 2026-01-31: eligible the day before, not after.
    const before = judge(base, { files: files("k8s/a.yaml"), teams: noTeams, now: new Date("2026-01-30T12:00:00Z") });
    const after = judge(base, { files: files("k8s/a.yaml"), teams: noTeams, now: new Date("2026-02-01T12:00:00Z") });
    expect(before.requirements[0]!.eligible).toContain("oldie");
    expect(after.requirements[0]!.eligible).not.toContain("oldie");
  });

  it("an approval of the head is not undone by a later approval of an older commit", () => {
    const headThenStale = [approved("ops1", { order: 1 }), approved("ops1", { onHead: false, order: 2 })];
    expect(judge(base, { files: files("k8s/a.yaml"), reviews: headThenStale, teams: noTeams }).conclusion).toBe("success");
    // ...but a change request or dismissal in between ends the earlier approval.
    const interrupted = [
      approved("ops1", { order: 1 }),
      { user: "ops1", state: "DISMISSED" as const, onHead: true, afterBaseChange: true, order: 2 },
      approved("ops1", { onHead: false, order: 3 }),
    ];
    expect(judge(base, { files: files("k8s/a.yaml"), reviews: interrupted, teams: noTeams }).conclusion).toBe("action_required");
  });

  it("an approval given before the latest base-branch change never counts", () => {
    const keep = policyOf(BASE + "options: { stale_approvals: keep }\n");
    const r = judge(keep, { files: files("k8s/a.yaml"), reviews: [approved("ops1", { afterBaseChange: false })], teams: noTeams });
    expect(r.conclusion).toBe("action_required");
  });

  it("only the latest of APPROVED / CHANGES_REQUESTED / DISMISSED counts; COMMENTED changes nothing", () => {
    const dismissed = judge(base, {
      files: files("k8s/a.yaml"),
      reviews: [approved("ops1", { order: 1 }), { user: "ops1", state: "DISMISSED", onHead: true, afterBaseChange: true, order: 2 }],
      teams: noTeams,
    });
    expect(dismissed.conclusion).toBe("action_required");
    const commented = judge(base, {
      files: files("k8s/a.yaml"),
      reviews: [approved("ops1", { order: 1 }), { user: "ops1", state: "COMMENTED", onHead: true, afterBaseChange: true, order: 2 }],
      teams: noTeams,
    });
    expect(commented.conclusion).toBe("success");
  });

  it("a reviewer without write access and without a role does not count", () => {
    const p = policyOf(BASE.replace(/require:[\s\S]*$/, "require:\n  - name: Docs\n    paths: [docs/]\n"));
    const r = judge(p, { files: files("docs/a.md"), reviews: [approved("stranger")], writers: new Set(["someone"]), teams: noTeams });
    expect(r.conclusion).toBe("action_required");
    const r2 = judge(p, { files: files("docs/a.md"), reviews: [approved("stranger")], writers: new Set(["stranger"]), teams: noTeams });
    expect(r2.conclusion).toBe("success");
  });
});

describe("blocking reviews", () => {
  it("CHANGES_REQUESTED from a user allowed to approve a file blocks", () => {
    const r = judge(base, { files: files("k8s/a.yaml"), reviews: [approved("ops1"), changesRequested("ops2")], teams: noTeams });
    expect(r.conclusion).toBe("failure");
    expect(r.blocking.map((b) => b.user)).toEqual(["ops2"]);
  });

  it("CHANGES_REQUESTED from a user not allowed to approve any file does not block", () => {
    const r = judge(base, { files: files("k8s/a.yaml"), reviews: [approved("ops1"), changesRequested("dev1")], teams: noTeams });
    expect(r.conclusion).toBe("success");
  });

  it("the author can block, though they cannot approve", () => {
    const r = judge(base, { files: files("k8s/a.yaml"), author: "ops2", reviews: [approved("ops1"), changesRequested("ops2")], teams: noTeams });
    expect(r.conclusion).toBe("failure");
  });

  it("a later approval replaces the change request", () => {
    const r = judge(base, { files: files("k8s/a.yaml"), reviews: [changesRequested("ops1", { order: 1 }), approved("ops1", { order: 2 })], teams: noTeams });
    expect(r.conclusion).toBe("success");
  });
});

describe("author and merge enforcement", () => {
  it("an author allowed to author every file is no violation; one who is not is", () => {
    expect(judge(base, { files: files("src/a.ts"), author: "dev1", teams: noTeams }).violations).toEqual([]);
    const r = judge(base, { files: files("src/a.ts"), author: "outsider", teams: noTeams });
    expect(r.conclusion).toBe("failure");
    expect(r.violations[0]).toMatchObject({ action: "author", user: "outsider", path: "src/a.ts" });
  });

  it("merge is judged on every changed file once the merger is known; a deny blocks it", () => {
    expect(judge(base, { files: files("k8s/a.yaml"), author: "dev1", reviews: [approved("ops1")], mergedBy: "ops2", teams: noTeams }).conclusion).toBe(
      "success",
    );
    const dev = judge(base, { files: files("k8s/a.yaml"), author: "dev1", reviews: [approved("ops1")], mergedBy: "dev2", teams: noTeams });
    expect(dev.violations.map((v) => [v.action, v.user])).toEqual([["merge", "dev2"]]);
    const bob = judge(base, { files: files("k8s/a.yaml"), author: "dev1", reviews: [approved("ops1")], mergedBy: "ext-bob", teams: noTeams });
    expect(bob.conclusion).toBe("failure");
  });

  it("check_commit_authors judges every commit author too", () => {
    const p = policyOf(BASE + "options: { check_commit_authors: true }\n");
    const r = judge(p, { files: files("src/a.ts"), author: "dev1", committers: ["outsider"], teams: noTeams });
    expect(r.violations.map((v) => v.user)).toEqual(["outsider"]);
    expect(judge(base, { files: files("src/a.ts"), author: "dev1", committers: ["outsider"], teams: noTeams }).violations).toEqual([]);
  });
});

describe("files: renames, deletes, environments", () => {
  it("a rename out of a guarded folder still needs approval, and counts under both paths", () => {
    const r = judge(base, { files: [{ path: "attic/deploy.yaml", previousPath: "k8s/deploy.yaml", status: "renamed" }], teams: noTeams });
    expect(r.files.map((f) => [f.path, f.categories])).toEqual([
      ["k8s/deploy.yaml", ["infrastructure"]],
      ["attic/deploy.yaml", ["other"]],
    ]);
    expect(r.conclusion).toBe("action_required");
    expect(r.requirements[0]!.selected).toEqual(["k8s/deploy.yaml"]);
  });

  it("a deleted file counts under its path", () => {
    const r = judge(base, { files: [{ path: "Jenkinsfile", status: "removed" }], teams: noTeams });
    expect(r.files[0]).toMatchObject({ path: "Jenkinsfile", status: "removed", categories: ["pipeline"] });
    expect(r.conclusion).toBe("action_required");
  });

  it("a target branch matching an environment's branches puts every file in it", () => {
    const r = judge(base, { files: files("src/a.ts"), targetBranch: "release/1.2", teams: noTeams });
    expect(r.files[0]).toMatchObject({ level: 5, environments: ["production"] });
    expect(judge(base, { files: files("src/a.ts"), targetBranch: "release/1.2/x", teams: noTeams }).files[0]!.level).toBe(0);
  });

  it("a file's level is the highest of its environments; a file in none is level 0", () => {
    const p = policyOf(
      BASE.replace('staging:    { level: 4, paths: ["envs/staging/**"] }', 'staging:    { level: 4, paths: ["envs/staging/**", "envs/dev/shared/**"] }'),
    );
    const r = judge(p, { files: files("envs/dev/shared/x.tf", "x.tf"), teams: noTeams });
    expect(r.files.map((f) => f.level)).toEqual([4, 0]);
  });
});

describe("requirement selectors and conditions", () => {
  const SEL = `
version: 1
categories:
  infrastructure: { paths: ["**/*.tf"] }
environments:
  staging:    { level: 4, paths: ["envs/staging/**"] }
  production: { level: 5, paths: ["envs/prod/**"] }
roles:
  ops:
    members: [ops1, ops2]
    grants: { approve: ["*"] }
  lead:
    members: [lead1]
    grants: { approve: ["*"] }
`;

  it("selectors are any-of within a list and all-of across selectors", () => {
    const p = policyOf(SEL + "require:\n  - name: Prod infra\n    categories: [infrastructure]\n    environments: [staging, production]\n");
    expect(judge(p, { files: files("envs/prod/a.tf") }).requirements).toHaveLength(1);
    expect(judge(p, { files: files("envs/staging/a.tf") }).requirements).toHaveLength(1);
    expect(judge(p, { files: files("a.tf") }).requirements).toHaveLength(0);
    expect(judge(p, { files: files("envs/prod/a.md") }).requirements).toHaveLength(0);
  });

  it("min_level and paths select files", () => {
    const p = policyOf(SEL + "require:\n  - name: High\n    min_level: 5\n  - name: Docs\n    paths: [docs/]\n");
    const r = judge(p, { files: files("envs/prod/a.md", "envs/staging/b.md", "docs/x.md") });
    expect(r.requirements.map((q) => [q.name, q.selected])).toEqual([
      ["High", ["envs/prod/a.md"]],
      ["Docs", ["docs/x.md"]],
    ]);
  });

  it("a requirement with no selector selects every file", () => {
    const p = policyOf(SEL + "require:\n  - name: All\n");
    expect(judge(p, { files: files("a", "b/c") }).requirements[0]!.selected).toEqual(["a", "b/c"]);
  });

  it("labels (case-insensitive), not_labels, target_branch, draft and author_roles select by condition", () => {
    const p = policyOf(
      SEL +
        `require:
  - name: Hotfix
    when: { labels: [Hotfix], target_branch: ["release/**"] }
  - name: Not reviewed yet
    when: { not_labels: [reviewed] }
  - name: Drafts
    when: { draft: true }
  - name: Leads' changes
    when: { author_roles: [lead] }
`,
    );
    const names = (o: Parameters<typeof judge>[1]) => judge(p, { files: files("a"), ...o }).requirements.map((q) => q.name);
    expect(names({ labels: ["HOTFIX"], targetBranch: "release/a/b" })).toContain("Hotfix");
    expect(names({ labels: ["hotfix"], targetBranch: "main" })).not.toContain("Hotfix");
    expect(names({ labels: ["reviewed"] })).not.toContain("Not reviewed yet");
    expect(names({})).toContain("Not reviewed yet");
    expect(names({ draft: true })).toContain("Drafts");
    expect(names({ draft: false })).not.toContain("Drafts");
    expect(names({ author: "lead1" })).toContain("Leads' changes");
    expect(names({ author: "ops1" })).not.toContain("Leads' changes");
  });

  it("time windows are [from, to) in the given zone and wrap midnight", () => {
    const p = policyOf(
      SEL +
        `require:
  - name: Night
    when: { time: { from: "22:00", to: "06:00", timezone: "Europe/Berlin" } }
  - name: Weekend
    when: { time: { days: [sat, sun] } }
  - name: Office
    when: { all: [ { time: { days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" } } ], not: { labels: [skip] } }
`,
    );
    const at = (iso: string, labels: string[] = []) => judge(p, { files: files("a"), now: new Date(iso), labels }).requirements.map((q) => q.name);
    expect(at("2026-11-23T21:00:00Z")).toContain("Night"); // 22:00 Berlin
    expect(at("2026-11-23T20:59:00Z")).not.toContain("Night");
    expect(at("2026-11-24T04:59:00Z")).toContain("Night"); // 05:59 Berlin
    expect(at("2026-11-24T05:00:00Z")).not.toContain("Night"); // 06:00 Berlin: end is exclusive
    expect(at("2026-11-28T12:00:00Z")).toContain("Weekend");
    expect(at("2026-11-23T12:00:00Z")).toContain("Office");
    expect(at("2026-11-23T17:00:00Z")).not.toContain("Office");
    expect(at("2026-11-23T12:00:00Z", ["skip"])).not.toContain("Office");
  });

  it("a grant's when condition applies per evaluation", () => {
    const p = policyOf(`
version: 1
categories: { pipeline: { paths: [".github/workflows/**"] } }
roles:
  ops:
    members: [ops1]
    grants: { approve: [pipeline] }
  oncall:
    members: [on1]
    grants: { approve: [{ category: pipeline, when: { labels: [incident] } }] }
require: [{ name: Pipeline, categories: [pipeline] }, { name: Policy, categories: [policy] }]
`);
    expect(judge(p, { files: files(".github/workflows/a.yml"), reviews: [approved("on1")] }).conclusion).toBe("action_required");
    expect(judge(p, { files: files(".github/workflows/a.yml"), reviews: [approved("on1")], labels: ["incident"] }).conclusion).toBe("success");
  });
});

describe("policy changes and outcomes", () => {
  it("without a requirement that can select the policy, a policy change needs a repository admin", () => {
    const p = policyOf("version: 1\nroles:\n  r: { members: [a], grants: { approve: [other] } }\nrequire:\n  - categories: [other]\n");
    const none = judge(p, { files: files(".github/rolegate.yml"), reviews: [approved("a")] });
    expect(none.requirements.map((q) => [q.builtin, q.satisfied])).toEqual([[true, false]]);
    const admin = judge(p, { files: files(".github/rolegate.yml"), reviews: [approved("boss")], admins: ["boss"] });
    expect(admin.conclusion).toBe("success");
    // The admin's approval must be valid like any other: not the author's own.
    expect(judge(p, { files: files(".github/rolegate.yml"), author: "boss", reviews: [approved("boss")], admins: ["boss"] }).conclusion).toBe(
      "action_required",
    );
  });

  it("the built-in rule does not apply when a requirement could select the policy file", () => {
    const r = judge(base, { files: files(".github/rolegate.yml"), reviews: [approved("dana")], teams: noTeams });
    expect(r.requirements.map((q) => q.name)).toEqual(["Security review"]);
    expect(r.conclusion).toBe("success");
  });

  it("an incomplete file list never yields success", () => {
    const r = judge(base, { files: files("README.md"), filesComplete: false, teams: noTeams });
    expect(r.conclusion).toBe("failure");
  });

  it("a change that needs nothing succeeds", () => {
    const r = judge(base, { files: files("README.md"), author: "dev1", teams: noTeams, now: NOW });
    expect(r.conclusion).toBe("success");
    expect(r.requirements).toEqual([]);
  });
});
