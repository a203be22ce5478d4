import type { GitHubApi, RepoRef } from "./api.js";

/** Whether the base branch has a merge queue, and the pull request's node ID and current base and head. */
export const MERGE_TARGET_QUERY = `
query RolegateMergeTarget($owner: String!, $name: String!, $branch: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    mergeQueue(branch: $branch) { id }
    pullRequest(number: $number) { id baseRefName headRefOid }
  }
}`;

export const ENQUEUE_MUTATION = `
mutation RolegateEnqueue($pullRequestId: ID!, $expectedHeadOid: GitObjectID!) {
  enqueuePullRequest(input: { pullRequestId: $pullRequestId, expectedHeadOid: $expectedHeadOid }) {
    mergeQueueEntry { position }
  }
}`;

export interface MergeRequest {
  number: number;
  /** The base branch the pull request was judged against. */
  baseRef: string;
  /** The head commit that was judged: GitHub refuses the merge if the head moved since. */
  headSha: string;
  method: "merge" | "squash" | "rebase";
}

/** How rolegate merged: by GitHub's merge API, or by putting the pull request in the base branch's merge queue. */
export type MergeOutcome = { kind: "merged" } | { kind: "queued"; position?: number };

/** GitHub (or this check) refused the merge, with its reason. */
export class MergeRefused extends Error {}

/**
 * Merges a pull request pinned to the judged head commit. Where the base branch has a merge
 * queue, GitHub refuses the merge API (merges must go through the queue), so the pull request
 * is enqueued instead with `expectedHeadOid`, which pins the head the same way. A base branch
 * that changed since the judgement is refused: the verdict was about the old one.
 */
export async function mergeOrEnqueue(api: GitHubApi, repo: RepoRef, request: MergeRequest): Promise<MergeOutcome> {
  const data: any = await api.graphql(MERGE_TARGET_QUERY, { owner: repo.owner, name: repo.repo, branch: request.baseRef, number: request.number });
  const pr = data?.repository?.pullRequest;
  if (!pr) throw new MergeRefused(`pull request #${request.number} could not be read`);
  if (pr.baseRefName !== request.baseRef)
    throw new MergeRefused(`the base branch changed to ${pr.baseRefName} since the pull request was judged against ${request.baseRef}`);
  if (pr.headRefOid !== request.headSha) throw new MergeRefused(`the head commit moved to ${pr.headRefOid} since ${request.headSha} was judged`);
  if (data.repository.mergeQueue) {
    const queued: any = await api.graphql(ENQUEUE_MUTATION, { pullRequestId: pr.id, expectedHeadOid: request.headSha });
    const position = queued?.enqueuePullRequest?.mergeQueueEntry?.position;
    return typeof position === "number" ? { kind: "queued", position } : { kind: "queued" };
  }
  await api.request("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", {
    owner: repo.owner,
    repo: repo.repo,
    pull_number: request.number,
    sha: request.headSha,
    merge_method: request.method,
  });
  return { kind: "merged" };
}

/** GitHub's reason for refusing a merge or an enqueue, in its own words. */
export function refusalMessage(e: unknown): string {
  const err = e as { response?: { data?: { message?: string } }; errors?: { message: string }[]; message?: string };
  if (Array.isArray(err.errors) && err.errors.length > 0) return err.errors.map((x) => x.message).join("; ");
  return err.response?.data?.message ?? err.message ?? String(e);
}
