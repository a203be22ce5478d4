/**
 * What happens to the commit graph when people push, click "Update branch",
 * rebase or merge, and how a pull request's commits and files follow from it.
 */
import { diffTrees, type FileChange } from "./diff.js";
import { gitBlobSha } from "./git-objects.js";
import {
  applyChanges,
  commitsBetween,
  isAncestor,
  makeCommit,
  mergeBase,
  mergeTrees,
  MergeConflictError,
  type CommitRecord,
  type GitIdentity,
} from "./graph.js";
import { dequeuePullRequest } from "./merge-queue.js";
import { resolveRef, type ResolvedRef } from "./refs.js";
import type { FakeGitHubState, PullCommitRecord, PullFileRecord, PullRequestRecord, RepoRecord } from "./state.js";

/** A GitHub login ("renovate[bot]" is a Bot), or a name and e-mail that may map to an account. */
export type Who = string | { name: string; email: string; login?: string | null };

export interface CommitInput {
  /** SHAs or ref names; default: the tip of `branch`, if it exists */
  parents?: string[];
  /** the whole tree: path → text (a NUL byte makes a file binary) */
  files?: Record<string, string>;
  /** edits to the first parent's tree: path → text, or null to delete */
  changes?: Record<string, string | null>;
  author?: Who;
  /** default: the author */
  committer?: Who;
  coAuthors?: Who[];
  message?: string;
  /** ISO time of authoring and committing; default: the fake's clock */
  date?: string;
  /** move this branch to the new commit (open pull requests from it follow) */
  branch?: string;
}

/** GitHub's identity on commits it makes for people (web merges, "Update branch"). */
export const WEB_FLOW: Omit<GitIdentity, "date"> = { name: "GitHub", email: "noreply@github.com", login: "web-flow" };

export function identityOf(state: FakeGitHubState, who: Who, date: string): GitIdentity {
  if (typeof who === "string") return { name: who, email: state.noreplyEmail(who), login: who, date };
  return { name: who.name, email: who.email, login: who.login ?? null, date };
}

function repoName(repo: RepoRecord): string {
  return `${repo.owner}/${repo.name}`;
}

/** A commit the repo knows but the graph does not (addRepo, setBranch): its tree is whatever setFile stored for it. */
export function ensureGraphCommit(repo: RepoRecord, sha: string): CommitRecord {
  const known = repo.commits.get(sha);
  if (known) return known;
  const tree = new Map(legacyTree(repo, sha) ?? []);
  const placeholder: GitIdentity = { name: "Fake", email: "fake@example.com", login: null, date: repo.createdAt };
  const made = makeCommit({ parents: [], tree, author: placeholder, committer: placeholder, coAuthors: [], message: `Commit ${sha.slice(0, 7)}` });
  const record: CommitRecord = { ...made, sha };
  repo.commits.set(sha, record);
  repo.knownShas.add(sha);
  return record;
}

function legacyTree(repo: RepoRecord, sha: string): Map<string, string> | undefined {
  const direct = repo.files.get(sha);
  if (direct) return direct;
  for (const [branch, tip] of repo.branches) if (tip === sha && repo.files.has(branch)) return repo.files.get(branch);
  return undefined;
}

/** The files at a resolved ref: the graph's tree when the commit is in it, else what setFile stored. */
export function treeOfResolved(repo: RepoRecord, resolved: ResolvedRef): Map<string, string> | undefined {
  const graph = repo.commits.get(resolved.sha);
  if (graph) return graph.tree;
  if (resolved.kind === "branch") return repo.files.get(resolved.name) ?? repo.files.get(resolved.sha);
  return legacyTree(repo, resolved.sha);
}

export function setFileGuard(repo: RepoRecord, ref: string): void {
  const resolved = resolveRef(repo, ref);
  if (resolved && repo.commits.has(resolved.sha)) {
    throw new Error(`fake GitHub: ${repoName(repo)}@${ref} is commit ${resolved.sha} of the commit graph; change its files with commit(), not setFile()`);
  }
}

function resolveOrThrow(repo: RepoRecord, ref: string): string {
  const resolved = resolveRef(repo, ref);
  if (!resolved) throw new Error(`fake GitHub: ${repoName(repo)} has no commit, branch or tag '${ref}'`);
  return resolved.sha;
}

export function createCommit(state: FakeGitHubState, repo: RepoRecord, input: CommitInput): CommitRecord {
  if (input.files && input.changes) throw new Error("fake GitHub: commit() takes `files` (the whole tree) or `changes`, not both");
  const tip = input.branch !== undefined ? repo.branches.get(input.branch) : undefined;
  const parents = (input.parents ?? (tip ? [tip] : [])).map((p) => ensureGraphCommit(repo, resolveOrThrow(repo, p)).sha);
  const base = parents[0] ? (repo.commits.get(parents[0])?.tree ?? new Map<string, string>()) : new Map<string, string>();
  const tree = input.files ? new Map(Object.entries(input.files).map(([p, t]) => [p.replace(/^\/+/, ""), t])) : applyChanges(base, input.changes ?? {});
  const date = input.date ?? state.timestamp();
  const author = identityOf(state, input.author ?? "octocat", date);
  const commit = makeCommit({
    parents,
    tree,
    author,
    committer: input.committer === undefined ? author : identityOf(state, input.committer, date),
    coAuthors: (input.coAuthors ?? []).map((c) => identityOf(state, c, date)),
    message: input.message ?? "Update files",
  });
  repo.commits.set(commit.sha, commit);
  repo.knownShas.add(commit.sha);
  if (input.branch !== undefined) pushBranch(state, repo, input.branch, commit.sha);
  return commit;
}

/** A push: the branch moves, and open pull requests from it that follow the graph move with it. */
export function pushBranch(state: FakeGitHubState, repo: RepoRecord, branch: string, sha: string, actor?: string): void {
  repo.branches.set(branch, sha);
  repo.knownShas.add(sha);
  for (const issue of repo.issues.values()) {
    const p = issue.pull;
    if (!p || issue.state !== "open" || p.head.ref !== branch || p.head.sha === sha) continue;
    if (p.head.repo.toLowerCase() !== repoName(repo).toLowerCase()) continue;
    if (p.fromGraph.files || p.fromGraph.commits) moveHead(state, repo, issue as PullRequestRecord, sha, actor);
  }
}

export function moveHead(state: FakeGitHubState, repo: RepoRecord, pr: PullRequestRecord, sha: string, actor?: string): void {
  const p = pr.pull;
  if (!repo.commits.has(sha) && (p.fromGraph.files || p.fromGraph.commits)) {
    throw new Error(`fake GitHub: ${repoName(repo)}#${pr.number} follows the commit graph; make ${sha} with commit() first`);
  }
  const before = p.head.sha;
  if (before === sha) return;
  p.head.sha = sha;
  repo.knownShas.add(sha);
  if (p.head.repo.toLowerCase() === repoName(repo).toLowerCase()) repo.branches.set(p.head.ref, sha);
  pr.updatedAt = state.timestamp();
  if (!isAncestor(repo.commits, before, sha)) {
    const login = actor ?? pr.author;
    p.timeline.push({
      __typename: "HeadRefForcePushedEvent",
      createdAt: pr.updatedAt,
      beforeCommit: { __typename: "Commit", oid: before },
      afterCommit: { __typename: "Commit", oid: sha },
      ref: { name: p.head.ref },
      actor: { __typename: login.endsWith("[bot]") ? "Bot" : "User", login: login.replace(/\[bot\]$/, "") },
      id: Buffer.from(`HeadRefForcePushedEvent${state.id()}`).toString("base64"),
    });
  }
  // GitHub takes a pull request out of the merge queue when its head changes.
  dequeuePullRequest(state, repo, pr);
}

function graphHead(repo: RepoRecord, pr: PullRequestRecord): CommitRecord {
  const head = repo.commits.get(pr.pull.head.sha);
  if (!head) throw new Error(`fake GitHub: ${repoName(repo)}#${pr.number} has a head outside the commit graph; build it with commit()`);
  return head;
}

function baseTipCommit(repo: RepoRecord, pr: PullRequestRecord): CommitRecord {
  const tip = repo.branches.get(pr.pull.base.ref) ?? pr.pull.base.sha;
  return ensureGraphCommit(repo, tip);
}

export function updateBranch(state: FakeGitHubState, repo: RepoRecord, pr: PullRequestRecord, actor: string): string {
  const head = graphHead(repo, pr);
  const base = baseTipCommit(repo, pr);
  if (isAncestor(repo.commits, base.sha, head.sha)) return head.sha;
  const mb = mergeBase(repo.commits, head.sha, base.sha);
  const tree = mergeTrees(repo.commits.get(mb ?? "")?.tree ?? new Map(), head.tree, base.tree);
  const date = state.timestamp();
  const commit = makeCommit({
    parents: [head.sha, base.sha],
    tree,
    author: identityOf(state, actor, date),
    committer: { ...WEB_FLOW, date },
    coAuthors: [],
    message: `Merge branch '${pr.pull.base.ref}' into ${pr.pull.head.ref}`,
  });
  repo.commits.set(commit.sha, commit);
  moveHead(state, repo, pr, commit.sha, actor);
  return commit.sha;
}

/** Replays commits onto `onto`, keeping each one's changes, author and message; returns the new tip. */
function replay(repo: RepoRecord, commits: readonly CommitRecord[], onto: CommitRecord, committer: (c: CommitRecord) => GitIdentity): CommitRecord {
  let parent = onto;
  for (const c of commits) {
    if (c.parents.length > 1) continue; // like git rebase, merges are dropped
    const before = repo.commits.get(c.parents[0] ?? "")?.tree ?? new Map<string, string>();
    const tree = new Map(parent.tree);
    const conflicts: string[] = [];
    for (const path of new Set([...before.keys(), ...c.tree.keys()])) {
      const was = before.get(path);
      const now = c.tree.get(path);
      if (was === now) continue;
      const theirs = parent.tree.get(path);
      if (theirs !== was && theirs !== now) conflicts.push(path);
      else if (now === undefined) tree.delete(path);
      else tree.set(path, now);
    }
    if (conflicts.length > 0) throw new MergeConflictError(conflicts.sort());
    const next = makeCommit({ parents: [parent.sha], tree, author: c.author, committer: committer(c), coAuthors: c.coAuthors, message: c.message });
    repo.commits.set(next.sha, next);
    repo.knownShas.add(next.sha);
    parent = next;
  }
  return parent;
}

export function rebasePullRequest(state: FakeGitHubState, repo: RepoRecord, pr: PullRequestRecord, actor?: string): string {
  const head = graphHead(repo, pr);
  const base = baseTipCommit(repo, pr);
  const date = state.timestamp();
  const tip = replay(repo, commitsBetween(repo.commits, base.sha, head.sha), base, (c) =>
    actor === undefined ? { ...c.committer, date } : identityOf(state, actor, date),
  );
  moveHead(state, repo, pr, tip.sha, actor);
  return tip.sha;
}

/** A merge of a graph pull request by the REST merge button: merge commit, squash or rebase onto the base tip. */
export function mergeGraphPull(state: FakeGitHubState, repo: RepoRecord, pr: PullRequestRecord, method: string, by: string): string {
  const head = graphHead(repo, pr);
  const base = baseTipCommit(repo, pr);
  const date = state.timestamp();
  const webFlow = { ...WEB_FLOW, date };
  let tip: CommitRecord;
  if (method === "rebase") {
    tip = replay(repo, commitsBetween(repo.commits, base.sha, head.sha), base, () => webFlow);
  } else {
    const mb = mergeBase(repo.commits, head.sha, base.sha);
    const tree = mergeTrees(repo.commits.get(mb ?? "")?.tree ?? new Map(), base.tree, head.tree);
    tip =
      method === "squash"
        ? makeCommit({
            parents: [base.sha],
            tree,
            author: identityOf(state, pr.author, date),
            committer: webFlow,
            coAuthors: [],
            message: `${pr.title} (#${pr.number})`,
          })
        : makeCommit({
            parents: [base.sha, head.sha],
            tree,
            author: identityOf(state, by, date),
            committer: webFlow,
            coAuthors: [],
            message: `Merge pull request #${pr.number} from ${pr.pull.head.repo.split("/")[0]}/${pr.pull.head.ref}\n\n${pr.title}`,
          });
    repo.commits.set(tip.sha, tip);
  }
  repo.knownShas.add(tip.sha);
  return tip.sha;
}

// -- a pull request's commits and files, from the graph ------------------------

/** The base commit a pull request is compared with: the live base tip while open, the recorded one after. */
export function pullBaseTip(repo: RepoRecord, pr: PullRequestRecord): string {
  return pr.state === "open" ? (repo.branches.get(pr.pull.base.ref) ?? pr.pull.base.sha) : pr.pull.base.sha;
}

/** A hand-made (addPullRequest `commits:`) commit in the graph's shape; its tree is unknown. */
function fromPullCommit(state: FakeGitHubState, c: PullCommitRecord, parent: string | undefined): CommitRecord {
  const who = (login: string | null, name: string, email: string): GitIdentity => ({ name, email, login, date: c.date });
  return {
    sha: c.sha,
    parents: parent ? [parent] : [],
    tree: new Map(),
    treeSha: gitBlobSha(`tree:${c.sha}`),
    author: who(c.author, c.authorName, c.authorEmail),
    committer: who(c.committer, c.committerName, c.committerEmail),
    coAuthors: c.coAuthors.map((l) => who(l, l, state.noreplyEmail(l))),
    message: c.message,
  };
}

/** The pull request's commits, oldest first, as commit records (from the graph, or converted from `commits:`). */
export function pullCommits(state: FakeGitHubState, repo: RepoRecord, pr: PullRequestRecord): CommitRecord[] {
  if (pr.pull.fromGraph.commits) return commitsBetween(repo.commits, pullBaseTip(repo, pr), pr.pull.head.sha);
  const list = pr.pull.commits;
  return list.map((c, i) => fromPullCommit(state, c, i === 0 ? pr.pull.base.sha : list[i - 1]?.sha));
}

/** Any commit the repository can describe: in the graph, or listed on one of its pull requests. */
export function commitView(state: FakeGitHubState, repo: RepoRecord, sha: string): CommitRecord | undefined {
  const graph = repo.commits.get(sha);
  if (graph) return graph;
  for (const issue of repo.issues.values()) {
    if (!issue.pull || issue.pull.fromGraph.commits) continue;
    const found = pullCommits(state, repo, issue as PullRequestRecord).find((c) => c.sha === sha);
    if (found) return found;
  }
  return undefined;
}

/**
 * A commit as the API can show it without changing the graph: the graph's record, a
 * hand-made pull request commit, or a placeholder for a bare known SHA; a commit outside
 * the graph has the tree setFile stored for it (or none).
 */
export function describeCommit(state: FakeGitHubState, repo: RepoRecord, sha: string): CommitRecord {
  const known = commitView(state, repo, sha);
  if (known && repo.commits.has(sha)) return known;
  const tree = legacyTree(repo, sha) ?? new Map<string, string>();
  if (known) return { ...known, tree };
  const who: GitIdentity = { name: "Fake", email: "fake@example.com", login: null, date: repo.createdAt };
  return { sha, parents: [], tree, treeSha: gitBlobSha(`tree:${sha}`), author: who, committer: who, coAuthors: [], message: `Commit ${sha.slice(0, 7)}` };
}

/** Files changed by the pull request: the diff from merge-base(base, head) to head. */
export function pullFileChanges(state: FakeGitHubState, repo: RepoRecord, pr: PullRequestRecord): FileChange[] {
  const head = graphHead(repo, pr);
  const mb = mergeBase(repo.commits, pullBaseTip(repo, pr), head.sha);
  return diffTrees(repo.commits.get(mb ?? "")?.tree ?? new Map(), head.tree, state.limits.patch);
}

interface Derived {
  key: string;
  files?: PullFileRecord[];
  commits?: PullCommitRecord[];
}
const derivedCache = new WeakMap<object, Derived>();

/** Makes a pull request whose head is a graph commit read its files and commits from the graph (on every read, cached per base/head). */
export function addPullFromGraph(state: FakeGitHubState, repo: RepoRecord, pr: PullRequestRecord, want: { files: boolean; commits: boolean }): void {
  if (!repo.commits.has(pr.pull.head.sha) || (!want.files && !want.commits)) return;
  const p = pr.pull;
  const cached = (): Derived => {
    const limits = state.limits.patch;
    const key = `${pullBaseTip(repo, pr)}..${p.head.sha}:${limits.maxChangedLines}:${limits.maxPatchBytes}`;
    let d = derivedCache.get(p);
    if (!d || d.key !== key) {
      d = { key };
      derivedCache.set(p, d);
    }
    return d;
  };
  if (want.files) {
    p.fromGraph.files = true;
    Object.defineProperty(p, "files", {
      enumerable: true,
      configurable: true,
      get: (): PullFileRecord[] => {
        const d = cached();
        d.files ??= pullFileChanges(state, repo, pr).map(({ binary: _binary, ...f }) => f);
        return d.files;
      },
    });
  }
  if (want.commits) {
    p.fromGraph.commits = true;
    Object.defineProperty(p, "commits", {
      enumerable: true,
      configurable: true,
      get: (): PullCommitRecord[] => {
        const d = cached();
        d.commits ??= pullCommits(state, repo, pr).map((c) => ({
          sha: c.sha,
          author: c.author.login,
          committer: c.committer.login,
          coAuthors: c.coAuthors.flatMap((a) => (a.login ? [a.login] : [])),
          message: c.message,
          authorName: c.author.name,
          authorEmail: c.author.email,
          committerName: c.committer.name,
          committerEmail: c.committer.email,
          date: c.author.date,
        }));
        return d.commits;
      },
    });
  }
}
