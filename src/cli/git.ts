import { execFileSync } from "node:child_process";
import { InputError } from "./io.js";
import type { ChangedFile, FileStatus } from "../core/state.js";

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new InputError(`git ${args.join(" ")} failed: ${(err.stderr || err.message).trim().split("\n")[0]}`);
  }
}

export function repoRoot(cwd: string): string {
  return git(cwd, ["rev-parse", "--show-toplevel"]).trim();
}

export function verifyRevision(cwd: string, rev: string): string {
  if (rev.startsWith("-")) throw new InputError(`bad revision "${rev}"`);
  try {
    return git(cwd, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]).trim();
  } catch {
    throw new InputError(`bad revision "${rev}": no such commit`);
  }
}

/**
 * A file at a revision, or undefined when that revision has no such path. Any other git
 * failure is an error, never "no file": a failed read must not look like "no policy".
 */
export function showFile(cwd: string, rev: string, path: string): string | undefined {
  try {
    return execFileSync("git", ["show", `${rev}:${path}`], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? "");
    if (/does not exist in|exists on disk, but not in/.test(stderr)) return undefined;
    throw new InputError(`cannot read ${path} at ${rev}: ${stderr.trim().split("\n")[0] || (e as Error).message}`);
  }
}

const STATUS: Record<string, FileStatus> = { A: "added", M: "modified", T: "modified" };

/** Changed files of `git diff --name-status -M BASE...HEAD`, NUL-separated so any file name is safe. */
export function changedFiles(cwd: string, base: string, head: string): ChangedFile[] {
  const out = git(cwd, ["diff", "--name-status", "-z", "-M", `${base}...${head}`, "--"]);
  const parts = out.split("\0");
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length - 1; ) {
    const code = parts[i++]!;
    const letter = code[0]!;
    if (letter === "R" || letter === "C") {
      const from = parts[i++]!;
      const to = parts[i++]!;
      files.push(letter === "R" ? { path: to, status: "renamed", previousPath: from } : { path: to, status: "added" });
    } else {
      const path = parts[i++]!;
      files.push({ path, status: letter === "D" ? "removed" : (STATUS[letter] ?? "modified") });
    }
  }
  return files;
}

/**
 * The branch a revision names (`main`, `origin/main`, `refs/heads/main`), or undefined when it
 * names a commit some other way (`HEAD~3`, a SHA, a tag).
 */
export function branchOf(cwd: string, rev: string): string | undefined {
  for (const [prefix, strip] of [
    ["refs/heads/", /^refs\/heads\//],
    ["refs/remotes/", /^refs\/remotes\/[^/]+\//],
  ] as const) {
    const full = rev.startsWith("refs/") ? rev : `${prefix}${rev}`;
    try {
      execFileSync("git", ["show-ref", "--verify", "--quiet", full], { cwd, stdio: "ignore" });
      return full.replace(strip, "");
    } catch {
      // not this kind of ref
    }
  }
  return undefined;
}

/** Tracked files with changes not yet committed (staged or not). */
export function uncommittedFiles(cwd: string): string[] {
  return git(cwd, ["diff", "--name-only", "-z", "HEAD", "--"]).split("\0").filter(Boolean);
}

/** Every path of the tree at a revision. */
export function treePaths(cwd: string, rev: string): string[] {
  return git(cwd, ["ls-tree", "-r", "--name-only", "-z", rev]).split("\0").filter(Boolean);
}

/**
 * The change a commit makes over its merge base with `base`, as one stable patch-id
 * (`git patch-id --stable` of `git diff MERGE_BASE..COMMIT`): line numbers, whitespace and
 * file order do not matter, content does (binary files included). Undefined when it cannot be
 * told (no common history, no change at all): the caller must then treat it as changed.
 */
export function changePatchId(cwd: string, base: string, commit: string): string | undefined {
  let mergeBase: string;
  try {
    mergeBase = git(cwd, ["merge-base", base, commit]).trim();
  } catch {
    return undefined;
  }
  const diff = git(cwd, ["diff", "--binary", "--full-index", "--no-color", "--no-ext-diff", "--no-textconv", mergeBase, commit, "--"]);
  if (diff === "") return undefined;
  const out = execFileSync("git", ["patch-id", "--stable"], {
    cwd,
    input: diff,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  return /^[0-9a-f]{40,64}\b/.exec(out)?.[0];
}
