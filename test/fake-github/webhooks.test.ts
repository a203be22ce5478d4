// Every webhook payload builder, checked against GitHub's webhook schemas (the OpenAPI
// description's x-webhooks) and against the fake's own records.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkRunEvent,
  checkSuiteEvent,
  deploymentProtectionRuleEvent,
  issueCommentEvent,
  membershipEvent,
  mergeGroupEvent,
  pullRequestEvent,
  pullRequestReviewEvent,
  pushEvent,
  startFakeGitHub,
  statusEvent,
  teamEvent,
  webhookValidator,
  workflowRunEvent,
  type FakeGitHub,
} from "./index.js";

let fake: FakeGitHub;
let base: string;
let head: string;

function expectValid(key: string, payload: unknown): void {
  const validate = webhookValidator(key);
  const ok = validate(payload);
  expect(ok ? [] : (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
}

beforeAll(async () => {
  fake = await startFakeGitHub();
  const s = fake.state;
  s.addRepo({ owner: "acme", name: "app", defaultBranch: "main", private: true });
  base = s.commit("acme", "app", { branch: "main", files: { "README.md": "hi\n", "old.txt": "o\n" }, author: "lead" });
  head = s.commit("acme", "app", { branch: "feat", parents: [base], changes: { "src/a.ts": "a\n", "old.txt": null, "README.md": "hello\n" }, author: "dev1" });
  s.addPullRequest({ owner: "acme", repo: "app", number: 5, author: "dev1", base: { ref: "main" }, head: { ref: "feat", sha: head } });
  s.setTeam("acme", "devops", ["olga"], { privacy: "secret" });
});
afterAll(() => fake.close());

describe("webhook payload builders", () => {
  it("push: commits with added, modified and removed files, from the fake's graph", () => {
    const p = pushEvent(fake, { owner: "acme", repo: "app", ref: "feat", before: base, pusher: "dev1" });
    expectValid("push", p);
    expect(p).toMatchObject({ ref: "refs/heads/feat", before: base, after: head, created: false, deleted: false, forced: false, installation: { id: 1 } });
    expect(p["commits"]).toEqual([expect.objectContaining({ id: head, added: ["src/a.ts"], removed: ["old.txt"], modified: ["README.md"] })]);
    expect(p["repository"]).toMatchObject({ full_name: "acme/app", default_branch: "main", private: true });
    const created = pushEvent(fake, { owner: "acme", repo: "app", ref: "feat", before: "0".repeat(40), pusher: "dev1" });
    expect(created).toMatchObject({ created: true, forced: false });
    const rewound = fake.state.commit("acme", "app", { parents: [base], changes: { "b.txt": "b\n" }, author: "dev1" });
    expect(pushEvent(fake, { owner: "acme", repo: "app", ref: "feat", before: head, after: rewound, pusher: "dev1" })["forced"]).toBe(true);
  });

  it("membership and team events for a secret team", () => {
    const added = membershipEvent(fake, { org: "acme", team: "devops", member: "omar", action: "added", sender: "lead" });
    expectValid("membership-added", added);
    expect(added).toMatchObject({
      scope: "team",
      member: { login: "omar" },
      team: { slug: "devops", privacy: "secret" },
      organization: { login: "acme" },
      installation: { id: 1 },
    });
    expectValid("membership-removed", membershipEvent(fake, { org: "acme", team: "devops", member: "olga", action: "removed", sender: "lead" }));
    expectValid("team-edited", teamEvent(fake, { org: "acme", team: "devops", action: "edited", sender: "lead", changes: { privacy: { from: "closed" } } }));
    const addedRepo = teamEvent(fake, { org: "acme", team: "devops", action: "added_to_repository", sender: "lead", repo: "app" });
    expectValid("team-added-to-repository", addedRepo);
    expect(addedRepo["repository"]).toMatchObject({ full_name: "acme/app" });
    expectValid(
      "team-removed-from-repository",
      teamEvent(fake, { org: "acme", team: "devops", action: "removed_from_repository", sender: "lead", repo: "app" }),
    );
    expectValid("team-deleted", teamEvent(fake, { org: "acme", team: "devops", action: "deleted", sender: "lead" }));
  });

  it("check_run, check_suite and status from stored records", () => {
    const run = fake.state.insertCheckRun({ owner: "acme", repo: "app", headSha: head, name: "rolegate", appId: 1001, conclusion: "success" });
    const completed = checkRunEvent(fake, { owner: "acme", repo: "app", checkRunId: run.id, action: "completed", sender: "rolegate[bot]" });
    expectValid("check-run-completed", completed);
    expect(completed["check_run"]).toMatchObject({
      id: run.id,
      head_sha: head,
      conclusion: "success",
      pull_requests: [{ number: 5 }],
      check_suite: { head_sha: head, head_branch: "feat", conclusion: "success" },
    });
    expectValid("check-run-rerequested", checkRunEvent(fake, { owner: "acme", repo: "app", checkRunId: run.id, action: "rerequested", sender: "dev1" }));
    const suite = checkSuiteEvent(fake, { owner: "acme", repo: "app", headSha: head, action: "completed", sender: "rolegate[bot]" });
    expectValid("check-suite-completed", suite);
    expect(suite["check_suite"]).toMatchObject({ app: { id: 1001, slug: "rolegate" }, latest_check_runs_count: 1, status: "completed" });
    expectValid("check-suite-requested", checkSuiteEvent(fake, { owner: "acme", repo: "app", headSha: head, action: "requested", sender: "dev1" }));
    const status = fake.state.addStatus("acme", "app", { sha: head, state: "failure", context: "ci/lint", creator: "ci-bot[bot]" });
    const event = statusEvent(fake, { owner: "acme", repo: "app", statusId: status.id });
    expectValid("status", event);
    expect(event).toMatchObject({
      sha: head,
      state: "failure",
      context: "ci/lint",
      branches: [{ name: "feat" }],
      sender: { login: "ci-bot[bot]", type: "Bot" },
    });
  });

  it("merge_group for a queued pull request", async () => {
    fake.state.enableMergeQueue("acme", "app", "main");
    const { enqueuePullRequest } = await import("./merge-queue.js");
    const repo = fake.state.repo("acme", "app");
    const entry = enqueuePullRequest(fake.state, repo, fake.state.pullRequest("acme", "app", 5), { enqueuer: "dev1" });
    const p = mergeGroupEvent(fake, { owner: "acme", repo: "app", number: 5 });
    expectValid("merge-group-checks-requested", p);
    expect(p["merge_group"]).toMatchObject({ head_sha: entry.headSha, base_sha: repo.branches.get("main"), head_commit: { id: entry.headSha } });
    expect(p.pullRequests).toEqual([5]);
  });

  it("deployment_protection_rule and workflow_run for a stored run", () => {
    const run = fake.state.addWorkflowRun({
      owner: "acme",
      repo: "app",
      headSha: head,
      headBranch: "feat",
      event: "pull_request",
      actor: "dev1",
      pullRequests: [5],
      conclusion: "success",
    });
    const requested = deploymentProtectionRuleEvent(fake, { owner: "acme", repo: "app", runId: run.id, environment: "production" });
    expectValid("deployment-protection-rule-requested", requested);
    expect(requested).toMatchObject({
      action: "requested",
      environment: "production",
      event: "pull_request",
      deployment_callback_url: `${fake.apiUrl}/repos/acme/app/actions/runs/${run.id}/deployment_protection_rule`,
      deployment: { sha: head, creator: { login: "dev1" } },
      pull_requests: [{ number: 5 }],
      installation: { id: 1 },
      organization: { login: "acme" },
    });
    const done = workflowRunEvent(fake, { owner: "acme", repo: "app", runId: run.id });
    expectValid("workflow-run-completed", done);
    expect(done["workflow_run"]).toMatchObject({
      id: run.id,
      head_sha: head,
      head_branch: "feat",
      event: "pull_request",
      conclusion: "success",
      pull_requests: [{ number: 5 }],
    });
  });

  it("issue_comment by a bot, pull_request and pull_request_review from the fake's records", () => {
    const pr = fake.state.pullRequest("acme", "app", 5);
    pr.comments.push({ id: 900, body: "/rolegate explain", user: "renovate[bot]", createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" });
    const comment = issueCommentEvent(fake, { owner: "acme", repo: "app", number: 5, commentId: 900 });
    expectValid("issue-comment-created", comment);
    expect(comment).toMatchObject({
      comment: { id: 900, user: { login: "renovate[bot]", type: "Bot" } },
      issue: { number: 5, pull_request: {} },
      sender: { type: "Bot" },
    });
    const opened = pullRequestEvent(fake, { owner: "acme", repo: "app", number: 5 });
    expectValid("pull-request-opened", opened);
    expect(opened).toMatchObject({ number: 5, pull_request: { head: { sha: head }, changed_files: 3 } });
    expectValid("pull-request-synchronize", pullRequestEvent(fake, { owner: "acme", repo: "app", number: 5, action: "synchronize" }));
    const review = fake.state.addReview("acme", "app", 5, { user: "olga", state: "APPROVED" });
    const submitted = pullRequestReviewEvent(fake, { owner: "acme", repo: "app", number: 5, reviewId: review.id });
    expectValid("pull-request-review-submitted", submitted);
    expect(submitted).toMatchObject({ review: { id: review.id, state: "approved", user: { login: "olga" } }, pull_request: { number: 5 } });
  });
});
