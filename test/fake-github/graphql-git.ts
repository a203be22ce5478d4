/**
 * GraphQL projections of commits, refs, blobs and the status check rollup.
 * Commit fields are functions, so a commit is only looked up when a query
 * asks for more than its oid.
 */
import { describeCommit, treeOfResolved } from "./git-ops.js";
import { gitBlobSha } from "./git-objects.js";
import { fullMessage, type CommitRecord, type GitIdentity } from "./graph.js";
import { connection, type ConnectionArgs } from "./graphql.js";
import { resolveRef, type ResolvedRef } from "./refs.js";
import type { CheckRunRecord, FakeGitHubState, RepoRecord } from "./state.js";
import { combinedState, latestStatuses, statusRollup, type CommitStatusRecord } from "./statuses.js";
import type { Urls } from "./views.js";

type Node = Record<string, unknown>;

export function gid(type: string, id: number | string): string {
  return Buffer.from(`${type}:${id}`).toString("base64");
}

/** Actor interface value. GraphQL spells bot logins without the REST "[bot]" suffix. */
export function actorNode(state: FakeGitHubState, urls: Urls, login: string): Node {
  const bot = login.endsWith("[bot]");
  const plain = bot ? login.slice(0, -"[bot]".length) : login;
  return {
    __typename: bot ? "Bot" : "User",
    login: plain,
    id: gid(bot ? "Bot" : "User", state.userId(login)),
    databaseId: state.userId(login),
    url: `${urls.web}/${bot ? `apps/${plain}` : plain}`,
    avatarUrl: `${urls.web}/avatars/u/${state.userId(login)}`,
    resourcePath: `/${plain}`,
  };
}

/** GitActor: `user` is the User behind the e-mail; a bot or a plain e-mail has none. */
function gitActorNode(state: FakeGitHubState, urls: Urls, who: GitIdentity): Node {
  return {
    __typename: "GitActor",
    name: who.name,
    email: who.email,
    date: who.date,
    user: who.login && !who.login.endsWith("[bot]") ? actorNode(state, urls, who.login) : null,
    avatarUrl: `${urls.web}/avatars/u/0`,
  };
}

export function commitNode(state: FakeGitHubState, urls: Urls, repo: RepoRecord, sha: string, known?: CommitRecord): Node {
  let cached = known;
  const c = () => {
    cached ??= describeCommit(state, repo, sha);
    return cached;
  };
  const url = `${urls.web}/${repo.owner}/${repo.name}/commit/${sha}`;
  return {
    __typename: "Commit",
    id: gid("Commit", sha),
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    url,
    commitUrl: url,
    resourcePath: `/${repo.owner}/${repo.name}/commit/${sha}`,
    message: () => fullMessage(c()),
    messageHeadline: () => fullMessage(c()).split("\n")[0] ?? "",
    messageBody: () => fullMessage(c()).split("\n").slice(2).join("\n"),
    authoredDate: () => c().author.date,
    committedDate: () => c().committer.date,
    author: () => gitActorNode(state, urls, c().author),
    committer: () => gitActorNode(state, urls, c().committer),
    authors: () => [c().author, ...c().coAuthors].map((a) => gitActorNode(state, urls, a)),
    parents: () => c().parents.map((p) => commitNode(state, urls, repo, p)),
    tree: () => ({ __typename: "Tree", id: gid("Tree", c().treeSha), oid: c().treeSha, abbreviatedOid: c().treeSha.slice(0, 7) }),
    statusCheckRollup: () => rollupNode(state, urls, repo, sha),
    status: () => statusNode(state, urls, repo, sha),
  };
}

export function blobNode(ref: string, path: string, text: string): Node {
  return {
    __typename: "Blob",
    id: gid("Blob", `${ref}:${path}`),
    oid: gitBlobSha(text),
    abbreviatedOid: gitBlobSha(text).slice(0, 7),
    text,
    byteSize: Buffer.byteLength(text),
    isBinary: text.includes("\0"),
    isTruncated: false,
  };
}

export function refNode(state: FakeGitHubState, urls: Urls, repo: RepoRecord, ref: ResolvedRef & { kind: "branch" | "tag" }): Node {
  return {
    __typename: "Ref",
    id: gid("Ref", `${repo.id}:${ref.qualified}`),
    name: ref.name,
    prefix: ref.kind === "branch" ? "refs/heads/" : "refs/tags/",
    target: commitNode(state, urls, repo, ref.sha),
  };
}

/** Repository.ref(qualifiedName:): git's reading of the name (a tag shadows a branch of the same bare name). */
export function refByName(state: FakeGitHubState, urls: Urls, repo: RepoRecord, qualifiedName: string): Node | null {
  const resolved = resolveRef(repo, qualifiedName);
  return resolved && resolved.kind !== "commit" ? refNode(state, urls, repo, resolved) : null;
}

/** Repository.object(expression:): "REV" is a commit, "REV:path" a blob, REV resolved as git does. */
export function objectByExpression(state: FakeGitHubState, urls: Urls, repo: RepoRecord, expression: string): Node | null {
  const colon = expression.indexOf(":");
  const rev = colon < 0 ? expression : expression.slice(0, colon) || "HEAD";
  const resolved = resolveRef(repo, rev) ?? (repo.files.has(rev) ? undefined : null);
  if (colon < 0) return resolved === null ? null : commitNode(state, urls, repo, resolved?.sha ?? rev);
  const path = expression.slice(colon + 1);
  // setFile() may have stored files under a ref name that is no branch: keep finding them.
  const tree = resolved ? treeOfResolved(repo, resolved) : repo.files.get(rev);
  const text = tree?.get(path);
  return text === undefined ? null : blobNode(rev, path, text);
}

function checkRunNode(state: FakeGitHubState, urls: Urls, repo: RepoRecord, run: CheckRunRecord): Node {
  const app = state.apps.get(run.appId);
  return {
    __typename: "CheckRun",
    id: run.nodeId,
    databaseId: run.id,
    name: run.name,
    status: run.status.toUpperCase(),
    conclusion: run.conclusion ? run.conclusion.toUpperCase() : null,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    detailsUrl: run.detailsUrl,
    externalId: run.externalId,
    title: run.output.title,
    summary: run.output.summary,
    text: run.output.text,
    url: `${urls.web}/${repo.owner}/${repo.name}/runs/${run.id}`,
    permalink: `${urls.web}/${repo.owner}/${repo.name}/runs/${run.id}`,
    resourcePath: `/${repo.owner}/${repo.name}/runs/${run.id}`,
    isRequired: () => false,
    checkSuite: () => ({
      __typename: "CheckSuite",
      id: gid("CheckSuite", run.checkSuiteId),
      databaseId: run.checkSuiteId,
      app: app ? { __typename: "App", id: gid("App", app.id), databaseId: app.id, slug: app.slug, name: app.name } : null,
      commit: () => commitNode(state, urls, repo, run.headSha),
    }),
  };
}

function statusContextNode(state: FakeGitHubState, urls: Urls, repo: RepoRecord, s: CommitStatusRecord): Node {
  return {
    __typename: "StatusContext",
    id: s.nodeId,
    context: s.context,
    state: s.state.toUpperCase(),
    description: s.description,
    targetUrl: s.targetUrl,
    createdAt: s.createdAt,
    creator: actorNode(state, urls, s.creator),
    avatarUrl: `${urls.web}/avatars/u/${state.userId(s.creator)}`,
    isRequired: () => false,
    commit: () => commitNode(state, urls, repo, s.sha),
  };
}

function countsByState(states: readonly string[]): Array<{ state: string; count: number }> {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([state, count]) => ({ state, count }));
}

/** Commit.statusCheckRollup: the latest check run of each name and the latest status of each context; null when none. */
export function rollupNode(state: FakeGitHubState, urls: Urls, repo: RepoRecord, sha: string): Node | null {
  const rollup = statusRollup(state, repo, sha);
  if (!rollup) return null;
  const contexts = [...rollup.runs.map((r) => checkRunNode(state, urls, repo, r)), ...rollup.statuses.map((s) => statusContextNode(state, urls, repo, s))];
  return {
    __typename: "StatusCheckRollup",
    id: gid("StatusCheckRollup", sha),
    state: rollup.state,
    commit: () => commitNode(state, urls, repo, sha),
    contexts: (args: ConnectionArgs) => ({
      ...connection(contexts, args, "contexts"),
      checkRunCount: rollup.runs.length,
      statusContextCount: rollup.statuses.length,
      checkRunCountsByState: countsByState(rollup.runs.map((r) => (r.conclusion ?? r.status).toUpperCase())),
      statusContextCountsByState: countsByState(rollup.statuses.map((s) => s.state.toUpperCase())),
    }),
  };
}

/** Commit.status: the combined commit status; null when the commit has no statuses. */
function statusNode(state: FakeGitHubState, urls: Urls, repo: RepoRecord, sha: string): Node | null {
  const latest = latestStatuses(repo, sha);
  if (latest.length === 0) return null;
  return {
    __typename: "Status",
    id: gid("Status", sha),
    state: combinedState(latest).toUpperCase(),
    contexts: latest.map((s) => statusContextNode(state, urls, repo, s)),
    context: ({ name }: { name: string }) => {
      const s = latest.find((x) => x.context === name);
      return s ? statusContextNode(state, urls, repo, s) : null;
    },
    commit: () => commitNode(state, urls, repo, sha),
  };
}
