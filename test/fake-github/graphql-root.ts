/**
 * GraphQL projection of the fake's records: plain objects whose array-valued
 * fields become connections (see graphql.ts) and whose function-valued fields
 * are called with the field arguments.
 */
import { GitHubGraphQLError, itemTypeOf } from "./graphql.js";
import type { FakeGitHubState, FileStatus, PullCommitRecord, PullRequestRecord, RepoRecord, TeamRecord } from "./state.js";
import { gitBlobSha, isoSeconds } from "./state.js";
import { authorAssociation, type Urls } from "./views.js";

type Node = Record<string, unknown>;

const CHANGE_TYPE: Record<FileStatus, string> = {
  added: "ADDED",
  removed: "DELETED",
  modified: "MODIFIED",
  renamed: "RENAMED",
  copied: "COPIED",
  changed: "CHANGED",
  unchanged: "CHANGED",
};

function gid(type: string, id: number | string): string {
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

/** GitActor.user is a User; commits by bots have user: null, like on GitHub. */
function userOrNull(state: FakeGitHubState, urls: Urls, login: string | null): Node | null {
  if (!login || login.endsWith("[bot]")) return null;
  return actorNode(state, urls, login);
}

function commitNode(state: FakeGitHubState, urls: Urls, repo: RepoRecord, c: PullCommitRecord): Node {
  const gitActor = (login: string | null, name: string, email: string) => ({
    __typename: "GitActor",
    name,
    email,
    date: c.date,
    user: userOrNull(state, urls, login),
    avatarUrl: `${urls.web}/avatars/u/0`,
  });
  const author = gitActor(c.author, c.authorName, c.authorEmail);
  return {
    __typename: "Commit",
    id: gid("Commit", c.sha),
    oid: c.sha,
    abbreviatedOid: c.sha.slice(0, 7),
    message: c.message,
    messageHeadline: c.message.split("\n")[0] ?? "",
    messageBody: c.message.split("\n").slice(2).join("\n"),
    authoredDate: c.date,
    committedDate: c.date,
    url: `${urls.web}/${repo.owner}/${repo.name}/commit/${c.sha}`,
    author,
    committer: gitActor(c.committer, c.committerName, c.committerEmail),
    authors: [author, ...c.coAuthors.map((l) => gitActor(l, l, `${l}@users.noreply.github.com`))],
    parents: [],
  };
}

function shallowCommit(oid: string): Node {
  return { __typename: "Commit", id: gid("Commit", oid), oid, abbreviatedOid: oid.slice(0, 7) };
}

export function pullRequestNode(state: FakeGitHubState, urls: Urls, repo: RepoRecord, pr: PullRequestRecord): Node {
  const p = pr.pull;
  const self = (): Node => pullRequestNode(state, urls, repo, pr);
  return {
    __typename: "PullRequest",
    id: pr.nodeId,
    databaseId: pr.id,
    fullDatabaseId: String(pr.id),
    number: pr.number,
    title: pr.title,
    body: pr.body ?? "",
    url: `${urls.web}/${repo.owner}/${repo.name}/pull/${pr.number}`,
    isDraft: p.draft,
    state: p.merged ? "MERGED" : pr.state === "open" ? "OPEN" : "CLOSED",
    closed: pr.state === "closed",
    merged: p.merged,
    mergedAt: p.mergedAt,
    mergedBy: p.mergedBy ? actorNode(state, urls, p.mergedBy) : null,
    mergeCommit: p.mergeCommitSha ? shallowCommit(p.mergeCommitSha) : null,
    mergeable: p.mergeable === null ? "UNKNOWN" : p.mergeable ? "MERGEABLE" : "CONFLICTING",
    createdAt: pr.createdAt,
    updatedAt: pr.updatedAt,
    closedAt: pr.closedAt,
    author: actorNode(state, urls, pr.author),
    authorAssociation: authorAssociation(state, repo, pr.author),
    baseRefName: p.base.ref,
    baseRefOid: p.base.sha,
    headRefName: p.head.ref,
    headRefOid: p.head.sha,
    // The live branch behind the pull request's base: null once the branch is deleted.
    baseRef: () => {
      const tip = repo.branches.get(p.base.ref);
      return tip
        ? { __typename: "Ref", id: gid("Ref", `${repo.owner}/${repo.name}/${p.base.ref}`), name: p.base.ref, prefix: "refs/heads/", target: shallowCommit(tip) }
        : null;
    },
    isCrossRepository: p.head.repo.toLowerCase() !== `${repo.owner}/${repo.name}`.toLowerCase(),
    additions: p.files.reduce((n, f) => n + f.additions, 0),
    deletions: p.files.reduce((n, f) => n + f.deletions, 0),
    changedFiles: p.files.length,
    repository: () => repositoryNode(state, urls, repo),
    baseRepository: () => repositoryNode(state, urls, repo),
    labels: () =>
      pr.labels.map((name) => {
        const l = state.label(repo, name);
        return { __typename: "Label", id: gid("Label", l.id), name: l.name, color: l.color, description: l.description };
      }),
    reviews: (args: { states?: string[] | null; author?: string | null }) =>
      p.reviews
        .filter((r) => r.state !== "PENDING")
        .filter((r) => !args.states || args.states.includes(r.state))
        .filter((r) => !args.author || r.user.toLowerCase() === args.author.toLowerCase())
        .map((r) => ({
          __typename: "PullRequestReview",
          id: gid("PullRequestReview", r.id),
          databaseId: r.id,
          author: actorNode(state, urls, r.user),
          authorAssociation: authorAssociation(state, repo, r.user),
          state: r.state,
          body: r.body,
          submittedAt: r.submitted_at,
          createdAt: r.submitted_at ?? pr.createdAt,
          commit: shallowCommit(r.commit_id),
          url: `${urls.web}/${repo.owner}/${repo.name}/pull/${pr.number}#pullrequestreview-${r.id}`,
          pullRequest: self,
        })),
    commits: () =>
      p.commits.map((c) => ({
        __typename: "PullRequestCommit",
        id: gid("PullRequestCommit", `${pr.id}:${c.sha}`),
        commit: commitNode(state, urls, repo, c),
        url: `${urls.web}/${repo.owner}/${repo.name}/pull/${pr.number}/commits/${c.sha}`,
        pullRequest: self,
      })),
    files: () =>
      p.files.map((f) => ({
        __typename: "PullRequestChangedFile",
        path: f.filename,
        changeType: CHANGE_TYPE[f.status],
        additions: f.additions,
        deletions: f.deletions,
        viewerViewedState: "UNVIEWED",
      })),
    reviewRequests: () =>
      [
        ...p.requestedReviewers.map((login) => actorNode(state, urls, login)),
        ...p.requestedTeams.map((slug) => teamNode(state, urls, state.findTeam(repo.owner, slug) ?? { slug, name: slug, org: repo.owner })),
      ].map((requestedReviewer) => ({ __typename: "ReviewRequest", requestedReviewer, asCodeOwner: false })),
    timelineItems: (args: { itemTypes?: string[] | null; since?: string | null }) =>
      p.timeline.filter((e) => !args.itemTypes || args.itemTypes.includes(itemTypeOf(e.__typename))).filter((e) => !args.since || e.createdAt >= args.since),
  };
}

function teamNode(state: FakeGitHubState, urls: Urls, team: TeamRecord | { slug: string; name: string; org: string }): Node {
  const members = "members" in team ? [...team.members.values()] : [];
  return {
    __typename: "Team",
    id: gid("Team", `${team.org}/${team.slug}`),
    slug: team.slug,
    name: team.name,
    combinedSlug: `${team.org}/${team.slug}`,
    url: `${urls.web}/orgs/${team.org}/teams/${team.slug}`,
    members: (args: { role?: string | null }) =>
      members.filter((m) => !args.role || m.role.toUpperCase() === args.role).map((m) => actorNode(state, urls, m.login)),
  };
}

export function repositoryNode(state: FakeGitHubState, urls: Urls, repo: RepoRecord): Node {
  return {
    __typename: "Repository",
    id: repo.nodeId,
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    owner: { __typename: repo.ownerType, login: repo.owner, id: gid(repo.ownerType, state.userId(repo.owner)) },
    isPrivate: repo.private,
    url: `${urls.web}/${repo.owner}/${repo.name}`,
    defaultBranchRef: () => refNode(repo, repo.defaultBranch),
    ref: ({ qualifiedName }: { qualifiedName: string }) => {
      const name = qualifiedName.replace(/^refs\/heads\//, "");
      return repo.branches.has(name) ? refNode(repo, name) : null;
    },
    pullRequest: ({ number }: { number: number }) => {
      const issue = repo.issues.get(number);
      if (!issue?.pull) {
        throw new GitHubGraphQLError(`Could not resolve to a PullRequest with the number of ${number}.`, "NOT_FOUND");
      }
      return pullRequestNode(state, urls, repo, issue as PullRequestRecord);
    },
    pullRequests: (args: { states?: string[] | null; baseRefName?: string | null; headRefName?: string | null; labels?: string[] | null }) =>
      [...repo.issues.values()]
        .filter((i): i is PullRequestRecord => !!i.pull)
        .map((pr) => ({ pr, node: pullRequestNode(state, urls, repo, pr) }))
        .filter(({ node }) => !args.states || args.states.includes(node["state"] as string))
        .filter(({ pr }) => !args.baseRefName || pr.pull.base.ref === args.baseRefName)
        .filter(({ pr }) => !args.headRefName || pr.pull.head.ref === args.headRefName)
        .filter(({ pr }) => !args.labels || args.labels.some((l) => pr.labels.includes(l)))
        .map(({ node }) => node),
    object: ({ expression, oid }: { expression?: string | null; oid?: string | null }) => {
      if (oid) {
        // A blob the repository holds under any ref, else a commit.
        for (const [ref, files] of repo.files) {
          for (const [path, text] of files) if (gitBlobSha(text) === oid) return blobNode(ref, path, text);
        }
        return shallowCommit(oid);
      }
      if (!expression) return null;
      const colon = expression.indexOf(":");
      if (colon < 0) {
        const sha = state.resolveSha(repo, expression);
        return state.refExists(repo, expression) ? shallowCommit(sha) : null;
      }
      const ref = expression.slice(0, colon) || repo.defaultBranch;
      const path = expression.slice(colon + 1);
      const text = state.treeAt(repo, ref)?.get(path);
      if (text === undefined) return null;
      return blobNode(ref, path, text);
    },
  };
}

function blobNode(ref: string, path: string, text: string): Node {
  return {
    __typename: "Blob",
    id: gid("Blob", `${ref}:${path}`),
    oid: gitBlobSha(text),
    abbreviatedOid: gitBlobSha(text).slice(0, 7),
    text,
    byteSize: Buffer.byteLength(text),
    isBinary: false,
    isTruncated: false,
  };
}

function refNode(repo: RepoRecord, name: string): Node {
  const sha = repo.branches.get(name) ?? "";
  return { __typename: "Ref", id: gid("Ref", `${repo.id}:${name}`), name, prefix: "refs/heads/", target: shallowCommit(sha) };
}

export function graphqlRoot(state: FakeGitHubState, urls: Urls): Node {
  return {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = state.findRepo(owner, name);
      if (!repo) throw new GitHubGraphQLError(`Could not resolve to a Repository with the name '${owner}/${name}'.`, "NOT_FOUND");
      return repositoryNode(state, urls, repo);
    },
    organization: ({ login }: { login: string }) => {
      const known =
        [...state.teams.values()].some((t) => t.org.toLowerCase() === login.toLowerCase()) ||
        [...state.repos.values()].some((r) => r.owner.toLowerCase() === login.toLowerCase() && r.ownerType === "Organization");
      if (!known) throw new GitHubGraphQLError(`Could not resolve to an Organization with the login of '${login}'.`, "NOT_FOUND");
      return {
        __typename: "Organization",
        login,
        id: gid("Organization", state.userId(login)),
        team: ({ slug }: { slug: string }) => {
          const team = state.findTeam(login, slug);
          return team ? teamNode(state, urls, team) : null;
        },
      };
    },
    user: ({ login }: { login: string }) => actorNode(state, urls, login),
    rateLimit: () => {
      const g = state.rateLimit.graphql;
      return {
        cost: 1,
        limit: g.limit,
        remaining: g.remaining,
        used: g.limit - g.remaining,
        nodeCount: 0,
        resetAt: isoSeconds(new Date(g.resetAt * 1000)),
      };
    },
  };
}
