// Time budget: ≈3 s in total, 10 s at most. The OpenAPI description (13 MB) and the
// GraphQL schema (5 MB) are each loaded once per process, lazily, and their
// validators are cached, so only the first validated request of each kind pays
// (≈0.3 s REST, ≈0.2 s GraphQL); the response-shape checks below compile a few
// extra validators (≈1 s).
import { generateKeyPairSync, sign } from "node:crypto";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor, fakeGitHubRoutes, loadOpenApi, startFakeGitHub, type FakeGitHub } from "./fake-github/index.js";

const HEAD = "a".repeat(40);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const FILES = Array.from({ length: 250 }, (_, i) => ({ filename: `src/module-${String(i).padStart(3, "0")}.ts`, status: "modified" as const }));

const PR_QUERY = /* GraphQL */ `
  query ($owner: String!, $name: String!, $number: Int!, $after: String) {
    repository(owner: $owner, name: $name) {
      defaultBranchRef { name }
      pullRequest(number: $number) {
        number
        isDraft
        state
        author { login }
        baseRefName
        baseRefOid
        headRefOid
        labels(first: 10) { nodes { name } }
        reviews(first: 10) { nodes { author { login } state submittedAt commit { oid } } }
        commits(first: 10) {
          nodes { commit { oid authors(first: 5) { nodes { user { login } } } committer { user { login } } } }
        }
        files(first: 100, after: $after) {
          totalCount
          nodes { path changeType }
          pageInfo { hasNextPage endCursor }
        }
        timelineItems(first: 10, itemTypes: [BASE_REF_CHANGED_EVENT, BASE_REF_FORCE_PUSHED_EVENT]) {
          nodes {
            __typename
            ... on BaseRefChangedEvent { createdAt }
            ... on BaseRefForcePushedEvent { createdAt }
          }
        }
      }
    }
    rateLimit { remaining }
  }
`;

interface PrQueryResult {
  repository: {
    defaultBranchRef: { name: string };
    pullRequest: {
      number: number;
      isDraft: boolean;
      state: string;
      author: { login: string };
      baseRefName: string;
      baseRefOid: string;
      headRefOid: string;
      labels: { nodes: Array<{ name: string }> };
      reviews: { nodes: Array<{ author: { login: string }; state: string; submittedAt: string; commit: { oid: string } }> };
      commits: {
        nodes: Array<{ commit: { oid: string; authors: { nodes: Array<{ user: { login: string } | null }> }; committer: { user: { login: string } | null } } }>;
      };
      files: { totalCount: number; nodes: Array<{ path: string; changeType: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      timelineItems: { nodes: Array<{ __typename: string; createdAt?: string }> };
    };
  };
  rateLimit: { remaining: number };
}

async function raw(fake: FakeGitHub, method: string, path: string, body?: unknown, auth: string | null = "token x") {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), "content-type": "application/json", accept: "application/vnd.github+json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

function seed(fake: FakeGitHub): void {
  const s = fake.state;
  s.addRepo({ owner: "acme", name: "app", defaultBranch: "main", private: true });
  s.setFile("acme", "app", "main", ".github/rolegate.yml", "version: 1\nroles: {}\n");
  s.setPermission("acme", "app", "lead", "admin");
  s.setPermission("acme", "app", "dev1", "write");
  s.setPermission("acme", "app", "ops1", "maintain");
  s.setTeam("acme", "platform", ["ops1", "ops2"], { maintainers: ["lead"] });
  s.addPullRequest({
    owner: "acme",
    repo: "app",
    number: 7,
    author: "dev1",
    base: { ref: "main" },
    head: { ref: "feature/x", sha: HEAD },
    labels: ["infra"],
    files: FILES,
    commits: [
      { sha: "c".repeat(40), author: "dev1", committer: "dev1", coAuthors: ["dev2"] },
      { sha: HEAD, author: "dependabot[bot]", committer: null },
    ],
    reviews: [{ id: 99, user: "lead", state: "APPROVED", commit_id: HEAD, submitted_at: "2026-01-02T03:04:05Z" }],
  });
}

describe("fake GitHub (validating)", () => {
  let fake: FakeGitHub;
  let octokit: Octokit;

  beforeAll(async () => {
    // Response checks keep the fake's own JSON honest against GitHub's schemas.
    fake = await startFakeGitHub({ validateResponses: true });
    seed(fake);
    octokit = new Octokit({ auth: "x", baseUrl: `${fake.url}/api/v3`, log: quiet });
  });
  afterAll(() => fake.close());

  it("serves every handler on a route GitHub's OpenAPI description defines", () => {
    const { byKey } = loadOpenApi();
    const missing = fakeGitHubRoutes.map((r) => `${r.method} ${r.template}`).filter((k) => !byKey.has(k));
    expect(missing).toEqual([]);
  });

  it("creates a check run and reads it back", async () => {
    const created = await octokit.rest.checks.create({
      owner: "acme",
      repo: "app",
      name: "rolegate",
      head_sha: HEAD,
      status: "in_progress",
      output: { title: "Checking", summary: "…" },
    });
    expect(created.status).toBe(201);
    // "x" is not a token the fake minted: like an Action's GITHUB_TOKEN it acts as github-actions.
    expect(created.data.app).toMatchObject({ id: 15368, slug: "github-actions" });
    await octokit.rest.checks.update({
      owner: "acme",
      repo: "app",
      check_run_id: created.data.id,
      conclusion: "failure",
      output: {
        title: "Blocked",
        summary: "needs approval",
        annotations: [{ path: "src/a.ts", start_line: 1, end_line: 1, annotation_level: "failure", message: "no" }],
      },
    });
    const got = await octokit.rest.checks.get({ owner: "acme", repo: "app", check_run_id: created.data.id });
    expect(got.data).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "Blocked", annotations_count: 1 } });
    expect(got.data.pull_requests.map((p) => p.number)).toEqual([7]);
    const listed = await octokit.rest.checks.listForRef({ owner: "acme", repo: "app", ref: "feature/x", check_name: "rolegate" });
    expect(listed.data.total_count).toBe(1);
    expect(listed.data.check_runs[0]?.id).toBe(created.data.id);
    const record = fake.state.checkRuns.find((c) => c.id === created.data.id);
    expect(record?.history.map((h) => [h.action, h.snapshot.status, h.snapshot.conclusion])).toEqual([
      ["created", "in_progress", null],
      ["updated", "completed", "failure"],
    ]);
  });

  it("authenticates a GitHub App: JWT → installation token → check runs carry the app id", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const unsigned = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ iat: now - 30, exp: now + 570, iss: 1001 })}`;
    const jwt = `${unsigned}.${sign("RSA-SHA256", Buffer.from(unsigned), privateKey).toString("base64url")}`;
    const asApp = new Octokit({ auth: jwt, baseUrl: fake.apiUrl, log: quiet });
    expect((await asApp.request("GET /app")).data).toMatchObject({ id: 1001, slug: "rolegate" });
    const installation = await asApp.rest.apps.getRepoInstallation({ owner: "acme", repo: "app" });
    const token = await asApp.rest.apps.createInstallationAccessToken({ installation_id: installation.data.id });
    expect(token.data.token).toBe(`ghs_fake_${installation.data.id}`);
    const asInstallation = new Octokit({ auth: token.data.token, baseUrl: fake.apiUrl, log: quiet });
    const run = await asInstallation.rest.checks.create({ owner: "acme", repo: "app", name: "rolegate", head_sha: HEAD, conclusion: "success" });
    expect(run.data.app).toMatchObject({ id: 1001, slug: "rolegate" });
    // An installation token is not a JWT, and a JWT is not an installation token.
    await expect(asInstallation.request("GET /app")).rejects.toMatchObject({ status: 401 });
    await expect(asApp.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 7 })).rejects.toMatchObject({ status: 403 });
    // A forged run by another app shows up with that app's id.
    fake.state.insertCheckRun({ owner: "acme", repo: "app", headSha: HEAD, name: "rolegate", appId: 4242, conclusion: "success" });
    const all = await asInstallation.rest.checks.listForRef({ owner: "acme", repo: "app", ref: HEAD, check_name: "rolegate" });
    expect(all.data.check_runs.map((c) => c.app?.id).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1001, 4242, 15368]);
  });

  it("answers 404 for routes GitHub does not have, 401 without credentials, 501 for unhandled routes", async () => {
    await expect(octokit.request("POST /repos/{owner}/{repo}/check-run", { owner: "acme", repo: "app", name: "x", head_sha: HEAD })).rejects.toMatchObject({
      status: 404,
      response: { data: { message: "Not Found" } },
    });
    await expect(octokit.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: "acme", repo: "app", pull_number: 7 })).rejects.toMatchObject(
      { status: 404 },
    );
    const anonymous = await raw(fake, "GET", "/api/v3/repos/acme/app/pulls/7", undefined, null);
    expect(anonymous).toMatchObject({ status: 401, json: { message: "Requires authentication" } });
    const unhandled = await raw(fake, "GET", "/repos/acme/app/releases");
    expect(unhandled.status).toBe(501);
    expect(unhandled.json?.["message"]).toBe("fake GitHub: no handler for GET /repos/{owner}/{repo}/releases");
  });

  it("rejects request bodies that violate the OpenAPI schema with 422", async () => {
    const bad = await raw(fake, "POST", "/api/v3/repos/acme/app/check-runs", { name: "rolegate", head_sha: HEAD, conclusion: "great" });
    expect(bad.status).toBe(422);
    expect(bad.json).toMatchObject({ message: "Invalid request.", errors: [{ field: "conclusion", code: "invalid" }] });
    const untypedRoute: string = "POST /repos/{owner}/{repo}/check-runs"; // bypass Octokit's typing to send a bad body
    await expect(octokit.request(untypedRoute, { owner: "acme", repo: "app", head_sha: HEAD })).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ field: "name", code: "missing_field", message: '"name" wasn\'t supplied.' }] } },
    });
    const notJson = await raw(fake, "POST", "/repos/acme/app/issues", "{nope");
    expect(notJson).toMatchObject({ status: 400, json: { message: "Problems parsing JSON" } });
    // Semantic checks beyond the schema: unknown SHA, status completed without conclusion.
    await expect(octokit.rest.checks.create({ owner: "acme", repo: "app", name: "n", head_sha: "f".repeat(40) })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.checks.create({ owner: "acme", repo: "app", name: "n", head_sha: HEAD, status: "completed" })).rejects.toMatchObject({
      status: 422,
    });
  });

  it("serves pull requests, paged files with link headers, reviews and commits", async () => {
    const pr = await octokit.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 7 });
    expect(pr.data).toMatchObject({ number: 7, state: "open", draft: false, merged: false, mergeable: true, user: { login: "dev1" }, head: { sha: HEAD } });
    const first = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "app", pull_number: 7, per_page: 100 });
    expect(first.data).toHaveLength(100);
    expect(first.headers.link).toContain('page=2>; rel="next"');
    expect(first.headers.link).toContain(`${fake.url}/api/v3/repos/acme/app/pulls/7/files?per_page=100&page=3>; rel="last"`);
    const all = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: "acme", repo: "app", pull_number: 7, per_page: 100 });
    expect(all.map((f) => f.filename)).toEqual(FILES.map((f) => f.filename));
    const reviews = await octokit.rest.pulls.listReviews({ owner: "acme", repo: "app", pull_number: 7 });
    expect(reviews.data).toMatchObject([{ id: 99, user: { login: "lead" }, state: "APPROVED", commit_id: HEAD }]);
    const commits = await octokit.rest.pulls.listCommits({ owner: "acme", repo: "app", pull_number: 7 });
    expect(commits.data.map((c) => c.author?.login)).toEqual(["dev1", "dependabot[bot]"]);
    const open = await octokit.rest.pulls.list({ owner: "acme", repo: "app", state: "open", base: "main" });
    expect(open.data.map((p) => p.number)).toEqual([7]);
    expect(pr.headers["x-ratelimit-limit"]).toBe("5000");
    expect(pr.headers["x-github-request-id"]).toBeTruthy();
    await expect(octokit.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 8 })).rejects.toMatchObject({ status: 404 });
  });

  it("serves contents, team membership, permissions and issues", async () => {
    const file = await octokit.rest.repos.getContent({ owner: "acme", repo: "app", path: ".github/rolegate.yml", ref: "main" });
    const data = file.data as { type: string; content: string; sha: string };
    expect(data.type).toBe("file");
    expect(Buffer.from(data.content, "base64").toString("utf8")).toBe("version: 1\nroles: {}\n");
    const rawFile = await octokit.rest.repos.getContent({ owner: "acme", repo: "app", path: ".github/rolegate.yml", mediaType: { format: "raw" } });
    expect(rawFile.data as unknown).toBe("version: 1\nroles: {}\n");
    await expect(octokit.rest.repos.getContent({ owner: "acme", repo: "app", path: "nope.yml" })).rejects.toMatchObject({ status: 404 });

    // An Action's GITHUB_TOKEN has no organization "members" permission; the app's installation token does.
    await expect(octokit.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "platform", username: "ops1" })).rejects.toMatchObject({
      status: 403,
      response: { data: { message: "Resource not accessible by integration" } },
    });
    const asApp = new Octokit({ auth: fake.installationToken(), baseUrl: fake.apiUrl, log: quiet });
    const member = await asApp.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "platform", username: "ops1" });
    expect(member.data).toMatchObject({ state: "active", role: "member" });
    await expect(asApp.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "platform", username: "dev1" })).rejects.toMatchObject({ status: 404 });
    const members = await asApp.paginate(asApp.rest.teams.listMembersInOrg, { org: "acme", team_slug: "platform", per_page: 2 });
    expect(members.map((m) => m.login)).toEqual(["ops1", "ops2", "lead"]);

    const perm = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: "acme", repo: "app", username: "ops1" });
    expect(perm.data).toMatchObject({ permission: "write", role_name: "maintain", user: { login: "ops1" } });
    const admins = await octokit.rest.repos.listCollaborators({ owner: "acme", repo: "app", permission: "admin" });
    expect(admins.data.map((u) => u.login)).toEqual(["lead"]);

    const issue = await octokit.rest.issues.create({ owner: "acme", repo: "app", title: "Policy drift", labels: ["rolegate"] });
    expect(issue.data.number).toBe(8); // shares the number space with PR #7
    await octokit.rest.issues.createComment({ owner: "acme", repo: "app", issue_number: 8, body: "details" });
    await octokit.rest.issues.addLabels({ owner: "acme", repo: "app", issue_number: 7, labels: ["needs-review"] });
    const labelled = await octokit.rest.issues.listForRepo({ owner: "acme", repo: "app", labels: "rolegate", state: "open" });
    expect(labelled.data.map((i) => i.number)).toEqual([8]);
    expect(fake.state.pullRequest("acme", "app", 7).labels).toEqual(["infra", "needs-review"]);
  });

  it("answers GraphQL validation errors like GitHub (HTTP 200 with errors)", async () => {
    const unknownField = await raw(fake, "POST", "/api/graphql", {
      query: '{ repository(owner: "acme", name: "app") { pullRequest(number: 7) { approvers } } }',
    });
    expect(unknownField.status).toBe(200);
    expect(unknownField.json?.["data"]).toBeUndefined();
    expect(unknownField.json?.["errors"]).toEqual([expect.objectContaining({ message: 'Cannot query field "approvers" on type "PullRequest".' })]);
    const syntax = await raw(fake, "POST", "/graphql", { query: '{ repository(owner: "acme" ' });
    expect(syntax.status).toBe(200);
    expect((syntax.json?.["errors"] as unknown[] | undefined)?.length).toBe(1);
    await expect(octokit.graphql('{ repository(owner: "acme", name: "app") { pullRequest(number: 7) { files { totalCount } } } }')).rejects.toThrow(
      "You must provide a `first` or `last` value to properly paginate the `files` connection.",
    );
    await expect(octokit.graphql('{ repository(owner: "acme", name: "app") { pullRequest(number: 7) { files(first: 101) { totalCount } } } }')).rejects.toThrow(
      "exceeds the `first` limit of 100 records",
    );
    const missing = await raw(fake, "POST", "/api/graphql", { query: '{ repository(owner: "acme", name: "nope") { name } }' });
    expect(missing.json).toMatchObject({ data: { repository: null }, errors: [{ type: "NOT_FOUND", path: ["repository"] }] });
  });

  it("executes a valid pull request query with cursor pagination and the same data as REST", async () => {
    const vars = { owner: "acme", name: "app", number: 7 };
    const page1 = await octokit.graphql<PrQueryResult>(PR_QUERY, vars);
    const pr = page1.repository.pullRequest;
    expect(page1.repository.defaultBranchRef.name).toBe("main");
    expect(pr).toMatchObject({ number: 7, isDraft: false, state: "OPEN", author: { login: "dev1" }, baseRefName: "main", headRefOid: HEAD });
    expect(pr.labels.nodes.map((l) => l.name)).toEqual(["infra", "needs-review"]);
    expect(pr.reviews.nodes).toEqual([{ author: { login: "lead" }, state: "APPROVED", submittedAt: "2026-01-02T03:04:05Z", commit: { oid: HEAD } }]);
    // co-authors appear in `authors`; a bot author has no `user` in GraphQL
    expect(pr.commits.nodes.map((n) => n.commit.authors.nodes.map((a) => a.user?.login ?? null))).toEqual([["dev1", "dev2"], [null]]);
    expect(pr.files).toMatchObject({ totalCount: 250, pageInfo: { hasNextPage: true, endCursor: encodeCursor(99) } });
    expect(page1.rateLimit.remaining).toBeLessThan(5000);

    const paths: string[] = pr.files.nodes.map((f) => f.path);
    let after = pr.files.pageInfo.endCursor;
    let pages = 1;
    while (after) {
      const next = await octokit.graphql<PrQueryResult>(PR_QUERY, { ...vars, after });
      const files = next.repository.pullRequest.files;
      paths.push(...files.nodes.map((f) => f.path));
      after = files.pageInfo.hasNextPage ? files.pageInfo.endCursor : null;
      pages++;
    }
    expect(pages).toBe(3);
    expect(paths).toEqual(FILES.map((f) => f.filename));

    // one stored PR, two projections: a base change and a REST merge show up in GraphQL
    fake.state.changeBase("acme", "app", 7, { ref: "release/1" });
    const base = fake.state.pullRequest("acme", "app", 7).pull.base;
    expect((await octokit.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 7 })).data.base).toMatchObject({ ref: "release/1", sha: base.sha });
    await octokit.rest.pulls.merge({ owner: "acme", repo: "app", pull_number: 7, sha: HEAD, merge_method: "squash" });
    const after2 = await octokit.graphql<PrQueryResult>(PR_QUERY, vars);
    expect(after2.repository.pullRequest).toMatchObject({ state: "MERGED", baseRefName: "release/1" });
    expect(after2.repository.pullRequest.timelineItems.nodes.map((n) => n.__typename)).toEqual(["BaseRefChangedEvent"]);
    await expect(octokit.rest.pulls.merge({ owner: "acme", repo: "app", pull_number: 7 })).rejects.toMatchObject({ status: 405 });
    expect(fake.state.merges).toMatchObject([{ number: 7, method: "squash", by: "github-actions[bot]" }]);
  });

  it("injects faults: a 502 once, then normal answers; a reset socket is a client error", async () => {
    fake.failNext({ method: "GET", path: "/repos/acme/app/pulls/7" }, { status: 502, body: { message: "Server Error" } });
    await expect(octokit.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 7 })).rejects.toMatchObject({ status: 502 });
    expect((await octokit.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 7 })).status).toBe(200);

    fake.failNext({ path: /^\/repos\/acme\/app\/pulls\/7\/files$/ }, { destroy: true, delayMs: 20 });
    fake.resetCalls();
    const error = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "app", pull_number: 7 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { response?: unknown }).response).toBeUndefined();
    expect(fake.calls).toMatchObject([{ method: "GET", path: "/repos/acme/app/pulls/7/files", status: 0, injected: true }]);

    fake.failNext({ path: "/graphql", query: "rateLimit" }, { status: 200, body: { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }] } });
    await expect(octokit.graphql("{ rateLimit { remaining } }")).rejects.toThrow("API rate limit exceeded");
  });
});

describe("fake GitHub (lightweight, validate: false)", () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await startFakeGitHub({ validate: false });
    fake.state.addRepo({ owner: "acme", name: "app" });
    fake.state.addPullRequest({
      owner: "acme",
      repo: "app",
      number: 1,
      author: "dev1",
      base: { ref: "main" },
      head: { ref: "big", sha: HEAD },
      files: Array.from({ length: 3050 }, (_, i) => ({ filename: `f/${i}.txt`, status: "added" as const })),
    });
  });
  afterAll(() => fake.close());

  it("keeps the handlers, skips schema validation, and serves REST without the /api/v3 prefix", async () => {
    const octokit = new Octokit({ auth: "x", baseUrl: fake.url, log: quiet });
    const run = await octokit.rest.checks.create({ owner: "acme", repo: "app", name: "rolegate", head_sha: HEAD, conclusion: "neutral" });
    expect(run.status).toBe(201);
    // the handler table still decides what exists
    expect((await raw(fake, "GET", "/repos/acme/app/releases")).status).toBe(404);
    // GitHub caps the files list at 3000
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: "acme", repo: "app", pull_number: 1, per_page: 100 });
    expect(files).toHaveLength(3000);
    const g = await octokit.graphql<{ repository: { pullRequest: { files: { totalCount: number } } } }>(
      '{ repository(owner: "acme", name: "app") { pullRequest(number: 1) { files(first: 1) { totalCount } } } }',
    );
    expect(g.repository.pullRequest.files.totalCount).toBe(3050);
  });
});
