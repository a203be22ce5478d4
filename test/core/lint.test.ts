import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatDiagnostic, type Diagnostic } from "../../src/core/diagnostics.js";
import { loadPolicy, twoPolicyFiles } from "../../src/core/policy/load.js";

// Time budget: about 2 s. Every lint rule of the spec, each with a failing and a passing example.

const FILE = ".github/rolegate.yml";
const NOW = new Date("2026-06-01T12:00:00Z");

/* ---------------------------------------------------------------------------
 * A small policy, assembled from sections so each test changes only what it needs.
 * The defaults load with no findings at all (checked below).
 * ------------------------------------------------------------------------- */

const DEFAULTS = {
  version: "version: 1",
  categories: `categories:
  pipeline: { paths: [".github/workflows/**"] }
  infra: { paths: ["**/*.tf"] }
  docs: { paths: ["docs/**"] }`,
  environments: `environments:
  dev: { level: 2, paths: ["envs/dev/**"] }
  prod: { level: 5, paths: ["envs/prod/**"] }`,
  roles: `roles:
  developer:
    members: [alice]
    grants: { author: ["*"] }
  ops:
    members: [bob, carol]
    grants: { approve: [pipeline, infra, policy], merge: ["*"] }`,
  moreRoles: "",
  require: `require:
  - categories: [pipeline, infra, policy]`,
  extra: "",
};

type Sections = Partial<typeof DEFAULTS>;

function policy(sections: Sections = {}): string {
  const s = { ...DEFAULTS, ...sections };
  return [s.version, s.categories, s.environments, s.roles, s.moreRoles, s.require, s.extra].filter((x) => x !== "").join("\n") + "\n";
}

function load(text: string, now: Date = NOW) {
  return loadPolicy(FILE, text, now);
}

function diagnostics(text: string, now: Date = NOW): Diagnostic[] {
  return load(text, now).diagnostics;
}

function withCode(text: string, code: string, now: Date = NOW): Diagnostic[] {
  return diagnostics(text, now).filter((d) => d.code === code);
}

/** 1-based line and column of `sub` inside the only occurrence of `needle` in `text`. */
function at(text: string, needle: string, sub: string = needle): { line: number; col: number } {
  const first = text.indexOf(needle);
  expect(first, `"${needle}" in the policy`).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(needle, first + 1), `"${needle}" occurs once`).toBe(-1);
  const inner = needle.indexOf(sub);
  expect(inner, `"${sub}" inside "${needle}"`).toBeGreaterThanOrEqual(0);
  const offset = first + inner;
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const col = offset - before.lastIndexOf("\n");
  return { line, col };
}

/** Exactly one finding with this code, of this severity, at this place. */
function expectOne(text: string, code: string, severity: Diagnostic["severity"], where: { line: number; col: number }, now: Date = NOW): Diagnostic {
  const found = withCode(text, code, now);
  expect(found, JSON.stringify(diagnostics(text, now), null, 1)).toHaveLength(1);
  const d = found[0]!;
  expect(d).toMatchObject({ severity, file: FILE, line: where.line, col: where.col });
  return d;
}

function expectNone(text: string, code: string, now: Date = NOW): void {
  expect(withCode(text, code, now), JSON.stringify(diagnostics(text, now), null, 1)).toEqual([]);
}

function expectClean(text: string, now: Date = NOW): void {
  const loaded = load(text, now);
  expect(loaded.diagnostics).toEqual([]);
  expect(loaded.policy).toBeDefined();
}

function errors(text: string, now: Date = NOW): Diagnostic[] {
  return diagnostics(text, now).filter((d) => d.severity === "error");
}

describe("the baseline policy of these tests", () => {
  it("loads with no findings", () => {
    expectClean(policy());
  });
});

describe("the example policy from the spec", () => {
  // The contract lives beside the repository (../shared); a vendored copy keeps the test
  // meaningful in a checkout without it, and the two are compared when both exist.
  const specUrl = new URL("../../../shared/spec/policy.md", import.meta.url);
  const vendored = readFileSync(new URL("../fixtures/spec-example.yml", import.meta.url), "utf8");
  const spec = existsSync(specUrl) ? readFileSync(specUrl, "utf8") : "## Example\n```yaml\n" + vendored + "```\n";
  const match = /## Example\s*\n```yaml\n([\s\S]*?)\n```/.exec(spec);

  it("matches the vendored copy", () => {
    expect(match![1]! + "\n").toBe(vendored);
  });

  it("is found in policy.md", () => {
    expect(match).not.toBeNull();
    expect(match![1]).toMatch(/^version: 1/);
  });

  it("loads with no errors", () => {
    const loaded = load(match![1]! + "\n", new Date("2026-11-01T00:00:00Z"));
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(loaded.policy).toBeDefined();
    expect([...loaded.policy!.roles.keys()]).toEqual(["developer", "system-administrator", "devops-engineer", "contractor", "security-contact"]);
  });

  it("reports carol's expiry and the overdue review once the clock passes their dates, still without errors", () => {
    const text = match![1]! + "\n";
    const loaded = load(text, new Date("2027-06-01T00:00:00Z"));
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const codes = loaded.diagnostics.map((d) => d.code);
    expect(codes).toContain("expired-member");
    expect(codes).toContain("review-overdue");
  });
});

describe("schema violations are errors with line and column", () => {
  it("unknown top-level key", () => {
    const text = policy({ extra: "colour: red" });
    const d = expectOne(text, "schema", "error", at(text, "colour: red", "colour"));
    expect(d.message).toMatch(/colour/);
    expect(load(text).policy).toBeUndefined();
  });

  it("unknown key inside a role", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob]
    grant: { approve: [pipeline] }`,
    });
    const d = expectOne(text, "schema", "error", at(text, "grant: {", "grant"));
    expect(d.message).toMatch(/grant/);
  });

  it("unknown key in a condition", () => {
    const text = policy({
      require: `require:
  - categories: [pipeline]
    when: { branch: [main] }`,
    });
    expectOne(text, "schema", "error", at(text, "branch: [main]", "branch"));
  });

  it("unknown key in a member object", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [{ user: bob, until: 2030-01-01 }]
    grants: { approve: [pipeline, infra, policy] }`,
    });
    expectOne(text, "schema", "error", at(text, "until: 2030", "until"));
  });

  it("wrong type: a string where an integer is expected", () => {
    const text = policy({
      require: `require:
  - categories: [pipeline, infra, policy]
    approvals: two`,
    });
    expectOne(text, "schema", "error", at(text, "approvals: two", "two"));
  });

  it("wrong type: a string where a list is expected", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: bob-only
    grants: { approve: [pipeline, infra, policy] }`,
    });
    expectOne(text, "schema", "error", at(text, "members: bob-only", "bob-only"));
  });

  it("missing version", () => {
    const text = policy({ version: "" });
    const d = expectOne(text, "schema", "error", { line: 1, col: 1 });
    expect(d.message).toMatch(/version/);
  });

  it("version 2", () => {
    const text = policy({ version: "version: 2" });
    const d = expectOne(text, "schema", "error", { line: 1, col: 10 });
    expect(d.message).toMatch(/version/);
  });

  it('version "1" (a string) is not version 1', () => {
    const text = policy({ version: 'version: "1"' });
    expectOne(text, "schema", "error", { line: 1, col: 10 });
  });

  it.each([
    ["0", "approvals: 0"],
    ["-1", "approvals: -1"],
  ])("approvals %s is an error", (_n, line) => {
    const text = policy({
      require: `require:
  - categories: [pipeline, infra, policy]
    ${line}`,
    });
    expectOne(text, "schema", "error", at(text, line, line.slice("approvals: ".length)));
  });

  it("approvals 1 and 2 are fine", () => {
    expectNone(policy({ require: "require:\n  - categories: [pipeline, infra, policy]\n    approvals: 1" }), "schema");
    expectNone(policy({ require: "require:\n  - categories: [pipeline, infra, policy]\n    approvals: 2" }), "schema");
  });

  it("level outside 1..5", () => {
    const text = policy({ environments: "environments:\n  prod: { level: 6 }" });
    expectOne(text, "schema", "error", at(text, "level: 6", "6"));
  });

  it("a member naming both user and team", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [{ user: bob, team: "@acme/ops" }]
    grants: { approve: [pipeline, infra, policy] }`,
    });
    expectOne(text, "schema", "error", at(text, "{ user: bob", "{"));
  });

  it('a category named * ("*" is for grants and denies only)', () => {
    const text = policy({ categories: 'categories:\n  "*": { paths: ["x/**"] }' });
    expect(errors(text).length).toBeGreaterThan(0);
    expect(errors(text)[0]).toMatchObject({ code: "schema", ...at(text, '"*": {', '"*"') });
  });

  it('"*" in a requirement\'s categories is an error', () => {
    const text = policy({ require: 'require:\n  - categories: ["*"]' });
    const errs = errors(text);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject(at(text, 'categories: ["*"]', '"*"'));
  });

  it('"*" in grants and denies is fine', () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob, carol]
    grants: { approve: ["*"] }
  contractor:
    members: [eve]
    denies: { merge: ["*"] }`,
    });
    expect(errors(text)).toEqual([]);
  });
});

describe("empty lists are errors", () => {
  const cases: [string, Sections, string, string][] = [
    ["members", { roles: "roles:\n  ops:\n    members: []\n    grants: { approve: [pipeline, infra, policy] }" }, "members: []", "[]"],
    ["inherits", { roles: "roles:\n  ops:\n    inherits: []\n    members: [bob]\n    grants: { approve: [pipeline, infra, policy] }" }, "inherits: []", "[]"],
    [
      "a grant's category list",
      { roles: "roles:\n  ops:\n    members: [bob]\n    grants: { approve: [pipeline, infra, policy], merge: [] }" },
      "merge: []",
      "[]",
    ],
    ["a category's paths", { categories: "categories:\n  pipeline: { paths: [] }" }, "paths: []", "[]"],
    ["an environment's branches", { environments: "environments:\n  prod: { level: 5, branches: [] }" }, "branches: []", "[]"],
    ["require", { require: "require: []" }, "require: []", "[]"],
    ["a requirement's categories", { require: "require:\n  - categories: []" }, "categories: []", "[]"],
    ["a requirement's roles", { require: "require:\n  - categories: [pipeline]\n    roles: []" }, "roles: []", "[]"],
    ["a requirement's environments", { require: "require:\n  - environments: []" }, "environments: []", "[]"],
    ["a requirement's paths", { require: "require:\n  - paths: []" }, "paths: []", "[]"],
    ["notify", { extra: "notify: { violations: [] }" }, "violations: []", "[]"],
    ["a condition's labels", { require: "require:\n  - when: { labels: [] }" }, "labels: []", "[]"],
  ];
  it.each(cases)("%s", (_what, sections, needle, sub) => {
    const text = policy(sections);
    const errs = errors(text);
    expect(errs, JSON.stringify(errs)).toHaveLength(1);
    expect(errs[0]).toMatchObject({ code: "schema", ...at(text, needle, sub) });
  });
});

describe("unknown names are errors", () => {
  it("in inherits", () => {
    const text = policy({
      roles: `roles:
  ops:
    inherits: [ghost-role]
    members: [bob]
    grants: { approve: [pipeline, infra, policy] }`,
    });
    const d = expectOne(text, "unknown-role", "error", at(text, "ghost-role"));
    expect(d.message).toMatch(/ghost-role/);
  });

  it("in grants (name and object form)", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob]
    grants: { approve: [pipeline, infra, policy, ghost-one], merge: [{ category: ghost-two, up_to_level: 3 }] }`,
    });
    const found = withCode(text, "unknown-category");
    expect(found.map((d) => ({ line: d.line, col: d.col, severity: d.severity }))).toEqual([
      { ...at(text, "ghost-one"), severity: "error" },
      { ...at(text, "ghost-two"), severity: "error" },
    ]);
  });

  it("in denies", () => {
    const text = policy({
      moreRoles: `  contractor:
    members: [eve]
    denies: { approve: [ghost-cat] }`,
    });
    expectOne(text, "unknown-category", "error", at(text, "ghost-cat"));
  });

  it("in a requirement's categories, environments and roles", () => {
    const text = policy({
      require: `require:
  - categories: [pipeline, ghost-cat]
    environments: [prod, ghost-env]
    roles: [ops, ghost-role]`,
    });
    expectOne(text, "unknown-category", "error", at(text, "ghost-cat"));
    expectOne(text, "unknown-environment", "error", at(text, "ghost-env"));
    expectOne(text, "unknown-role", "error", at(text, "ghost-role"));
  });

  it("in author_roles of a grant's condition", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob, carol]
    grants:
      approve: [pipeline, infra, policy]
      merge: [{ category: pipeline, when: { author_roles: [ghost-author] } }]`,
    });
    expectOne(text, "unknown-role", "error", at(text, "ghost-author"));
  });

  it("in author_roles of a requirement's condition, nested under any/not", () => {
    const text = policy({
      require: `require:
  - categories: [pipeline, infra, policy]
    when: { any: [{ not: { author_roles: [ghost-author] } }] }`,
    });
    expectOne(text, "unknown-role", "error", at(text, "ghost-author"));
  });

  it("in a member's environments", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob, { user: carol, environments: [dev, ghost-env] }]
    grants: { approve: [pipeline, infra, policy] }`,
    });
    expectOne(text, "unknown-environment", "error", at(text, "ghost-env"));
  });

  it("in notify", () => {
    const text = policy({ extra: "notify: { violations: [ops, ghost-role] }" });
    expectOne(text, "unknown-role", "error", at(text, "ghost-role"));
  });

  it("known names, the built-in categories and * are fine everywhere", () => {
    const text = policy({
      roles: `roles:
  developer:
    members: [alice]
    grants: { author: ["*", other] }
  ops:
    inherits: [developer]
    members: [bob, { user: carol, environments: [dev, prod] }]
    grants:
      approve: [pipeline, infra, policy, other]
      merge: [{ category: pipeline, when: { author_roles: [developer] } }]`,
      require: `require:
  - categories: [pipeline, infra, policy, other]
    environments: [dev, prod]
    roles: [ops]`,
      extra: "notify: { violations: [ops] }",
    });
    const names = diagnostics(text).filter((d) => d.code.startsWith("unknown-"));
    expect(names).toEqual([]);
    expect(errors(text)).toEqual([]);
  });
});

describe("reserved category names", () => {
  it.each(["policy", "other"])("a user category called %s is an error at its key", (name) => {
    const text = policy({ categories: `categories:\n  pipeline: { paths: [".github/workflows/**"] }\n  ${name}: { paths: ["x/**"] }` });
    const d = expectOne(text, "reserved-name", "error", at(text, `${name}: { paths`, name));
    expect(d.message).toMatch(name);
  });

  it("other names, even similar ones, are fine", () => {
    const text = policy({
      categories: 'categories:\n  pipeline: { paths: [".github/workflows/**"] }\n  infra: { paths: ["**/*.tf"] }\n  policies: { paths: ["x/**"] }',
    });
    expectNone(text, "reserved-name");
  });
});

describe("inheritance cycles", () => {
  const roles = (a: string, b: string, c?: string) => `roles:
  alpha:
    ${a}members: [alice]
  beta:
    ${b}members: [bob]
  gamma:
    ${c ?? ""}members: [carol]
  ops:
    members: [dan]
    grants: { approve: [pipeline, infra, policy] }`;

  it("a two-role cycle is one error naming both roles", () => {
    const text = policy({ roles: roles("inherits: [beta]\n    ", "inherits: [alpha]\n    ") });
    const found = withCode(text, "inherit-cycle");
    expect(found).toHaveLength(1);
    const d = found[0]!;
    expect(d.severity).toBe("error");
    expect(d.message).toMatch(/alpha/);
    expect(d.message).toMatch(/beta/);
    expect(d.message).toMatch(/cycle/);
    const alphaLine = at(text, "inherits: [beta]").line;
    const betaLine = at(text, "inherits: [alpha]").line;
    expect([alphaLine, betaLine]).toContain(d.line);
    expect(load(text).policy).toBeUndefined();
  });

  it("a three-role cycle names all three in order", () => {
    const text = policy({ roles: roles("inherits: [beta]\n    ", "inherits: [gamma]\n    ", "inherits: [alpha]\n    ") });
    const found = withCode(text, "inherit-cycle");
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/alpha -> beta -> gamma -> alpha|beta -> gamma -> alpha -> beta|gamma -> alpha -> beta -> gamma/);
  });

  it("a role inheriting itself", () => {
    const text = policy({ roles: roles("inherits: [alpha]\n    ", "") });
    const d = expectOne(text, "inherit-cycle", "error", at(text, "inherits: [alpha]", "["));
    expect(d.message).toMatch(/alpha -> alpha/);
  });

  it("a diamond is not a cycle", () => {
    const text = policy({ roles: roles("inherits: [beta, gamma]\n    ", "inherits: [gamma]\n    ") });
    expectNone(text, "inherit-cycle");
    expect(errors(text)).toEqual([]);
  });
});

describe("invalid globs are errors at the glob", () => {
  const cases: [string, Sections, string][] = [
    ["negation in a category", { categories: 'categories:\n  pipeline: { paths: [".github/workflows/**", "!x.yml"] }' }, '"!x.yml"'],
    ["character class in a category", { categories: 'categories:\n  pipeline: { paths: ["ci[12].yml"] }' }, '"ci[12].yml"'],
    ["empty segment in an environment", { environments: 'environments:\n  prod: { level: 5, paths: ["envs//prod"] }' }, '"envs//prod"'],
    ["backslash in a branch glob", { environments: 'environments:\n  prod: { level: 5, branches: ["release\\\\x"] }' }, '"release\\\\x"'],
    [
      "negation in a member's paths",
      { roles: 'roles:\n  ops:\n    members: [{ user: bob, paths: ["!docs/**"] }]\n    grants: { approve: [pipeline, infra, policy] }' },
      '"!docs/**"',
    ],
    ["empty segment in a requirement's paths", { require: 'require:\n  - paths: ["a//b"]' }, '"a//b"'],
    ["bracket in a target_branch condition", { require: 'require:\n  - when: { target_branch: ["release/[0-9]*"] }' }, '"release/[0-9]*"'],
  ];
  it.each(cases)("%s", (_what, sections, needle) => {
    const text = policy(sections);
    const d = expectOne(text, "invalid-glob", "error", at(text, needle));
    expect(d.message.length).toBeGreaterThan(0);
    expect(load(text).policy).toBeUndefined();
  });

  it("valid globs of every kind are fine", () => {
    const text = policy({
      categories:
        'categories:\n  pipeline: { paths: [".github/workflows/**", "/Jenkinsfile", "azure-pipelines*.yml", "ci/"] }\n  infra: { paths: ["**/*.tf", "k8s", "helm/"] }',
      environments: 'environments:\n  prod: { level: 5, paths: ["envs/prod/**"], branches: ["release/*", "hotfix/**", "main"] }',
      require: 'require:\n  - paths: ["**/*.tf", "k8s"]\n    when: { target_branch: ["release/**"] }\n  - categories: [policy]',
    });
    expectNone(text, "invalid-glob");
    expect(errors(text)).toEqual([]);
  });
});

describe("requirements that can never be met", () => {
  const roles = `roles:
  ops:
    members: [bob, carol]
    grants: { approve: [pipeline, infra] }
  security-contact:
    members: [dana]
    grants: { approve: [secrets, policy] }`;
  const categories = `categories:
  pipeline: { paths: [".github/workflows/**"] }
  infra: { paths: ["**/*.tf"] }
  secrets: { paths: ["**/*.sops.yaml"] }`;

  it("roles: [security-contact] for pipeline when security-contact cannot approve pipeline", () => {
    const text = policy({
      categories,
      roles,
      require: `require:
  - categories: [policy]
  - name: Pipeline needs security
    categories: [pipeline]
    roles: [security-contact]`,
    });
    const d = expectOne(text, "never-met", "error", at(text, "name: Pipeline needs security", "name"));
    expect(d.message).toMatch(/Pipeline needs security/);
    expect(d.message).toMatch(/security-contact/);
  });

  it("the same requirement with a role that can approve is fine", () => {
    const text = policy({
      categories,
      roles,
      require: `require:
  - categories: [policy]
  - categories: [pipeline]
    roles: [ops]`,
    });
    expectNone(text, "never-met");
    expect(diagnostics(text)).toEqual([]);
  });

  it("a level no grant reaches: approvals up to level 3 only, requirement on a level-5 environment", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob, carol]
    grants: { approve: [{ category: infra, up_to_level: 3 }, pipeline, policy] }`,
      require: `require:
  - categories: [policy]
  - categories: [infra]
    environments: [prod]`,
    });
    const d = expectOne(text, "never-met", "error", at(text, "categories: [infra]", "categories"));
    expect(d.message).toMatch(/level 5/);
  });

  it("the same grant covers a level-2 environment", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob, carol]
    grants: { approve: [{ category: infra, up_to_level: 3 }, pipeline, policy] }`,
      require: `require:
  - categories: [policy]
  - categories: [infra]
    environments: [dev]`,
    });
    expectNone(text, "never-met");
  });

  it("min_level above every grant's reach", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob, carol]
    grants: { approve: [{ category: infra, up_to_level: 4 }, pipeline, policy] }`,
      require: `require:
  - categories: [policy]
  - categories: [infra]
    min_level: 5`,
    });
    expectOne(text, "never-met", "error", at(text, "categories: [infra]", "categories"));
  });

  it("the only approvers are denied at that level", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob, carol]
    grants: { approve: [pipeline, infra, policy] }
    denies: { approve: [{ category: infra, from_level: 4 }] }`,
      require: `require:
  - categories: [policy]
  - categories: [infra]
    environments: [prod]`,
    });
    expectOne(text, "never-met", "error", at(text, "categories: [infra]", "categories"));
  });

  it("the named role's only member has expired", () => {
    const text = policy({
      categories,
      roles: `roles:
  ops:
    members: [bob]
    grants: { approve: [pipeline, infra, policy] }
  security-contact:
    members: [{ user: dana, expires: 2026-01-31 }]
    grants: { approve: [secrets, policy] }`,
      require: `require:
  - categories: [policy]
  - categories: [secrets]
    roles: [security-contact]`,
    });
    // An error for validate, but a membership finding: a pull request's check shows it as a warning.
    const d = expectOne(text, "never-met-expired", "error", at(text, "categories: [secrets]", "categories"));
    expect(d.message).toMatch(/cannot be met now: no member of security-contact with a current membership may approve secrets/);
    expect(withCode(text, "never-met")).toEqual([]);
  });

  it("the named role has no members at all", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob]
    grants: { approve: [pipeline, infra, policy] }
  release-managers:
    grants: { approve: [pipeline] }`,
      require: `require:
  - categories: [policy]
  - categories: [pipeline]
    roles: [release-managers]`,
    });
    expectOne(text, "never-met", "error", at(text, "categories: [pipeline]", "categories"));
  });

  it("approve enforced on a category but no role member may approve it", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob]
    grants: { approve: [pipeline, policy] }
  auditors:
    grants: { approve: [infra] }`,
      require: `require:
  - categories: [policy]
  - categories: [infra]`,
    });
    expectOne(text, "never-met", "error", at(text, "categories: [infra]", "categories"));
  });

  it("a category where approve is not enforced can be approved by any user", () => {
    // No grant names approve on docs: any user is a possible approver.
    const text = policy({
      require: `require:
  - categories: [policy]
  - categories: [docs]
    approvals: 2`,
    });
    expectNone(text, "never-met");
    expectNone(text, "few-approvers");
  });

  it("a requirement roles: [...] is met through a role that inherits the named one", () => {
    const text = policy({
      roles: `roles:
  reviewer:
    grants: { approve: [pipeline, infra, policy] }
  ops:
    inherits: [reviewer]
    members: [bob]`,
      require: `require:
  - categories: [pipeline, policy]
    roles: [reviewer]`,
    });
    expectNone(text, "never-met");
  });

  it("a member scoped to other environments cannot approve for a production requirement", () => {
    // Spec: a scoped member holds the role for a file only if every environment the file
    // is in is listed. carol holds ops only for dev files, so no possible approver is
    // eligible for an infra file at level 5 in prod: the requirement can never be met.
    const text = policy({
      roles: `roles:
  ops:
    members: [bob]
    grants: { approve: [pipeline, policy] }
  infra-ops:
    members: [{ user: carol, environments: [dev] }]
    grants: { approve: [infra] }`,
      require: `require:
  - categories: [policy]
  - categories: [infra]
    environments: [prod]`,
    });
    expectOne(text, "never-met", "error", at(text, "categories: [infra]", "categories"));
  });

  it("the same scoped member is enough for a requirement on her environment", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob]
    grants: { approve: [pipeline, policy] }
  infra-ops:
    members: [{ user: carol, environments: [dev] }]
    grants: { approve: [infra] }`,
      require: `require:
  - categories: [policy]
  - categories: [infra]
    environments: [dev]`,
    });
    expectNone(text, "never-met");
  });
});

describe("min_members and recommended_members", () => {
  const role = (members: string, limits: string) =>
    policy({
      roles: `roles:
  ops:
    members: [bob]
    grants: { approve: [pipeline, infra, policy] }
  security-contact:
    ${limits}
    members: ${members}`,
    });

  it("fewer members than min_members is an error at min_members", () => {
    const text = role("[dana]", "min_members: 2");
    const d = expectOne(text, "min-members", "error", at(text, "min_members: 2", "2"));
    expect(d.message).toMatch(/security-contact/);
  });

  it("exactly min_members is fine", () => {
    expectNone(role("[dana, erin]", "min_members: 2"), "min-members");
  });

  it("a team counts as one", () => {
    const text = role('["@acme/security"]', "min_members: 2");
    expectOne(text, "min-members", "error", at(text, "min_members: 2", "2"));
    expectNone(role('["@acme/security", dana]', "min_members: 2"), "min-members");
  });

  it("expired members do not count", () => {
    const text = role("[dana, { user: erin, expires: 2026-05-31 }]", "min_members: 2");
    expectOne(text, "min-members", "error", at(text, "min_members: 2", "2"));
  });

  it("a membership counts through its last day (UTC)", () => {
    const text = role("[dana, { user: erin, expires: 2026-05-31 }]", "min_members: 2");
    expectNone(text, "min-members", new Date("2026-05-31T23:59:59Z"));
    expect(withCode(text, "min-members", new Date("2026-06-01T00:00:00Z"))).toHaveLength(1);
  });

  it("members of roles that inherit the role do not count", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob]
    grants: { approve: [pipeline, infra, policy] }
  security-contact:
    min_members: 1
    grants: { approve: [policy] }
  security-lead:
    inherits: [security-contact]
    members: [dana]`,
    });
    expectOne(text, "min-members", "error", at(text, "min_members: 1", "1"));
  });

  it("fewer members than recommended_members is a warning at recommended_members", () => {
    const text = role("[dana]", "recommended_members: 2");
    const d = expectOne(text, "recommended-members", "warning", at(text, "recommended_members: 2", "2"));
    expect(d.message).toMatch(/security-contact/);
    expect(errors(text)).toEqual([]);
  });

  it("recommended_members reached is fine; a team counts as one; expired entries do not count", () => {
    expectNone(role("[dana, erin]", "recommended_members: 2"), "recommended-members");
    expect(withCode(role('["@acme/security"]', "recommended_members: 2"), "recommended-members")).toHaveLength(1);
    expect(withCode(role("[dana, { user: erin, expires: 2020-01-01 }]", "recommended_members: 2"), "recommended-members")).toHaveLength(1);
  });

  it("min_members is reported even when the loader otherwise succeeds (policy is still built)", () => {
    const loaded = load(role("[dana]", "min_members: 2"));
    expect(loaded.policy).toBeDefined();
  });
});

describe("requirements with fewer possible approvers than approvals", () => {
  it("warns at approvals", () => {
    const text = policy({
      require: `require:
  - categories: [pipeline, infra, policy]
    approvals: 3`,
    });
    const d = expectOne(text, "few-approvers", "warning", at(text, "approvals: 3", "3"));
    expect(d.message).toMatch(/3/);
    expect(errors(text)).toEqual([]);
  });

  it("as many possible approvers as approvals is fine", () => {
    const text = policy({
      require: `require:
  - categories: [pipeline, infra, policy]
    approvals: 2`,
    });
    expectNone(text, "few-approvers");
  });

  it("a team counts as one possible approver", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: ["@acme/ops"]
    grants: { approve: [pipeline, infra, policy] }`,
      require: `require:
  - categories: [pipeline, infra, policy]
    approvals: 2`,
    });
    expectOne(text, "few-approvers", "warning", at(text, "approvals: 2", "2"));
  });

  it("expired members are not possible approvers", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob, { user: carol, expires: 2026-01-01 }]
    grants: { approve: [pipeline, infra, policy] }`,
      require: `require:
  - categories: [pipeline, infra, policy]
    approvals: 2`,
    });
    expectOne(text, "few-approvers", "warning", at(text, "approvals: 2", "2"));
  });

  it("only members of the requirement's roles count", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob, carol]
    grants: { approve: [pipeline, infra, policy] }
  leads:
    inherits: [ops]
    members: [dana]`,
      require: `require:
  - categories: [pipeline, infra, policy]
    roles: [leads]
    approvals: 2`,
    });
    expectOne(text, "few-approvers", "warning", at(text, "approvals: 2", "2"));
  });
});

describe("expired members", () => {
  const text = policy({
    roles: `roles:
  ops:
    members: [bob, { user: carol, expires: 2026-05-31 }]
    grants: { approve: [pipeline, infra, policy] }`,
  });

  it("are a warning at expires, judged by the clock given", () => {
    const d = expectOne(text, "expired-member", "warning", at(text, "expires: 2026-05-31", "2026"), new Date("2026-06-01T00:00:00Z"));
    expect(d.message).toMatch(/carol/);
    expect(errors(text, new Date("2026-06-01T00:00:00Z"))).toEqual([]);
  });

  it("are not reported through the last day", () => {
    expectNone(text, "expired-member", new Date("2026-05-31T23:59:59Z"));
    expectNone(text, "expired-member", new Date("2026-01-01T00:00:00Z"));
  });

  it("an impossible date is an error", () => {
    const bad = policy({
      roles: `roles:
  ops:
    members: [bob, { user: carol, expires: 2026-02-30 }]
    grants: { approve: [pipeline, infra, policy] }`,
    });
    const errs = errors(bad);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject(at(bad, "2026-02-30"));
  });
});

describe("review overdue", () => {
  const text = policy({ extra: "review: { last_reviewed: 2026-01-01, interval_days: 90 }" });
  // 2026-01-01 + 90 days = 2026-04-01.

  it("is a warning at last_reviewed once the due date is before today", () => {
    const d = expectOne(text, "review-overdue", "warning", at(text, "last_reviewed: 2026-01-01", "2026"), new Date("2026-04-02T00:00:00Z"));
    expect(d.message).toMatch(/2026-01-01/);
  });

  it("is not reported on or before the due date", () => {
    expectNone(text, "review-overdue", new Date("2026-04-01T23:59:59Z"));
    expectNone(text, "review-overdue", new Date("2026-02-01T00:00:00Z"));
  });

  it("uses the clock passed in, not the machine's", () => {
    const old = policy({ extra: "review: { last_reviewed: 2019-01-01, interval_days: 30 }" });
    expectNone(old, "review-overdue", new Date("2019-01-15T00:00:00Z"));
    expect(withCode(old, "review-overdue", new Date("2019-03-01T00:00:00Z"))).toHaveLength(1);
  });

  it("an impossible last_reviewed date is an error", () => {
    const bad = policy({ extra: "review: { last_reviewed: 2026-13-01, interval_days: 90 }" });
    expect(errors(bad)).toHaveLength(1);
    expect(errors(bad)[0]).toMatchObject(at(bad, "2026-13-01"));
  });
});

describe("grants fully shadowed by denies", () => {
  it("a grant denied in the same role warns at the grant", () => {
    const text = policy({
      moreRoles: `  contractor:
    members: [eve]
    grants: { approve: [pipeline, docs] }
    denies: { approve: [pipeline] }`,
    });
    const d = expectOne(text, "shadowed-grant", "warning", at(text, "grants: { approve: [pipeline, docs] }", "pipeline"));
    expect(d.message).toMatch(/contractor/);
    expect(d.message).toMatch(/pipeline/);
  });

  it('a deny on "*" shadows every grant of that action', () => {
    const text = policy({
      moreRoles: `  contractor:
    members: [eve]
    grants: { merge: [pipeline, infra] }
    denies: { merge: ["*"] }`,
    });
    const found = withCode(text, "shadowed-grant");
    expect(found.map((d) => [d.severity, d.line, d.col])).toEqual([
      ["warning", ...Object.values(at(text, "merge: [pipeline, infra]", "pipeline"))],
      ["warning", ...Object.values(at(text, "merge: [pipeline, infra]", "infra"))],
    ]);
  });

  it("a deny inherited from another role shadows the role's own grant", () => {
    const text = policy({
      moreRoles: `  no-merge:
    denies: { merge: ["*"] }
  contractor:
    inherits: [no-merge]
    members: [eve]
    grants: { merge: [docs] }`,
    });
    expectOne(text, "shadowed-grant", "warning", at(text, "grants: { merge: [docs] }", "docs"));
  });

  it("a grant inherited from another role, denied by the role itself, warns at inherits", () => {
    const text = policy({
      moreRoles: `  contractor:
    inherits: [ops]
    members: [eve]
    denies: { approve: [infra] }`,
    });
    const d = expectOne(text, "shadowed-grant", "warning", at(text, "inherits: [ops]", "["));
    expect(d.message).toMatch(/ops/);
  });

  it.each([
    ["a deny from a higher level", "{ approve: [{ category: pipeline, from_level: 4 }] }"],
    ["a deny with a condition", "{ approve: [{ category: pipeline, when: { labels: [frozen] } }] }"],
    ["a deny of another action", "{ merge: [pipeline] }"],
    ["a deny on another category", "{ approve: [infra] }"],
  ])("no warning for %s", (_what, denies) => {
    const text = policy({
      moreRoles: `  contractor:
    members: [eve]
    grants: { approve: [pipeline] }
    denies: ${denies}`,
    });
    expectNone(text, "shadowed-grant");
  });

  it('a grant on "*" is not fully shadowed by a deny on one category', () => {
    const text = policy({
      moreRoles: `  contractor:
    members: [eve]
    grants: { author: ["*"] }
    denies: { author: [pipeline] }`,
    });
    expectNone(text, "shadowed-grant");
  });
});

describe("no requirement covering the policy category", () => {
  it("no require at all: a warning", () => {
    const text = policy({ require: "" });
    const d = expectOne(text, "no-policy-requirement", "warning", { line: 1, col: 1 });
    expect(d.message).toMatch(/polic/);
    expect(errors(text)).toEqual([]);
  });

  it("requirements that all name other categories: a warning at require", () => {
    const text = policy({ require: "require:\n  - categories: [pipeline, infra]" });
    expectOne(text, "no-policy-requirement", "warning", at(text, "require:"));
  });

  it("a requirement with paths that cannot match a policy file: a warning", () => {
    const text = policy({ require: 'require:\n  - paths: ["src/**"]' });
    expect(withCode(text, "no-policy-requirement")).toHaveLength(1);
  });

  it("a requirement on an environment that holds no policy file: a warning", () => {
    const text = policy({ require: "require:\n  - environments: [prod]" });
    expect(withCode(text, "no-policy-requirement")).toHaveLength(1);
  });

  it("categories: [policy] with an environment that cannot hold a policy file: still a warning", () => {
    const text = policy({ require: "require:\n  - categories: [policy]\n    environments: [prod]" });
    expect(withCode(text, "no-policy-requirement")).toHaveLength(1);
  });

  it("min_level above every environment that could hold a policy file: a warning", () => {
    const text = policy({ require: "require:\n  - min_level: 3" });
    expect(withCode(text, "no-policy-requirement")).toHaveLength(1);
  });

  it("categories: [policy] silences it", () => {
    expectNone(policy({ require: "require:\n  - categories: [policy]" }), "no-policy-requirement");
  });

  it("a requirement with no selector silences it", () => {
    expectNone(policy({ require: "require:\n  - name: Everything needs a review" }), "no-policy-requirement");
  });

  it("a requirement whose paths match every policy file silences it; one that misses some names those", () => {
    expectNone(policy({ require: 'require:\n  - paths: [".github/**"]' }), "no-policy-requirement");
    const partial = withCode(policy({ require: 'require:\n  - paths: ["rolegate.yml"]' }), "no-policy-requirement");
    expect(partial).toHaveLength(1);
    expect(partial[0]!.message).toContain("policy files .github/rolegate.yaml, .github/rolegate.tests.yml:");
    expect(partial[0]!.message).not.toContain(".github/rolegate.yml,");
  });

  it("a requirement on an environment selected only by target branch still warns: on other branches nothing selects the policy", () => {
    const text = policy({
      environments: 'environments:\n  prod: { level: 5, branches: ["main"] }',
      require: "require:\n  - environments: [prod]",
    });
    expect(withCode(text, "no-policy-requirement")).toHaveLength(1);
  });

  it("a conditional requirement still warns: when its condition fails nothing selects the policy", () => {
    expect(withCode(policy({ require: "require:\n  - categories: [policy]\n    when: { labels: [infra] }" }), "no-policy-requirement")).toHaveLength(1);
  });
});

describe("two policy files", () => {
  it("is an error naming both files", () => {
    const d = twoPolicyFiles(".github/rolegate.yml", ".github/rolegate.yaml");
    expect(d.severity).toBe("error");
    expect(d.code).toBe("two-policy-files");
    expect(d.message).toContain(".github/rolegate.yml");
    expect(d.message).toContain(".github/rolegate.yaml");
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.col).toBeGreaterThanOrEqual(1);
    expect([".github/rolegate.yml", ".github/rolegate.yaml"]).toContain(d.file);
  });
});

describe("diagnostics", () => {
  it("formatDiagnostic gives file:line:col: severity: message", () => {
    expect(formatDiagnostic({ severity: "warning", code: "x", message: "m e s", file: "a.yml", line: 3, col: 7 })).toBe("a.yml:3:7: warning: m e s");
    expect(formatDiagnostic({ severity: "error", code: "x", message: "bad", file: ".github/rolegate.yml", line: 1, col: 1 })).toBe(
      ".github/rolegate.yml:1:1: error: bad",
    );
  });

  it("loadPolicy lists errors before warnings, each in file order", () => {
    const text = policy({
      roles: `roles:
  ops:
    members: [bob, { user: carol, expires: 2020-01-01 }]
    grants: { approve: [pipeline, infra, policy] }
  security-contact:
    min_members: 2
    members: [dana]
    grants: { approve: [policy] }`,
      extra: "review: { last_reviewed: 2020-01-01, interval_days: 30 }",
    });
    const found = diagnostics(text);
    const severities = found.map((d) => d.severity);
    expect(severities.indexOf("warning")).toBeGreaterThan(severities.lastIndexOf("error"));
    const warnings = found.filter((d) => d.severity === "warning");
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < warnings.length; i++) expect(warnings[i]!.line).toBeGreaterThanOrEqual(warnings[i - 1]!.line);
  });
});
