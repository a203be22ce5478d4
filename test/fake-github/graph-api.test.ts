// The commit graph through the fake's REST and GraphQL APIs, with every JSON answer
// checked against GitHub's OpenAPI response schemas (validateResponses).
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "./index.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const POLICY = "version: 1\nroles: {}\n";
const EVIL_POLICY = "version: 1\nroles: { everyone: { members: ['*'] } }\n";

let fake: FakeGitHub;
let octokit: Octokit;
let mainTip: string;
let first: string;
let second: string;

const lines = (n: number, word = "line") => Array.from({ length: n }, (_, i) => `${word} ${i + 1}`).join("\n") + "\n";

beforeAll(async () => {
  fake = await startFakeGitHub({ validateResponses: true });
  const s = fake.state;
  s.addRepo({ owner: "acme", name: "app", defaultBranch: "main" });
  mainTip = s.commit("acme", "app", {
    branch: "main",
    files: { ".github/rolegate.yml": POLICY, "src/app.ts": lines(10), "docs/old.md": lines(6, "doc") },
    author: "lead",
    message: "Initial import",
  });
  first = s.commit("acme", "app", {
    parents: [mainTip],
    branch: "feat",
    changes: { "src/app.ts": lines(10).replace("line 4\n", "line four\n"), "docs/old.md": null, "docs/new.md": lines(6, "doc") },
    author: "dev1",
    coAuthors: ["dev2"],
    message: "Rework the app",
  });
  second = s.commit("acme", "app", { branch: "feat", changes: { "deps.lock": "left-pad 1.3.0\n" }, author: "renovate[bot]", message: "Bump left-pad" });
  s.addPullRequest({ owner: "acme", repo: "app", number: 1, author: "dev1", base: { ref: "main" }, head: { ref: "feat", sha: second } });
  octokit = new Octokit({ auth: fake.installationToken(), baseUrl: fake.apiUrl, log: quiet });
});
afterAll(() => fake.close());

interface CommitsQuery {
  repository: {
    pullRequest: {
      commits: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: Array<{
          commit: {
            oid: string;
            message: string;
            parents: { totalCount: number; nodes: Array<{ oid: string }> };
            authors: { totalCount: number; nodes: Array<{ user: { login: string } | null; email: string; name: string }> };
            committer: { user: { login: string } | null; email: string; name: string };
          };
        }>;
      };
    };
  };
}

const COMMITS_QUERY = /* GraphQL */ `
  query ($number: Int!, $after: String) {
    repository(owner: "acme", name: "app") {
      pullRequest(number: $number) {
        commits(first: 100, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes {
            commit {
              oid
              message
              parents(first: 2) { totalCount nodes { oid } }
              authors(first: 10) { totalCount nodes { user { login } email name } }
              committer { user { login } email name }
            }
          }
        }
      }
    }
  }
`;

describe("pull requests built from commits", () => {
  it("list the diff from the merge base to the head, and the head's commits", async () => {
    const files = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "app", pull_number: 1 });
    expect(files.data.map((f) => [f.filename, f.status, f.previous_filename ?? null])).toEqual([
      ["deps.lock", "added", null],
      ["docs/new.md", "renamed", "docs/old.md"],
      ["src/app.ts", "modified", null],
    ]);
    expect(files.data.find((f) => f.filename === "src/app.ts")?.patch).toBe(
      "@@ -1,7 +1,7 @@\n line 1\n line 2\n line 3\n-line 4\n+line four\n line 5\n line 6\n line 7",
    );
    const commits = await octokit.rest.pulls.listCommits({ owner: "acme", repo: "app", pull_number: 1 });
    expect(commits.data.map((c) => [c.sha, c.parents.map((p) => p.sha)])).toEqual([
      [first, [mainTip]],
      [second, [first]],
    ]);

    // The base branch moving on does not change the diff: it is taken from the merge base.
    fake.state.commit("acme", "app", { branch: "main", changes: { "README.md": "hello\n" }, author: "lead", message: "Readme" });
    const again = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "app", pull_number: 1 });
    expect(again.data.map((f) => f.filename)).toEqual(["deps.lock", "docs/new.md", "src/app.ts"]);

    // A push to the head branch moves the pull request and its file list with it.
    const third = fake.state.commit("acme", "app", { branch: "feat", changes: { "deps.lock": null }, author: "dev1", message: "Drop the lock file" });
    const pr = await octokit.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 1 });
    expect(pr.data).toMatchObject({ head: { sha: third }, commits: 3, changed_files: 2 });
    fake.state.moveHead("acme", "app", 1, second);
    expect(fake.state.pullRequest("acme", "app", 1).pull.timeline.at(-1)).toMatchObject({ __typename: "HeadRefForcePushedEvent" });
  });

  it("show bots as GitHub does: Bot users in REST, Bot actors without [bot] and GitActors without a user in GraphQL", async () => {
    const commits = await octokit.rest.pulls.listCommits({ owner: "acme", repo: "app", pull_number: 1 });
    const bump = commits.data.find((c) => c.sha === second);
    expect(bump?.author).toMatchObject({ login: "renovate[bot]", type: "Bot" });
    const botId = fake.state.userId("renovate[bot]");
    expect(bump?.commit.author).toMatchObject({ name: "renovate[bot]", email: `${botId}+renovate[bot]@users.noreply.github.com` });

    const g = await octokit.graphql<CommitsQuery>(COMMITS_QUERY, { number: 1 });
    const nodes = g.repository.pullRequest.commits.nodes;
    expect(nodes[0]?.commit.authors.nodes.map((a) => a.user?.login ?? null)).toEqual(["dev1", "dev2"]);
    expect(nodes[0]?.commit.message).toBe(`Rework the app\n\nCo-authored-by: dev2 <${fake.state.noreplyEmail("dev2")}>`);
    expect(nodes[1]?.commit.authors.nodes).toEqual([{ user: null, email: `${botId}+renovate[bot]@users.noreply.github.com`, name: "renovate[bot]" }]);
    expect(nodes[1]?.commit.parents).toEqual({ totalCount: 1, nodes: [{ oid: first }] });

    // A pull request, review and comment by a bot.
    fake.state.addPullRequest({
      owner: "acme",
      repo: "app",
      number: 2,
      author: "renovate[bot]",
      base: { ref: "main" },
      head: { ref: "renovate/x", sha: second },
    });
    fake.state.addReview("acme", "app", 2, { user: "copilot[bot]", state: "COMMENTED" });
    fake.state
      .pullRequest("acme", "app", 2)
      .comments.push({ id: 77, body: "/rolegate check", user: "renovate[bot]", createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" });
    const rest = await octokit.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 2 });
    expect(rest.data.user).toMatchObject({ login: "renovate[bot]", type: "Bot" });
    const comments = await octokit.rest.issues.listComments({ owner: "acme", repo: "app", issue_number: 2 });
    expect(comments.data[0]?.user).toMatchObject({ login: "renovate[bot]", type: "Bot" });
    const actors = await octokit.graphql<{
      repository: {
        pullRequest: {
          author: { __typename: string; login: string };
          reviews: { nodes: Array<{ author: { __typename: string; login: string } }> };
          comments: { nodes: Array<{ author: { __typename: string; login: string } }> };
        };
      };
    }>(`{ repository(owner: "acme", name: "app") { pullRequest(number: 2) {
      author { __typename login } reviews(first: 5) { nodes { author { __typename login } } } comments(first: 5) { nodes { author { __typename login } } } } } }`);
    const pr = actors.repository.pullRequest;
    expect([pr.author, pr.reviews.nodes[0]?.author, pr.comments.nodes[0]?.author]).toEqual([
      { __typename: "Bot", login: "renovate" },
      { __typename: "Bot", login: "copilot" },
      { __typename: "Bot", login: "renovate" },
    ]);
    await expect(octokit.graphql('{ user(login: "renovate[bot]") { login } }')).rejects.toThrow(
      "Could not resolve to a User with the login of 'renovate[bot]'.",
    );
  });

  it("list at most 250 commits, with totalCount counting them all", async () => {
    const s = fake.state;
    let tip = s.repo("acme", "app").branches.get("main") as string;
    for (let i = 0; i < 260; i++) tip = s.commit("acme", "app", { parents: [tip], changes: { "counter.txt": `${i}\n` }, author: "dev1", message: `Step ${i}` });
    s.addPullRequest({ owner: "acme", repo: "app", number: 3, author: "dev1", base: { ref: "main" }, head: { ref: "long", sha: tip } });
    const rest = await octokit.paginate(octokit.rest.pulls.listCommits, { owner: "acme", repo: "app", pull_number: 3, per_page: 100 });
    expect(rest).toHaveLength(250);
    expect(rest[0]?.commit.message).toBe("Step 0");
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const page: CommitsQuery = await octokit.graphql<CommitsQuery>(COMMITS_QUERY, { number: 3, after });
      const c = page.repository.pullRequest.commits;
      total = c.totalCount;
      seen.push(...c.nodes.map((n) => n.commit.oid));
      after = c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBe(260);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
  });

  it("name the head branch and the owner of its repository, a fork's owner for a fork", async () => {
    const s = fake.state;
    s.addPullRequest({ owner: "acme", repo: "app", number: 40, author: "dev2", base: { ref: "main" }, head: { ref: "main", sha: first, repo: "dev2/app" } });
    const query = `query($number: Int!) { repository(owner: "acme", name: "app") { pullRequest(number: $number) {
      headRefName isCrossRepository headRepositoryOwner { __typename login } } } }`;
    type Head = {
      repository: { pullRequest: { headRefName: string; isCrossRepository: boolean; headRepositoryOwner: { __typename: string; login: string } } };
    };
    const own = await octokit.graphql<Head>(query, { number: 1 });
    expect(own.repository.pullRequest).toEqual({
      headRefName: "feat",
      isCrossRepository: false,
      headRepositoryOwner: { __typename: "Organization", login: "acme" },
    });
    const fork = await octokit.graphql<Head>(query, { number: 40 });
    expect(fork.repository.pullRequest).toEqual({ headRefName: "main", isCrossRepository: true, headRepositoryOwner: { __typename: "User", login: "dev2" } });
    s.pullRequest("acme", "app", 40).state = "closed"; // out of the way of the tests below
  });
});

describe("commits, comparisons, trees and refs", () => {
  it("compare BASE...HEAD from the merge base, with GitHub's counts and unified patches", async () => {
    const cmp = await octokit.rest.repos.compareCommitsWithBasehead({ owner: "acme", repo: "app", basehead: `${mainTip}...feat` });
    expect(cmp.data).toMatchObject({ status: "ahead", ahead_by: 2, behind_by: 0, total_commits: 2, merge_base_commit: { sha: mainTip } });
    const diverged = await octokit.rest.repos.compareCommitsWithBasehead({ owner: "acme", repo: "app", basehead: "main...feat" });
    expect(diverged.data.status).toBe("diverged");
    expect(diverged.data.behind_by).toBeGreaterThan(0);
    expect(diverged.data.merge_base_commit.sha).toBe(mainTip);
    expect(diverged.data.files?.map((f) => f.filename)).toEqual(["deps.lock", "docs/new.md", "src/app.ts"]);
    expect(diverged.data.commits.map((c) => c.sha)).toEqual([first, second]);
    await expect(octokit.rest.repos.compareCommitsWithBasehead({ owner: "acme", repo: "app", basehead: "main...nope" })).rejects.toMatchObject({ status: 404 });
  });

  it("cap comparisons at the configured file count and drop patches over the line limit", async () => {
    const s = fake.state;
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`gen/${String(i).padStart(2, "0")}.txt`] = lines(i + 1);
    const wide = s.commit("acme", "app", { parents: [mainTip], changes: files, author: "dev1", message: "Generate" });
    s.limits.compareFiles = 10;
    s.limits.patch.maxChangedLines = 8;
    try {
      const cmp = await octokit.rest.repos.compareCommitsWithBasehead({ owner: "acme", repo: "app", basehead: `${mainTip}...${wide}` });
      expect(cmp.data.files).toHaveLength(10);
      expect(cmp.data.files?.map((f) => [f.filename, f.additions, f.patch !== undefined]).slice(6)).toEqual([
        ["gen/06.txt", 7, true],
        ["gen/07.txt", 8, true],
        ["gen/08.txt", 9, false],
        ["gen/09.txt", 10, false],
      ]);
    } finally {
      s.limits.compareFiles = 300;
      s.limits.patch.maxChangedLines = 20_000;
    }
  });

  it("serve a commit with its parents, stats and files, a recursive tree, and refs", async () => {
    fake.state.addTag("acme", "app", "v1.0.0", first);
    const c = await octokit.rest.repos.getCommit({ owner: "acme", repo: "app", ref: "v1.0.0" });
    expect(c.data).toMatchObject({ sha: first, parents: [{ sha: mainTip }], author: { login: "dev1", type: "User" }, stats: { additions: 1, deletions: 1 } });
    expect(c.data.files?.map((f) => f.filename)).toEqual(["docs/new.md", "src/app.ts"]);
    const tree = await octokit.rest.git.getTree({ owner: "acme", repo: "app", tree_sha: c.data.commit.tree.sha, recursive: "1" });
    expect(tree.data.truncated).toBe(false);
    expect(tree.data.tree.map((e) => `${e.type} ${e.path}`)).toEqual(
      ["blob .github/rolegate.yml", "tree .github", "blob docs/new.md", "tree docs", "blob src/app.ts", "tree src"].sort((a, b) =>
        a.slice(5).localeCompare(b.slice(5)),
      ),
    );
    const ref = await octokit.rest.git.getRef({ owner: "acme", repo: "app", ref: "tags/v1.0.0" });
    expect(ref.data).toMatchObject({ ref: "refs/tags/v1.0.0", object: { type: "commit", sha: first } });
    const heads = await octokit.rest.git.listMatchingRefs({ owner: "acme", repo: "app", ref: "heads/fe" });
    expect(heads.data.map((r) => r.ref)).toEqual(["refs/heads/feat"]);
    await expect(octokit.rest.git.getRef({ owner: "acme", repo: "app", ref: "heads/nope" })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.repos.getCommit({ owner: "acme", repo: "app", ref: "nope" })).rejects.toMatchObject({ status: 422 });
  });

  it("resolve GraphQL ref names and object expressions as git does: a tag shadows a branch of the same name", async () => {
    const s = fake.state;
    const evil = s.commit("acme", "app", { parents: [mainTip], changes: { ".github/rolegate.yml": EVIL_POLICY }, author: "mallory", message: "Loosen" });
    s.addTag("acme", "app", "main", evil);
    const q = await octokit.graphql<{
      repository: {
        bare: { text: string } | null;
        qualified: { text: string } | null;
        bySha: { text: string } | null;
        ref: { name: string; prefix: string; target: { oid: string } } | null;
        branch: { name: string; prefix: string } | null;
      };
    }>(
      `query ($sha: String!) { repository(owner: "acme", name: "app") {
        bare: object(expression: "main:.github/rolegate.yml") { ... on Blob { text } }
        qualified: object(expression: "refs/heads/main:.github/rolegate.yml") { ... on Blob { text } }
        bySha: object(expression: $sha) { ... on Blob { text } }
        ref(qualifiedName: "main") { name prefix target { oid } }
        branch: ref(qualifiedName: "refs/heads/main") { name prefix }
      } }`,
      { sha: `${mainTip}:.github/rolegate.yml` },
    );
    expect(q.repository.bare?.text).toBe(EVIL_POLICY);
    expect(q.repository.qualified?.text).toBe(POLICY);
    expect(q.repository.bySha?.text).toBe(POLICY);
    expect(q.repository.ref).toEqual({ name: "main", prefix: "refs/tags/", target: { oid: evil } });
    expect(q.repository.branch).toEqual({ name: "main", prefix: "refs/heads/" });
    s.repo("acme", "app").tags.delete("main");
  });

  it("refuses setFile on a commit of the graph (make a commit instead)", () => {
    expect(() => fake.state.setFile("acme", "app", "feat", "x.txt", "x")).toThrow("change its files with commit(), not setFile()");
  });
});

describe("updating, rebasing and merging", () => {
  it("'Update branch' merges the base tip into the head, authored by the clicker and committed by GitHub", async () => {
    const s = fake.state;
    const base = s.commit("acme", "app", { branch: "main", changes: { "CHANGELOG.md": "v2\n" }, author: "lead", message: "Changelog" });
    const head = s.pullRequest("acme", "app", 1).pull.head.sha;
    const merged = s.updateBranch("acme", "app", 1, "olga");
    const c = await octokit.rest.repos.getCommit({ owner: "acme", repo: "app", ref: merged });
    expect(c.data.parents.map((p) => p.sha)).toEqual([head, base]);
    expect(c.data).toMatchObject({ author: { login: "olga" }, committer: { login: "web-flow" }, commit: { message: "Merge branch 'main' into feat" } });
    const files = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "app", pull_number: 1 });
    expect(files.data.map((f) => f.filename)).toEqual(["deps.lock", "docs/new.md", "src/app.ts"]);
  });

  it("rebase replays the pull request's commits on the base tip: new SHAs, same changes and authors", async () => {
    const s = fake.state;
    s.commit("acme", "app", { branch: "main", changes: { NOTICE: "n\n" }, author: "lead", message: "Notice" });
    s.addPullRequest({ owner: "acme", repo: "app", number: 4, author: "dev1", base: { ref: "main" }, head: { ref: "feat2", sha: second } });
    const before = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "app", pull_number: 4 });
    const tip = s.rebase("acme", "app", 4);
    const commits = await octokit.rest.pulls.listCommits({ owner: "acme", repo: "app", pull_number: 4 });
    expect(commits.data.map((c) => c.commit.message)).toEqual(["Rework the app\n\nCo-authored-by: dev2 <" + s.noreplyEmail("dev2") + ">", "Bump left-pad"]);
    expect(commits.data.map((c) => c.author?.login)).toEqual(["dev1", "renovate[bot]"]);
    expect(commits.data.map((c) => c.sha)).not.toContain(first);
    expect(commits.data[0]?.parents[0]?.sha).toBe(s.repo("acme", "app").branches.get("main"));
    expect(commits.data.at(-1)?.sha).toBe(tip);
    const after = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "app", pull_number: 4 });
    expect(after.data.map((f) => [f.filename, f.patch])).toEqual(before.data.map((f) => [f.filename, f.patch]));
  });

  it("a REST merge of a graph pull request makes a real merge commit on the base branch", async () => {
    const s = fake.state;
    const baseTip = s.repo("acme", "app").branches.get("main");
    const res = await octokit.rest.pulls.merge({ owner: "acme", repo: "app", pull_number: 4 });
    const c = await octokit.rest.repos.getCommit({ owner: "acme", repo: "app", ref: "main" });
    expect(c.data.sha).toBe(res.data.sha);
    expect(c.data.parents.map((p) => p.sha)).toEqual([baseTip, s.pullRequest("acme", "app", 4).pull.head.sha]);
    expect(c.data.commit.message).toMatch(/^Merge pull request #4 from acme\/feat2/);
  });
});
