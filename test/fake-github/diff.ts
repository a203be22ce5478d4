/**
 * Line diffs as git shows them: a Myers shortest edit script, turned into
 * unified hunks (`@@ -a,b +c,d @@`, three lines of context, git's default
 * function-name heading and "\ No newline at end of file"), and tree-to-tree
 * file changes with git's rename detection (≥ 50 % similar).
 */
import { gitBlobSha, isBinaryText } from "./git-objects.js";

export type ChangeStatus = "added" | "removed" | "modified" | "renamed";

export interface FileChange {
  filename: string;
  status: ChangeStatus;
  previous_filename?: string;
  additions: number;
  deletions: number;
  /** absent for binary files, pure renames and diffs over the patch limits */
  patch?: string;
  /** blob SHA of the new content (of the old content for a removed file) */
  sha: string;
  binary: boolean;
}

export interface PatchLimits {
  /** a file with more changed lines than this gets no `patch` */
  maxChangedLines: number;
  /** nor one whose patch text is larger than this */
  maxPatchBytes: number;
}

export const DEFAULT_PATCH_LIMITS: PatchLimits = { maxChangedLines: 20_000, maxPatchBytes: 500 * 1024 };

const CONTEXT = 3;
/** Beyond this many edits the diff falls back to "remove all, add all" (still correct, not minimal). */
const MAX_EDIT_DISTANCE = 4000;
const NO_EOL = "\0no-eol";

type Op = { kind: "eq" | "del" | "ins"; line: string };

/** Lines of a text; a last line without "\n" is marked so it differs from the same line with one, as in git. */
function linesOf(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  else lines[lines.length - 1] += NO_EOL;
  return lines;
}

/** Myers' O((N+M)·D) shortest edit script. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: Op[] = a.slice(0, start).map((line) => ({ kind: "eq", line }));
  const tail: Op[] = a.slice(endA).map((line) => ({ kind: "eq", line }));
  return [...head, ...middle(a.slice(start, endA), b.slice(start, endB)), ...tail];
}

function middle(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((line) => ({ kind: "ins", line }));
  if (m === 0) return a.map((line) => ({ kind: "del", line }));
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[off + k - 1] ?? 0) < (v[off + k + 1] ?? 0)) ? (v[off + k + 1] ?? 0) : (v[off + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        trace.push(v.slice(off - d, off + d + 1));
        return backtrack(trace, a, b);
      }
    }
    trace.push(v.slice(off - d, off + d + 1));
  }
  return [...a.map((line): Op => ({ kind: "del", line })), ...b.map((line): Op => ({ kind: "ins", line }))];
}

function backtrack(trace: Int32Array[], a: readonly string[], b: readonly string[]): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d > 0; d--) {
    const prev = trace[d - 1] as Int32Array;
    const at = (k: number) => prev[k + (d - 1)] ?? 0;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    const startX = down ? prevX : prevX + 1;
    const startY = down ? prevY + 1 : prevY;
    while (x > startX && y > startY) {
      x--;
      y--;
      ops.push({ kind: "eq", line: a[x] ?? "" });
    }
    if (down) ops.push({ kind: "ins", line: b[prevY] ?? "" });
    else ops.push({ kind: "del", line: a[prevX] ?? "" });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: "eq", line: a[--x] ?? "" });
    y--;
  }
  return ops.reverse();
}

/** Git's default hunk heading: the nearest line above the hunk that starts with a letter, "_" or "$". */
function heading(oldLines: readonly string[], before: number): string {
  for (let i = before - 1; i >= 0; i--) {
    const line = (oldLines[i] ?? "").replace(NO_EOL, "");
    if (/^[A-Za-z_$]/.test(line)) return line.replace(/\s+$/, "").slice(0, 80);
  }
  return "";
}

function range(start: number, count: number): string {
  // git prints the line before an empty range, and leaves out a count of 1
  const from = count === 0 ? start - 1 : start;
  return count === 1 ? String(from) : `${from},${count}`;
}

/** The unified diff of two texts, hunks only (no ---/+++ header), as GitHub's `patch` field has it. */
export function unifiedPatch(before: string, after: string): { patch: string; additions: number; deletions: number } {
  const oldLines = linesOf(before);
  const ops = diffLines(oldLines, linesOf(after));
  const changed = ops.map((op, i) => (op.kind === "eq" ? -1 : i)).filter((i) => i >= 0);
  const additions = ops.filter((o) => o.kind === "ins").length;
  const deletions = ops.filter((o) => o.kind === "del").length;
  if (changed.length === 0) return { patch: "", additions, deletions };
  // Group changes whose context would touch or overlap into one hunk.
  const groups: Array<[number, number]> = [];
  for (const i of changed) {
    const last = groups[groups.length - 1];
    if (last && i - last[1] <= 2 * CONTEXT + 1) last[1] = i;
    else groups.push([i, i]);
  }
  // old/new line numbers (1-based) at each op index
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 1;
  let n = 1;
  for (const op of ops) {
    oldAt.push(o);
    newAt.push(n);
    if (op.kind !== "ins") o++;
    if (op.kind !== "del") n++;
  }
  const out: string[] = [];
  for (const [first, last] of groups) {
    const from = Math.max(0, first - CONTEXT);
    const to = Math.min(ops.length - 1, last + CONTEXT);
    const slice = ops.slice(from, to + 1);
    const oldCount = slice.filter((x) => x.kind !== "ins").length;
    const newCount = slice.filter((x) => x.kind !== "del").length;
    const oldStart = oldAt[from] ?? 1;
    const title = heading(oldLines, oldStart - 1);
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newAt[from] ?? 1, newCount)} @@${title ? ` ${title}` : ""}`);
    for (const op of slice) {
      const sign = op.kind === "eq" ? " " : op.kind === "del" ? "-" : "+";
      if (op.line.endsWith(NO_EOL)) out.push(`${sign}${op.line.slice(0, -NO_EOL.length)}`, "\\ No newline at end of file");
      else out.push(`${sign}${op.line}`);
    }
  }
  return { patch: out.join("\n"), additions, deletions };
}

function fileChange(filename: string, before: string | undefined, after: string | undefined, limits: PatchLimits, previous?: string): FileChange {
  const status: ChangeStatus = previous !== undefined ? "renamed" : before === undefined ? "added" : after === undefined ? "removed" : "modified";
  const sha = gitBlobSha(after ?? before ?? "");
  const binary = isBinaryText(before ?? "") || isBinaryText(after ?? "");
  const base = { filename, status, ...(previous !== undefined ? { previous_filename: previous } : {}), sha, binary };
  if (binary) return { ...base, additions: 0, deletions: 0 };
  const { patch, additions, deletions } = unifiedPatch(before ?? "", after ?? "");
  const tooLarge = additions + deletions > limits.maxChangedLines || Buffer.byteLength(patch, "utf8") > limits.maxPatchBytes;
  return { ...base, additions, deletions, ...(patch !== "" && !tooLarge ? { patch } : {}) };
}

/** Share of lines two texts have in common, measured against the longer one (git's rename score, by lines). */
function similarity(a: string, b: string): number {
  if (isBinaryText(a) || isBinaryText(b)) return a === b ? 1 : 0;
  const la = linesOf(a);
  const lb = linesOf(b);
  const longest = Math.max(la.length, lb.length);
  if (longest === 0) return 1;
  return diffLines(la, lb).filter((op) => op.kind === "eq").length / longest;
}

/** The files that differ between two trees, in path order, with renames detected as git does by default. */
export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, limits: PatchLimits = DEFAULT_PATCH_LIMITS): FileChange[] {
  const removed = [...before.keys()].filter((p) => !after.has(p));
  const added = [...after.keys()].filter((p) => !before.has(p));
  const changes: FileChange[] = [];
  const renamedFrom = new Map<string, string>();
  // Exact renames first, then the most similar pairs at 50 % or more.
  const unmatched = new Set(removed);
  for (const to of added) {
    const text = after.get(to) ?? "";
    const from = [...unmatched].find((r) => before.get(r) === text);
    if (from !== undefined) {
      renamedFrom.set(to, from);
      unmatched.delete(from);
    }
  }
  if (unmatched.size > 0 && unmatched.size * added.length <= 10_000) {
    const pairs: Array<{ from: string; to: string; score: number }> = [];
    for (const to of added.filter((p) => !renamedFrom.has(p))) {
      for (const from of unmatched) pairs.push({ from, to, score: similarity(before.get(from) ?? "", after.get(to) ?? "") });
    }
    pairs.sort((x, y) => y.score - x.score);
    for (const p of pairs) {
      if (p.score < 0.5) break;
      if (!unmatched.has(p.from) || renamedFrom.has(p.to)) continue;
      renamedFrom.set(p.to, p.from);
      unmatched.delete(p.from);
    }
  }
  for (const path of after.keys()) {
    const from = renamedFrom.get(path);
    if (from !== undefined) changes.push(fileChange(path, before.get(from), after.get(path), limits, from));
    else if (!before.has(path)) changes.push(fileChange(path, undefined, after.get(path), limits));
    else if (before.get(path) !== after.get(path)) changes.push(fileChange(path, before.get(path), after.get(path), limits));
  }
  for (const path of unmatched) changes.push(fileChange(path, before.get(path), undefined, limits));
  return changes.sort((x, y) => (x.filename < y.filename ? -1 : x.filename > y.filename ? 1 : 0));
}
