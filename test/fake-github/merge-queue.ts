/**
 * Merge queues. Each entry gets a merge group commit built on the entry ahead
 * of it (or the base tip), so a group holds the base branch, every pull request
 * ahead in the queue and the entry's own pull request, as GitHub's merge queue
 * does; the commit lives on a `gh-readonly-queue/<branch>/pr-<n>-<sha>` branch.
 */
import { GitHubGraphQLError } from "./graphql.js";
import { ensureGraphCommit, identityOf, WEB_FLOW } from "./git-ops.js";
import { makeCommit, mergeBase, mergeTrees, MergeConflictError } from "./graph.js";
import type { FakeGitHubState, PullRequestRecord, RepoRecord } from "./state.js";

export type MergeQueueEntryState = "QUEUED" | "AWAITING_CHECKS" | "MERGEABLE" | "UNMERGEABLE" | "LOCKED";

export interface MergeQueueEntryRecord {
  id: string;
  number: number;
  state: MergeQueueEntryState;
  /** the merge group commit: base tip + every entry ahead + this pull request */
  headSha: string;
  /** the commit the group commit was built on: the entry ahead's group commit, or the base tip */
  parentSha: string;
  /** tip of the base branch when the group was built */
  baseSha: string;
  /** `gh-readonly-queue/<branch>/pr-<n>-<parentSha>` */
  headRef: string;
  enqueuedAt: string;
  enqueuer: string;
  jump: boolean;
}

export interface MergeQueueRecord {
  id: string;
  branch: string;
  entries: MergeQueueEntryRecord[];
}

export function enableMergeQueue(state: FakeGitHubState, repo: RepoRecord, branch: string): MergeQueueRecord {
  const existing = repo.mergeQueues.get(branch);
  if (existing) return existing;
  if (!repo.branches.has(branch)) throw new Error(`fake GitHub: ${repo.owner}/${repo.name} has no branch '${branch}' to put a merge queue on`);
  const queue: MergeQueueRecord = { id: Buffer.from(`MergeQueue:${state.id()}`).toString("base64"), branch, entries: [] };
  repo.mergeQueues.set(branch, queue);
  return queue;
}

function groupCommit(state: FakeGitHubState, repo: RepoRecord, pr: PullRequestRecord, parentSha: string): { sha: string; state: MergeQueueEntryState } {
  const parent = ensureGraphCommit(repo, parentSha);
  const head = repo.commits.get(pr.pull.head.sha);
  let tree = parent.tree;
  if (head) {
    try {
      tree = mergeTrees(repo.commits.get(mergeBase(repo.commits, parentSha, head.sha) ?? "")?.tree ?? new Map(), parent.tree, head.tree);
    } catch (e) {
      if (e instanceof MergeConflictError) return { sha: parentSha, state: "UNMERGEABLE" };
      throw e;
    }
  }
  const date = state.timestamp();
  const commit = makeCommit({
    parents: [parentSha, pr.pull.head.sha],
    tree,
    author: identityOf(state, pr.author, date),
    committer: { ...WEB_FLOW, date },
    coAuthors: [],
    message: `Merge pull request #${pr.number} from ${pr.pull.head.repo.split("/")[0]}/${pr.pull.head.ref}\n\n${pr.title}`,
  });
  repo.commits.set(commit.sha, commit);
  repo.knownShas.add(commit.sha);
  return { sha: commit.sha, state: "AWAITING_CHECKS" };
}

/** (Re)builds the group commits of every entry from `from` on, each on the one ahead of it. */
function rebuild(state: FakeGitHubState, repo: RepoRecord, queue: MergeQueueRecord, from: number): void {
  const baseSha = repo.branches.get(queue.branch) ?? "";
  for (let i = from; i < queue.entries.length; i++) {
    const entry = queue.entries[i] as MergeQueueEntryRecord;
    const pr = repo.issues.get(entry.number) as PullRequestRecord;
    const parentSha = i === 0 ? baseSha : (queue.entries[i - 1] as MergeQueueEntryRecord).headSha;
    repo.branches.delete(entry.headRef);
    const built = groupCommit(state, repo, pr, parentSha);
    Object.assign(entry, {
      headSha: built.sha,
      state: built.state,
      parentSha,
      baseSha,
      headRef: `gh-readonly-queue/${queue.branch}/pr-${pr.number}-${parentSha}`,
    });
    repo.branches.set(entry.headRef, built.sha);
  }
}

export function entryFor(repo: RepoRecord, number: number): { queue: MergeQueueRecord; entry: MergeQueueEntryRecord; index: number } | undefined {
  for (const queue of repo.mergeQueues.values()) {
    const index = queue.entries.findIndex((e) => e.number === number);
    if (index >= 0) return { queue, entry: queue.entries[index] as MergeQueueEntryRecord, index };
  }
  return undefined;
}

const unprocessable = (message: string) => new GitHubGraphQLError(message, "UNPROCESSABLE");

/** The enqueuePullRequest mutation; GitHub's refusals become GraphQL errors. */
export function enqueuePullRequest(
  state: FakeGitHubState,
  repo: RepoRecord,
  pr: PullRequestRecord,
  input: { expectedHeadOid?: string | null; jump?: boolean | null; enqueuer: string },
): MergeQueueEntryRecord {
  const queue = repo.mergeQueues.get(pr.pull.base.ref);
  if (!queue) throw unprocessable(`The base branch '${pr.pull.base.ref}' of pull request #${pr.number} does not have a merge queue.`);
  if (pr.state !== "open" || pr.pull.merged) throw unprocessable(`Pull request #${pr.number} is closed.`);
  if (pr.pull.draft) throw unprocessable(`Pull request #${pr.number} is still a draft.`);
  if (input.expectedHeadOid && input.expectedHeadOid !== pr.pull.head.sha) {
    throw unprocessable(`Head sha of pull request #${pr.number} (${pr.pull.head.sha}) does not match the expected head ${input.expectedHeadOid}.`);
  }
  if (entryFor(repo, pr.number)) throw unprocessable(`Pull request #${pr.number} is already queued to merge.`);
  const entry: MergeQueueEntryRecord = {
    id: Buffer.from(`MergeQueueEntry:${state.id()}`).toString("base64"),
    number: pr.number,
    state: "QUEUED",
    headSha: "",
    parentSha: "",
    baseSha: "",
    headRef: "",
    enqueuedAt: state.timestamp(),
    enqueuer: input.enqueuer,
    jump: input.jump === true,
  };
  const at = entry.jump ? 0 : queue.entries.length;
  queue.entries.splice(at, 0, entry);
  rebuild(state, repo, queue, at);
  return entry;
}

/** Takes the pull request out of its queue (its head moved, or a test asks); the entries behind it are rebuilt. */
export function dequeuePullRequest(state: FakeGitHubState, repo: RepoRecord, pr: PullRequestRecord): boolean {
  const hit = entryFor(repo, pr.number);
  if (!hit) return false;
  hit.queue.entries.splice(hit.index, 1);
  repo.branches.delete(hit.entry.headRef);
  rebuild(state, repo, hit.queue, hit.index);
  return true;
}

/** The merge group GitHub runs checks on for an entry: that entry and every entry ahead of it. */
export function mergeGroupOf(repo: RepoRecord, number: number): { queue: MergeQueueRecord; entries: MergeQueueEntryRecord[]; entry: MergeQueueEntryRecord } {
  const hit = entryFor(repo, number);
  if (!hit) throw new Error(`fake GitHub: ${repo.owner}/${repo.name}#${number} is not in a merge queue`);
  return { queue: hit.queue, entries: hit.queue.entries.slice(0, hit.index + 1), entry: hit.entry };
}

/**
 * The queue merging its first entry: the base branch moves to the entry's merge group commit
 * and the pull request is merged by whoever queued it. The entries behind it already hold it.
 */
export function mergeFirstEntry(state: FakeGitHubState, repo: RepoRecord, branch: string): PullRequestRecord {
  const queue = repo.mergeQueues.get(branch);
  const entry = queue?.entries[0];
  if (!queue || !entry) throw new Error(`fake GitHub: the merge queue of ${repo.owner}/${repo.name}@${branch} is empty`);
  if (entry.state === "UNMERGEABLE") throw new Error(`fake GitHub: #${entry.number} conflicts with the entries ahead of it and cannot merge`);
  const pr = repo.issues.get(entry.number) as PullRequestRecord;
  const now = state.timestamp();
  queue.entries.shift();
  repo.branches.delete(entry.headRef);
  repo.branches.set(branch, entry.headSha);
  Object.assign(pr.pull, { merged: true, mergedAt: now, mergedBy: entry.enqueuer, mergeCommitSha: entry.headSha });
  pr.state = "closed";
  pr.closedAt = now;
  pr.updatedAt = now;
  const by = entry.enqueuer;
  pr.pull.timeline.push({
    __typename: "MergedEvent",
    createdAt: now,
    actor: { __typename: by.endsWith("[bot]") ? "Bot" : "User", login: by.replace(/\[bot\]$/, "") },
    commit: { __typename: "Commit", oid: entry.headSha },
    mergeRefName: branch,
  });
  state.merges.push({ owner: repo.owner, repo: repo.name, number: pr.number, sha: entry.headSha, method: "merge_queue", by, at: now, request: null });
  return pr;
}
