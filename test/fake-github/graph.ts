/**
 * The commit graph of a repository: commits with parents and a full file tree,
 * and the git operations the fake needs on it (ancestry, merge base,
 * `base..head` commit lists, whole-file three-way merges).
 */
import { gitCommitSha, gitTree, type GitSignature } from "./git-objects.js";

/** Who made a commit: a GitHub login (a `[bot]` suffix makes it a Bot), or only a name and e-mail. */
export interface GitIdentity extends GitSignature {
  /** the GitHub account the e-mail maps to, or null (plain e-mail, or a bot: GraphQL shows `user: null`) */
  login: string | null;
}

export interface CommitRecord {
  sha: string;
  parents: string[];
  /** path → text: the whole tree at this commit */
  tree: Map<string, string>;
  treeSha: string;
  author: GitIdentity;
  committer: GitIdentity;
  /** `Co-authored-by:` trailers, in message order */
  coAuthors: GitIdentity[];
  /** the message as written, without the co-author trailers */
  message: string;
}

export type CommitGraph = Map<string, CommitRecord>;

export function fullMessage(c: Pick<CommitRecord, "message" | "coAuthors">): string {
  if (c.coAuthors.length === 0) return c.message;
  return `${c.message}\n\n${c.coAuthors.map((a) => `Co-authored-by: ${a.name} <${a.email}>`).join("\n")}`;
}

export function makeCommit(input: Omit<CommitRecord, "sha" | "treeSha">): CommitRecord {
  const treeSha = gitTree(input.tree).root;
  const sha = gitCommitSha({ tree: treeSha, parents: input.parents, author: input.author, committer: input.committer, message: fullMessage(input) });
  return { ...input, sha, treeSha };
}

/** Every commit reachable from `sha` (itself included). */
export function ancestors(graph: CommitGraph, sha: string): Set<string> {
  const seen = new Set<string>();
  const stack = [sha];
  while (stack.length > 0) {
    const s = stack.pop() as string;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const p of graph.get(s)?.parents ?? []) stack.push(p);
  }
  return seen;
}

export function isAncestor(graph: CommitGraph, maybeAncestor: string, of: string): boolean {
  return ancestors(graph, of).has(maybeAncestor);
}

/** The best common ancestor of two commits (one no other common ancestor descends from), or undefined. */
export function mergeBase(graph: CommitGraph, a: string, b: string): string | undefined {
  const fromA = ancestors(graph, a);
  const common = [...ancestors(graph, b)].filter((s) => fromA.has(s));
  return common.find((c) => !common.some((other) => other !== c && isAncestor(graph, c, other)));
}

/**
 * `git log base..head` in chronological order (oldest first, parents before children):
 * the commits reachable from head but not from base.
 */
export function commitsBetween(graph: CommitGraph, base: string | undefined, head: string): CommitRecord[] {
  const exclude = base ? ancestors(graph, base) : new Set<string>();
  const ordered: CommitRecord[] = [];
  const visited = new Set<string>();
  const visit = (sha: string) => {
    if (visited.has(sha) || exclude.has(sha)) return;
    visited.add(sha);
    const c = graph.get(sha);
    if (!c) return;
    for (const p of c.parents) visit(p);
    ordered.push(c);
  };
  visit(head);
  return ordered;
}

export class MergeConflictError extends Error {
  constructor(readonly paths: string[]) {
    super(`fake GitHub: merge conflict in ${paths.join(", ")} (the fake merges whole files, not lines)`);
  }
}

/** Three-way merge of whole files: a path changed on one side only takes that side; changed on both, differently, conflicts. */
export function mergeTrees(base: ReadonlyMap<string, string>, ours: ReadonlyMap<string, string>, theirs: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const conflicts: string[] = [];
  for (const path of new Set([...base.keys(), ...ours.keys(), ...theirs.keys()])) {
    const b = base.get(path);
    const o = ours.get(path);
    const t = theirs.get(path);
    const merged = o === t ? o : o === b ? t : t === b ? o : Symbol.for("conflict");
    if (typeof merged === "symbol") conflicts.push(path);
    else if (merged !== undefined) out.set(path, merged);
  }
  if (conflicts.length > 0) throw new MergeConflictError(conflicts.sort());
  return out;
}

/** A tree with file changes applied: text to write, null to delete. */
export function applyChanges(tree: ReadonlyMap<string, string>, changes: Readonly<Record<string, string | null>>): Map<string, string> {
  const out = new Map(tree);
  for (const [path, text] of Object.entries(changes)) {
    const p = path.replace(/^\/+/, "");
    if (text === null) out.delete(p);
    else out.set(p, text);
  }
  return out;
}
