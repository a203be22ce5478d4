import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TempRepo } from "../helpers/cli.js";

// Time budget: a few seconds. The policy guards of the spec's "Version 1 additions", each where a
// user meets it: the offline CLI.

const repos: TempRepo[] = [];
function repo(): TempRepo {
  const r = new TempRepo();
  repos.push(r);
  return r;
}
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

/** Parents for `OWNER/REPO:PATH` extends, as local checkouts under a folder (--extends-root). */
function extendsRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "rolegate-parents-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const json = (stdout: string) => JSON.parse(stdout);

describe("one guard for the policy itself, decided per change", () => {
  const POLICY = `version: 1
categories:
  infrastructure: { paths: ["**/*.tf"] }
environments:
  production: { level: 5, branches: ["release/*"] }
roles:
  developer: { members: [dev1, dev2], grants: { author: ["*"] } }
  ops: { inherits: [developer], members: [olga], grants: { approve: ["*"], merge: ["*"] } }
require:
  - name: Production needs ops
    environments: [production]
`;

  it("a requirement limited to a branch-only environment does not cover a policy change on another branch", async () => {
    const r = repo().commit({ ".github/rolegate.yml": POLICY });
    const onMain = await r.run("check", "--files", ".github/rolegate.yml", "--author", "dev1", "--target-branch", "main", "--format", "json");
    expect(onMain.code).toBe(1);
    const out = json(onMain.stdout);
    expect(out.conclusion).toBe("action_required");
    expect(out.requirements).toEqual([
      expect.objectContaining({ name: "Policy changes need a repository admin", builtin: true, satisfied: false, files: [".github/rolegate.yml"] }),
    ]);
    // An admin's approval satisfies it.
    const approved = await r.run(
      "check",
      "--files",
      ".github/rolegate.yml",
      "--author",
      "dev1",
      "--admins",
      "root",
      "--approved-by",
      "root",
      "--format",
      "json",
    );
    expect(approved.code).toBe(0);
    // On a release branch the production requirement selects the file, so it needs ops instead.
    const release = json(
      (await r.run("check", "--files", ".github/rolegate.yml", "--author", "dev1", "--target-branch", "release/1", "--format", "json")).stdout,
    );
    expect(release.requirements.map((q: { name: string }) => q.name)).toEqual(["Production needs ops"]);
  });

  it("validate warns that no requirement always selects the policy files", async () => {
    const r = repo().commit({ ".github/rolegate.yml": POLICY });
    const v = await r.run("validate");
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/warning: no requirement always selects the policy files \.github\/rolegate\.yml/);
  });
});

describe("locks cover holders", () => {
  const PARENT = `version: 1
categories:
  secrets: { paths: ["secrets/**"] }
roles:
  security-contact: { members: [dana], grants: { approve: [secrets] } }
require:
  - { name: Secrets need the security contact, categories: [secrets], roles: [security-contact] }
locked: [roles.security-contact]
`;

  it("a child may not add a role that inherits a locked role", async () => {
    const root = extendsRoot({ "acme/base/policy.yml": PARENT });
    try {
      const child = `version: 1
extends: acme/base:policy.yml
roles:
  helpers: { inherits: [security-contact], members: [mallory] }
`;
      const r = repo().commit({ ".github/rolegate.yml": child });
      const v = await r.run("validate", "--extends-root", root, "--repo", "acme/app");
      expect(v.code).toBe(2);
      expect(v.stdout).toMatch(/\.github\/rolegate\.yml:4:\d+: error: role "helpers" inherits "security-contact", which acme\/base:policy\.yml locks/);
      // So mallory's approval can never satisfy the locked requirement: the policy is refused.
      const c = await r.run("check", "--files", "secrets/key", "--approved-by", "mallory", "--extends-root", root, "--repo", "acme/app");
      expect(c.code).toBe(2);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("also through another role in between", async () => {
    const root = extendsRoot({ "acme/base/policy.yml": PARENT });
    try {
      const child = `version: 1
extends: acme/base:policy.yml
roles:
  deputy: { inherits: [security-contact] }
  helpers: { inherits: [deputy], members: [mallory] }
`;
      const v = await repo().commit({ ".github/rolegate.yml": child }).run("validate", "--extends-root", root, "--repo", "acme/app");
      expect(v.code).toBe(2);
      expect(v.stdout).toMatch(/role "helpers" inherits "security-contact"/);
      expect(v.stdout).toMatch(/role "deputy" inherits "security-contact"/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("a locked require also locks the categories it selects", async () => {
    const root = extendsRoot({ "acme/base/policy.yml": PARENT.replace("locked: [roles.security-contact]", "locked: [require]") });
    try {
      const child = `version: 1
extends: acme/base:policy.yml
categories:
  secrets: { paths: ["nothing-matches-this/**"] }
`;
      const v = await repo().commit({ ".github/rolegate.yml": child }).run("validate", "--extends-root", root, "--repo", "acme/app");
      expect(v.code).toBe(2);
      expect(v.stdout).toMatch(/"categories\.secrets" is locked by acme\/base:policy\.yml/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("extends paths are written one way", () => {
  it.each(["./policies/base.yml", "policies//base.yml", "policies/base.yml/"])("%s is an error", async (path) => {
    const r = repo().commit({ ".github/rolegate.yml": `version: 1\nextends: acme/app:${path}\n`, "policies/base.yml": "version: 1\n" });
    const v = await r.run("validate", "--repo", "acme/app");
    expect(v.code).toBe(2);
    expect(v.stdout).toMatch(/\.github\/rolegate\.yml:2:\d+: error: invalid path in extends/);
  });

  it("an in-repository parent is a policy file: changing it needs the policy's guard", async () => {
    const parent = `version: 1
categories:
  infrastructure: { paths: ["**/*.tf"] }
roles:
  developer: { members: [dev1], grants: { author: ["*"] } }
  ops: { members: [olga], grants: { approve: ["*"] } }
require:
  - { name: Infrastructure needs ops, categories: [infrastructure] }
`;
    const r = repo().commit({ ".github/rolegate.yml": "version: 1\nextends: acme/app:policies/base.yml\n", "policies/base.yml": parent });
    const out = json((await r.run("check", "--files", "policies/base.yml", "--author", "dev1", "--repo", "acme/app", "--format", "json")).stdout);
    expect(out.files[0]).toMatchObject({ path: "policies/base.yml", categories: ["policy"] });
    expect(out.conclusion).toBe("action_required");
  });
});

describe("an unresolved team says how to resolve it offline", () => {
  const POLICY = "version: 1\nroles:\n  ops: { members: [\"@acme/ops\"], grants: { approve: ['*'] } }\nrequire:\n  - { name: Ops }\n";

  it("names the --teams flag when none was given, and the missing entry when the file lacks it", async () => {
    const r = repo().commit({ ".github/rolegate.yml": POLICY, "teams.yml": "acme/dev: [dev1]\n" });
    const without = JSON.parse((await r.run("check", "--files", "a.ts", "--format", "json")).stdout);
    expect(without.conclusion).toBe("failure");
    expect(without.errors[0]).toMatch(/team @acme\/ops could not be resolved \(offline, team members come from --teams FILE/);
    const lacking = JSON.parse((await r.run("check", "--files", "a.ts", "--teams", "teams.yml", "--format", "json")).stdout);
    expect(lacking.errors[0]).toContain("teams.yml has no entry for it; add `acme/ops: [login, ...]` to it");
  });
});

describe("expiry never breaks the check", () => {
  const POLICY = `version: 1
categories:
  secrets: { paths: ["secrets/**"] }
roles:
  developer: { members: [dev1], grants: { author: ["*"] } }
  security-contact:
    members: [{ user: dana, expires: "2026-01-31" }]
    grants: { approve: [secrets] }
require:
  - { name: Secrets need the security contact, categories: [secrets], roles: [security-contact] }
`;

  it("a requirement only expired memberships could meet waits, with a warning saying why", async () => {
    const r = repo().commit({ ".github/rolegate.yml": POLICY });
    const c = await r.run("check", "--files", "secrets/key", "--author", "dev1", "--now", "2026-06-01", "--format", "json");
    expect(c.code).toBe(1);
    const out = json(c.stdout);
    expect(out.conclusion).toBe("action_required");
    expect(out.warnings.join("\n")).toMatch(/cannot be met now: no member of security-contact with a current membership/);
    expect(out.warnings.join("\n")).toMatch(/membership of dana in security-contact expired on 2026-01-31/);
    // validate still reports it as an error: the policy needs fixing.
    expect((await r.run("validate", "--now", "2026-06-01")).code).toBe(2);
  });
});

describe("action names are declared", () => {
  const TYPO = `version: 1
roles:
  developer: { members: [dev1], grants: { author: ["*"], merg: ["*"] } }
`;

  it("a typo in an action name is an error naming the action it meant", async () => {
    const r = repo().commit({ ".github/rolegate.yml": TYPO });
    const v = await r.run("validate");
    expect(v.code).toBe(2);
    expect(v.stdout).toMatch(/\.github\/rolegate\.yml:3:\d+: error: unknown action `merg`: did you mean `merge`\?/);
    // So nobody is ALLOWED to merge by a policy that never enforced merge.
    expect((await r.run("explain", "--user", "random-stranger", "--action", "merge", "--path", "src/a.ts")).code).toBe(2);
  });

  it("a declared privilege is accepted; explain refuses an undeclared action with exit 2", async () => {
    const r = repo().commit({ ".github/rolegate.yml": "version: 1\nprivileges: [restart]\nroles:\n  ops: { members: [olga], grants: { restart: ['*'] } }\n" });
    expect((await r.run("validate")).code).toBe(0);
    expect((await r.run("explain", "--user", "olga", "--action", "restart", "--path", "a")).code).toBe(0);
    const undeclared = await r.run("explain", "--user", "olga", "--action", "restrat", "--path", "a");
    expect(undeclared.code).toBe(2);
    expect(undeclared.stderr).toMatch(/"restrat" is not an action of this policy/);
  });
});

describe("policy changes show every weakening", () => {
  const BEFORE = `version: 1
categories:
  infrastructure: { paths: ["**/*.tf"] }
roles:
  developer: { members: [dev1], grants: { author: ["*"] } }
  ops: { members: [olga], grants: { approve: [infrastructure, policy] } }
require:
  - { name: Infrastructure needs ops, categories: [infrastructure] }
  - { name: Policy needs ops, categories: [policy] }
`;
  const AFTER = BEFORE.replace('"**/*.tf"', '"modules/**/*.tf"').replace("  - { name: Infrastructure needs ops, categories: [infrastructure] }\n", "");

  it("rolegate diff names the narrowed category, the files that leave it, and the removed requirement", async () => {
    const r = repo().commit({ "main.tf": "x", "modules/net/main.tf": "x", "old.yml": BEFORE, "new.yml": AFTER });
    const d = await r.run("diff", "old.yml", "new.yml", "--format", "json");
    expect(d.code).toBe(0);
    const out = json(d.stdout);
    expect(out.permissions).toEqual([]);
    expect(out.changes).toContainEqual({
      kind: "category",
      name: "infrastructure",
      effect: "weakens",
      detail: expect.stringContaining("`main.tf` leaves infrastructure"),
    });
    expect(out.changes).toContainEqual({ kind: "requirement", name: "Infrastructure needs ops", effect: "weakens", detail: "removed" });
    const text = await r.run("diff", "old.yml", "new.yml");
    expect(text.stdout).not.toContain("No permission changes");
    expect(text.stdout).toContain("weakens: requirement Infrastructure needs ops: removed");
  });

  it("rolegate check on the pull request shows the weakening too", async () => {
    const r = repo().commit({ "main.tf": "x", ".github/rolegate.yml": BEFORE });
    r.git("checkout", "-qb", "narrow");
    r.commit({ ".github/rolegate.yml": AFTER }, "narrow the infrastructure category");
    const c = await r.run("check", "--base", "main", "--author", "dev1", "--approved-by", "olga", "--format", "markdown");
    expect(c.code).toBe(0);
    expect(c.stdout).toContain("### This pull request changes the policy");
    expect(c.stdout).toMatch(/🔻 weakens: category infrastructure: .*`main\.tf` leaves infrastructure/);
    expect(c.stdout).toContain("🔻 weakens: requirement Infrastructure needs ops: removed");
    expect(c.stdout).not.toContain("no permission changes");
  });
});

describe("rolegate check runs the policy tests, as the App does", () => {
  const POLICY = `version: 1
categories:
  infrastructure: { paths: ["**/*.tf"] }
roles:
  developer: { members: [dev1], grants: { author: ["*"] } }
  ops: { members: [olga], grants: { approve: [infrastructure, policy] } }
require:
  - { name: Infrastructure needs ops, categories: [infrastructure, policy] }
`;
  const TESTS = `version: 1
cases:
  - name: infrastructure needs ops
    files: [main.tf]
    author: dev1
    expect: { conclusion: action_required }
`;

  it("a change that edits the policy and breaks its tests concludes failure", async () => {
    const r = repo().commit({ ".github/rolegate.yml": POLICY, ".github/rolegate.tests.yml": TESTS });
    r.git("checkout", "-qb", "loosen");
    r.commit({
      ".github/rolegate.yml": POLICY.replace(
        "  - { name: Infrastructure needs ops, categories: [infrastructure, policy] }\n",
        "  - { name: Policy needs ops, categories: [policy] }\n",
      ),
    });
    const c = await r.run("check", "--base", "main", "--author", "dev1", "--approved-by", "olga", "--format", "json");
    expect(c.code).toBe(1);
    const out = json(c.stdout);
    expect(out.conclusion).toBe("failure");
    expect(out.title).toBe("Policy tests fail");
    expect(out.tests.failures[0].name).toBe("infrastructure needs ops");
  });

  it("passing tests are reported and the change is judged as usual", async () => {
    const r = repo().commit({ ".github/rolegate.yml": POLICY, ".github/rolegate.tests.yml": TESTS });
    r.git("checkout", "-qb", "tidy");
    r.commit({ ".github/rolegate.yml": `${POLICY}# tidy\n` });
    const out = json((await r.run("check", "--base", "main", "--author", "dev1", "--approved-by", "olga", "--format", "json")).stdout);
    expect(out.conclusion).toBe("success");
    expect(out.warnings).toContain("all 1 policy tests pass");
  });
});
