import type { GitHubApi, RepoRef } from "./api.js";

export const MERGE_QUEUE_QUERY = `
query RolegateMergeQueue($owner: String!, $name: String!, $branch: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    mergeQueue(branch: $branch) {
      entries(first: 100, after: $after) {
        nodes { position headCommit { oid } pullRequest { number } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;

/** A merge queue's group, as its `merge_group` event names it. */
export interface MergeGroupRef {
  headSha: string;
  /** The queue's branch (`main`, not `refs/heads/main`). */
  baseRef: string;
}

/** The group a `merge_group` event's payload names. */
export function mergeGroupOf(payload: { head_sha: string; base_ref: string }): MergeGroupRef {
  return { headSha: payload.head_sha, baseRef: String(payload.base_ref).replace(/^refs\/heads\//, "") };
}

/**
 * The pull requests in a merge group, read from the branch's merge queue: the entry whose
 * merge group commit is the group's head, and every entry ahead of it (its commit is built on
 * theirs, so it holds their changes too). Never guessed from the branch name. Answers a reason
 * instead when the group cannot be identified, which the caller must treat as a failure.
 */
export async function pullRequestsInMergeGroup(api: GitHubApi, repo: RepoRef, group: MergeGroupRef): Promise<number[] | { problem: string }> {
  const entries: { position: number; head?: string; number?: number }[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const data: any = await api.graphql(MERGE_QUEUE_QUERY, { owner: repo.owner, name: repo.repo, branch: group.baseRef, after });
    const queue = data?.repository?.mergeQueue;
    if (!queue) return { problem: `branch ${group.baseRef} has no merge queue, so the merge group ${group.headSha} cannot be identified` };
    for (const n of queue.entries.nodes ?? []) entries.push({ position: n.position, head: n.headCommit?.oid, number: n.pullRequest?.number });
    if (!queue.entries.pageInfo.hasNextPage) break;
    after = queue.entries.pageInfo.endCursor;
    if (after === null) return { problem: "the merge queue's pages ended without a cursor" };
  }
  const own = entries.find((e) => e.head === group.headSha);
  if (!own) return { problem: `no entry of the ${group.baseRef} merge queue has the group's head commit ${group.headSha}` };
  const members = entries.filter((e) => e.position <= own.position);
  if (members.some((e) => e.number === undefined)) return { problem: "an entry of the merge group has no pull request GitHub would name" };
  return members.sort((a, b) => a.position - b.position).map((e) => e.number!);
}
