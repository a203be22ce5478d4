import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { settleArmedMerge } from "../../src/app/merge-when-ready.js";
import { RolegateService } from "../../src/app/service.js";
import type { GitHubApi } from "../../src/github/api.js";
import { entryFor } from "../fake-github/merge-queue.js";
import { issueCommentEvent, pullRequestEvent, pullRequestReviewEvent } from "../fake-github/webhooks.js";
import { POLICY } from "../fixtures/pipeline-pr.js";
import { startFakeApp, type FakeApp } from "../helpers/fake-app.js";
import { Scenario } from "../helpers/fake-scenarios.js";
import { silentLog } from "../helpers/github-world.js";

// Time budget: about 3 s. `/rolegate merge` before the check passes arms the merge; the app in-process against the strict fake GitHub.

let app: FakeApp;
let head: string;
beforeEach(async () => {
  app = await startFakeApp();
  app.fake.state.setTeam("acme", "devops", ["olga", "omar"]);
  app.fake.state.setTeam("acme", "developers", ["dev3"]);
  const s = new Scenario(app);
  s.repository(
    { ".github/rolegate.yml": POLICY, ".github/workflows/deploy.yml": "on: push\n" },
    { dev1: "write", dev2: "write", olga: "write", omar: "write" },
  );
  head = s.head(s.pullRequest("dev1", { ".github/workflows/deploy.yml": "on: [push]\n" }, { number: 7, branch: "change" }));
});
afterEach(() => app.close());

const check = (sha: string) => app.fake.state.checkRunsFor("acme", "app", { headSha: sha, name: "rolegate" }).at(-1);
const replies = () => app.fake.state.pullRequest("acme", "app", 7).comments.filter((c) => c.user === "rolegate[bot]");
const merges = () => app.fake.state.merges.filter((m) => m.number === 7);

async function comment(user: string, body: string): Promise<void> {
  const c = app.fake.state.addComment("acme", "app", 7, { user, body });
  await app.deliver("issue_comment", issueCommentEvent(app.fake, { owner: "acme", repo: "app", number: 7, commentId: c.id }));
}

async function approve(user: string, sha: string): Promise<void> {
  const review = app.fake.state.addReview("acme", "app", 7, { user, state: "APPROVED", commit_id: sha });
  await app.deliver("pull_request_review", pullRequestReviewEvent(app.fake, { owner: "acme", repo: "app", number: 7, reviewId: review.id }));
}

async function push(): Promise<string> {
  const next = app.fake.state.commit("acme", "app", {
    branch: "change",
    changes: { ".github/workflows/deploy.yml": "on: [push, pull_request]\n" },
    author: "dev1",
  });
  await app.deliver("pull_request", pullRequestEvent(app.fake, { owner: "acme", repo: "app", number: 7, action: "synchronize" }));
  return next;
}

describe("merge when ready", () => {
  it("arms on a pull request that is not yet success, and merges exactly once at the success that follows an approval", async () => {
    await comment("omar", "/rolegate merge squash");
    expect(merges()).toEqual([]);
    expect(check(head)).toMatchObject({ conclusion: "action_required" });
    expect(replies().at(-1)?.body).toContain(`@omar merge armed: the check is \`action_required\``);
    expect(replies().at(-1)?.body).toContain(`at head commit ${head}`);

    await approve("olga", head);
    expect(check(head)).toMatchObject({ conclusion: "success" });
    expect(merges()).toHaveLength(1);
    expect(merges()[0]).toMatchObject({ method: "squash", by: "rolegate[bot]", request: { sha: head, merge_method: "squash" } });
    expect(app.fake.state.pullRequest("acme", "app", 7).pull.merged).toBe(true);
    expect(replies().at(-1)?.body).toBe(`Merged by rolegate for @omar (squash), at ${head}.`);
  });

  it("a new head disarms it: approving the new head merges nothing until it is armed again", async () => {
    await comment("omar", "/rolegate merge");
    const next = await push();
    expect(replies().at(-1)?.body).toContain(`@omar the merge you armed at ${head} is disarmed: a new head commit (${next}) was pushed`);
    await approve("olga", next);
    expect(check(next)).toMatchObject({ conclusion: "success" });
    expect(merges()).toEqual([]);

    await comment("omar", "/rolegate merge");
    expect(merges()).toEqual([expect.objectContaining({ method: "merge", request: { sha: next, merge_method: "merge" } })]);
  });

  it("is disarmed when the person who armed it lost the right to merge, judged fresh at the success", async () => {
    await comment("omar", "/rolegate merge");
    app.fake.state.setTeam("acme", "devops", ["olga"]); // omar leaves DevOps: no `merge` grant any more
    await approve("olga", head);
    expect(check(head)).toMatchObject({ conclusion: "success" });
    expect(merges()).toEqual([]);
    expect(replies().at(-1)?.body).toContain(`@omar the merge you armed at ${head} is disarmed: you may not merge this pull request`);
  });

  it("refuses to arm for someone who may not merge", async () => {
    await comment("dev2", "/rolegate merge");
    expect(replies().at(-1)?.body).toContain("@dev2 you may not merge this pull request");
    await approve("olga", head);
    expect(merges()).toEqual([]);
  });

  it("keeps the armed merge in the shared store, and settles it once even when two replicas see the same success", async () => {
    await comment("omar", "/rolegate merge");
    app.fake.state.addReview("acme", "app", 7, { user: "olga", state: "APPROVED", commit_id: head });
    const t = { repo: { owner: "acme", repo: "app" }, number: 7, baseRef: "main", headSha: head, installation: "1" };
    const { verdict } = await app.service.judge(installationApi(), t);
    expect(verdict.conclusion).toBe("success");
    // A second replica (or the app after a restart) shares nothing with the first but the store.
    const replica = new RolegateService(silentLog, undefined, { store: app.service.store });
    await Promise.all([settleArmedMerge(app.service, installationApi(), t, verdict), settleArmedMerge(replica, installationApi(), t, verdict)]);
    expect(merges()).toHaveLength(1);
    // The second did not even try: it lost the claim.
    expect(app.fake.callsTo("PUT", "/repos/acme/app/pulls/7/merge")).toHaveLength(1);
  });
});

describe("merge queues", () => {
  it("enqueues the pull request where the base branch has a merge queue, and makes no REST merge", async () => {
    app.fake.state.enableMergeQueue("acme", "app", "main");
    app.fake.state.addReview("acme", "app", 7, { user: "olga", state: "APPROVED", commit_id: head });
    await comment("omar", "/rolegate merge");
    const queued = entryFor(app.fake.state.repo("acme", "app"), 7);
    expect(queued?.entry).toMatchObject({ number: 7, enqueuer: "rolegate[bot]" });
    expect(merges()).toEqual([]);
    expect(app.fake.callsTo("PUT", "/repos/acme/app/pulls/7/merge")).toEqual([]);
    expect(replies().at(-1)?.body).toBe(
      `Queued by rolegate for @omar in the merge queue of \`main\`, at ${head}: the queue merges it once its merge group passes.`,
    );
  });

  it("an armed merge enqueues at the success that follows an approval", async () => {
    app.fake.state.enableMergeQueue("acme", "app", "main");
    await comment("omar", "/rolegate merge");
    expect(entryFor(app.fake.state.repo("acme", "app"), 7)).toBeUndefined();
    await approve("olga", head);
    expect(entryFor(app.fake.state.repo("acme", "app"), 7)?.entry.number).toBe(7);
    expect(merges()).toEqual([]);
  });
});

/** An API client of the app's installation, as a second replica would hold. */
function installationApi(): GitHubApi {
  return new Octokit({ auth: app.fake.installationToken(), baseUrl: app.fake.apiUrl }) as unknown as GitHubApi;
}
