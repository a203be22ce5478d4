/** GraphQL projections of merge queues, and the enqueuePullRequest mutation. */
import { commitNode, actorNode, gid } from "./graphql-git.js";
import { GitHubGraphQLError } from "./graphql.js";
import { pullRequestNode, repositoryNode } from "./graphql-root.js";
import { enqueuePullRequest, entryFor, type MergeQueueEntryRecord, type MergeQueueRecord } from "./merge-queue.js";
import { actorLogin, hasPermission, permissionsOf, type Auth } from "./rest-kit.js";
import type { FakeGitHubState, PullRequestRecord, RepoRecord } from "./state.js";
import type { Urls } from "./views.js";

type Node = Record<string, unknown>;

export function mergeQueueNode(state: FakeGitHubState, urls: Urls, repo: RepoRecord, queue: MergeQueueRecord): Node {
  const path = `/${repo.owner}/${repo.name}/queue/${queue.branch}`;
  return {
    __typename: "MergeQueue",
    id: queue.id,
    url: `${urls.web}${path}`,
    resourcePath: path,
    configuration: null,
    nextEntryEstimatedTimeToMerge: null,
    repository: () => repositoryNode(state, urls, repo),
    entries: () => queue.entries.map((e) => mergeQueueEntryNode(state, urls, repo, queue, e)),
  };
}

export function mergeQueueEntryNode(state: FakeGitHubState, urls: Urls, repo: RepoRecord, queue: MergeQueueRecord, entry: MergeQueueEntryRecord): Node {
  return {
    __typename: "MergeQueueEntry",
    id: entry.id,
    position: queue.entries.indexOf(entry) + 1,
    state: entry.state,
    jump: entry.jump,
    solo: false,
    enqueuedAt: entry.enqueuedAt,
    enqueuer: actorNode(state, urls, entry.enqueuer),
    estimatedTimeToMerge: null,
    headCommit: () => commitNode(state, urls, repo, entry.headSha),
    baseCommit: () => commitNode(state, urls, repo, entry.baseSha),
    pullRequest: () => pullRequestNode(state, urls, repo, repo.issues.get(entry.number) as PullRequestRecord),
    mergeQueue: () => mergeQueueNode(state, urls, repo, queue),
  };
}

/** PullRequest.mergeQueueEntry, or null when the pull request is not queued. */
export function entryNodeFor(state: FakeGitHubState, urls: Urls, repo: RepoRecord, number: number): Node | null {
  const hit = entryFor(repo, number);
  return hit ? mergeQueueEntryNode(state, urls, repo, hit.queue, hit.entry) : null;
}

function findPullByNodeId(state: FakeGitHubState, id: string): { repo: RepoRecord; pr: PullRequestRecord } | undefined {
  for (const repo of state.repos.values()) {
    for (const issue of repo.issues.values()) if (issue.pull && issue.nodeId === id) return { repo, pr: issue as PullRequestRecord };
  }
  return undefined;
}

export function enqueueMutation(state: FakeGitHubState, urls: Urls) {
  return (
    { input }: { input: { pullRequestId: string; expectedHeadOid?: string | null; jump?: boolean | null; clientMutationId?: string | null } },
    context: { auth: Auth },
  ): Node => {
    const perms = permissionsOf(state, context.auth);
    if (
      perms &&
      !hasPermission(perms, [
        ["contents", "write"],
        ["merge_queues", "write"],
      ])
    ) {
      throw new GitHubGraphQLError("Resource not accessible by integration", "FORBIDDEN");
    }
    const hit = findPullByNodeId(state, input.pullRequestId);
    if (!hit) throw new GitHubGraphQLError(`Could not resolve to a node with the global id of '${input.pullRequestId}'`, "NOT_FOUND");
    const entry = enqueuePullRequest(state, hit.repo, hit.pr, {
      expectedHeadOid: input.expectedHeadOid ?? null,
      jump: input.jump ?? null,
      enqueuer: actorLogin(state, context.auth),
    });
    const queue = hit.repo.mergeQueues.get(hit.pr.pull.base.ref) as MergeQueueRecord;
    return {
      clientMutationId: input.clientMutationId ?? null,
      mergeQueueEntry: mergeQueueEntryNode(state, urls, hit.repo, queue, entry),
      id: gid("EnqueuePullRequestPayload", entry.id),
    };
  };
}
