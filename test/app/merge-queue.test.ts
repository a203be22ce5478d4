import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enqueuePullRequest } from "../fake-github/merge-queue.js";
import { mergeGroupEvent } from "../fake-github/webhooks.js";
import { POLICY } from "../fixtures/pipeline-pr.js";
import { startFakeApp, type FakeApp } from "../helpers/fake-app.js";

// Time budget: about 2 s. The app in-process against the strict fake GitHub's merge queue.

let app: FakeApp;
beforeEach(async () => {
  app = await startFakeApp();
  const s = app.fake.state;
  s.addRepo({ owner: "acme", name: "app", defaultBranch: "main" });
  s.setFile("acme", "app", "main", ".github/rolegate.yml", POLICY);
  s.setTeam("acme", "devops", ["olga", "omar"]);
  s.setTeam("acme", "developers", ["dev3"]);
  for (const login of ["dev1", "dev2", "olga", "omar"]) s.setPermission("acme", "app", login, "write");
  s.enableMergeQueue("acme", "app", "main");
});
afterEach(() => app.close());

/** A pipeline change by dev1, approved by `approver`, queued to merge. */
function queuedPr(number: number, approver: string): void {
  const s = app.fake.state;
  const sha = String(number).repeat(40).slice(0, 40);
  s.addPullRequest({
    owner: "acme",
    repo: "app",
    number,
    author: "dev1",
    base: { ref: "main" },
    head: { ref: `change-${number}`, sha },
    files: [{ filename: `.github/workflows/w${number}.yml`, status: "modified" }],
  });
  s.addReview("acme", "app", number, { user: approver, state: "APPROVED", commit_id: sha, submitted_at: new Date(Date.now() - 60_000).toISOString() });
  const repo = s.repo("acme", "app");
  enqueuePullRequest(s, repo, s.pullRequest("acme", "app", number), { enqueuer: "olga" });
}

/** The group event, with the fields this test reads. */
function groupEvent(number: number) {
  return mergeGroupEvent(app.fake, { owner: "acme", repo: "app", number }) as ReturnType<typeof mergeGroupEvent> & {
    merge_group: { head_sha: string; head_ref: string };
  };
}

const groupCheck = (sha: string) => app.fake.state.checkRunsFor("acme", "app", { headSha: sha, name: "rolegate" }).at(-1);

describe("a merge group is judged through the merge queue", () => {
  it("judges every pull request in the group, not only the one its branch name names", async () => {
    queuedPr(7, "olga"); // approved by a DevOps engineer
    queuedPr(8, "dev2"); // only a developer approved
    const first = groupEvent(7);
    await app.deliver("merge_group", first);
    expect(groupCheck(first.merge_group.head_sha)).toMatchObject({ conclusion: "success" });

    // The second group holds #7 and #8. A branch name that names only #7 changes nothing.
    const second = groupEvent(8);
    expect(second.pullRequests).toEqual([7, 8]);
    second.merge_group.head_ref = "refs/heads/gh-readonly-queue/main/pr-7-forged";
    await app.deliver("merge_group", second);
    const check = groupCheck(second.merge_group.head_sha);
    expect(check).toMatchObject({ conclusion: "failure" });
    expect(check?.output?.summary).toContain("| #7 | `success` |");
    expect(check?.output?.summary).toContain("| #8 | `action_required` |");
  });

  it("fails when the group cannot be identified through the API", async () => {
    queuedPr(7, "olga");
    const event = groupEvent(7);
    // A commit GitHub knows, but no queue entry's group head.
    const stray = app.fake.state.repo("acme", "app").branches.get("main")!;
    event.merge_group.head_sha = stray;
    await app.deliver("merge_group", event);
    const check = groupCheck(stray);
    expect(check).toMatchObject({ conclusion: "failure" });
    expect(check?.output?.summary).toContain("no entry of the main merge queue has the group's head commit");
  });

  it("all pull requests without a policy: neutral, as the Action answers", async () => {
    app.fake.state.deleteFile("acme", "app", "main", ".github/rolegate.yml");
    queuedPr(7, "dev2");
    const event = groupEvent(7);
    await app.deliver("merge_group", event);
    expect(groupCheck(event.merge_group.head_sha)).toMatchObject({ conclusion: "neutral" });
  });
});
