import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GITHUB_ACTIONS_APP_ID } from "../fake-github/index.js";
import { checkRunEvent, checkSuiteEvent, pullRequestEvent, statusEvent } from "../fake-github/webhooks.js";
import { startFakeApp, type FakeApp } from "../helpers/fake-app.js";

// Time budget: about 3 s. The app in-process against the strict fake GitHub: `checks_passed`
// read from the head's check runs and statuses, re-judged when CI reports, and `source_branch`
// read from the pull request (a fork's branch prefixed with its owner).

const POLICY = `version: 1
categories:
  infrastructure: { paths: ["k8s/**"] }
roles:
  developer:
    members: [dev1, dev2]
    grants:
      author: ["*"]
      approve: [{ category: infrastructure, when: { checks_passed: [ci/build] } }]
require:
  - name: Infrastructure approval
    categories: [infrastructure]
  - name: Two approvals for release branches
    categories: [infrastructure]
    approvals: 2
    when: { source_branch: ["release/**"] }
  - name: Two approvals for forks
    categories: [infrastructure]
    approvals: 2
    when: { source_branch: ["*:**"] }
`;

let app: FakeApp;
let head: string;

beforeEach(async () => {
  app = await startFakeApp({ fake: { validateResponses: true } });
  const s = app.fake.state;
  s.addRepo({ owner: "acme", name: "app", defaultBranch: "main" });
  for (const login of ["dev1", "dev2"]) s.setPermission("acme", "app", login, "write");
  s.commit("acme", "app", { branch: "main", files: { ".github/rolegate.yml": POLICY, "k8s/deploy.tf": "a\n" }, author: "lead" });
});
afterEach(() => app.close());

/** A pull request by dev1 from `branch` (of `fork`, when given), approved by dev2 on its head. */
function pullRequest(branch: string, fork?: string): void {
  const s = app.fake.state;
  const tip = s.repo("acme", "app").branches.get("main")!;
  head = s.commit("acme", "app", { parents: [tip], ...(fork ? {} : { branch }), changes: { "k8s/deploy.tf": "b\n" }, author: "dev1" });
  s.addPullRequest({
    owner: "acme",
    repo: "app",
    number: 1,
    author: "dev1",
    base: { ref: "main" },
    head: { ref: branch, sha: head, ...(fork ? { repo: `${fork}/app` } : {}) },
  });
  s.addReview("acme", "app", 1, { user: "dev2", state: "APPROVED", commit_id: head });
}

const latestCheck = () => app.fake.state.checkRunsFor("acme", "app", { name: "rolegate", headSha: head }).at(-1);
const open = () => app.deliver("pull_request", pullRequestEvent(app.fake, { owner: "acme", repo: "app", number: 1, action: "opened" }));
const ciRun = (name: string, conclusion?: "success" | "failure") =>
  app.fake.state.insertCheckRun({
    owner: "acme",
    repo: "app",
    name,
    headSha: head,
    appId: GITHUB_ACTIONS_APP_ID,
    ...(conclusion ? { conclusion } : { status: "in_progress" }),
  });
const deliverCompleted = (id: number) =>
  app.deliver("check_run", checkRunEvent(app.fake, { owner: "acme", repo: "app", checkRunId: id, action: "completed", sender: "github-actions[bot]" }));

describe("checks_passed in the app", () => {
  it("waits while the named check runs, and passes once a check_run completion reports success", async () => {
    pullRequest("feature");
    const run = ciRun("ci/build");
    await open();
    expect(latestCheck()?.conclusion).toBe("action_required");
    expect(app.fake.calls.filter((c) => JSON.stringify(c.body ?? "").includes("RolegateChecks"))).toHaveLength(1);
    expect(latestCheck()?.output.summary).toContain("when checks_passed: ci/build, but the condition does not hold");

    run.status = "completed";
    run.conclusion = "success";
    run.completedAt = app.fake.state.timestamp();
    const posted = app.fake.state.checkRunsFor("acme", "app", { name: "rolegate" }).length;
    await deliverCompleted(run.id);
    expect(app.fake.state.checkRunsFor("acme", "app", { name: "rolegate" })).toHaveLength(posted + 1);
    expect(latestCheck()?.conclusion).toBe("success");
  });

  it("counts only success: a failed run leaves it waiting", async () => {
    pullRequest("feature");
    await open();
    const failed = ciRun("ci/build", "failure");
    await deliverCompleted(failed.id);
    expect(latestCheck()?.conclusion).toBe("action_required");
  });

  it("passes on a commit status of that name, found by commit (statuses name no pull request)", async () => {
    pullRequest("feature");
    await open();
    const status = app.fake.state.addStatus("acme", "app", { sha: head, state: "success", context: "ci/build", creator: "ci-bot" });
    app.fake.resetCalls();
    await app.deliver("status", statusEvent(app.fake, { owner: "acme", repo: "app", statusId: status.id }));
    expect(app.fake.calls.map((c) => c.path)).toContain(`/repos/acme/app/commits/${head}/pulls`);
    expect(latestCheck()?.conclusion).toBe("success");
  });

  it("re-judges when a check suite of the named check completes", async () => {
    pullRequest("feature");
    await open();
    ciRun("ci/build", "success");
    await app.deliver(
      "check_suite",
      checkSuiteEvent(app.fake, { owner: "acme", repo: "app", headSha: head, appId: GITHUB_ACTIONS_APP_ID, action: "completed", sender: "dev1" }),
    );
    expect(latestCheck()?.conclusion).toBe("success");
  });

  it("does not count a check that succeeded under rolegate's own name", async () => {
    const s = app.fake.state;
    s.commit("acme", "app", { branch: "main", changes: { ".github/rolegate.yml": POLICY.replaceAll("ci/build", "rolegate") }, author: "lead" });
    pullRequest("feature");
    s.addStatus("acme", "app", { sha: head, state: "success", context: "rolegate", creator: "dev1" });
    await open();
    expect(latestCheck()?.conclusion).toBe("action_required");
    // Even with the name in the policy, rolegate's own check completing never re-judges (it would loop).
    app.fake.resetCalls();
    await deliverCompleted(latestCheck()!.id);
    expect(app.fake.calls).toEqual([]);
  });

  it("spends no call on a check no policy names, or on a result for an older commit", async () => {
    pullRequest("feature");
    await open();
    const lint = ciRun("lint", "success");
    app.fake.resetCalls();
    await deliverCompleted(lint.id);
    expect(app.fake.calls).toEqual([]);

    // A ci/build result on a commit that is no longer the head: looked up, not judged.
    const old = ciRun("ci/build", "success");
    const event = checkRunEvent(app.fake, { owner: "acme", repo: "app", checkRunId: old.id, action: "completed", sender: "github-actions[bot]" }) as {
      check_run: { pull_requests: { head: { sha: string } }[] };
    };
    for (const pr of event.check_run.pull_requests) pr.head.sha = "f".repeat(40);
    app.fake.resetCalls();
    await app.deliver("check_run", event);
    expect(app.fake.calls).toEqual([]);
  });

  it("reads check runs and statuses only when the policy names a check", async () => {
    const s = app.fake.state;
    s.commit("acme", "app", {
      branch: "main",
      changes: { ".github/rolegate.yml": POLICY.replace("when: { checks_passed: [ci/build] }", "when: { draft: false }") },
      author: "lead",
    });
    pullRequest("feature");
    await open();
    expect(latestCheck()?.conclusion).toBe("success");
    expect(app.fake.calls.filter((c) => JSON.stringify(c.body ?? "").includes("RolegateChecks"))).toEqual([]);
  });
});

describe("source_branch in the app", () => {
  const requirements = () => latestCheck()?.output.summary ?? "";

  it("applies a release-branch requirement to a release branch only", async () => {
    pullRequest("release/2.0");
    await open();
    expect(requirements()).toContain("Two approvals for release branches");
    expect(requirements()).not.toContain("Two approvals for forks");
  });

  it("does not apply it to another branch", async () => {
    pullRequest("feature");
    await open();
    expect(requirements()).not.toContain("Two approvals for release branches");
  });

  it("names a fork's branch OWNER:branch, so a fork cannot pose as a release branch", async () => {
    pullRequest("release/2.0", "dev2");
    await open();
    expect(requirements()).toContain("Two approvals for forks");
    expect(requirements()).not.toContain("Two approvals for release branches");
  });

  it("finds a fork's pull request by commit when a check run names none", async () => {
    pullRequest("feature", "dev2");
    await open();
    const run = ciRun("ci/build", "success");
    const event = checkRunEvent(app.fake, { owner: "acme", repo: "app", checkRunId: run.id, action: "completed", sender: "github-actions[bot]" }) as {
      check_run: { pull_requests: unknown[] };
    };
    // GitHub lists no pull request for a fork's branch.
    event.check_run.pull_requests = [];
    app.fake.resetCalls();
    await app.deliver("check_run", event);
    expect(app.fake.calls.map((c) => c.path)).toContain(`/repos/acme/app/commits/${head}/pulls`);
    // Still two approvals needed for a fork; the CI result made dev2's approval count.
    expect(latestCheck()?.output.summary).toMatch(/Two approvals for forks[^\n]*\| 1\/2 \|/);
  });
});
