/**
 * GraphQL projection of the fake's records: plain objects whose array-valued
 * fields become connections (see graphql.ts) and whose function-valued fields
 * are called with the field arguments.
 */
import { pullCommits } from "./git-ops.js";
import { actorNode, blobNode, commitNode, gid, objectByExpression, refByName, refNode, rollupNode } from "./graphql-git.js";
import { connection, GitHubGraphQLError, itemTypeOf, type ConnectionArgs } from "./graphql.js";
import { enqueueMutation, entryNodeFor, mergeQueueNode } from "./graphql-queue.js";
import { entryFor } from "./merge-queue.js";
import type { Auth } from "./rest-kit.js";
import type { FakeGitHubState, FileStatus, PullRequestRecord, RepoRecord, TeamRecord } from "./state.js";
import { gitBlobSha, isoSeconds } from "./state.js";
import { authorAssociation, type Urls } from "./views.js";

export { actorNode };

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
    mergeCommit: p.mergeCommitSha ? commitNode(state, urls, repo, p.mergeCommitSha) : null,
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
      return tip ? refNode(state, urls, repo, { kind: "branch", name: p.base.ref, qualified: `refs/heads/${p.base.ref}`, sha: tip }) : null;
    },
    headRef: () => {
      const tip = p.head.repo.toLowerCase() === `${repo.owner}/${repo.name}`.toLowerCase() ? repo.branches.get(p.head.ref) : undefined;
      return tip ? refNode(state, urls, repo, { kind: "branch", name: p.head.ref, qualified: `refs/heads/${p.head.ref}`, sha: tip }) : null;
    },
    isInMergeQueue: () => entryFor(repo, pr.number) !== undefined,
    mergeQueueEntry: () => entryNodeFor(state, urls, repo, pr.number),
    mergeQueue: () => {
      const queue = repo.mergeQueues.get(p.base.ref);
      return queue ? mergeQueueNode(state, urls, repo, queue) : null;
    },
    statusCheckRollup: () => rollupNode(state, urls, repo, p.head.sha),
    comments: () =>
      pr.comments.map((c) => ({
        __typename: "IssueComment",
        id: gid("IssueComment", c.id),
        databaseId: c.id,
        body: c.body,
        author: actorNode(state, urls, c.user),
        authorAssociation: authorAssociation(state, repo, c.user),
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        url: `${urls.web}/${repo.owner}/${repo.name}/pull/${pr.number}#issuecomment-${c.id}`,
      })),
    isCrossRepository: p.head.repo.toLowerCase() !== `${repo.owner}/${repo.name}`.toLowerCase(),
    // The owner of the repository the head branch lives in (a fork's owner for a fork).
    headRepositoryOwner: () => {
      const [login = repo.owner, name = repo.name] = p.head.repo.split("/");
      const type = state.findRepo(login, name)?.ownerType ?? (login.toLowerCase() === repo.owner.toLowerCase() ? repo.ownerType : "User");
      return { __typename: type, login, id: gid(type, state.userId(login)) };
    },
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
          commit: commitNode(state, urls, repo, r.commit_id),
          url: `${urls.web}/${repo.owner}/${repo.name}/pull/${pr.number}#pullrequestreview-${r.id}`,
          pullRequest: self,
        })),
    // GitHub lists at most 250 commits of a pull request; totalCount still counts them all.
    commits: (args: ConnectionArgs) => {
      const all = pullCommits(state, repo, pr);
      const listed = all.slice(0, state.limits.pullCommitsGraphQL).map((c) => ({
        __typename: "PullRequestCommit",
        id: gid("PullRequestCommit", `${pr.id}:${c.sha}`),
        commit: commitNode(state, urls, repo, c.sha, c),
        url: `${urls.web}/${repo.owner}/${repo.name}/pull/${pr.number}/commits/${c.sha}`,
        pullRequest: self,
      }));
      return { ...connection(listed, args, "commits"), totalCount: all.length };
    },
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
        ...p.requestedTeams.map((slug) => teamNode(state, urls, state.findTeam(repo.owner, slug) ?? { slug, name: slug, org: repo.owner, privacy: "closed" })),
      ].map((requestedReviewer) => ({ __typename: "ReviewRequest", requestedReviewer, asCodeOwner: false })),
    timelineItems: (args: { itemTypes?: string[] | null; since?: string | null }) =>
      p.timeline.filter((e) => !args.itemTypes || args.itemTypes.includes(itemTypeOf(e.__typename))).filter((e) => !args.since || e.createdAt >= args.since),
  };
}

function teamNode(state: FakeGitHubState, urls: Urls, team: TeamRecord | { slug: string; name: string; org: string; privacy: "secret" | "closed" }): Node {
  const members = "members" in team ? [...team.members.values()] : [];
  return {
    __typename: "Team",
    id: gid("Team", `${team.org}/${team.slug}`),
    slug: team.slug,
    name: team.name,
    combinedSlug: `${team.org}/${team.slug}`,
    privacy: team.privacy === "secret" ? "SECRET" : "VISIBLE",
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
    visibility: repo.visibility.toUpperCase(),
    // The queue of the named branch (default: the default branch), or null when it has none.
    mergeQueue: ({ branch }: { branch?: string | null }) => {
      const queue = repo.mergeQueues.get(branch ?? repo.defaultBranch);
      return queue ? mergeQueueNode(state, urls, repo, queue) : null;
    },
    url: `${urls.web}/${repo.owner}/${repo.name}`,
    defaultBranchRef: () =>
      refNode(state, urls, repo, {
        kind: "branch",
        name: repo.defaultBranch,
        qualified: `refs/heads/${repo.defaultBranch}`,
        sha: repo.branches.get(repo.defaultBranch) ?? "",
      }),
    ref: ({ qualifiedName }: { qualifiedName: string }) => refByName(state, urls, repo, qualifiedName),
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
        if (repo.commits.has(oid) || repo.knownShas.has(oid)) return commitNode(state, urls, repo, oid);
        // A blob the repository holds under any ref or commit, else a commit.
        for (const [ref, files] of repo.files) {
          for (const [path, text] of files) if (gitBlobSha(text) === oid) return blobNode(ref, path, text);
        }
        for (const c of repo.commits.values()) {
          for (const [path, text] of c.tree) if (gitBlobSha(text) === oid) return blobNode(c.sha, path, text);
        }
        return commitNode(state, urls, repo, oid);
      }
      return expression ? objectByExpression(state, urls, repo, expression) : null;
    },
  };
}

export function graphqlRoot(state: FakeGitHubState, urls: Urls): Node {
  return {
    repository: ({ owner, name }: { owner: string; name: string }, context: { auth?: Auth }) => {
      const found = state.findRepo(owner, name);
      // A GITHUB_TOKEN reaches its own repository and public ones; GitHub hides the rest as NOT_FOUND.
      const repo = found && context?.auth?.kind === "actions" && !state.actionsTokenSees(found) ? undefined : found;
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
    // Bots are not users: GitHub cannot resolve "renovate[bot]" as a User.
    user: ({ login }: { login: string }) => {
      if (login.endsWith("[bot]")) throw new GitHubGraphQLError(`Could not resolve to a User with the login of '${login}'.`, "NOT_FOUND");
      return actorNode(state, urls, login);
    },
    enqueuePullRequest: enqueueMutation(state, urls),
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
