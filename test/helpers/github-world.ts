import { createHash, generateKeyPairSync } from "node:crypto";
import examples from "@octokit/webhooks-examples";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { rolegateApp } from "../../src/app/app.js";
import { RolegateService } from "../../src/app/service.js";

/**
 * A pull request's world on GitHub, answered through nock at api.github.com. Every call is
 * recorded so tests can assert what was posted and how many requests an event cost.
 */
export interface World {
  owner: string;
  repo: string;
  /** Files per branch name or commit SHA (policy files, parents). */
  trees: Record<string, Record<string, string>>;
  /** Tip commit of each branch. */
  tips: Record<string, string>;
  /** Files at the default branch of other repositories, by `owner/repo` (e.g. the org's `.github`). */
  otherRepos: Record<string, Record<string, string>>;
  pr: {
    number: number;
    author: string;
    base: string;
    head: string;
    draft: boolean;
    state: "OPEN" | "CLOSED" | "MERGED";
    labels: string[];
    reviews: { user: string; state: string; commit: string; at: string }[];
    commits: { author: string; committer: string }[];
    files: { filename: string; status: string; previous_filename?: string }[];
    baseChanges: string[];
    mergedBy?: string;
  };
  /** Team members by `org/slug`, or an HTTP status to fail with. */
  teams: Record<string, string[] | number>;
  permissions: Record<string, string>;
  admins: string[];
  /** Branches with branch protection. */
  protectedBranches: string[];
  /** Commits that came from a merged pull request (`commits/{sha}/pulls` lists it merged). */
  mergedCommits: string[];
  calls: string[];
  /** Variables of every GraphQL request, in order. */
  graphqlVariables: Record<string, unknown>[];
  checkRuns: any[];
  issues: any[];
  comments: any[];
  reviewRequests: any[];
  merges: any[];
}

export function world(overrides: Partial<Omit<World, "pr">> & { pr?: Partial<World["pr"]> } = {}): World {
  const { pr, ...rest } = overrides;
  return {
    owner: "acme",
    repo: "app",
    trees: {},
    tips: { main: "base000" },
    otherRepos: {},
    teams: {},
    permissions: {},
    admins: [],
    protectedBranches: ["main"],
    mergedCommits: [],
    calls: [],
    graphqlVariables: [],
    checkRuns: [],
    issues: [],
    comments: [],
    reviewRequests: [],
    merges: [],
    ...rest,
    pr: {
      number: 7,
      author: "dev1",
      base: "main",
      head: "head111",
      draft: false,
      state: "OPEN",
      labels: [],
      reviews: [],
      commits: [{ author: "dev1", committer: "dev1" }],
      files: [],
      baseChanges: [],
      ...pr,
    },
  };
}

/** Git's blob SHA: the same text has the same SHA everywhere, as on GitHub. */
function blobSha(text: string): string {
  return createHash("sha1")
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest("hex");
}

function blob(w: World, expression: string) {
  const i = expression.indexOf(":");
  // A fully qualified branch reads the branch's tip; a bare name or a SHA is looked up as given.
  const given = expression.slice(0, i);
  const ref = given.startsWith("refs/heads/") ? (w.tips[given.slice("refs/heads/".length)] ?? given) : given;
  const path = expression.slice(i + 1);
  const text = w.trees[ref]?.[path] ?? (w.tips[ref] ? w.trees[w.tips[ref]!]?.[path] : undefined);
  return text === undefined ? null : { oid: blobSha(text), text, isTruncated: false };
}

function withoutText(b: ReturnType<typeof blob>, withText: unknown) {
  if (!b || withText !== false) return b;
  const { text: _text, ...rest } = b;
  return rest;
}

/** A blob of the world by its oid, wherever it is. */
function blobByOid(w: World, oid: string) {
  for (const [ref, files] of Object.entries(w.trees))
    for (const path of Object.keys(files)) {
      const b = blob(w, `${ref}:${path}`);
      if (b?.oid === oid) return b;
    }
  return null;
}

function prQuery(w: World, v: Record<string, any>) {
  const p = w.pr;
  return {
    data: {
      repository: {
        pullRequest: {
          number: p.number,
          state: p.state,
          isDraft: p.draft,
          author: { login: p.author },
          baseRefName: p.base,
          headRefOid: p.head,
          mergedBy: p.mergedBy ? { login: p.mergedBy } : null,
          baseRef: { target: { oid: w.tips[p.base] ?? "missing" } },
          labels: { nodes: p.labels.map((name) => ({ name })), pageInfo: { hasNextPage: false } },
          reviews: {
            nodes: p.reviews.map((r) => ({ author: { login: r.user }, state: r.state, submittedAt: r.at, commit: { oid: r.commit } })),
            pageInfo: { hasNextPage: false, endCursor: null },
          },
          commits: {
            nodes: p.commits.map((c, i) => ({
              commit: { oid: `c${i}`, authors: { nodes: [{ user: { login: c.author } }] }, committer: { user: { login: c.committer } } },
            })),
            pageInfo: { hasNextPage: false, endCursor: null },
          },
          changedFiles: p.files.length,
          ...(v.withFiles === false
            ? {}
            : {
                files: {
                  nodes: p.files.slice(0, 100).map((f) => ({ path: f.filename, changeType: f.status === "removed" ? "DELETED" : f.status.toUpperCase() })),
                  pageInfo: { hasNextPage: p.files.length > 100 },
                },
              }),
          timelineItems: { nodes: p.baseChanges.map((createdAt) => ({ __typename: "BaseRefChangedEvent", createdAt })) },
        },
        // `text @include(if: $withText)`
        yml: withoutText(blob(w, v.ymlExpr!), v.withText),
        yaml: withoutText(blob(w, v.yamlExpr!), v.withText),
      },
    },
  };
}

/** Routes api.github.com to the world. Call `nock.cleanAll()` after each test. */
export function serve(w: World): void {
  const api = nock("https://api.github.com").persist();
  const record = (method: string, path: string) => {
    w.calls.push(`${method} ${path.split("?")[0]}`);
    if (process.env.TRACE_CALLS) console.log(Date.now() % 100000, method, path);
  };
  api
    .post(/\/app\/installations\/\d+\/access_tokens/)
    .reply(201, () => ({ token: "ghs_test", expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {} }));
  api.post("/graphql").reply(200, (uri, body: any) => {
    record("POST", uri);
    w.graphqlVariables.push(body.variables ?? {});
    if (body.query.includes("RolegatePullRequest")) return prQuery(w, body.variables);
    // Before a merge: no merge queue on the base branch, the pull request as it is.
    if (body.query.includes("RolegateMergeTarget"))
      return { data: { repository: { mergeQueue: null, pullRequest: { id: `PR_${w.pr.number}`, baseRefName: w.pr.base, headRefOid: w.pr.head } } } };
    if (body.query.includes("RolegateBlobByOid")) return { data: { repository: { object: blobByOid(w, body.variables.oid) } } };
    if (body.query.includes("RolegateBlob")) {
      const v = body.variables;
      if (`${v.owner}/${v.name}` !== `${w.owner}/${w.repo}`) {
        const files = w.otherRepos[`${v.owner}/${v.name}`];
        if (!files)
          return {
            data: { repository: null },
            errors: [{ type: "NOT_FOUND", message: `Could not resolve to a Repository with the name '${v.owner}/${v.name}'.` }],
          };
        const text = files[String(v.expr).replace(/^HEAD:/, "")];
        return { data: { repository: { object: text === undefined ? null : { oid: blobSha(text), text, isTruncated: false } } } };
      }
      return { data: { repository: { object: blob(w, v.expr) } } };
    }
    return { errors: [{ message: "unexpected query" }] };
  });
  api.get(/\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/files/).reply((uri) => {
    record("GET", uri);
    const page = Number(new URL(uri, "https://x").searchParams.get("page") ?? 1);
    return [200, w.pr.files.slice((page - 1) * 100, page * 100)];
  });
  api.get(/\/repos\/[^/]+\/[^/]+\/commits\/[^/]+\/pulls/).reply((uri) => {
    record("GET", uri);
    const sha = /commits\/([^/]+)\/pulls/.exec(uri)![1]!;
    if (w.mergedCommits.includes(sha))
      return [200, [{ number: w.pr.number, state: "closed", merged_at: "2026-11-20T12:00:00Z", base: { ref: w.pr.base }, head: { sha: w.pr.head } }]];
    return [200, sha === w.pr.head ? [{ number: w.pr.number, state: "open", merged_at: null, base: { ref: w.pr.base }, head: { sha: w.pr.head } }] : []];
  });
  api.get(/\/repos\/[^/]+\/[^/]+\/branches\/[^/?]+$/).reply((uri) => {
    record("GET", uri);
    const branch = decodeURIComponent(/branches\/([^/?]+)$/.exec(uri)![1]!);
    return [200, { name: branch, protected: w.protectedBranches.includes(branch), commit: { sha: w.tips[branch] ?? "unknown" } }];
  });
  api.get(/\/repos\/[^/]+\/[^/]+\/pulls\/\d+$/).reply((uri) => {
    record("GET", uri);
    return [200, { number: w.pr.number, base: { ref: w.pr.base, sha: w.tips[w.pr.base] }, head: { sha: w.pr.head } }];
  });
  api.post(/\/repos\/[^/]+\/[^/]+\/check-runs$/).reply((uri, body) => {
    record("POST", uri);
    w.checkRuns.push(body);
    return [201, { id: w.checkRuns.length }];
  });
  api.patch(/\/repos\/[^/]+\/[^/]+\/check-runs\/\d+$/).reply((uri, body) => {
    record("PATCH", uri);
    w.checkRuns.push({ patch: true, ...(body as object) });
    return [200, {}];
  });
  api.get(/\/orgs\/[^/]+\/teams\/[^/]+\/members/).reply((uri) => {
    record("GET", uri);
    const [, org, slug] = /\/orgs\/([^/]+)\/teams\/([^/?]+)/.exec(uri)!;
    const t = w.teams[`${org}/${slug}`];
    if (t === undefined) return [404, { message: "Not Found" }];
    if (typeof t === "number") return [t, { message: t === 403 ? "Resource not accessible by integration" : "Server Error" }];
    return [200, t.map((login) => ({ login }))];
  });
  api.get(/\/repos\/[^/]+\/[^/]+\/collaborators\/[^/]+\/permission/).reply((uri) => {
    record("GET", uri);
    const login = /collaborators\/([^/]+)\/permission/.exec(uri)![1]!;
    const permission = w.permissions[login];
    return permission ? [200, { permission, role_name: permission, user: { login } }] : [404, { message: "Not Found" }];
  });
  api.get(/\/repos\/[^/]+\/[^/]+\/collaborators\?/).reply((uri) => {
    record("GET", uri);
    return [200, w.admins.map((login) => ({ login }))];
  });
  api.post(/\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/requested_reviewers/).reply((uri, body) => {
    record("POST", uri);
    w.reviewRequests.push(body);
    return [201, {}];
  });
  api.post(/\/repos\/[^/]+\/[^/]+\/issues$/).reply((uri, body) => {
    record("POST", uri);
    w.issues.push(body);
    return [201, { number: 100 + w.issues.length }];
  });
  api.post(/\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments/).reply((uri, body) => {
    record("POST", uri);
    w.comments.push(body);
    return [201, { id: w.comments.length }];
  });
  api.put(/\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/merge/).reply((uri, body) => {
    record("PUT", uri);
    w.merges.push(body);
    return [200, { merged: true, sha: "merge999", message: "Pull Request successfully merged" }];
  });
}

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

export const silentLog = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  trace() {},
  fatal() {},
  child() {
    return silentLog;
  },
} as any;

/** A Probot instance running rolegate, with retries and throttling off so faults are visible at once. */
export function probotWith(service = new RolegateService(silentLog)): { probot: Probot; service: RolegateService } {
  const probot = new Probot({
    appId: 1,
    privateKey,
    log: silentLog,
    // The function form runs innermost, after Probot merged its own throttle defaults back in.
    Octokit: ProbotOctokit.defaults((options: object) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } })),
  });
  probot.load(rolegateApp({ service }));
  return { probot, service };
}

/** A copy of a realistic payload from @octokit/webhooks-examples for the event and action. */
export function examplePayload(name: string, action: string): any {
  const group = (examples as unknown as { name: string; examples: { action?: string }[] }[]).find((e) => e.name === name)!;
  return structuredClone(group.examples.find((x) => x.action === action) ?? group.examples[0]!);
}

/** That payload pointed at the world's repository (installation 42) and, when it has one, its pull request. */
export function worldPayload(w: World, name: string, action: string): any {
  const p = examplePayload(name, action);
  p.action = action;
  p.installation = { id: 42, node_id: "x" };
  p.repository.name = w.repo;
  p.repository.full_name = `${w.owner}/${w.repo}`;
  p.repository.owner.login = w.owner;
  if (p.pull_request) {
    p.pull_request.number = w.pr.number;
    p.pull_request.state = "open";
    p.pull_request.base.ref = w.pr.base;
    p.pull_request.head.sha = w.pr.head;
  }
  return p;
}
