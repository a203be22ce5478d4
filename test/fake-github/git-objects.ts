/**
 * Git's object hashes, computed the way git computes them, so the fake's blob,
 * tree and commit SHAs behave like real ones (same content → same SHA).
 */
import { createHash } from "node:crypto";

/** A person as git records one: name, e-mail and the time they acted. */
export interface GitSignature {
  name: string;
  email: string;
  date: string;
}

export function gitBlobSha(text: string): string {
  const buf = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${buf.length}\0`).update(buf).digest("hex");
}

/** Git treats a file as binary when its first 8000 bytes hold a NUL byte. */
export function isBinaryText(text: string): boolean {
  return text.slice(0, 8000).includes("\0");
}

export interface TreeEntry {
  path: string;
  mode: "100644" | "040000";
  type: "blob" | "tree";
  sha: string;
  size?: number;
}

/** Every blob and sub-tree of a file map, with git's SHAs; `root` is the tree's own SHA. */
export function gitTree(files: ReadonlyMap<string, string>): { root: string; entries: TreeEntry[] } {
  // directory path ("" = root) → child name → entry
  const dirs = new Map<string, Map<string, { mode: string; sha: string }>>();
  const dirOf = (path: string) => {
    let d = dirs.get(path);
    if (!d) {
      d = new Map();
      dirs.set(path, d);
    }
    return d;
  };
  dirOf("");
  const entries: TreeEntry[] = [];
  for (const [path, text] of files) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) dirOf(parts.slice(0, i).join("/"));
    const sha = gitBlobSha(text);
    dirOf(parts.slice(0, -1).join("/")).set(parts[parts.length - 1] ?? path, { mode: "100644", sha });
    entries.push({ path, mode: "100644", type: "blob", sha, size: Buffer.byteLength(text, "utf8") });
  }
  // Hash the deepest directories first so each parent sees its children's SHAs.
  const order = [...dirs.keys()].sort((a, b) => depth(b) - depth(a));
  const shas = new Map<string, string>();
  for (const dir of order) {
    const children = dirOf(dir);
    for (const [child, sub] of dirs) {
      if (sub !== children && parentOf(child) === dir && child !== "") {
        children.set(child.split("/").pop() ?? child, { mode: "40000", sha: shas.get(child) ?? "" });
      }
    }
    const sha = hashTree(children);
    shas.set(dir, sha);
    if (dir !== "") entries.push({ path: dir, mode: "040000", type: "tree", sha });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root: shas.get("") ?? hashTree(new Map()), entries };
}

function depth(dir: string): number {
  return dir === "" ? 0 : dir.split("/").length;
}

function parentOf(dir: string): string {
  const i = dir.lastIndexOf("/");
  return i < 0 ? "" : dir.slice(0, i);
}

/** Git sorts tree entries by name, comparing a sub-tree's name as if it ended in "/". */
function hashTree(children: Map<string, { mode: string; sha: string }>): string {
  const sorted = [...children.entries()].sort(([a, x], [b, y]) => {
    const ka = x.mode === "40000" ? `${a}/` : a;
    const kb = y.mode === "40000" ? `${b}/` : b;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const body = Buffer.concat(sorted.map(([name, e]) => Buffer.concat([Buffer.from(`${e.mode} ${name}\0`, "utf8"), Buffer.from(e.sha, "hex")])));
  return createHash("sha1").update(`tree ${body.length}\0`).update(body).digest("hex");
}

/** The commit object's SHA: tree, parents, author, committer and message, as git serialises them. */
export function gitCommitSha(input: { tree: string; parents: readonly string[]; author: GitSignature; committer: GitSignature; message: string }): string {
  const line = (role: string, s: GitSignature) => `${role} ${s.name} <${s.email}> ${Math.floor(Date.parse(s.date) / 1000)} +0000`;
  const text = [
    `tree ${input.tree}`,
    ...input.parents.map((p) => `parent ${p}`),
    line("author", input.author),
    line("committer", input.committer),
    "",
    input.message,
  ].join("\n");
  const buf = Buffer.from(text, "utf8");
  return createHash("sha1").update(`commit ${buf.length}\0`).update(buf).digest("hex");
}
