// Commit statuses and the check rollup, merge queues, team privacy, repository visibility and
// deployment protection rules, through the fake's REST and GraphQL APIs (responses schema-checked).
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeGroupEvent, startFakeGitHub, type FakeGitHub } from "./index.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let fake: FakeGitHub;
let app: Octokit;
let tip: string;

beforeAll(async () => {
  fake = await startFakeGitHub({ validateResponses: true });
  const s = fake.state;
  s.addRepo({ owner: "acme", name: "app", defaultBranch: "main", visibility: "internal" });
  tip = s.commit("acme", "app", { branch: "main", files: { "a.txt": "a\n", "b.txt": "b\n" }, author: "lead" });
  app = new Octokit({ auth: fake.installationToken(), baseUrl: fake.apiUrl, log: quiet });
});
afterAll(() => fake.close());

describe("commit statuses and the status check rollup", () => {
  it("posts statuses as the token's app, lists them newest first and combines the latest of each context", async () => {
    await app.rest.repos.createCommitStatus({ owner: "acme", repo: "app", sha: tip, state: "pending", context: "ci/build" });
    await app.rest.repos.createCommitStatus({ owner: "acme", repo: "app", sha: tip, state: "success", context: "ci/build" });
    const lint = await app.rest.repos.createCommitStatus({
      owner: "acme",
      repo: "app",
      sha: tip,
      state: "failure",
      context: "ci/lint",
      description: "2 problems",
    });
    expect(lint.data.creator).toMatchObject({ login: "rolegate[bot]", type: "Bot" });
    const list = await app.rest.repos.listCommitStatusesForRef({ owner: "acme", repo: "app", ref: "main" });
    expect(list.data.map((s) => `${s.context}:${s.state}`)).toEqual(["ci/lint:failure", "ci/build:success", "ci/build:pending"]);
    const combined = await app.rest.repos.getCombinedStatusForRef({ owner: "acme", repo: "app", ref: tip });
    expect(combined.data).toMatchObject({ state: "failure", sha: tip, total_count: 2 });
    await expect(app.rest.repos.createCommitStatus({ owner: "acme", repo: "app", sha: "f".repeat(40), state: "success" })).rejects.toMatchObject({
      status: 422,
    });
  });

  it("enforces GitHub's limit of statuses per SHA and context", async () => {
    fake.state.limits.statusesPerContext = 2;
    try {
      await app.rest.repos.createCommitStatus({ owner: "acme", repo: "app", sha: tip, state: "success", context: "ci/once" });
      await app.rest.repos.createCommitStatus({ owner: "acme", repo: "app", sha: tip, state: "success", context: "ci/once" });
      await expect(app.rest.repos.createCommitStatus({ owner: "acme", repo: "app", sha: tip, state: "success", context: "ci/once" })).rejects.toMatchObject({
        status: 422,
        response: { data: { errors: [{ message: "This SHA and context has reached the maximum number of statuses." }] } },
      });
    } finally {
      fake.state.limits.statusesPerContext = 1000;
    }
  });

  it("rolls up the latest check run of each name and the latest status of each context in GraphQL", async () => {
    const run = await app.rest.checks.create({ owner: "acme", repo: "app", name: "rolegate", head_sha: tip, status: "in_progress" });
    await app.rest.checks.update({ owner: "acme", repo: "app", check_run_id: run.data.id, conclusion: "success" });
    fake.state.insertCheckRun({ owner: "acme", repo: "app", headSha: tip, name: "tests", appId: 4242, status: "in_progress" });
    const query = `{ repository(owner: "acme", name: "app") { object(expression: "main") { ... on Commit {
      statusCheckRollup { state contexts(first: 2, after: null) { totalCount checkRunCount statusContextCount pageInfo { hasNextPage endCursor }
        nodes { __typename ... on CheckRun { name status conclusion checkSuite { app { databaseId } } } ... on StatusContext { context state creator { login } } } } } } } } }`;
    type Rollup = {
      repository: {
        object: {
          statusCheckRollup: {
            state: string;
            contexts: {
              totalCount: number;
              checkRunCount: number;
              statusContextCount: number;
              pageInfo: { hasNextPage: boolean; endCursor: string };
              nodes: Array<Record<string, unknown>>;
            };
          };
        };
      };
    };
    const page1 = await app.graphql<Rollup>(query);
    const rollup = page1.repository.object.statusCheckRollup;
    expect(rollup.state).toBe("FAILURE"); // ci/lint failed
    expect(rollup.contexts).toMatchObject({ totalCount: 5, checkRunCount: 2, statusContextCount: 3, pageInfo: { hasNextPage: true } });
    expect(rollup.contexts.nodes).toEqual([
      { __typename: "CheckRun", name: "rolegate", status: "COMPLETED", conclusion: "SUCCESS", checkSuite: { app: { databaseId: 1001 } } },
      { __typename: "CheckRun", name: "tests", status: "IN_PROGRESS", conclusion: null, checkSuite: { app: { databaseId: 4242 } } },
    ]);
    const page2 = await app.graphql<Rollup>(query.replace("after: null", `after: "${rollup.contexts.pageInfo.endCursor}"`).replace("first: 2", "first: 10"));
    expect(page2.repository.object.statusCheckRollup.contexts.nodes).toEqual([
      { __typename: "StatusContext", context: "ci/build", state: "SUCCESS", creator: { login: "rolegate" } },
      { __typename: "StatusContext", context: "ci/lint", state: "FAILURE", creator: { login: "rolegate" } },
      { __typename: "StatusContext", context: "ci/once", state: "SUCCESS", creator: { login: "rolegate" } },
    ]);
    const bare = fake.state.commit("acme", "app", { parents: [tip], changes: { "c.txt": "c\n" } });
    const none = await app.graphql<{ repository: { object: { statusCheckRollup: null } } }>(
      `query ($sha: String!) { repository(owner: "acme", name: "app") { object(expression: $sha) { ... on Commit { statusCheckRollup { state } } } } }`,
      { sha: bare },
    );
    expect(none.repository.object.statusCheckRollup).toBeNull();
  });
});

describe("merge queues", () => {
  const ENQUEUE = `mutation ($id: ID!, $expected: GitObjectID, $jump: Boolean) {
    enqueuePullRequest(input: { pullRequestId: $id, expectedHeadOid: $expected, jump: $jump }) {
      mergeQueueEntry { position state pullRequest { number } headCommit { oid parents(first: 2) { nodes { oid } } } baseCommit { oid } } } }`;
  type Enqueued = {
    enqueuePullRequest: {
      mergeQueueEntry: {
        position: number;
        state: string;
        pullRequest: { number: number };
        headCommit: { oid: string; parents: { nodes: Array<{ oid: string }> } };
        baseCommit: { oid: string };
      };
    };
  };
  const open = (number: number, file: string) => {
    const head = fake.state.commit("acme", "app", { parents: [tip], branch: `pr-${number}`, changes: { [file]: `${number}\n` }, author: "dev1" });
    fake.state.addPullRequest({ owner: "acme", repo: "app", number, author: "dev1", base: { ref: "main" }, head: { ref: `pr-${number}`, sha: head } });
    return { head, id: fake.state.pullRequest("acme", "app", number).nodeId };
  };

  it("has no queue until one is enabled, and enqueueing then needs the current head", async () => {
    const pr = open(11, "x11.txt");
    const q = `{ repository(owner: "acme", name: "app") { mergeQueue(branch: "main") { id } pullRequest(number: 11) { isInMergeQueue } } }`;
    expect(await app.graphql(q)).toEqual({ repository: { mergeQueue: null, pullRequest: { isInMergeQueue: false } } });
    await expect(app.graphql(ENQUEUE, { id: pr.id, expected: pr.head })).rejects.toThrow("does not have a merge queue");
    fake.state.enableMergeQueue("acme", "app", "main");
    await expect(app.graphql(ENQUEUE, { id: pr.id, expected: "e".repeat(40) })).rejects.toThrow("does not match the expected head");
    await expect(app.graphql(ENQUEUE, { id: "UFJfbm9wZQ==", expected: pr.head })).rejects.toThrow("Could not resolve to a node");
    const first = await app.graphql<Enqueued>(ENQUEUE, { id: pr.id, expected: pr.head });
    expect(first.enqueuePullRequest.mergeQueueEntry).toMatchObject({
      position: 1,
      state: "AWAITING_CHECKS",
      pullRequest: { number: 11 },
      baseCommit: { oid: tip },
    });
    expect(first.enqueuePullRequest.mergeQueueEntry.headCommit.parents.nodes.map((n) => n.oid)).toEqual([tip, pr.head]);
    await expect(app.graphql(ENQUEUE, { id: pr.id })).rejects.toThrow("already queued");
    expect(await app.graphql(q)).toMatchObject({ repository: { mergeQueue: { id: expect.any(String) }, pullRequest: { isInMergeQueue: true } } });
  });

  it("builds each merge group on the entries ahead of it, and the merge_group payload says so", async () => {
    const second = open(12, "x12.txt");
    const entry = await app.graphql<Enqueued>(ENQUEUE, { id: second.id, expected: second.head });
    expect(entry.enqueuePullRequest.mergeQueueEntry.position).toBe(2);
    const group = fake.state.repo("acme", "app").mergeQueues.get("main")?.entries;
    const [e11, e12] = group ?? [];
    expect(entry.enqueuePullRequest.mergeQueueEntry.headCommit.parents.nodes.map((n) => n.oid)).toEqual([e11?.headSha, second.head]);
    const tree = await app.rest.git.getTree({ owner: "acme", repo: "app", tree_sha: e12?.headSha ?? "", recursive: "1" });
    expect(tree.data.tree.map((t) => t.path)).toEqual(["a.txt", "b.txt", "x11.txt", "x12.txt"]);

    const payload = mergeGroupEvent(fake, { owner: "acme", repo: "app", number: 12 });
    expect(payload["merge_group"]).toMatchObject({
      head_sha: e12?.headSha,
      head_ref: `refs/heads/gh-readonly-queue/main/pr-12-${e11?.headSha}`,
      base_ref: "refs/heads/main",
      base_sha: tip,
      head_commit: { id: e12?.headSha },
    });
    expect(payload.pullRequests).toEqual([11, 12]);
    // GitHub runs checks on the group's head: the fake knows the commit and its branch.
    const run = await app.rest.checks.create({ owner: "acme", repo: "app", name: "rolegate", head_sha: e12?.headSha ?? "", conclusion: "success" });
    expect(run.status).toBe(201);
    expect(fake.state.repo("acme", "app").branches.get(`gh-readonly-queue/main/pr-12-${e11?.headSha}`)).toBe(e12?.headSha);
  });

  it("refuses the merge button on a queued branch as GitHub does (405)", async () => {
    await expect(app.rest.pulls.merge({ owner: "acme", repo: "app", pull_number: 12 })).rejects.toMatchObject({
      status: 405,
      response: { data: { message: "Repository rule violations found\n\nChanges must be made through the merge queue" } },
    });
  });

  it("takes a pull request out of the queue when its head moves, rebuilding the groups behind it", async () => {
    const s = fake.state;
    s.commit("acme", "app", { branch: "pr-11", changes: { "x11.txt": "again\n" }, author: "dev1" });
    const entries = s.repo("acme", "app").mergeQueues.get("main")?.entries ?? [];
    expect(entries.map((e) => [e.number, e.parentSha])).toEqual([[12, tip]]);
    const q = await app.graphql<{ repository: { pullRequest: { isInMergeQueue: boolean; mergeQueueEntry: null } } }>(
      `{ repository(owner: "acme", name: "app") { pullRequest(number: 11) { isInMergeQueue mergeQueueEntry { id } } } }`,
    );
    expect(q.repository.pullRequest).toEqual({ isInMergeQueue: false, mergeQueueEntry: null });
  });

  it("merges the first entry: the branch moves to its merge group commit, which the next entry is built on", async () => {
    const s = fake.state;
    const third = open(14, "x14.txt");
    await app.graphql<Enqueued>(ENQUEUE, { id: third.id });
    const [first, next] = s.repo("acme", "app").mergeQueues.get("main")?.entries ?? [];
    const merged = s.mergeFromQueue("acme", "app", "main");
    expect(merged.number).toBe(12);
    expect(s.repo("acme", "app").branches.get("main")).toBe(first?.headSha);
    expect(next?.parentSha).toBe(first?.headSha);
    const pr = await app.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 12 });
    expect(pr.data).toMatchObject({ merged: true, state: "closed", merge_commit_sha: first?.headSha, merged_by: { login: "rolegate[bot]" } });
    const q = await app.graphql<{ repository: { mergeQueue: { entries: { nodes: Array<{ position: number; pullRequest: { number: number } }> } } } }>(
      `{ repository(owner: "acme", name: "app") { mergeQueue { entries(first: 10) { nodes { position pullRequest { number } } } } } }`,
    );
    expect(q.repository.mergeQueue.entries.nodes).toEqual([{ position: 1, pullRequest: { number: 14 } }]);
    tip = s.repo("acme", "app").branches.get("main") as string;
  });

  it("refuses closed pull requests and answers FORBIDDEN without contents permission", async () => {
    const pr = open(13, "x13.txt");
    fake.state.pullRequest("acme", "app", 13).state = "closed";
    await expect(app.graphql(ENQUEUE, { id: pr.id })).rejects.toThrow("is closed");
    const inst = fake.state.installations.get(1);
    const readOnly = fake.state.issueToken(1, { metadata: "read", pull_requests: "read" });
    const weak = new Octokit({ auth: readOnly.token, baseUrl: fake.apiUrl, log: quiet });
    await expect(weak.graphql(ENQUEUE, { id: pr.id })).rejects.toThrow("Resource not accessible by integration");
    fake.state.issueToken(1, inst?.permissions);
  });
});

describe("teams and repository visibility", () => {
  it("shows team privacy in REST and GraphQL, and repository visibility", async () => {
    fake.state.setTeam("acme", "security", ["sam", "sue", "sid"], { privacy: "secret" });
    fake.state.setTeam("acme", "devs", ["dev1"]);
    const team = await app.rest.teams.getByName({ org: "acme", team_slug: "security" });
    expect(team.data).toMatchObject({ slug: "security", privacy: "secret", members_count: 3, organization: { login: "acme" } });
    expect((await app.rest.teams.getByName({ org: "acme", team_slug: "devs" })).data.privacy).toBe("closed");
    await expect(app.rest.teams.getByName({ org: "acme", team_slug: "ghosts" })).rejects.toMatchObject({ status: 404 });
    type Q = {
      organization: { team: { privacy: string; members: { totalCount: number; nodes: Array<{ login: string }>; pageInfo: { endCursor: string } } } };
      repository: { isPrivate: boolean; visibility: string };
    };
    const q = `query ($after: String) { organization(login: "acme") { team(slug: "security") { privacy members(first: 2, after: $after) { totalCount nodes { login } pageInfo { endCursor } } } }
      repository(owner: "acme", name: "app") { isPrivate visibility } }`;
    const g = await app.graphql<Q>(q);
    expect(g.organization.team).toMatchObject({ privacy: "SECRET", members: { totalCount: 3, nodes: [{ login: "sam" }, { login: "sue" }] } });
    const next = await app.graphql<Q>(q, { after: g.organization.team.members.pageInfo.endCursor });
    expect(next.organization.team.members.nodes).toEqual([{ login: "sid" }]);
    expect(g.repository).toEqual({ isPrivate: true, visibility: "INTERNAL" });
    const repo = await app.rest.repos.get({ owner: "acme", repo: "app" });
    expect(repo.data).toMatchObject({ private: true, visibility: "internal" });
  });
});

describe("deployments", () => {
  it("serves a workflow run and records an app's answer to its deployment protection rule", async () => {
    const s = fake.state;
    s.addPullRequest({ owner: "acme", repo: "app", number: 20, author: "dev1", base: { ref: "main" }, head: { ref: "pr-20", sha: tip } });
    const run = s.addWorkflowRun({
      owner: "acme",
      repo: "app",
      headSha: tip,
      event: "pull_request",
      actor: "dev1",
      triggeringActor: "renovate[bot]",
      pullRequests: [20],
    });
    const got = await app.rest.actions.getWorkflowRun({ owner: "acme", repo: "app", run_id: run.id });
    expect(got.data).toMatchObject({
      id: run.id,
      head_sha: tip,
      event: "pull_request",
      actor: { login: "dev1" },
      triggering_actor: { login: "renovate[bot]", type: "Bot" },
    });
    expect(got.data.pull_requests?.map((p) => p.number)).toEqual([20]);
    await expect(app.rest.actions.getWorkflowRun({ owner: "acme", repo: "app", run_id: 999_999 })).rejects.toMatchObject({ status: 404 });

    const review = await app.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule", {
      owner: "acme",
      repo: "app",
      run_id: run.id,
      environment_name: "production",
      state: "rejected",
      comment: "needs a release manager",
    });
    expect(review.status).toBe(204);
    expect(s.deploymentReviews).toMatchObject([
      { runId: run.id, environment: "production", state: "rejected", comment: "needs a release manager", appId: 1001 },
    ]);

    // Only a GitHub App's installation token may answer; a personal token or an Action's GITHUB_TOKEN may not.
    s.addUserToken("ghp_olga", "olga");
    for (const auth of ["ghp_olga", "ghs_actions_token"]) {
      const other = new Octokit({ auth, baseUrl: fake.apiUrl, log: quiet });
      await expect(
        other.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule", {
          owner: "acme",
          repo: "app",
          run_id: run.id,
          environment_name: "production",
          state: "approved",
        }),
      ).rejects.toMatchObject({ status: 403 });
    }
    // Without deployments: write the installation is refused too.
    const noDeploy = s.issueToken(1, { metadata: "read", actions: "read" });
    const weak = new Octokit({ auth: noDeploy.token, baseUrl: fake.apiUrl, log: quiet });
    await expect(
      weak.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule", {
        owner: "acme",
        repo: "app",
        run_id: run.id,
        environment_name: "production",
        state: "approved",
      }),
    ).rejects.toMatchObject({ status: 403 });
    expect(s.deploymentReviews).toHaveLength(1);
    s.issueToken(1);
  });
});

describe("what a GITHUB_TOKEN can see", () => {
  it("scoped to its workflow's repository, sees that one and public ones; others are not found in REST and GraphQL", async () => {
    const s = fake.state;
    s.addRepo({ owner: "acme", name: ".github", defaultBranch: "main", visibility: "private" });
    s.commit("acme", ".github", { branch: "main", files: { ".github/rolegate.yml": "version: 1\n" }, author: "lead" });
    s.addRepo({ owner: "acme", name: "docs", defaultBranch: "main", visibility: "public" });
    const token = new Octokit({ auth: "ghs_workflow_token", baseUrl: fake.apiUrl, log: quiet });
    const blob = `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { object(expression: "HEAD:.github/rolegate.yml") { ... on Blob { text } } } }`;
    // Unscoped (the default), the token sees every repository.
    await expect(token.rest.repos.get({ owner: "acme", repo: ".github" })).resolves.toMatchObject({ status: 200 });
    s.actionsTokenRepository = "acme/app";
    try {
      await expect(token.rest.repos.get({ owner: "acme", repo: "app" })).resolves.toMatchObject({ status: 200 });
      await expect(token.rest.repos.get({ owner: "acme", repo: "docs" })).resolves.toMatchObject({ status: 200 });
      await expect(token.rest.repos.get({ owner: "acme", repo: ".github" })).rejects.toMatchObject({ status: 404 });
      await expect(token.graphql(blob, { owner: "acme", name: ".github" })).rejects.toMatchObject({
        errors: [{ type: "NOT_FOUND", message: "Could not resolve to a Repository with the name 'acme/.github'." }],
      });
      // An installation token is not a GITHUB_TOKEN: the app still reads it.
      await expect(app.graphql(blob, { owner: "acme", name: ".github" })).resolves.toMatchObject({ repository: { object: { text: "version: 1\n" } } });
    } finally {
      s.actionsTokenRepository = undefined;
    }
  });
});

describe("comments", () => {
  it("addComment stores a comment as its author wrote it, listed by the API", async () => {
    const s = fake.state;
    s.addPullRequest({ owner: "acme", repo: "app", number: 21, author: "dev1", base: { ref: "main" }, head: { ref: "pr-21", sha: tip } });
    const c = s.addComment("acme", "app", 21, { user: "dana", body: "/rolegate break-glass prod is down" });
    const list = await app.rest.issues.listComments({ owner: "acme", repo: "app", issue_number: 21 });
    expect(list.data).toMatchObject([{ id: c.id, body: "/rolegate break-glass prod is down", user: { login: "dana" }, created_at: c.createdAt }]);
    expect(() => s.addComment("acme", "app", 999, { user: "dana", body: "x" })).toThrow("no issue or pull request acme/app#999");
  });
});
