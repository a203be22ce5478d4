import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolegate } from "../helpers/cli.js";

// Time budget: a couple of seconds (one git repository in a temp folder, commands run in-process).
// Break glass, deployments and the enforced organisation baseline, offline through the CLI.

const ROOT = join(import.meta.dirname, "..", "..");

/** `rolegate ARGV…` in-process (test/helpers/cli.ts). */
const run = rolegate;

const POLICY = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
environments:
  staging: { level: 4, paths: ["envs/staging/**"] }
  production: { level: 5, paths: ["envs/prod/**"], github_environments: [prod-eu] }
roles:
  developer:
    members: [dev1, dev2]
    grants: { author: ["*"], deploy: [{ environment: staging }] }
  ops:
    members: [ops1, "@acme/ops"]
    grants: { approve: ["*"], merge: ["*"], deploy: [{ environment: "*" }] }
  contractor:
    members: [ext1]
    denies: { deploy: [{ environment: "*", from_level: 5 }] }
  security:
    members: [dana]
    grants: { approve: [policy] }
require:
  - name: Ops approval
    categories: [pipeline, policy]
break_glass: { roles: [security], reason_min_length: 15 }
notify: { violations: [security] }
`;

let dir: string;
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rolegate-governance-"));
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  write(".github/rolegate.yml", POLICY);
  write("teams.yml", "acme/ops: [olga]\nacme/security: [sec1]\n");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHANGE = ["--files", ".github/workflows/deploy.yml", "--author", "dev1", "--teams", "teams.yml", "--now", "2026-11-23T10:00:00Z"];
const REASON = "production is down, hotfix INC-4711";

describe("rolegate check --break-glass-by --reason", () => {
  it("by an allowed role: success (exit 0) with the override in the JSON", async () => {
    const before = await run(dir, "check", ...CHANGE, "--format", "json");
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout).conclusion).toBe("action_required");
    const r = await run(dir, "check", ...CHANGE, "--break-glass-by", "dana", "--reason", REASON, "--format", "json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.conclusion).toBe("success");
    expect(json.title).toBe("Overridden by @dana (break glass): 1 requirement not met");
    expect(json.override).toEqual({ by: "dana", reason: REASON, requirements: ["Ops approval"], at: "2026-11-23T10:00:00.000Z" });
    expect(json.violations).toEqual([]);
  });

  it("by anyone else: failure (exit 1), a break-glass violation, no override", async () => {
    const r = await run(dir, "check", ...CHANGE, "--break-glass-by", "ops1", "--reason", REASON, "--format", "json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.conclusion).toBe("failure");
    expect(json).not.toHaveProperty("override");
    expect(json.violations).toEqual([expect.objectContaining({ action: "break-glass", user: "ops1", path: ".github/workflows/deploy.yml" })]);
  });

  it("with too short a reason: failure (exit 1), saying how long it must be", async () => {
    const r = await run(dir, "check", ...CHANGE, "--break-glass-by", "dana", "--reason", "hotfix", "--format", "json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.conclusion).toBe("failure");
    expect(json).not.toHaveProperty("override");
    expect(json.violations[0].reason).toBe("the reason is 6 characters long; the policy asks for at least 15");
  });

  it("does not override an author violation", async () => {
    const r = await run(dir, "check", ...CHANGE, "--author", "stranger", "--break-glass-by", "dana", "--reason", REASON, "--format", "json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.conclusion).toBe("failure");
    expect(json).not.toHaveProperty("override");
    expect(json.violations).toEqual([expect.objectContaining({ action: "author", user: "stranger" })]);
    expect(json.notes.join(" ")).toContain("an `author` violation can never be overridden");
  });

  it("shows the override in the text and markdown formats", async () => {
    const text = await run(dir, "check", ...CHANGE, "--break-glass-by", "dana", "--reason", REASON);
    expect(text.stdout).toMatch(/^SUCCESS: Overridden by @dana/);
    expect(text.stdout).toContain(`    reason: ${REASON}`);
    const md = await run(dir, "check", ...CHANGE, "--break-glass-by", "dana", "--reason", REASON, "--format", "markdown");
    expect(md.stdout).toContain("### Break glass");
    expect(md.stdout).toContain(REASON);
  });

  it("needs both flags, and a login (exit 2, nothing on stdout)", async () => {
    for (const extra of [
      ["--reason", REASON],
      ["--break-glass-by", "dana"],
      ["--break-glass-by", "not a login", "--reason", REASON],
    ]) {
      const r = await run(dir, "check", ...CHANGE, ...extra);
      expect(r.code, extra.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
    }
  });
});

describe("rolegate explain --action deploy --environment", () => {
  it("allows by role and level, with the reason chain (exit 0)", async () => {
    const r = await run(dir, "explain", "--user", "dev1", "--action", "deploy", "--environment", "staging", "--teams", "teams.yml", "--format", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      allowed: true,
      reasons: ["staging is an environment at level 4", "holds developer (member of developer)", "developer grants deploy on staging (staging is level 4)"],
    });
  });

  it("refuses a role without a grant at that environment (exit 1)", async () => {
    const r = await run(dir, "explain", "--user", "dev1", "--action", "deploy", "--environment", "production", "--teams", "teams.yml");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NOT ALLOWED: dev1 deploy to production\n/);
    expect(r.stdout).toContain("no held role grants deploy on production at level 5");
  });

  it("refuses by level: a deny from level 5 beats every grant (exit 1), while staging stays allowed", async () => {
    write("ext.yml", POLICY.replace("members: [ext1]", "members: [ext1, ops1]"));
    const prod = await run(
      dir,
      "explain",
      "ext.yml",
      "--user",
      "ops1",
      "--action",
      "deploy",
      "--environment",
      "production",
      "--teams",
      "teams.yml",
      "--format",
      "json",
    );
    expect(prod.code).toBe(1);
    expect(JSON.parse(prod.stdout).reasons).toContain("contractor denies deploy on every environment from level 5: a deny beats every grant");
    const staging = await run(dir, "explain", "ext.yml", "--user", "ops1", "--action", "deploy", "--environment", "staging", "--teams", "teams.yml");
    expect(staging.code).toBe(0);
  });

  it("allows through a team, and reads an unknown name as a GitHub environment", async () => {
    const r = await run(dir, "explain", "--user", "olga", "--action", "deploy", "--environment", "prod-eu", "--teams", "teams.yml", "--format", "json");
    expect(r.code).toBe(0);
    const reasons = JSON.parse(r.stdout).reasons;
    expect(reasons[0]).toBe('GitHub environment "prod-eu" is the policy\'s environment production');
    expect(reasons).toContain("holds ops (member of ops through @acme/ops)");
    const unknown = await run(dir, "explain", "--user", "olga", "--action", "deploy", "--environment", "preview", "--teams", "teams.yml");
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('the policy has no environment "preview"');
  });

  it("is bad input with another action, or with --path too (exit 2)", async () => {
    expect((await run(dir, "explain", "--user", "dev1", "--action", "merge", "--environment", "staging")).code).toBe(2);
    expect((await run(dir, "explain", "--user", "dev1", "--action", "deploy", "--environment", "staging", "--path", "a")).code).toBe(2);
  });

  it("the matrix shows a deploy row per environment", async () => {
    const md = await run(dir, "matrix");
    expect(md.stdout).toContain("#### Deployments");
    expect(md.stdout).toContain("| deploy to production (level 5) | No | Yes | Denied from level 5 | No |");
    const json = JSON.parse((await run(dir, "matrix", "--format", "json")).stdout);
    expect(json.environments.map((e: { environment: string }) => e.environment)).toEqual(["staging", "production"]);
  });
});

describe("an enforced organisation baseline offline (--extends-root, --repo)", () => {
  const BASELINE = `version: 1
enforce: true
locked: [roles.security-contact, require]
categories:
  secrets: { paths: ["**/*.sops.yaml"] }
roles:
  security-contact:
    members: [sam]
    grants: { approve: [secrets, policy] }
require:
  - name: Org security review
    categories: [secrets]
    roles: [security-contact]
`;
  const ORG = ["--extends-root", "roots", "--repo", "acme/app"];

  beforeAll(() => {
    write("roots/acme/.github/.github/rolegate.yml", BASELINE);
    write("own.yml", 'version: 1\nroles:\n  developer:\n    members: [dev1]\n    grants: { author: ["*"] }\n');
  });

  it("binds a repository with its own policy: check applies the baseline's requirement, and says so", async () => {
    const without = await run(dir, "check", "own.yml", "--files", "keys/db.sops.yaml", "--author", "dev1", "--format", "json");
    expect(JSON.parse(without.stdout).requirements).toEqual([]);
    const r = await run(dir, "check", "own.yml", ...ORG, "--files", "keys/db.sops.yaml", "--author", "dev1", "--format", "json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.requirements).toEqual([expect.objectContaining({ name: "Org security review", satisfied: false, eligible: ["sam"] })]);
    expect(json.notes.join(" ")).toContain("enforced organisation baseline acme/.github:.github/rolegate.yml");
    const approved = await run(dir, "check", "own.yml", ...ORG, "--files", "keys/db.sops.yaml", "--author", "dev1", "--approved-by", "sam", "--format", "json");
    expect(JSON.parse(approved.stdout).conclusion).toBe("success");
  });

  it("explain, matrix and test see the baseline's roles", async () => {
    const explain = await run(dir, "explain", "own.yml", ...ORG, "--user", "dev1", "--action", "approve", "--path", "keys/db.sops.yaml");
    expect(explain.code).toBe(1);
    expect(explain.stdout).toContain("no held role grants approve on secrets at level 0");
    // Alone, the repository's policy enforces no approvals at all.
    const alone = await run(dir, "explain", "own.yml", "--user", "dev1", "--action", "approve", "--path", "keys/db.sops.yaml");
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain("approve is not enforced");
    const matrix = await run(dir, "matrix", "own.yml", ...ORG, "--format", "json");
    expect(JSON.parse(matrix.stdout).roles).toEqual(["security-contact", "developer"]);
    write(
      "own.tests.yml",
      "version: 1\ncases:\n  - name: secrets need the security contact\n    files: [keys/db.sops.yaml]\n    author: dev1\n    expect: { conclusion: action_required }\n",
    );
    expect((await run(dir, "test", "own.tests.yml", "own.yml", ...ORG)).code).toBe(0);
    expect((await run(dir, "test", "own.tests.yml", "own.yml")).code).toBe(1);
  });

  it("its locked keys cannot be redefined there: validate exits 2 with an error naming both files", async () => {
    write("rogue.yml", 'version: 1\nroles:\n  security-contact:\n    members: [mallory]\n    grants: { approve: ["*"] }\n');
    expect((await run(dir, "validate", "rogue.yml")).code).toBe(0);
    const r = await run(dir, "validate", "rogue.yml", ...ORG);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      'rogue.yml:3:3: error: "roles.security-contact" is locked by the enforced organisation baseline acme/.github:.github/rolegate.yml and may not be redefined',
    );
    const check = await run(dir, "check", "rogue.yml", ...ORG, "--files", "a.txt");
    expect(check.code).toBe(2);
    expect(check.stderr).toContain("rogue.yml:3:3: error:");
  });

  it("a baseline without enforce: true binds nothing", async () => {
    write("roots/other/.github/.github/rolegate.yml", BASELINE.replace("enforce: true\n", ""));
    const r = await run(dir, "validate", "rogue.yml", "--extends-root", "roots", "--repo", "other/app");
    expect(r.code).toBe(0);
  });
});

describe("the presets carry their tables' deployment and break-glass roles", () => {
  beforeAll(() => {
    writeFileSync(
      join(dir, "preset-teams.yml"),
      [
        "your-org/pega-team: [gina]",
        "your-org/pega-cloud-ops: [otto]",
        "your-org/pega-deployment: [desi]",
        "your-org/pega-on-call: [paul]",
        "your-org/developers: [dev]",
        "your-org/sysadmins: [sys]",
        "your-org/devops: [devo]",
        "your-org/sitecore-cloudops: [cloudy]",
      ].join("\n"),
    );
  });
  const explain = (preset: string, user: string, environment: string) =>
    run(
      dir,
      "explain",
      join(ROOT, "policies", `${preset}.yml`),
      "--user",
      user,
      "--action",
      "deploy",
      "--environment",
      environment,
      "--teams",
      "preset-teams.yml",
    );

  it("Pega: a Cloud Operations Specialist may not deploy to production, a Cloud Deployment Specialist may", async () => {
    const ops = await explain("pega-cloud", "otto", "production");
    expect(ops.code).toBe(1);
    expect(ops.stdout).toContain("holds cloud-operations-specialist");
    const deployer = await explain("pega-cloud", "desi", "production");
    expect(deployer.code).toBe(0);
    expect(deployer.stdout).toContain("cloud-deployment-specialist grants deploy on every environment");
  });

  it("Pega: the security contact may break the glass, a support administrator may not", async () => {
    const preset = join(ROOT, "policies", "pega-cloud.yml");
    const args = ["--files", "environments/production/app.yml", "--author", "otto", "--teams", "preset-teams.yml", "--now", "2026-11-23", "--format", "json"];
    const reason = "--reason=production outage, approved on the bridge call";
    const contact = JSON.parse((await run(dir, "check", preset, ...args, "--break-glass-by", "your-security-officer", reason)).stdout);
    expect(contact.conclusion).toBe("success");
    expect(contact.override.by).toBe("your-security-officer");
    const admin = JSON.parse((await run(dir, "check", preset, ...args, "--break-glass-by", "your-support-admin-1", reason)).stdout);
    expect(admin.conclusion).toBe("failure");
  });

  it("Sitecore: only the DevOps engineer deploys", async () => {
    expect((await explain("sitecore-managed-cloud", "devo", "production")).code).toBe(0);
    expect((await explain("sitecore-managed-cloud", "devo", "development")).code).toBe(0);
    for (const user of ["dev", "sys", "cloudy"]) expect((await explain("sitecore-managed-cloud", user, "development")).code, user).toBe(1);
  });
});
