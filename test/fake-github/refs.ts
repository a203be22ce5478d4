/**
 * Ref names resolved the way git resolves them (gitrevisions(7)): a full
 * `refs/...` name is exact; a bare name tries `<name>` (HEAD), `refs/<name>`,
 * `refs/tags/<name>`, `refs/heads/<name>` in that order, so a tag shadows a
 * branch of the same name; 40 hex digits name a commit.
 */

export interface RefHolder {
  defaultBranch: string;
  /** branch name → commit SHA */
  branches: Map<string, string>;
  /** tag name → commit SHA (lightweight tags) */
  tags: Map<string, string>;
  /** commit SHAs the repository knows */
  knownShas: Set<string>;
}

export type ResolvedRef =
  | { kind: "branch"; name: string; qualified: string; sha: string }
  | { kind: "tag"; name: string; qualified: string; sha: string }
  | { kind: "commit"; sha: string };

const FULL_SHA = /^[0-9a-f]{40}$/i;

function exact(repo: RefHolder, qualified: string): ResolvedRef | undefined {
  if (qualified.startsWith("refs/heads/")) {
    const name = qualified.slice("refs/heads/".length);
    const sha = repo.branches.get(name);
    return sha ? { kind: "branch", name, qualified, sha } : undefined;
  }
  if (qualified.startsWith("refs/tags/")) {
    const name = qualified.slice("refs/tags/".length);
    const sha = repo.tags.get(name);
    return sha ? { kind: "tag", name, qualified, sha } : undefined;
  }
  return undefined;
}

export function resolveRef(repo: RefHolder, name: string): ResolvedRef | undefined {
  if (name === "") return undefined;
  if (FULL_SHA.test(name) && repo.knownShas.has(name.toLowerCase())) return { kind: "commit", sha: name.toLowerCase() };
  if (name.startsWith("refs/")) return exact(repo, name);
  if (name === "HEAD") return exact(repo, `refs/heads/${repo.defaultBranch}`);
  for (const candidate of [`refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`]) {
    const hit = exact(repo, candidate);
    if (hit) return hit;
  }
  return undefined;
}

/** `refs/heads/main` → `heads/main`-style listing of every ref, for git/matching-refs. */
export function allRefs(repo: RefHolder): Array<{ ref: string; sha: string }> {
  return [
    ...[...repo.branches].map(([name, sha]) => ({ ref: `refs/heads/${name}`, sha })),
    ...[...repo.tags].map(([name, sha]) => ({ ref: `refs/tags/${name}`, sha })),
  ].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}
