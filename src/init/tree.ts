import { execFileSync } from "node:child_process";
import { closeSync, lstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../cli/io.js";

/** The files of a repository as `rolegate init` sees them, and a bounded way to peek into one. */
export interface RepositoryTree {
  /** Repository-relative, `/`-separated, sorted, each once. */
  files: string[];
  /** The first `maxBytes` of a file as text, or undefined when it is not a regular file or cannot be read. */
  head(path: string, maxBytes: number): string | undefined;
}

/**
 * Tracked files and untracked files that are not ignored (`git ls-files --cached --others
 * --exclude-standard`): what the next commit could hold. NUL-separated, so any file name is safe.
 */
export function readRepositoryTree(root: string): RepositoryTree {
  let out: string;
  try {
    out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new InputError(`git ls-files failed: ${(err.stderr || err.message).trim().split("\n")[0]}`);
  }
  const files = [...new Set(out.split("\0").filter((p) => p.length > 0))].sort();
  return { files, head: (path, maxBytes) => readHead(join(root, path), maxBytes) };
}

/** Regular files only: a symlink may point out of the tree, or at a pipe that would never end. */
function readHead(path: string, maxBytes: number): string | undefined {
  let fd: number | undefined;
  try {
    if (!lstatSync(path).isFile()) return undefined;
    fd = openSync(path, "r");
    const buffer = Buffer.alloc(maxBytes);
    const n = readSync(fd, buffer, 0, maxBytes, 0);
    return buffer.subarray(0, n).toString("utf8");
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
