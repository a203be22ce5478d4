import { createHash } from "node:crypto";

/** One changed file as GitHub's compare and pull request file lists describe it. */
export interface PatchedFile {
  filename: string;
  status: string;
  previous_filename?: string;
  /** The unified diff's hunks; absent for binary files, pure renames and diffs too large to show. */
  patch?: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A line as `git patch-id` hashes it: every whitespace character removed. */
const withoutSpace = (line: string) => line.replace(/\s+/g, "");

/** The old and new names as the `---`/`+++` lines of a git diff give them. */
function names(f: PatchedFile): [string, string] {
  const before = f.status === "added" ? "/dev/null" : `a/${f.previous_filename ?? f.filename}`;
  const after = f.status === "removed" ? "/dev/null" : `b/${f.filename}`;
  return [before, after];
}

/** One file's share of the fingerprint, or undefined when its patch is missing. */
function fileFingerprint(f: PatchedFile): string | undefined {
  if (typeof f.patch !== "string" || f.patch === "") return undefined;
  const [before, after] = names(f);
  const lines = [`---${withoutSpace(before)}`, `+++${withoutSpace(after)}`];
  for (const line of f.patch.split("\n")) {
    // A hunk header carries line numbers and a heading, neither of which is the change.
    if (line.startsWith("@@")) continue;
    lines.push(withoutSpace(line));
  }
  return sha256(lines.join("\n"));
}

/**
 * A fingerprint of a diff, normalised the way `git patch-id --stable` normalises: hunk headers
 * (line numbers) and whitespace do not matter, and neither does the order of the files. Two diffs
 * with equal fingerprints make the same changes. Undefined when the diff cannot be fingerprinted:
 * no file at all, or a file without its patch (binary, too large, or a pure rename), so whoever
 * compares fingerprints fails closed.
 */
export function patchFingerprint(files: readonly PatchedFile[]): string | undefined {
  if (files.length === 0) return undefined;
  const each: string[] = [];
  for (const f of files) {
    const one = fileFingerprint(f);
    if (one === undefined) return undefined;
    each.push(one);
  }
  return sha256(each.sort().join("\n"));
}
