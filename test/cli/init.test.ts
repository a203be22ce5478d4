import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { scanEnvironments } from "../../src/init/environments.js";
import { rolegate } from "../helpers/cli.js";

// Time budget: a few seconds (small git repositories in a temp folder, everything in-process).

const ROOT = join(import.meta.dirname, "..", "..");
const NOW = "2026-12-06";
const MANIFEST = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";

/** `rolegate ARGV…` in-process (test/helpers/cli.ts). */
const run = rolegate;

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A git repository with these files: `committed` in one commit, `untracked` left beside them. */
function repo(committed: Record<string, string>, untracked: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "rolegate-init-"));
  made.push(dir);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] }).toString();
  const write = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.invalid");
  git("config", "user.name", "t");
  git("config", "commit.gpgsign", "false");
  write(committed);
  git("add", "-A");
  git("commit", "-qm", "base");
  write(untracked);
  return dir;
}

/** Categories and level of each path under the repository's policy, as `rolegate check` reports them. */
async function classify(dir: string, paths: string[], policy?: string): Promise<Record<string, { categories: string[]; level: number }>> {
  const r = await run(dir, "check", ...(policy ? [policy] : []), "--files", paths.join(","), "--format", "json", "--now", NOW);
  expect(r.stderr).toBe("");
  const json = JSON.parse(r.stdout) as { files: { path: string; categories: string[]; level: number }[] };
  return Object.fromEntries(json.files.map((f) => [f.path, { categories: f.categories, level: f.level }]));
}

/** `rolegate init` in `dir`, then `validate` and `test` on what it wrote: both must pass. */
async function initAndCheck(dir: string, ...flags: string[]) {
  const init = await run(dir, "init", "--now", NOW, ...flags);
  expect(init.stderr).toBe("");
  expect(init.code).toBe(0);
  const validate = await run(dir, "validate", "--now", NOW);
  expect(validate.stdout).not.toMatch(/: error:/);
  expect(validate.code).toBe(0);
  const test = await run(dir, "test", "--now", NOW);
  expect(test.stdout).not.toMatch(/FAIL/);
  expect(test.code).toBe(0);
  const policyText = readFileSync(join(dir, ".github/rolegate.yml"), "utf8");
  const testsText = readFileSync(join(dir, ".github/rolegate.tests.yml"), "utf8");
  return { init, policyText, policy: parse(policyText) as Record<string, Record<string, unknown>>, testsText, tests: test.stdout };
}

describe("the platform preset", () => {
  it("validates with no errors", async () => {
    const r = await run(ROOT, "validate", "policies/platform.yml", "--now", NOW);
    expect(r.stdout).not.toMatch(/: error:/);
    expect(r.code).toBe(0);
  });

  it("takes Terraform, Packer, a Kubernetes manifest anywhere and a workflow out of `other`", async () => {
    const files = await classify(
      ROOT,
      ["main.tf", "images/base.pkr.hcl", "examples/app/deploy.yaml", ".github/workflows/ci.yml", "src/app.ts"],
      "policies/platform.yml",
    );
    expect(files["main.tf"]!.categories).toEqual(["infrastructure"]);
    expect(files["images/base.pkr.hcl"]!.categories).toEqual(["infrastructure"]);
    expect(files["examples/app/deploy.yaml"]!.categories).toEqual(["infrastructure"]);
    expect(files[".github/workflows/ci.yml"]!.categories).toEqual(["pipeline"]);
    expect(files["src/app.ts"]!.categories).toEqual(["other"]);
  });

  it("gives an environment folder the level init gives it, and keeps `test/` (unit tests) out of the test environment", async () => {
    const paths = [
      "envs/dev/main.tf",
      "envs/test/main.tf",
      "envs/qa/main.tf",
      "overlays/stage/kustomization.yaml",
      "terraform/staging/main.tf",
      "k8s/uat/app.yaml",
      "terraform/prod/main.tf",
      "deploy/production/values.yaml",
      "vars/prod.tfvars",
      "chart/values-staging.yaml",
      "test/unit.test.ts",
      "stage/build.sh",
    ];
    const preset = await classify(ROOT, paths, "policies/platform.yml");
    for (const path of paths) {
      const byInit = Math.max(0, ...scanEnvironments([path]).map((e) => e.level));
      expect([path, preset[path]!.level]).toEqual([path, byInit]);
    }
    expect(preset["test/unit.test.ts"]!.level).toBe(0);
    expect(preset["terraform/prod/main.tf"]!.level).toBe(5);
  });

  it("guesses the level of an unknown environment folder from its name, else treats it as production", () => {
    const levels = Object.fromEntries(
      scanEnvironments(["envs/prod-eu/a.tf", "envs/qa2/a.tf", "envs/preprod-us/a.tf", "envs/blue/a.tf"]).map((e) => [e.name, e.level]),
    );
    expect(levels).toEqual({ "prod-eu": 5, qa2: 3, "preprod-us": 4, blue: 5 });
  });
});

describe("rolegate init", () => {
  it("proposes a policy and tests for a Terraform and Kubernetes monorepo that validate, pass and classify its files", async () => {
    const dir = repo(
      {
        "infra/main.tf": 'resource "null_resource" "x" {}\n',
        "infra/variables.tf": 'variable "region" {}\n',
        "images/base.pkr.hcl": 'source "docker" "base" {}\n',
        "k8s/app.yaml": MANIFEST,
        "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        "charts/web/templates/deployment.yaml": MANIFEST,
        "examples/app/deploy.yaml": MANIFEST,
        "envs/dev/main.tf": 'module "app" {}\n',
        "envs/prod/main.tf": 'module "app" {}\n',
        "envs/eu-west/main.tf": 'module "app" {}\n',
        ".github/workflows/ci.yml": "on: push\njobs: {}\n",
        ".gitignore": "build/\n",
        "build/Jenkinsfile": "ignored, so not a pipeline of this repository\n",
        "README.md": "# monorepo\n",
        "src/app.ts": "export {};\n",
      },
      // Not committed yet but not ignored: init counts them.
      { "examples/cache/redis.yaml": MANIFEST.replace("Deployment", "StatefulSet") },
    );
    const { init, policy, policyText, testsText, tests } = await initAndCheck(dir);

    expect(Object.keys(policy.categories!)).toEqual(["pipeline", "infrastructure"]);
    expect(policy.categories!.pipeline).toEqual(expect.objectContaining({ paths: [".github/workflows/**"] }));
    expect(policyText).toMatch(/- "examples\/\*\*\/\*\.yaml" # 2 files here/);
    expect(JSON.stringify(policy.categories)).not.toMatch(/Jenkinsfile/); // build/ is ignored
    expect(policy.environments).toEqual({
      development: { level: 2, paths: ["envs/dev/**"] },
      "eu-west": { level: 5, paths: ["envs/eu-west/**"] },
      production: expect.objectContaining({ level: 5, paths: ["envs/prod/**"], branches: ["release/**"] }),
    });
    expect(policyText).toMatch(/level: 5 # level guessed: rolegate cannot tell what "eu-west" is/);
    expect(Object.keys(policy.roles!)).toEqual(["developer", "platform-engineer", "release-manager", "security-contact", "admin"]);

    const requirements = (policy.require as unknown as { name: string }[]).map((r) => r.name);
    expect(requirements).not.toContain("Secret changes need the security contact");
    expect(parse(testsText).cases).toHaveLength(requirements.length);
    expect(tests).toMatch(new RegExp(`^${requirements.length} passed, 0 failed$`, "m"));
    expect(init.stdout).toMatch(/^rolegate init: wrote \.github\/rolegate\.yml and \.github\/rolegate\.tests\.yml/);
    expect(init.stdout).toMatch(/Next:[\s\S]*rolegate validate[\s\S]*rolegate test[\s\S]*rolegate check --base main[\s\S]*git commit[\s\S]*GitHub App/);

    // Infrastructure, new files of the same kind included (infra/modules/net/new.tf).
    const infrastructure = [
      "infra/main.tf",
      "infra/modules/net/new.tf",
      "images/base.pkr.hcl",
      "k8s/app.yaml",
      "charts/web/templates/deployment.yaml",
      "examples/app/deploy.yaml",
      "examples/cache/redis.yaml",
    ];
    const files = await classify(dir, [...infrastructure, "envs/dev/main.tf", "envs/prod/main.tf", ".github/workflows/ci.yml", "src/app.ts"]);
    for (const path of infrastructure) expect([path, files[path]!.categories]).toEqual([path, ["infrastructure"]]);
    expect(files["envs/dev/main.tf"]).toEqual({ categories: ["infrastructure"], level: 2 });
    expect(files["envs/prod/main.tf"]).toEqual({ categories: ["infrastructure"], level: 5 });
    expect(files[".github/workflows/ci.yml"]!.categories).toEqual(["pipeline"]);
    expect(files["src/app.ts"]).toEqual({ categories: ["other"], level: 0 });
  });

  it("proposes a pipeline-only policy for an Actions-only repository", async () => {
    const dir = repo({
      ".github/workflows/ci.yml": "on: push\n",
      ".github/workflows/release.yml": "on: release\n",
      "src/index.ts": "export {};\n",
      "package.json": "{}\n",
    });
    const { policy, testsText } = await initAndCheck(dir);
    expect(Object.keys(policy.categories!)).toEqual(["pipeline"]);
    // No production folder, but a pull request into a release branch is still a production change.
    expect(policy.environments).toEqual({ production: expect.objectContaining({ level: 5, branches: ["release/**"] }) });
    expect((policy.require as unknown as { name: string }[]).map((r) => r.name)).toEqual([
      "Pipeline changes need a platform engineer",
      "Production changes need a release manager",
      "Other changes need a developer's review",
      "Changes to this policy need an admin",
    ]);
    expect(testsText).toMatch(/target_branch: release\/example/);

    const files = await classify(dir, [".github/workflows/ci.yml", ".github/workflows/new.yml", "src/index.ts"]);
    expect(files[".github/workflows/new.yml"]!.categories).toEqual(["pipeline"]);
    expect(files["src/index.ts"]!.categories).toEqual(["other"]);
  });

  it("takes the owners of a CODEOWNERS file into the policy, never looser than CODEOWNERS", async () => {
    const dir = repo({
      ".github/CODEOWNERS": "*        @acme/core\n/infra/  @acme/platform\n*.md     @alice\n",
      "infra/main.tf": 'resource "null_resource" "x" {}\n',
      "main.tf": "terraform {}\n",
      "src/app.ts": "export {};\n",
      "README.md": "# app\n",
      ".github/workflows/ci.yml": "on: push\n",
    });
    const { policy, policyText } = await initAndCheck(dir);
    expect(Object.keys(policy.categories!)).toEqual(["pipeline", "infrastructure", "acme-platform", "alice"]);
    expect(Object.keys(policy.roles!)).toEqual(expect.arrayContaining(["platform-engineer", "acme-core", "acme-platform", "alice"]));

    const files = await classify(dir, ["infra/main.tf", "main.tf", "README.md"]);
    expect(files["infra/main.tf"]!.categories).toEqual(["infrastructure", "acme-platform"]);
    expect(files["main.tf"]!.categories).toEqual(["infrastructure"]);

    writeFileSync(
      join(dir, "teams.yml"),
      "your-org/developers: [dev1]\nyour-org/platform-engineers: [pe1]\nyour-org/release-managers: [rm1]\nyour-org/security: [sec1]\nacme/core: [core1]\nacme/platform: [plat1]\n",
    );
    const check = (file: string, approvers: string) =>
      run(dir, "check", "--files", file, "--approved-by", approvers, "--teams", "teams.yml", "--format", "json", "--now", NOW);
    // CODEOWNERS gives main.tf to the catch-all owners: a platform engineer alone is not enough...
    const withoutOwner = await check("main.tf", "pe1");
    expect(JSON.parse(withoutOwner.stdout).conclusion).toBe("action_required");
    expect(withoutOwner.code).toBe(1);
    // ...with one of them it is.
    expect((await check("main.tf", "pe1,core1")).code).toBe(0);
    // infra/ is @acme/platform's: the catch-all owners do not stand in for them. The policy asks
    // the catch-all owners too (infra/main.tf is infrastructure, which the catch-all lists), and
    // says so in a comment: stricter than CODEOWNERS, never looser.
    expect((await check("infra/main.tf", "pe1,core1")).code).toBe(1);
    expect((await check("infra/main.tf", "pe1,plat1,core1")).code).toBe(0);
    expect(policyText).toMatch(/Stricter than CODEOWNERS: files of those that a later line owns need these owners too \(e\.g\. `infra\/main\.tf`\)/);
    expect((await check("README.md", "dev1")).code).toBe(1);
    expect((await check("README.md", "dev1,alice")).code).toBe(0);
  });

  it("takes the roles of another preset with --preset, and lists the presets for an unknown name", async () => {
    const dir = repo({ ".github/workflows/ci.yml": "on: push\n", "infra/main.tf": "terraform {}\n" });
    const { policy } = await initAndCheck(dir, "--preset", "minimal");
    expect(Object.keys(policy.roles!)).toEqual(["maintainer"]);

    const other = repo({ "a.txt": "a\n" });
    const r = await run(other, "init", "--preset", "nope");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no preset "nope"; the presets are: .*minimal.*platform/);
    expect(existsSync(join(other, ".github/rolegate.yml"))).toBe(false);
  });

  it("never overwrites an existing policy or tests file", async () => {
    for (const existing of [".github/rolegate.yml", ".github/rolegate.yaml", ".github/rolegate.tests.yml"]) {
      const dir = repo({ [existing]: "version: 1\n# mine\n", "main.tf": "terraform {}\n" });
      const r = await run(dir, "init", "--now", NOW);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${existing.replace(/\./g, "\\.")} already exists: rolegate init never overwrites`));
      expect(r.stdout).toBe("");
      expect(readFileSync(join(dir, existing), "utf8")).toBe("version: 1\n# mine\n");
      for (const other of [".github/rolegate.yml", ".github/rolegate.tests.yml"].filter((f) => f !== existing))
        expect(existsSync(join(dir, other)), `${other} beside ${existing}`).toBe(false);
    }
  });

  it("with --dry-run prints both files and writes nothing", async () => {
    const dir = repo({ ".github/workflows/ci.yml": "on: push\n", "envs/prod/main.tf": "terraform {}\n" });
    const status = () => execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: dir }).toString();
    const before = status();
    const r = await run(dir, "init", "--dry-run", "--now", NOW);
    expect(r.code).toBe(0);
    expect(status()).toBe(before);
    expect(existsSync(join(dir, ".github/rolegate.yml"))).toBe(false);
    const [policyText, testsText] = r.stdout.split(/^---$/m);
    expect(parse(policyText!)).toMatchObject({ version: 1, categories: { pipeline: {}, infrastructure: {} } });
    expect(parse(testsText!)).toMatchObject({ version: 1, cases: expect.any(Array) });
    expect(r.stderr).toMatch(/--dry-run: nothing written/);
  });

  it("with --dry-run still proposes where a policy exists, and leaves it alone", async () => {
    const dir = repo({ ".github/rolegate.yml": "version: 1\n", "main.tf": "terraform {}\n" });
    const r = await run(dir, "init", "--dry-run", "--now", NOW);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\.github\/rolegate\.yml already exists; without --dry-run init would refuse/);
    expect(readFileSync(join(dir, ".github/rolegate.yml"), "utf8")).toBe("version: 1\n");
    expect(existsSync(join(dir, ".github/rolegate.tests.yml"))).toBe(false);
  });

  it("prints its usage with --help and rejects arguments it does not take", async () => {
    const help = await run(ROOT, "init", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("  rolegate init [--preset NAME] [--dry-run]");
    expect((await run(ROOT, "init", "somewhere")).code).toBe(2);
    expect((await run(ROOT, "init", "--force")).code).toBe(2);
  });
});
