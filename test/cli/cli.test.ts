import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolegate } from "../helpers/cli.js";

// Time budget: a few seconds (git repositories in a temp folder, the demo as a child process).

const ROOT = join(import.meta.dirname, "..", "..");

/** `rolegate ARGV…` in-process (test/helpers/cli.ts). */
const run = rolegate;

const POLICY = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
  infrastructure: { paths: ["**/*.tf"] }
environments:
  production: { level: 5, paths: ["envs/prod/**"] }
roles:
  developer:
    members: [dev1, dev2]
    grants: { author: ["*"] }
  devops:
    inherits: [developer]
    members: [ops1, ops2, "@acme/devops"]
    grants: { approve: [pipeline, infrastructure, policy], merge: ["*"] }
require:
  - name: DevOps approval
    categories: [pipeline, infrastructure, policy]
`;

let dir: string;
const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] }).toString();
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rolegate-cli-"));
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.invalid");
  git("config", "user.name", "t");
  git("config", "commit.gpgsign", "false");
  write(".github/rolegate.yml", POLICY);
  write("teams.yml", "acme/devops: [olga]\n");
  write(".github/workflows/ci.yml", "name: ci\n");
  write("k8s/deploy.tf", "a\n");
  write("src/app.ts", "a\n");
  git("add", "-A");
  git("commit", "-qm", "base");
  git("checkout", "-qb", "feature");
  git("mv", "k8s/deploy.tf", "attic/deploy.txt".replace("attic/", ""));
  write("src/app.ts", "b\n");
  git("add", "-A");
  git("commit", "-qm", "move infra file out");
  git("checkout", "-q", "main");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rolegate validate", () => {
  it("accepts every shipped preset", async () => {
    for (const preset of ["pega-cloud", "sitecore-managed-cloud", "minimal", "platform"]) {
      const r = await run(ROOT, "validate", `policies/${preset}.yml`, "--now", "2026-11-23");
      expect(r.stdout).not.toMatch(/: error:/);
      expect(r.code, preset).toBe(0);
    }
  });

  it.each([
    [
      "an inheritance cycle",
      "version: 1\nroles:\n  a: { inherits: [b], members: [x] }\n  b: { inherits: [a] }\n",
      /^bad\.yml:\d+:\d+: error: inheritance cycle: /m,
    ],
    ["an unknown role in inherits", "version: 1\nroles:\n  a: { inherits: [ghost], members: [x] }\n", /^bad\.yml:3:\d+: error: unknown role "ghost"/m],
    [
      "a billion-laughs alias bomb",
      "version: 1\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n",
      /^bad\.yml:\d+:\d+: error: too many alias expansions/m,
    ],
  ])("rejects %s with exit 2 and file:line:col", async (_name, text, pattern) => {
    write("bad.yml", text);
    const r = await run(dir, "validate", "bad.yml");
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(pattern);
  });

  it("reports two policy files as an error", async () => {
    write(".github/rolegate.yaml", POLICY);
    try {
      const r = await run(dir, "validate");
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/two policy files/);
    } finally {
      rmSync(join(dir, ".github/rolegate.yaml"));
    }
  });

  it("rejects unknown flags with exit 2", async () => {
    expect((await run(dir, "validate", "--bogus")).code).toBe(2);
    expect((await run(dir, "frobnicate")).code).toBe(2);
  });
});

describe("rolegate check", () => {
  it("reads changed files from git, counting a rename under both paths", async () => {
    const r = await run(dir, "check", "--base", "main", "--head", "feature", "--author", "dev1", "--teams", "teams.yml", "--format", "json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.conclusion).toBe("action_required");
    expect(json.files.map((f: { path: string; status: string }) => [f.path, f.status])).toEqual([
      ["k8s/deploy.tf", "renamed"],
      ["deploy.txt", "renamed"],
      ["src/app.ts", "modified"],
    ]);
    expect(json.requirements[0]).toMatchObject({ name: "DevOps approval", satisfied: false, approvals: { have: 0, need: 1 } });
    expect(json.requirements[0].eligible).toEqual(expect.arrayContaining(["ops1", "ops2", "@acme/devops"]));
    expect(json.violations).toEqual([]);
    expect(Array.isArray(json.warnings)).toBe(true);
  });

  it("succeeds with exit 0 once a DevOps engineer approves on the head", async () => {
    const r = await run(
      dir,
      "check",
      "--base",
      "main",
      "--head",
      "feature",
      "--author",
      "dev1",
      "--approved-by",
      "olga",
      "--teams",
      "teams.yml",
      "--format",
      "json",
    );
    expect(JSON.parse(r.stdout).conclusion).toBe("success");
    expect(r.code).toBe(0);
    const stale = await run(
      dir,
      "check",
      "--base",
      "main",
      "--head",
      "feature",
      "--author",
      "dev1",
      "--stale-approved-by",
      "olga",
      "--teams",
      "teams.yml",
      "--format",
      "json",
    );
    expect(JSON.parse(stale.stdout).conclusion).toBe("action_required");
  });

  it("fails closed, naming the team, when a team cannot be resolved", async () => {
    const r = await run(dir, "check", "--files", "k8s/a.tf", "--approved-by", "ops1", "--format", "json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.conclusion).toBe("failure");
    expect(json.errors.join(" ")).toContain("@acme/devops");
  });

  it("judges author and merge only when given", async () => {
    const merged = await run(dir, "check", "--files", "k8s/a.tf", "--approved-by", "ops1", "--merged-by", "dev2", "--teams", "teams.yml", "--format", "json");
    expect(JSON.parse(merged.stdout).violations).toEqual([expect.objectContaining({ action: "merge", user: "dev2", path: "k8s/a.tf" })]);
    const authored = await run(
      dir,
      "check",
      "--files",
      "k8s/a.tf",
      "--approved-by",
      "ops1",
      "--author",
      "stranger",
      "--teams",
      "teams.yml",
      "--format",
      "json",
    );
    expect(JSON.parse(authored.stdout).violations[0]).toMatchObject({ action: "author", user: "stranger" });
  });

  it("is neutral (exit 0) without a policy, and exit 2 on a bad revision or a bad teams file", async () => {
    const empty = mkdtempSync(join(tmpdir(), "rolegate-empty-"));
    try {
      execFileSync("git", ["init", "-q"], { cwd: empty });
      const r = await run(empty, "check", "--files", "a.txt", "--format", "json");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).conclusion).toBe("neutral");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    const bad = await run(dir, "check", "--base", "no-such-branch");
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    write("badteams.yml", "- not a map\n");
    expect((await run(dir, "check", "--files", "a", "--teams", "badteams.yml")).code).toBe(2);
  });

  it("exits 2 when the policy it uses has an error", async () => {
    write("broken.yml", "version: 1\nroles:\n  a: { inherits: [a], members: [x] }\n");
    const r = await run(dir, "check", "broken.yml", "--files", "a");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yml:3:\d+: error: inheritance cycle/);
  });

  it("keeps the markdown for a 3,000-file change under GitHub's limit and names every requirement", async () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      i % 3 === 0 ? `envs/prod/m${i}/main.tf` : i % 3 === 1 ? `.github/workflows/w${i}.yml` : `src/deep/path/number/${i}/file.ts`,
    );
    const requirements = Array.from(
      { length: 12 },
      (_, i) => `  - name: Requirement number ${i} with a fairly long descriptive name\n    categories: [${["pipeline", "infrastructure", "other"][i % 3]}]\n`,
    ).join("");
    write("big.yml", POLICY.replace("require:\n", `require:\n${requirements}`));
    const r = await run(dir, "check", "big.yml", "--files", many.join(","), "--teams", "teams.yml", "--format", "markdown");
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeLessThan(65_535);
    for (let i = 0; i < 12; i++) expect(r.stdout).toContain(`Requirement number ${i} with a fairly long descriptive name`);
    expect(r.stdout).toContain("DevOps approval");
    expect(r.stdout).toMatch(/and \d+ more/);
  });
});

describe("rolegate explain, matrix, diff", () => {
  it("explains a decision with its reason chain, in text and JSON", async () => {
    const yes = await run(dir, "explain", "--user", "olga", "--action", "approve", "--path", "envs/prod/x.tf", "--teams", "teams.yml", "--format", "json");
    expect(yes.code).toBe(0);
    const json = JSON.parse(yes.stdout);
    expect(json.allowed).toBe(true);
    expect(json.reasons.join("\n")).toMatch(/devops through @acme\/devops/);
    const no = await run(dir, "explain", "--user", "dev1", "--action", "approve", "--path", "envs/prod/x.tf", "--teams", "teams.yml");
    expect(no.code).toBe(1);
    expect(no.stdout).toMatch(/NOT ALLOWED/);
    const unresolved = await run(dir, "explain", "--user", "ops1", "--action", "approve", "--path", "x.tf", "--format", "json");
    expect(unresolved.code).toBe(1);
    expect(JSON.parse(unresolved.stdout).reasons.join(" ")).toContain("@acme/devops");
  });

  it("prints the matrix in every format", async () => {
    const md = await run(dir, "matrix");
    expect(md.stdout).toMatch(/#### pipeline/);
    expect(md.stdout).toMatch(/\| approve \| No \| Yes \|/);
    const json = JSON.parse((await run(dir, "matrix", "--format", "json")).stdout);
    expect(json.categories.find((c: { category: string }) => c.category === "infrastructure").actions[1]).toMatchObject({
      action: "approve",
      roles: { developer: "No", devops: "Yes" },
    });
    expect((await run(dir, "matrix", "--format", "csv")).stdout.split("\n")[0]).toBe('"category","action","enforced","developer","devops"');
    expect((await run(dir, "matrix", "--format", "html")).stdout).toMatch(/^<!doctype html>/);
    expect((await run(dir, "matrix", "--format", "pdf")).code).toBe(2);
  });

  it("diffs two policies: who gains or loses what", async () => {
    write(
      "new.yml",
      POLICY.replace(
        'members: [dev1, dev2]\n    grants: { author: ["*"] }',
        'members: [dev1, dev2]\n    grants: { author: ["*"], approve: [{ category: infrastructure, up_to_level: 3 }] }',
      ),
    );
    const r = await run(dir, "diff", ".github/rolegate.yml", "new.yml", "--format", "json");
    expect(r.code).toBe(0);
    const summaries = JSON.parse(r.stdout).permissions.map((c: { summary: string }) => c.summary);
    expect(summaries).toContain("dev1 gains approve on infrastructure at levels 0-3");
    expect((await run(dir, "diff", ".github/rolegate.yml", ".github/rolegate.yml")).stdout).toBe("No permission changes.\n");
  });
});

describe("extends in the CLI", () => {
  it("reads presets from the package and other repositories from --extends-root", async () => {
    write("child.yml", "version: 1\nextends: preset:minimal\n");
    const preset = await run(dir, "validate", "child.yml", "--now", "2026-11-23");
    expect(preset.code).toBe(0);
    write("roots/acme/.github/.github/rolegate.yml", POLICY);
    write("org-child.yml", 'version: 1\nextends: .github\nroles:\n  developer: { members: [dev9], grants: { author: ["*"] } }\n');
    const viaRoot = await run(
      dir,
      "check",
      "org-child.yml",
      "--extends-root",
      "roots",
      "--repo",
      "acme/app",
      "--files",
      "k8s/a.tf",
      "--author",
      "dev9",
      "--teams",
      "teams.yml",
      "--format",
      "json",
    );
    expect(JSON.parse(viaRoot.stdout).requirements[0]).toMatchObject({ name: "DevOps approval", satisfied: false });
    expect(JSON.parse(viaRoot.stdout).violations).toEqual([]);
    const missing = await run(dir, "validate", "org-child.yml", "--repo", "acme/app");
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(/org-child\.yml:2:\d+: error: cannot read parent policy acme\/\.github:\.github\/rolegate\.yml/);
  });
});

describe("rolegate test", () => {
  const tests = (conclusion: string) => `version: 1
teams: { acme/devops: [olga] }
cases:
  - name: pipeline change approved by DevOps
    files: [.github/workflows/ci.yml]
    author: dev1
    approved_by: [olga]
    expect: { conclusion: ${conclusion} }
`;
  it("exits 0 when every case passes, 1 with a diff when one fails, 2 on bad input", async () => {
    write("t-pass.yml", tests("success"));
    const pass = await run(dir, "test", "t-pass.yml");
    expect(pass.code).toBe(0);
    expect(pass.stdout).toContain("PASS pipeline change approved by DevOps");
    expect(pass.stdout).toContain("1 passed, 0 failed");
    write("t-fail.yml", tests("action_required"));
    const fail = await run(dir, "test", "t-fail.yml");
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain("FAIL pipeline change approved by DevOps");
    expect(fail.stdout).toContain("conclusion: expected action_required, got success");
    write("t-bad.yml", "version: 2\ncases: []\n");
    const bad = await run(dir, "test", "t-bad.yml");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/t-bad\.yml:\d+:\d+: error:/);
  });
});

describe("the README's demo", () => {
  it("shows one blocked and one passing change", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts", "demo.mjs")], { encoding: "utf8" });
    expect(r.stdout).toContain("Result: pipeline change blocked, application change passes.");
    expect(r.status).toBe(0);
  });
});
