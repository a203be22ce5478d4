/**
 * Path and branch globs with the policy's gitignore-style semantics.
 *
 * Written here rather than delegated to minimatch at run time because the spec's
 * rules (floating patterns without a slash, "a pattern that matches a directory
 * matches everything inside it", trailing `/` and `/**`) need several minimatch
 * calls per path, and the classifier indexes compiled patterns by literal prefix
 * and extension so a file is only tested against globs that can match it.
 * No regular expressions are built from user input, so no pattern can backtrack
 * catastrophically: segment matching is O(path × pattern) in the worst case.
 * minimatch serves as the reference implementation in the property tests.
 */

/** One `/`-separated piece of a compiled pattern. */
type Segment =
  /** `**`: zero or more segments; one or more when it is the last segment (nothing follows `dir/`). */
  { kind: "globstar"; last?: boolean } | { kind: "literal"; text: string } | { kind: "wild"; text: string };

export interface PathGlob {
  readonly source: string;
  /** Anchored at the repository root (the pattern has a `/` other than a trailing one). */
  readonly anchored: boolean;
  /** Only directories match (trailing `/` or `/**`): the file itself never does. */
  readonly dirOnly: boolean;
  readonly segments: readonly Segment[];
  /** Literal segments at the start of an anchored pattern, for indexing. */
  readonly literalPrefix: readonly string[];
  /** `.ext` when the last segment is `*.ext` with a literal extension (for indexing). */
  readonly extension: string | undefined;
  /** A common form matched without the general algorithm (see `shapeOf`). */
  readonly shape: GlobShape;
}

// Common forms with a direct test, all equivalent to the general algorithm (the property
// tests compare them with minimatch): a name at any depth (`Jenkinsfile`, `**/Jenkinsfile`),
// an extension at any depth (`*.tf`, `**/*.tf`), any other one-segment wildcard at any depth
// (`azure-pipelines*.yml`), everything inside a directory of a given name at any depth
// (`**/secrets/**`), everything under a literal directory (`k8s/**`), and a literal path
// (`a/b`, which also covers what is inside a directory `a/b`).
export type GlobShape =
  | { kind: "anyName"; name: string }
  | { kind: "anyExt"; ext: string }
  | { kind: "anyWild"; pattern: string }
  | { kind: "insideName"; name: string }
  | { kind: "under"; prefix: readonly string[] }
  | { kind: "exact"; prefix: readonly string[] }
  | { kind: "general" };

function shapeOf(segments: readonly Segment[]): GlobShape {
  const floatingLast = segments.length === 1 || (segments.length === 2 && segments[0]!.kind === "globstar");
  const last = segments[segments.length - 1]!;
  if (floatingLast && last.kind === "literal") return { kind: "anyName", name: last.text };
  if (floatingLast && last.kind === "wild" && /^\*\.[^*?]+$/.test(last.text)) return { kind: "anyExt", ext: last.text.slice(1) };
  if (floatingLast && last.kind === "wild") return { kind: "anyWild", pattern: last.text };
  const middle = segments[1];
  if (segments.length === 3 && segments[0]!.kind === "globstar" && middle?.kind === "literal" && last.kind === "globstar")
    return { kind: "insideName", name: middle.text };
  const literals = segments.slice(0, -1).every((x) => x.kind === "literal");
  if (literals && last.kind === "globstar" && segments.length > 1)
    return { kind: "under", prefix: segments.slice(0, -1).map((x) => (x as { text: string }).text) };
  if (literals && last.kind === "literal" && segments.length > 1) return { kind: "exact", prefix: segments.map((x) => (x as { text: string }).text) };
  return { kind: "general" };
}

export class GlobError extends Error {}

/**
 * Caps that bound the work of matching by construction: one wildcard segment against one
 * path segment costs at most (pattern + 1) × (segment + 1) steps, and a pattern has a bounded
 * number of segments.
 */
export const GLOB_LIMITS = { maxLength: 1024, maxSegments: 64, maxWildcardsPerSegment: 16 } as const;

let steps = 0;
/** Wildcard steps taken so far in this process (for tests that assert a bound on work). */
export function wildcardSteps(): number {
  return steps;
}

const FORBIDDEN = /[![\]\\]/;

function checkPatternText(pattern: string, what: string): void {
  if (pattern.length === 0) throw new GlobError(`empty ${what} glob`);
  if (pattern.length > GLOB_LIMITS.maxLength) throw new GlobError(`${what} glob is longer than ${GLOB_LIMITS.maxLength} characters`);
  const wild = pattern.split("/").find((seg) => (seg.match(/[*?]/g)?.length ?? 0) > GLOB_LIMITS.maxWildcardsPerSegment && seg !== "**");
  if (wild !== undefined)
    throw new GlobError(
      `invalid ${what} glob ${JSON.stringify(pattern.slice(0, 80))}: more than ${GLOB_LIMITS.maxWildcardsPerSegment} wildcards in one segment`,
    );
  const bad = FORBIDDEN.exec(pattern);
  if (bad) {
    const ch = bad[0];
    const why = ch === "!" ? "negation is not supported" : ch === "\\" ? "backslashes are not allowed" : "character classes [...] are not supported";
    throw new GlobError(`invalid ${what} glob ${JSON.stringify(pattern)}: '${ch}': ${why}`);
  }
}

function compileSegment(text: string): Segment {
  if (text === "**") return { kind: "globstar" };
  // `**` mixed with other characters behaves as `*` (gitignore); collapse runs of `*`.
  const collapsed = text.replace(/\*+/g, "*");
  if (!collapsed.includes("*") && !collapsed.includes("?")) return { kind: "literal", text: collapsed };
  return { kind: "wild", text: collapsed };
}

export function compilePathGlob(pattern: string): PathGlob {
  checkPatternText(pattern, "path");
  let body = pattern.startsWith("/") ? pattern.slice(1) : pattern;
  let dirOnly = false;
  if (body.endsWith("/")) {
    body = body.slice(0, -1);
    dirOnly = true;
  }
  const parts = body.split("/");
  if (parts.length > GLOB_LIMITS.maxSegments) throw new GlobError(`path glob has more than ${GLOB_LIMITS.maxSegments} segments`);
  if (body.length === 0 || parts.some((p) => p.length === 0)) {
    throw new GlobError(`invalid path glob ${JSON.stringify(pattern)}: empty path segment`);
  }
  // A slash anywhere but at the end anchors the pattern at the root (leading `/` included).
  const anchored = pattern.startsWith("/") || parts.length > 1;
  const segments = parts.map(compileSegment);
  const final = segments[segments.length - 1]!;
  if (final.kind === "globstar") segments[segments.length - 1] = { kind: "globstar", last: true };
  const literalPrefix: string[] = [];
  if (anchored) {
    for (const s of segments) {
      if (s.kind !== "literal") break;
      literalPrefix.push(s.text);
    }
  }
  const last = segments[segments.length - 1]!;
  let extension: string | undefined;
  if (!dirOnly && last.kind === "wild" && /^\*\.[^*?]+$/.test(last.text)) extension = last.text.slice(1);
  // A floating one-segment pattern and `**/`-led two-segment one are the same test.
  const shape =
    anchored && !(segments.length === 2 && segments[0]!.kind === "globstar") && segments.length === 1 ? ({ kind: "general" } as const) : shapeOf(segments);
  return { source: pattern, anchored, dirOnly, segments, literalPrefix, extension, shape };
}

/** Classic iterative wildcard match of one segment: `*` any run, `?` one character. */
export function matchWildcard(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    steps++;
    const pc = pattern[p];
    if (pc === "?" || (pc !== undefined && pc !== "*" && pc === text[t])) {
      p++;
      t++;
    } else if (pc === "*") {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}

function segmentMatches(seg: Segment, text: string): boolean {
  if (seg.kind === "literal") return seg.text === text;
  if (seg.kind === "wild") return matchWildcard(seg.text, text);
  return true;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  if (path.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (path[i] !== prefix[i]) return false;
  return true;
}

/** Does the glob match this file path (already split on `/`)? */
export function matchPathSegments(glob: PathGlob, path: readonly string[]): boolean {
  // The last segment a match may end on: a directory-only pattern must end before the file.
  const lastEnd = glob.dirOnly ? path.length - 1 : path.length;
  const shape = glob.shape;
  switch (shape.kind) {
    case "anyName":
      for (let i = 0; i < lastEnd; i++) if (path[i] === shape.name) return true;
      return false;
    case "anyExt":
      for (let i = 0; i < lastEnd; i++) if (path[i]!.endsWith(shape.ext)) return true;
      return false;
    case "anyWild":
      for (let i = 0; i < lastEnd; i++) if (matchWildcard(shape.pattern, path[i]!)) return true;
      return false;
    case "insideName":
      // The final `**` takes at least one segment after the directory.
      for (let i = 0; i + 1 < lastEnd; i++) if (path[i] === shape.name) return true;
      return false;
    case "under":
      // A final `**` takes at least one segment after the prefix.
      return startsWith(path, shape.prefix) && lastEnd >= shape.prefix.length + 1;
    case "exact":
      return startsWith(path, shape.prefix) && lastEnd >= shape.prefix.length;
    case "general":
      return matchGeneral(glob, path);
  }
}

// Two reach tables reused by every general match: matching is synchronous and never nested,
// and the hot loop of classification should not allocate.
let reach = new Uint8Array(64);
let next = new Uint8Array(64);

/**
 * Dynamic programming over the pattern's segments: `reach[i]` says the segments so far can
 * end right before path segment `i`. This keeps `**` linear per segment instead of
 * exponential backtracking. Every match takes at least one segment (a pattern ends with a
 * literal, a wildcard or a final `**`), so a floating pattern tries every start in one pass.
 */
function matchGeneral(glob: PathGlob, path: readonly string[]): boolean {
  const n = path.length;
  if (reach.length <= n) {
    reach = new Uint8Array(2 * (n + 1));
    next = new Uint8Array(2 * (n + 1));
  }
  reach.fill(0, 0, n + 1);
  reach.fill(1, 0, glob.anchored ? 1 : n);
  for (const seg of glob.segments) {
    next.fill(0, 0, n + 1);
    let alive = false;
    if (seg.kind === "globstar") {
      // Reachable at i if reachable at some j <= i (j < i when it must take a segment).
      let any = 0;
      for (let i = 0; i <= n; i++) {
        if (seg.last) next[i] = any;
        any |= reach[i]!;
        if (!seg.last) next[i] = any;
        if (next[i]) alive = true;
      }
    } else {
      for (let i = 0; i < n; i++) {
        if (reach[i] && segmentMatches(seg, path[i]!)) {
          next[i + 1] = 1;
          alive = true;
        }
      }
    }
    const swap = reach;
    reach = next;
    next = swap;
    if (!alive) return false;
  }
  // A match on a directory (a proper prefix) covers everything inside it.
  const last = glob.dirOnly ? n - 1 : n;
  for (let end = 1; end <= last; end++) if (reach[end]) return true;
  return false;
}

export function matchPath(glob: PathGlob, path: string): boolean {
  return matchPathSegments(glob, splitPath(path));
}

export function splitPath(path: string): string[] {
  return (path.startsWith("/") ? path.slice(1) : path).split("/");
}

/** Branch globs match the whole name; `*` and `?` stay within a `/` segment, `**` crosses. */
export interface BranchGlob {
  readonly source: string;
  readonly tokens: readonly BranchToken[];
}
type BranchToken = { kind: "text"; ch: string } | { kind: "star" } | { kind: "globstar" } | { kind: "one" };

export function compileBranchGlob(pattern: string): BranchGlob {
  checkPatternText(pattern, "branch");
  const tokens: BranchToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*") {
      let j = i;
      while (pattern[j + 1] === "*") j++;
      tokens.push(j > i ? { kind: "globstar" } : { kind: "star" });
      i = j;
    } else if (ch === "?") tokens.push({ kind: "one" });
    else tokens.push({ kind: "text", ch });
  }
  return { source: pattern, tokens };
}

export function matchBranch(glob: BranchGlob, branch: string): boolean {
  const n = branch.length;
  let reach = new Array<boolean>(n + 1).fill(false);
  reach[0] = true;
  for (const tok of glob.tokens) {
    const next = new Array<boolean>(n + 1).fill(false);
    if (tok.kind === "globstar") {
      let any = false;
      for (let i = 0; i <= n; i++) {
        any = any || reach[i]!;
        next[i] = any;
      }
    } else if (tok.kind === "star") {
      let carry = false;
      for (let i = 0; i <= n; i++) {
        if (reach[i]) carry = true;
        next[i] = carry;
        if (branch[i] === "/") carry = false;
      }
    } else {
      for (let i = 0; i < n; i++) {
        if (!reach[i]) continue;
        const c = branch[i]!;
        if (tok.kind === "one" ? c !== "/" : c === tok.ch) next[i + 1] = true;
      }
    }
    reach = next;
  }
  return reach[n]!;
}
