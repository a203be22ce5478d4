import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RolegateService } from "../../src/app/service.js";
import { verdictMarkdown } from "../../src/core/render/check.js";
import type { GitHubApi } from "../../src/github/api.js";
import { Octokit } from "@octokit/rest";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/index.js";
import { pullRequestEvent as webhookPullRequestEvent } from "../fake-github/webhooks.js";
import { HEAD, POLICY, PR, pullRequestEvent, setupPipelinePr, type Variant } from "../fixtures/pipeline-pr.js";
import { runActionBundle } from "../helpers/action-runner.js";
import { silentLog } from "../helpers/github-world.js";

// Time budget: about 10 s. Runs the committed bundle dist-action/index.mjs as a child process
// with the environment the Actions runner sets, against the strict fake GitHub on 127.0.0.1.

const _ROOT = join(import.meta.dirname, "..", "..");
let fake: FakeGitHub;
let dir: string;

beforeEach(async () => {
  fake = await startFakeGitHub({ preload: true });
  dir = mkdtempSync(join(tmpdir(), "rolegate-action-"));
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function runAction(event: string, inputs: Record<string, string> = {}) {
  return runActionBundle(fake, dir, event, pullRequestEvent(fake), { "policy-path": ".github/rolegate.yml", ...inputs });
}

function setup(variant: Variant) {
  setupPipelinePr(fake, variant);
  // A token that can read organisation members, as the docs require for team roles.
  fake.state.actionsTokenPermissions = { ...fake.state.actionsTokenPermissions, members: "read" };
}

describe("the Action, run as the runner runs it", () => {
  it("succeeds on an approved pipeline change: summary, outputs, check, exit 0", async () => {
    setup("approved");
    const r = await runAction("pull_request_target");
    expect(r.status).toBe(0);
    expect(r.outputs.conclusion).toBe("success");
    expect(r.outputs["missing-approvals"]).toBe("0");
    expect(JSON.parse(readFileSync(r.outputs.report!, "utf8")).conclusion).toBe("success");
    expect(r.summary).toContain("| ✅ | DevOps approval (roles: devops-engineer) | 1 | 1/1 | olga |");
    const run = fake.state.checkRunsFor("acme", "app", { headSha: HEAD, name: "rolegate" })[0];
    expect(run).toMatchObject({ conclusion: "success", status: "completed" });
  });

  it("fails on action_required by default, naming the missing role", async () => {
    setup("developer-only");
    const r = await runAction("pull_request_target");
    expect(r.status).toBe(1);
    expect(r.outputs.conclusion).toBe("action_required");
    expect(r.outputs["required-roles"]).toBe("devops-engineer");
    expect(r.outputs["missing-approvals"]).toBe("1");
    expect(r.stdout).toContain("::error::rolegate: action_required");
    // Teams are named, not their members: the check must not publish a team's roster.
    expect(r.summary).toContain("| ⏳ | DevOps approval (roles: devops-engineer) | 1 | 0/1 | — | @acme/devops |");
    expect(r.summary).not.toContain("olga");
    const lenient = await runAction("pull_request_target", { "fail-on": "failure" });
    expect(lenient.status).toBe(0);
  });

  it("fails closed on an invalid base policy, annotating the policy file with line and column", async () => {
    setup("invalid-policy");
    const r = await runAction("pull_request_target");
    expect(r.status).toBe(1);
    expect(r.outputs.conclusion).toBe("failure");
    const annotation = r.stdout.split("\n").find((l) => l.startsWith("::error ") && l.includes("unknown role"));
    expect(annotation).toMatch(/^::error [^:]*file=\.github\/rolegate\.yml/);
    expect(annotation).toMatch(/[ ,]line=3[,:]/);
    expect(annotation).toMatch(/[ ,]col=\d+[,:]/);
    expect(annotation).toMatch(/::unknown role "ghost"$/);
    expect(r.summary).toContain("has errors, so no change can be judged until it is fixed");
  });

  it("explains, and still judges, when the token cannot post a check (fork with a read-only token)", async () => {
    setup("approved");
    fake.state.actionsTokenPermissions = { ...fake.state.actionsTokenPermissions, checks: "read" };
    const r = await runAction("pull_request");
    expect(r.status).toBe(0);
    expect(r.outputs.conclusion).toBe("success");
    expect(r.stdout).toContain("could not post its check run (HTTP 403)");
    expect(fake.state.checkRunsFor("acme", "app", { headSha: HEAD })).toEqual([]);
  });
});

describe("the Action's two tokens", () => {
  it("a personal token as `token` cannot post the check: the error names the real cause and the fix", async () => {
    setup("approved");
    fake.state.addUserToken("ghp_personal", "dev1");
    const r = await runAction("pull_request_target", { token: "ghp_personal" });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("the `token` input is not a GitHub App token");
    expect(r.stdout).toContain("as `members-token`");
    expect(r.stdout).not.toContain("from a fork");
  });

  it("reads team membership with `members-token`, and says which input to set when it cannot", async () => {
    setupPipelinePr(fake, "approved");
    // The workflow's GITHUB_TOKEN cannot read organisation members: team roles fail closed, naming the input.
    const without = await runAction("pull_request_target");
    expect(without.outputs.conclusion).toBe("failure");
    expect(without.summary).toContain("as the `members-token` input");
    fake.state.addUserToken("ghp_members", "olga");
    const withMembers = await runAction("pull_request_target", { "members-token": "ghp_members" });
    expect(withMembers.outputs.conclusion).toBe("success");
    expect(fake.state.checkRunsFor("acme", "app", { headSha: HEAD, name: "rolegate" }).at(-1)).toMatchObject({ conclusion: "success" });
  });
});

describe("the review signal: workflow_run", () => {
  it("judges the pull request whose head the finished run was on, also when GitHub lists none (a fork)", async () => {
    setup("approved");
    const payload = {
      action: "completed",
      workflow_run: { head_sha: HEAD, head_branch: "deploy-change", pull_requests: [], event: "pull_request_review" },
      repository: fake.repositoryJson("acme", "app"),
    };
    const r = await runActionBundle(fake, dir, "workflow_run", payload);
    expect(r.outputs.conclusion).toBe("success");
    const none = await runActionBundle(fake, dir, "workflow_run", { ...payload, workflow_run: { ...payload.workflow_run, head_sha: "b".repeat(40) } });
    expect(none.outputs.conclusion).toBe("failure");
    expect(none.summary).toContain("no open pull request has the workflow run's commit");
  });
});

describe("the Action finds the policy as the App does", () => {
  const files = (list: string[]) => list.map((filename) => ({ filename, status: "modified" as const, additions: 1, deletions: 1, sha: "0".repeat(40) }));

  it("reads .github/rolegate.yaml with default inputs (no neutral pass)", async () => {
    setup("developer-only");
    fake.state.setFile("acme", "app", "main", ".github/rolegate.yaml", POLICY);
    fake.state.deleteFile("acme", "app", "main", ".github/rolegate.yml");
    const r = await runAction("pull_request_target", { "policy-path": "" });
    expect(r.outputs.conclusion).toBe("action_required");
    expect(r.summary).toContain("policy `.github/rolegate.yaml`");
  });

  it("reports two policy files as an invalid policy", async () => {
    setup("approved");
    fake.state.setFile("acme", "app", "main", ".github/rolegate.yaml", POLICY);
    const r = await runAction("pull_request_target", { "policy-path": "" });
    expect(r.status).toBe(1);
    expect(r.outputs.conclusion).toBe("failure");
    expect(r.summary).toContain("two policy files: .github/rolegate.yml and .github/rolegate.yaml");
  });

  it("judges by the organisation default when the repository has none", async () => {
    setup("developer-only");
    fake.state.deleteFile("acme", "app", "main", ".github/rolegate.yml");
    fake.state.addRepo({ owner: "acme", name: ".github", defaultBranch: "main" });
    fake.state.setFile("acme", ".github", "main", ".github/rolegate.yml", POLICY);
    const r = await runAction("pull_request_target", { "policy-path": "" });
    expect(r.outputs.conclusion).toBe("action_required");
    expect(r.summary).toContain("policy `acme/.github:.github/rolegate.yml` (organisation default)");
  });

  it("treats a custom policy-path as the policy: rewriting it needs the policy's approval", async () => {
    setup("developer-only");
    fake.state.setFile("acme", "app", "main", "config/rolegate.yml", POLICY);
    fake.state.deleteFile("acme", "app", "main", ".github/rolegate.yml");
    fake.state.setFile("acme", "app", HEAD, "config/rolegate.yml", POLICY.replace("roles: [devops-engineer]\n", ""));
    fake.state.pullRequest("acme", "app", PR).pull.files = files(["config/rolegate.yml"]);
    const r = await runAction("pull_request_target", { "policy-path": "config/rolegate.yml" });
    expect(r.outputs.conclusion).toBe("action_required");
    expect(r.summary).toMatch(/\| policy \| 0 \| `config\/rolegate\.yml` \| DevOps approval \|/);
    expect(r.summary).toContain("### This pull request changes the policy");
  });
});

describe("the app and the Action agree", () => {
  it.each(["approved", "developer-only"] as Variant[])("on the %s fixture: same conclusion and requirement table", async (variant) => {
    setup(variant);
    const action = await runAction("pull_request_target");
    const service = new RolegateService(silentLog);
    const api = new Octokit({ auth: fake.installationToken(), baseUrl: `${fake.url}/api/v3` }) as unknown as GitHubApi;
    const { verdict } = await service.judge(api, { repo: { owner: "acme", repo: "app" }, number: PR, baseRef: "main", installation: "1" });
    expect(action.outputs.conclusion).toBe(verdict.conclusion);
    const table = (md: string) => md.split("\n").filter((l) => l.startsWith("| ✅") || l.startsWith("| ⏳"));
    expect(table(action.summary)).toEqual(table(verdictMarkdown(verdict)));
    expect(table(verdictMarkdown(verdict)).length).toBe(1);
  });
});

describe("the Action reads updates, CI results and branches through the App's code", () => {
  const REVIEWS_POLICY = `version: 1
categories:
  infrastructure: { paths: ["k8s/**"] }
roles:
  developer:
    members: [dev1, dev2]
    grants: { author: ["*"], approve: [{ category: infrastructure, when: { checks_passed: [ci/build] } }] }
  devops: { inherits: [developer], members: [olga], grants: { approve: [infrastructure] } }
require:
  - name: Infrastructure approval
    categories: [infrastructure]
  - name: Two approvals for forks
    categories: [infrastructure]
    approvals: 2
    when: { source_branch: ["*:**"] }
options: { stale_approvals: unless_changed }
`;

  /** A pull request by dev1 (from a fork of `fork`, when given) changing k8s/deploy.tf; returns its head. */
  function graphPr(fork?: string): string {
    const s = fake.state;
    s.addRepo({ owner: "acme", name: "app", defaultBranch: "main" });
    for (const login of ["dev1", "dev2", "olga"]) s.setPermission("acme", "app", login, "write");
    const base = s.commit("acme", "app", {
      branch: "main",
      files: { ".github/rolegate.yml": REVIEWS_POLICY, "k8s/deploy.tf": "a\n", "src/app.ts": "a\n" },
      author: "lead",
    });
    const head = s.commit("acme", "app", { parents: [base], ...(fork ? {} : { branch: "feature" }), changes: { "k8s/deploy.tf": "b\n" }, author: "dev1" });
    s.addPullRequest({
      owner: "acme",
      repo: "app",
      number: 1,
      author: "dev1",
      base: { ref: "main" },
      head: { ref: "feature", sha: head, ...(fork ? { repo: `${fork}/app` } : {}) },
    });
    return head;
  }
  const event = () => webhookPullRequestEvent(fake, { owner: "acme", repo: "app", number: 1, action: "synchronize" });

  it("keeps an approval across Update branch with unless_changed", async () => {
    const approved = graphPr();
    fake.state.addReview("acme", "app", 1, { user: "olga", state: "APPROVED", commit_id: approved });
    fake.state.commit("acme", "app", { branch: "main", changes: { "src/app.ts": "b\n" }, author: "lead" });
    fake.state.updateBranch("acme", "app", 1, "dev2");
    const r = await runActionBundle(fake, dir, "pull_request_target", event());
    expect(r.outputs.conclusion).toBe("success");
    expect(r.summary).toMatch(/\| `olga` \| ✅ yes \|/);
  });

  it("counts a passed check on the head, and names a fork's branch OWNER:branch", async () => {
    const head = graphPr("dev2");
    fake.state.addReview("acme", "app", 1, { user: "dev2", state: "APPROVED", commit_id: head });
    fake.state.addStatus("acme", "app", { sha: head, state: "success", context: "ci/build", creator: "ci-bot" });
    const r = await runActionBundle(fake, dir, "pull_request_target", event());
    // dev2 counts (ci/build passed), and the fork needs a second approval.
    expect(r.summary).toMatch(/\| ✅ \| Infrastructure approval \|/);
    expect(r.summary).toMatch(/\| ⏳ \| Two approvals for forks \| 1 \| 1\/2 \|/);
  });
});
