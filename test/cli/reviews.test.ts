import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolegate } from "../helpers/cli.js";

// Time budget: a few seconds; one git repository in a temp folder with four histories of one change.

/** `rolegate ARGV…` in-process (test/helpers/cli.ts). */
const run = rolegate;

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
      deploy: [{ category: infrastructure, when: { checks_passed: [build] } }]
require:
  - name: DevOps approval
    categories: [infrastructure, policy]
  - name: Release manager for release branches
    categories: [infrastructure]
    roles: [devops]
    approvals: 2
    when: { source_branch: ["release/**"] }
options: { stale_approvals: ${stale} }
`;

let dir: string;
const git = (...args: string[]) =>
  execFileSync("git", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] })
    .toString()
    .trim();
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};
const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
/** The commit olga approved: the change before anything else happened to it. */
let approvedCommit: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rolegate-reviews-"));
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.invalid");
  git("config", "user.name", "t");
  git("config", "commit.gpgsign", "false");
  write(".github/rolegate.yml", POLICY("unless_changed"));
  write("dismiss.yml", POLICY("dismiss"));
  write("k8s/deploy.tf", lines(40));
  write("src/app.ts", "a\n");
  git("add", ".github", "k8s", "src");
  git("commit", "-qm", "base");

  // The change: one edit to an infrastructure file.
  git("checkout", "-qb", "feature");
  write("k8s/deploy.tf", lines(40).replace("line 10\n", "line ten\n"));
  git("commit", "-qam", "change line 10");
  approvedCommit = git("rev-parse", "HEAD");

  // Meanwhile the base branch moves on, elsewhere.
  git("checkout", "-q", "main");
  write("src/app.ts", "b\n");
  git("commit", "-qam", "main moves on");

  // "Update branch": the base merged into the head.
  git("checkout", "-qb", "updated", approvedCommit);
  git("merge", "-q", "--no-edit", "main");
  // A clean rebase onto the new base.
  git("checkout", "-qb", "rebased", approvedCommit);
  git("rebase", "-q", "main");
  // A real change after the approval.
  git("checkout", "-qb", "changed", approvedCommit);
  write("k8s/deploy.tf", lines(40).replace("line 10\n", "line ten\n").replace("line 30\n", "line thirty\n"));
  git("commit", "-qam", "change line 30 too");
  git("checkout", "-q", "main");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `rolegate check` of one history, as JSON, with olga's approval of the commit she saw. */
async function judgeHistory(head: string, policy?: string, ...more: string[]) {
  const r = await run(
    dir,
    "check",
    ...(policy ? [policy] : []),
    "--base",
    "main",
    "--head",
    head,
    "--author",
    "dev1",
    "--approved-by",
    `olga@${approvedCommit}`,
    "--format",
    "json",
    ...more,
  );
  expect(r.stderr).toBe("");
  const json = JSON.parse(r.stdout);
  return { code: r.code, json, olga: json.reviews.find((x: { user: string }) => x.user === "olga") };
}

describe("approvals that survive updates (stale_approvals: unless_changed)", () => {
  it("keeps an approval across an Update branch merge of the base", async () => {
    const { code, json, olga } = await judgeHistory("updated");
    expect(json.conclusion).toBe("success");
    expect(code).toBe(0);
    expect(olga).toEqual({ user: "olga", state: "approved", counted: true, reasons: [], requirements: ["DevOps approval"], commit: approvedCommit });
  });

  it("keeps it across a clean rebase onto the new base", async () => {
    const { json, olga } = await judgeHistory("rebased");
    expect(json.conclusion).toBe("success");
    expect(olga.counted).toBe(true);
  });

  it("voids it when the change itself changed", async () => {
    const { code, json, olga } = await judgeHistory("changed");
    expect(json.conclusion).toBe("action_required");
    expect(code).toBe(1);
    expect(olga.counted).toBe(false);
    expect(olga.reasons).toEqual([`stale: approved an earlier commit (${approvedCommit.slice(0, 12)}), and the pull request's changes differ since`]);
  });
});

describe("stale_approvals: dismiss", () => {
  it("voids the approval on any new commit: an Update branch merge, a rebase, a change", async () => {
    for (const head of ["updated", "rebased", "changed"]) {
      const { json, olga } = await judgeHistory(head, "dismiss.yml");
      expect(json.conclusion, head).toBe("action_required");
      expect(olga.reasons[0]).toMatch(/^stale: approved an earlier commit \([0-9a-f]{12}\), and options\.stale_approvals is dismiss$/);
    }
  });

  it("counts an approval of the head, named by any revision", async () => {
    const { json, olga } = await judgeHistory("feature", "dismiss.yml");
    expect(json.conclusion).toBe("success");
    expect(olga.counted).toBe(true);
  });
});

describe("--approved-by LOGIN@REV", () => {
  it("needs the change from git, and a real revision", async () => {
    const without = await run(dir, "check", "--files", "k8s/deploy.tf", "--approved-by", `olga@${approvedCommit}`);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain("needs the change from git (--base REV [--head REV])");
    const bad = await run(dir, "check", "--base", "main", "--head", "changed", "--approved-by", "olga@no-such-rev");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad revision "no-such-rev"');
    expect(bad.stdout).toBe("");
    const empty = await run(dir, "check", "--base", "main", "--approved-by", "olga@");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('"olga@" is not LOGIN or LOGIN@REV');
  });

  it("mixes with plain logins and the other review flags", async () => {
    const r = await run(
      dir,
      "check",
      "--base",
      "main",
      "--head",
      "changed",
      "--author",
      "dev1",
      "--approved-by",
      `dev1,olga@${approvedCommit},dev2`,
      "--stale-approved-by",
      "omar",
      "--changes-requested-by",
      "dev2",
      "--committers",
      "dev2",
      "--format",
      "json",
    );
    const json = JSON.parse(r.stdout);
    const byUser = Object.fromEntries(json.reviews.map((x: { user: string; reasons: string[] }) => [x.user, x.reasons.map((t) => t.split(/[:]| for /)[0])]));
    expect(byUser).toEqual({
      dev1: ["author", "not eligible"],
      // Offline, a change request beats an approval by the same person: it replaced it.
      dev2: ["changes requested", "superseded"],
      olga: ["stale"],
      omar: ["stale"],
    });
    for (const x of json.reviews) expect(Object.keys(x).sort()).toEqual(expect.arrayContaining(["counted", "reasons", "requirements", "state", "user"]));
  });
});

describe("--source-branch and --check-passed", () => {
  it("source_branch: a release branch needs two DevOps approvals, other branches do not", async () => {
    const names = async (...flags: string[]) =>
      JSON.parse((await run(dir, "check", "--base", "main", "--head", "changed", "--format", "json", ...flags)).stdout).requirements.map(
        (q: { name: string }) => q.name,
      );
    expect(await names("--source-branch", "release/2.0")).toEqual(["DevOps approval", "Release manager for release branches"]);
    expect(await names("--source-branch", "feature/x")).toEqual(["DevOps approval"]);
    // Without the flag, the branch --head names is the source branch.
    expect(await names()).toEqual(["DevOps approval"]);
    git("branch", "-f", "release/3.0", "changed");
    expect(
      JSON.parse((await run(dir, "check", "--base", "main", "--head", "release/3.0", "--format", "json")).stdout).requirements.map(
        (q: { name: string }) => q.name,
      ),
    ).toContain("Release manager for release branches");
  });

  it("checks_passed: explain allows the conditional grant only once the named check passed", async () => {
    const args = ["explain", "--user", "olga", "--action", "deploy", "--path", "k8s/deploy.tf", "--format", "json"];
    const passed = await run(dir, ...args, "--check-passed", "lint", "--check-passed", "build");
    expect(passed.code).toBe(0);
    expect(JSON.parse(passed.stdout).allowed).toBe(true);
    const missing = await run(dir, ...args, "--check-passed", "lint");
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).reasons.join("\n")).toContain("when checks_passed: build, but the condition does not hold");
    expect((await run(dir, ...args, "--check-passed", "")).code).toBe(2);
  });
});
