import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEMA_URL } from "../../src/core/policy/schema.js";
import { rolegate } from "../helpers/cli.js";

// Time budget: a few seconds (a temp git repository; every command runs in-process).
// Adoption end to end: import CODEOWNERS, validate and check with the result, then keep it honest with policy tests.

/** `rolegate ARGV…` in-process (test/helpers/cli.ts). */
const run = rolegate;

const CODEOWNERS = readFileSync(join(import.meta.dirname, "..", "fixtures", "codeowners", "CODEOWNERS"), "utf8");
const TEAMS = "acme/core: [core-1]\nacme/docs: [docs-1]\nacme/dev: [dev-1]\nacme/platform: [plat-1]\n";

let dir: string;
const write = (root: string, path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const gitRepo = () => {
  const d = mkdtempSync(join(tmpdir(), "rolegate-adopt-"));
  for (const args of [
    ["init", "-q", "-b", "main"],
    ["config", "user.email", "t@example.invalid"],
    ["config", "user.name", "t"],
  ])
    execFileSync("git", args, { cwd: d });
  return d;
};

beforeAll(() => {
  dir = gitRepo();
  write(dir, ".github/CODEOWNERS", CODEOWNERS);
  write(dir, "teams.yml", TEAMS);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rolegate import codeowners", () => {
  it("prints a valid starting policy on stdout and the notes on stderr", async () => {
    const r = await run(dir, "import", "codeowners");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(`# yaml-language-server: $schema=${SCHEMA_URL}`);
    expect(r.stdout).toContain("from .github/CODEOWNERS");
    expect(r.stderr).toContain(".github/CODEOWNERS:15:1: note: Line 15: `go-owners@example.com` is not a GitHub login or team");
    expect(r.stderr).toContain(".github/CODEOWNERS:8:1: note: Line 8 (`/docs/`) is left out");
    expect(r.stderr).toMatch(/\d+ places where the policy asks for more than CODEOWNERS; review the notes above\n$/);

    write(dir, ".github/rolegate.yml", r.stdout);
    const v = await run(dir, "validate");
    expect(v.stdout).toMatch(/^\.github\/rolegate\.yml: valid/m);
    expect(v.code).toBe(0);
  });

  it("judges changes as CODEOWNERS would, or more strictly where it said so", async () => {
    const check = async (path: string, ...approvers: string[]) => {
      const r = await run(
        dir,
        "check",
        "--files",
        path,
        "--author",
        "outsider",
        "--teams",
        "teams.yml",
        "--format",
        "json",
        ...(approvers.length ? ["--approved-by", approvers.join(",")] : []),
      );
      return { code: r.code, conclusion: JSON.parse(r.stdout).conclusion as string };
    };
    expect(await check("src/app/main.ts", "alice")).toEqual({ code: 0, conclusion: "success" });
    expect(await check("src/app/main.ts", "docs-1")).toEqual({ code: 1, conclusion: "action_required" });
    expect(await check("README.md", "docs-1")).toEqual({ code: 0, conclusion: "success" });
    expect(await check("Makefile", "core-1")).toEqual({ code: 0, conclusion: "success" });
    expect((await check("cmd/tool/main.go", "alice", "bob", "carol", "core-1", "docs-1", "dev-1", "plat-1")).code).toBe(1);
    // Stricter, and noted: workflows also sit in /.github/'s category.
    expect(await check(".github/workflows/ci.yml", "carol")).toEqual({ code: 1, conclusion: "action_required" });
    expect(await check(".github/workflows/ci.yml", "carol", "plat-1")).toEqual({ code: 0, conclusion: "success" });
  });

  it("writes --output (or -o) instead of stdout, creating folders", async () => {
    const r = await run(dir, "import", "codeowners", ".github/CODEOWNERS", "--output", "out/policy.yml");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/wrote out\/policy\.yml: /);
    expect(readFileSync(join(dir, "out/policy.yml"), "utf8")).toBe((await run(dir, "import", "codeowners")).stdout);
    expect((await run(dir, "import", "codeowners", "-o", "out/short.yml")).code).toBe(0);
    expect(existsSync(join(dir, "out/short.yml"))).toBe(true);
  });

  it("looks for CODEOWNERS where GitHub does: .github/, the root, then docs/", async () => {
    const other = gitRepo();
    try {
      write(other, "docs/CODEOWNERS", "* @from-docs\n");
      expect((await run(other, "import", "codeowners")).stdout).toContain('"from-docs"');
      write(other, "CODEOWNERS", "* @from-root\n");
      const root = await run(other, "import", "codeowners");
      expect(root.stdout).toContain('"from-root"');
      expect(root.stdout).toContain("from CODEOWNERS (1 rule)");
      write(other, ".github/CODEOWNERS", "* @from-github\n");
      expect((await run(join(other, "docs"), "import", "codeowners")).stdout).toContain('"from-github"');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it.each([
    [
      "an unreadable file",
      ["import", "codeowners", "no/such/CODEOWNERS"],
      /^rolegate import: no\/such\/CODEOWNERS:1:1: error: cannot read CODEOWNERS file: ENOENT/,
    ],
    ["a directory", ["import", "codeowners", ".github"], /^rolegate import: \.github:1:1: error: cannot read CODEOWNERS file: EISDIR/],
    ["no source", ["import"], /import needs a source/],
    ["an unknown source", ["import", "gitlab"], /unknown source "gitlab"/],
    ["an unknown flag", ["import", "codeowners", "--format", "json"], /Unknown option '--format'/],
  ])("exits 2 on %s and writes nothing", async (_what, argv, message) => {
    const r = await run(dir, ...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });

  it("exits 2 when the repository has no CODEOWNERS", async () => {
    const empty = gitRepo();
    try {
      const r = await run(empty, "import", "codeowners");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("no CODEOWNERS file in this repository (looked for .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS)");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

const TESTS = `version: 1
teams:
  acme/core: [core-1]
  acme/docs: [docs-1]
  acme/dev: [dev-1]
  acme/platform: [plat-1]
cases:
  - name: application code needs alice or the dev team
    files: [src/app/main.ts]
    author: outsider
    approved_by: [dev-1]
    expect:
      conclusion: success
  - name: a docs approval does not cover application code
    files: [src/app/main.ts]
    author: outsider
    approved_by: [docs-1]
    expect:
      conclusion: action_required
      eligible:
        "CODEOWNERS: @alice, @acme/dev": ["@acme/dev", alice, dev-1]
  - name: the policy file needs the platform team
    files: [.github/rolegate.yml]
    author: outsider
    approved_by: [plat-1]
    expect:
      conclusion: success
`;

describe("rolegate test, on the imported policy", () => {
  it("passes when every case holds (exit 0)", async () => {
    write(dir, ".github/rolegate.tests.yml", TESTS);
    const r = await run(dir, "test");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "PASS application code needs alice or the dev team",
        "PASS a docs approval does not cover application code",
        "PASS the policy file needs the platform team",
        "3 passed, 0 failed",
        "",
      ].join("\n"),
    );
    expect(r.code).toBe(0);
  });

  it("fails with a readable diff when a case does not hold (exit 1)", async () => {
    write(dir, "wrong.tests.yml", TESTS.replace("approved_by: [dev-1]", "approved_by: [core-1]").replace('["@acme/dev", alice, dev-1]', "[alice, bob]"));
    const r = await run(dir, "test", "wrong.tests.yml", ".github/rolegate.yml");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("FAIL application code needs alice or the dev team\n");
    expect(r.stdout).toContain("conclusion: expected success, got action_required");
    expect(r.stdout).toMatch(/CODEOWNERS: @alice, @acme\/dev/);
    expect(r.stdout).toContain("FAIL a docs approval does not cover application code\n");
    expect(r.stdout).toMatch(/missing bob/);
    expect(r.stdout).toMatch(/unexpected @acme\/dev, dev-1/);
    expect(r.stdout).toContain("PASS the policy file needs the platform team\n");
    expect(r.stdout).toMatch(/1 passed, 2 failed\n$/);
  });

  it("exits 2 on bad input, naming file, line and column, and prints no results", async () => {
    write(dir, "bad.tests.yml", TESTS.replace("    author: outsider\n    approved_by: [docs-1]", "    author: outsider\n    aproved_by: [docs-1]"));
    const r = await run(dir, "test", "bad.tests.yml");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^bad\.tests\.yml:17:5: error: unknown key `aproved_by` .*\(did you mean `approved_by`\?\)/m);

    const missing = await run(dir, "test", "no-such.tests.yml");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no-such\.tests\.yml:1:1: error/);

    write(dir, "broken.tests.yml", "version: 1\ncases: [\n");
    const broken = await run(dir, "test", "broken.tests.yml");
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^broken\.tests\.yml:\d+:\d+: error: /m);
  });
});
