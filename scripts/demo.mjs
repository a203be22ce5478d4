#!/usr/bin/env node
// The offline demo: a throw-away git repository guarded by the Sitecore Managed Cloud preset,
// one pipeline change that is blocked until a DevOps engineer approves, and one application
// change that passes. No GitHub account or network needed.
import { spawnSync, execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, "bin", "rolegate.js");
const repo = mkdtempSync(join(tmpdir(), "rolegate-demo-"));
const keep = process.argv.includes("--keep");

const git = (...args) => execFileSync("git", args, { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
const write = (path, text) => {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
};
const rolegate = (...args) => {
  console.log(`\n$ rolegate ${args.join(" ")}`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: "utf8" });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  console.log(`(exit code ${r.status})`);
  return r.status;
};

try {
  git("init", "-q", "-b", "main");
  git("config", "user.email", "demo@example.invalid");
  git("config", "user.name", "rolegate demo");
  git("config", "commit.gpgsign", "false");
  mkdirSync(join(repo, ".github"), { recursive: true });
  copyFileSync(join(root, "policies", "sitecore-managed-cloud.yml"), join(repo, ".github", "rolegate.yml"));
  write("src/app.js", "export const greet = (name) => `Hello, ${name}`;\n");
  write(".github/workflows/deploy.yml", "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo deploying\n");
  // Who is in the preset's teams, as GitHub would report it; offline it comes from this file.
  write(
    "../teams.yml".replace("..", "."),
    "your-org/developers: [dev-dan, dev-erin]\nyour-org/sysadmins: [sam-admin]\nyour-org/devops: [ops-olga, ops-omar]\nyour-org/sitecore-cloudops: [cloudops-cara]\n",
  );
  git("add", "-A");
  git("commit", "-qm", "Initial commit with the Sitecore Managed Cloud policy");

  git("checkout", "-qb", "pipeline-change");
  write(".github/workflows/deploy.yml", "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./deploy.sh --prod\n");
  git("commit", "-qam", "Deploy straight to production");

  git("checkout", "-q", "main");
  git("checkout", "-qb", "app-change");
  write("src/app.js", "export const greet = (name) => `Hello, ${name}!`;\n");
  git("commit", "-qam", "Friendlier greeting");

  console.log(`Demo repository: ${repo}`);
  console.log("Policy: policies/sitecore-managed-cloud.yml as .github/rolegate.yml; team membership from teams.yml.");
  console.log("\n=== 1. A pipeline change, written by a DevOps engineer, approved only by a developer ===");
  const pipelineCheck = [
    "check",
    "--base",
    "main",
    "--head",
    "pipeline-change",
    "--author",
    "ops-olga",
    "--committers",
    "ops-olga",
    "--approved-by",
    "dev-erin",
    "--teams",
    "teams.yml",
  ];
  const blocked = rolegate(...pipelineCheck);
  console.log("\nThe same change as the GitHub check run would show it (markdown):");
  rolegate(...pipelineCheck, "--format", "markdown");
  console.log("\n=== 2. An application change, written by a developer, approved by another developer ===");
  const passed = rolegate(
    "check",
    "--base",
    "main",
    "--head",
    "app-change",
    "--author",
    "dev-dan",
    "--committers",
    "dev-dan",
    "--approved-by",
    "dev-erin",
    "--teams",
    "teams.yml",
  );
  console.log("\n=== 3. Why can't dev-erin approve the pipeline change? ===");
  rolegate("explain", "--user", "dev-erin", "--action", "approve", "--path", ".github/workflows/deploy.yml", "--teams", "teams.yml");
  console.log(`\nResult: pipeline change ${blocked === 1 ? "blocked" : "NOT blocked"}, application change ${passed === 0 ? "passes" : "does NOT pass"}.`);
  if (blocked !== 1 || passed !== 0) process.exitCode = 1;
} finally {
  if (!keep) rmSync(repo, { recursive: true, force: true });
}
