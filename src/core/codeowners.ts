/**
 * `rolegate import codeowners`: turns a GitHub CODEOWNERS file into a starting policy that is
 * never looser than the original.
 *
 * CODEOWNERS is "last matching line wins"; a rolegate category is an any-of set of globs and a
 * file may be in several. So each set of owners becomes one role, one category (the patterns of
 * the lines naming exactly those owners) and one requirement (one approval from that role, only
 * for the files of that category). A file whose last matching line names owners O is always in
 * O's category, so it always needs an approval from O: never looser. Where the policy asks for
 * more than CODEOWNERS (a file in two categories, a line without owners that rolegate cannot
 * subtract, a pattern rolegate can only widen), the import says so, with an example path.
 *
 * Two refinements keep the result close to the original:
 * - a line that a later line fully covers never decides anything and is left out;
 * - the last catch-all line (`*`, `**`, ...) becomes a requirement on the built-in `other`
 *   category (files in no category of a later line), so a catch-all first and overrides later
 *   do not make every overridden file need the catch-all owners too.
 *
 * Whether one pattern covers, equals or meets another is decided exactly, on small automata
 * over the characters of the paths (see "Path languages" below); the rolegate side is built from
 * the real compiled glob, so the analysis judges what the policy will actually match.
 *
 * The CODEOWNERS pattern model (GitHub's documentation, checked against its examples):
 * gitignore rules, with these differences: a final lone `*` segment matches only files directly
 * in the directory (`docs/*` does not match `docs/a/b.md`); `!` negation, `[...]` classes and a
 * `\#` escape do not work (GitHub reports such lines as errors). Lines using them are kept,
 * widened so that every reading is covered, and reported.
 */
import { compilePathGlob, GlobError, type PathGlob } from "./glob.js";
import { POLICY_FILE_NAMES } from "./policy/types.js";
import { SCHEMA_URL } from "./policy/schema.js";

/* ------------------------------------------------------------------------------------------ */
/* Path languages                                                                               */
/* ------------------------------------------------------------------------------------------ */

/** One token inside a path segment. */
type Tok = { kind: "char"; ch: string } | { kind: "one" } | { kind: "star" };

/**
 * A path language as a sequence of parts over whole segments: one segment matching tokens,
 * zero or more segments, or one or more segments. A path belongs to it when `path + "/"` is a
 * concatenation of the parts, each segment followed by its `/`.
 */
type Part = { kind: "segment"; toks: Tok[] } | { kind: "any0" } | { kind: "any1" };

interface Edge {
  /** The character read; undefined for "any character but `/`". */
  ch: string | undefined;
  to: number;
}

/** A nondeterministic automaton over `path + "/"`; it only ever accepts well-formed paths. */
class PathAutomaton {
  readonly eps: number[][] = [];
  readonly edges: Edge[][] = [];
  readonly chars = new Set<string>();
  readonly start: number;
  accept = 0;
  /** Literal segments every accepted path starts with (for a cheap disjointness test). */
  prefix: string[] = [];
  /** States from which every continuation to a segment boundary is accepted (a matched directory). */
  readonly forever = new Set<number>();
  private closures: number[][] | undefined;

  constructor() {
    this.start = this.state();
  }

  state(): number {
    this.eps.push([]);
    this.edges.push([]);
    return this.eps.length - 1;
  }

  /** States reachable from `s` without reading a character (computed once, after construction). */
  closureOf(s: number): number[] {
    if (!this.closures) {
      this.closures = this.eps.map((_, from) => {
        const seen = new Set<number>();
        const stack = [from];
        while (stack.length > 0) {
          const x = stack.pop()!;
          if (seen.has(x)) continue;
          seen.add(x);
          for (const t of this.eps[x]!) stack.push(t);
        }
        return [...seen].sort((a, b) => a - b);
      });
    }
    return this.closures[s]!;
  }

  step(set: readonly number[], ch: string): number[] {
    const next = new Set<number>();
    for (const s of set)
      for (const e of this.edges[s]!) if (e.ch === ch || (e.ch === undefined && ch !== "/")) for (const t of this.closureOf(e.to)) next.add(t);
    return [...next].sort((a, b) => a - b);
  }
}

let languageIds = 0;

/** Work done by the languages of one import (automaton steps), which the budget limits. */
export interface Meter {
  work: number;
}

/**
 * A set of paths: the union of some automata, determinized lazily. States are interned subset
 * tuples and transitions are memoized, so a language shared by many questions is cheap to ask.
 */
export class Language {
  readonly id = ++languageIds;
  readonly chars = new Set<string>();
  /** Literal segments every path of the language starts with. */
  readonly prefix: string[];
  readonly start: number;
  private readonly ids = new Map<string, number>();
  /** Per state: the non-empty subsets, as [member index, states] pairs. */
  private readonly sets: [number, number[]][][] = [];
  private readonly accepting: boolean[] = [];
  private readonly always: boolean[] = [];
  private readonly next: Map<string, number>[] = [];

  constructor(
    readonly members: readonly PathAutomaton[],
    readonly meter: Meter = { work: 0 },
  ) {
    for (const m of members) for (const c of m.chars) this.chars.add(c);
    const prefixes = members.map((m) => m.prefix);
    const common: string[] = [];
    for (let i = 0; prefixes.length > 0 && prefixes.every((p) => p[i] !== undefined && p[i] === prefixes[0]![i]); i++) common.push(prefixes[0]![i]!);
    this.prefix = common;
    this.start = this.intern(members.map((m, i) => [i, m.closureOf(m.start)]));
  }

  private intern(sets: [number, number[]][]): number {
    const live = sets.filter(([, s]) => s.length > 0);
    if (live.length === 0) return -1;
    const key = live.map(([i, s]) => `${i}:${s.join(",")}`).join(";");
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.ids.set(key, id);
      this.sets.push(live);
      this.accepting.push(live.some(([i, s]) => s.includes(this.members[i]!.accept)));
      this.always.push(live.some(([i, s]) => s.some((x) => this.members[i]!.forever.has(x))));
      this.next.push(new Map());
    }
    return id;
  }

  /** The state after reading `ch`; -1 when no path of the language continues this way. */
  step(state: number, ch: string): number {
    if (state < 0) return -1;
    // Characters the automata never name behave alike: one memo entry for all of them.
    const cls = ch === "/" || this.chars.has(ch) ? ch : "";
    const memo = this.next[state]!;
    let to = memo.get(cls);
    if (to === undefined) {
      const sets = this.sets[state]!;
      this.meter.work += sets.length;
      to = this.intern(sets.map(([i, s]) => [i, this.members[i]!.step(s, ch)]));
      memo.set(cls, to);
    }
    return to;
  }

  accepts(state: number): boolean {
    return state >= 0 && this.accepting[state]!;
  }

  /** Every continuation of this state to a segment boundary is in the language. */
  acceptsForever(state: number): boolean {
    return state >= 0 && this.always[state]!;
  }

  matches(path: string): boolean {
    let state = this.start;
    for (const ch of path + "/") {
      state = this.step(state, ch);
      if (state < 0) return false;
    }
    return this.accepts(state);
  }
}

const ONE_OR_MORE: Tok[] = [{ kind: "one" }, { kind: "star" }];

function automatonOf(parts: readonly Part[]): PathAutomaton {
  const a = new PathAutomaton();
  let cur = a.start;
  const segment = (toks: readonly Tok[]) => {
    // A path segment is never empty: a segment of stars alone takes at least one character.
    const list = toks.every((t) => t.kind === "star") ? ONE_OR_MORE : toks;
    for (const t of list) {
      const n = a.state();
      if (t.kind === "star") {
        a.eps[cur]!.push(n);
        a.edges[n]!.push({ ch: undefined, to: n });
      } else {
        const ch = t.kind === "char" ? t.ch : undefined;
        if (ch !== undefined) a.chars.add(ch);
        a.edges[cur]!.push({ ch, to: n });
      }
      cur = n;
    }
    const n = a.state();
    a.edges[cur]!.push({ ch: "/", to: n });
    cur = n;
  };
  const any0 = () => {
    const loop = a.state();
    const inside = a.state();
    a.eps[cur]!.push(loop);
    a.edges[loop]!.push({ ch: undefined, to: inside });
    a.edges[inside]!.push({ ch: undefined, to: inside });
    a.edges[inside]!.push({ ch: "/", to: loop });
    cur = loop;
  };
  parts.forEach((p, i) => {
    if (p.kind === "segment") segment(p.toks);
    else {
      if (p.kind === "any1") segment(ONE_OR_MORE);
      any0();
      // A final "anything below": once here, every way to the next boundary is accepted.
      if (i === parts.length - 1) {
        a.forever.add(cur);
        a.forever.add(cur + 1);
      }
    }
  });
  a.accept = cur;
  for (const p of parts) {
    if (p.kind !== "segment" || !p.toks.every((t) => t.kind === "char")) break;
    a.prefix.push(p.toks.map((t) => (t as { ch: string }).ch).join(""));
  }
  return a;
}

/** Two languages whose literal prefixes part ways share no path. */
function surelyDisjoint(a: Language, b: Language): boolean {
  a.meter.work += 0.1; // a cheap check, but quadratic in the number of lines
  const n = Math.min(a.prefix.length, b.prefix.length);
  for (let i = 0; i < n; i++) if (a.prefix[i] !== b.prefix[i]) return true;
  return false;
}

/** The language of one repository path exactly (for the policy file names). */
function literalPath(path: string): PathAutomaton {
  return automatonOf(path.split("/").map((s) => ({ kind: "segment", toks: [...s].map((ch) => ({ kind: "char", ch }) as Tok) })));
}

/** The language of a compiled rolegate glob, following src/core/glob.ts rule for rule. */
export function globLanguage(glob: PathGlob, meter?: Meter): Language {
  const parts: Part[] = glob.anchored ? [] : [{ kind: "any0" }];
  for (const s of glob.segments) {
    if (s.kind === "globstar") parts.push({ kind: s.last ? "any1" : "any0" });
    else if (s.kind === "literal") parts.push({ kind: "segment", toks: [...s.text].map((ch) => ({ kind: "char", ch })) });
    else
      parts.push({
        kind: "segment",
        toks: [...s.text].map((ch): Tok => (ch === "*" ? { kind: "star" } : ch === "?" ? { kind: "one" } : { kind: "char", ch })),
      });
  }
  // The matched part may be followed by anything inside it (at least one segment for `dir/`).
  parts.push({ kind: glob.dirOnly ? "any1" : "any0" });
  return new Language([automatonOf(parts)], meter);
}

/** The work allowed for the whole import, so a hostile or huge file costs a bounded amount. */
interface Budget {
  meter: Meter;
  limit: number;
  cache: Map<string, string | null | undefined>;
  every: Language;
}

/** Automaton steps one question may take, and the whole import (some seconds); past them, overlaps are assumed and said so. */
const PER_QUERY_WORK = 1_000_000;
export const DEFAULT_BUDGET = 25_000_000;

type Term = { l: Language; want: boolean };

/**
 * A shortest path in every `want: true` language and in no `want: false` one: a string, `null`
 * when there is none, `undefined` when the budget ran out first. Breadth first over the product.
 *
 * Only characters the wanted languages name, plus one character no language names, need trying:
 * a character only the unwanted languages name can be swapped for the neutral one without
 * leaving a wanted language, and an unwanted language can only match less after the swap.
 */
function witness(terms: readonly Term[], budget: Budget): string | null | undefined {
  const all = terms.some((t) => t.want) ? [...terms] : [{ l: budget.every, want: true }, ...terms];
  const cacheKey = all.map((t) => `${t.want ? "+" : "-"}${t.l.id}`).join(" ");
  if (budget.cache.has(cacheKey)) return budget.cache.get(cacheKey);
  let result: string | null | undefined;
  const wanted = all.filter((t) => t.want);
  if (wanted.length < all.length) {
    // Often the shortest path of the wanted languages alone already avoids the unwanted ones.
    const easy = witness(wanted, budget);
    if (easy === null) result = null;
    else if (typeof easy === "string" && all.every((t) => t.l.matches(easy) === t.want)) result = easy;
  }
  if (result === undefined) result = search(all, budget);
  budget.cache.set(cacheKey, result);
  return result;
}

function search(all: readonly Term[], budget: Budget): string | null | undefined {
  const named = new Set<string>();
  const wanted = new Set<string>();
  for (const t of all) for (const c of t.l.chars) (t.want ? wanted : named).add(c);
  for (const c of wanted) named.add(c);
  named.delete("/");
  wanted.delete("/");
  const neutral =
    [..."abcdefghijklmnopqrstuvwxyz0123456789_~"].find((c) => !named.has(c)) ??
    [...Array(64)].map((_, i) => String.fromCodePoint(0x4e00 + i)).find((c) => !named.has(c))!;
  const alphabet = [neutral, ...[...wanted].sort(), "/"];

  const start = all.map((t) => t.l.start);
  const parents = new Map<string, { from: string | undefined; ch: string }>();
  const startKey = start.join(",");
  parents.set(startKey, { from: undefined, ch: "" });
  let frontier: [string, number[]][] = [[startKey, start]];
  const stop = Math.min(budget.limit, budget.meter.work + PER_QUERY_WORK);
  const build = (k: string) => {
    let out = "";
    for (let cur: string | undefined = k; cur !== undefined; ) {
      const p: { from: string | undefined; ch: string } = parents.get(cur)!;
      out = p.ch + out;
      cur = p.from;
    }
    return out.slice(0, -1);
  };
  while (frontier.length > 0) {
    const next: [string, number[]][] = [];
    for (const [k, s] of frontier) {
      budget.meter.work += alphabet.length; // memoized steps are cheap, not free
      if (budget.meter.work > stop) return undefined;
      for (const ch of alphabet) {
        const t: number[] = [];
        let dead = false;
        for (let i = 0; i < all.length; i++) {
          const moved = all[i]!.l.step(s[i]!, ch);
          // A wanted language that cannot continue, or an unwanted one that will accept
          // whatever follows, ends this branch.
          if (all[i]!.want ? moved < 0 : all[i]!.l.acceptsForever(moved)) {
            dead = true;
            break;
          }
          t.push(moved);
        }
        if (dead) continue;
        const tk = t.join(",");
        if (parents.has(tk)) continue;
        parents.set(tk, { from: k, ch });
        if (ch === "/" && all.every((term, i) => term.l.accepts(t[i]!) === term.want)) return friendlier(build(tk), all, neutral);
        next.push([tk, t]);
      }
    }
    frontier = next;
  }
  return null;
}

/**
 * The shortest example often has empty wildcard matches (`docs/.md`); where a letter before a
 * leading dot keeps every constraint, use it (`docs/a.md`).
 */
function friendlier(path: string, terms: readonly Term[], letter: string): string {
  const ok = (p: string) => terms.every((t) => t.l.matches(p) === t.want);
  const segs = path.split("/");
  for (let i = 0; i < segs.length; i++) {
    if (!segs[i]!.startsWith(".")) continue;
    const tried = [...segs];
    tried[i] = letter + segs[i];
    if (ok(tried.join("/"))) segs[i] = tried[i]!;
  }
  return segs.join("/");
}

/* ------------------------------------------------------------------------------------------ */
/* CODEOWNERS lines                                                                             */
/* ------------------------------------------------------------------------------------------ */

/** The policy schema's login and team patterns (src/core/policy/schema.ts). */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\[bot\])?$/;
const TEAM = /^@[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+$/;

/** A CODEOWNERS pattern token: characters keep whether they were escaped. */
type PTok = { kind: "char"; ch: string; escaped: boolean } | { kind: "star" } | { kind: "one" } | { kind: "class"; text: string } | { kind: "slash" };

function tokenize(pattern: string): PTok[] {
  const out: PTok[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      if (i + 1 < pattern.length) out.push({ kind: "char", ch: pattern[++i]!, escaped: true });
      else out.push({ kind: "char", ch: "\\", escaped: false });
    } else if (ch === "*") out.push({ kind: "star" });
    else if (ch === "?") out.push({ kind: "one" });
    else if (ch === "/") out.push({ kind: "slash" });
    else if (ch === "[") {
      const end = pattern.indexOf("]", i + 2);
      const slash = pattern.indexOf("/", i);
      if (end > 0 && (slash < 0 || slash > end)) {
        out.push({ kind: "class", text: pattern.slice(i, end + 1) });
        i = end;
      } else out.push({ kind: "char", ch, escaped: false });
    } else out.push({ kind: "char", ch, escaped: false });
  }
  return out;
}

function splitSegments(toks: readonly PTok[]): { anchoredBySlash: boolean; dirMark: boolean; segments: PTok[][]; emptyInside: boolean } {
  const segments: PTok[][] = [[]];
  for (const t of toks) {
    if (t.kind === "slash") segments.push([]);
    else segments[segments.length - 1]!.push(t);
  }
  const anchoredBySlash = segments.length > 1 && segments[0]!.length === 0;
  if (anchoredBySlash) segments.shift();
  const dirMark = segments.length > 1 && segments[segments.length - 1]!.length === 0;
  if (dirMark) segments.pop();
  const emptyInside = segments.some((s) => s.length === 0);
  return { anchoredBySlash, dirMark, segments: segments.filter((s) => s.length > 0), emptyInside };
}

const isStars = (seg: readonly PTok[]) => seg.length > 0 && seg.every((t) => t.kind === "star");

/** Why GitHub may not read this pattern as written (it reports such lines as errors), if so. */
function unsupported(pattern: string, toks: readonly PTok[]): string | undefined {
  if (pattern.startsWith("!")) return "negation (`!`) does not work in CODEOWNERS";
  if (pattern.startsWith("\\#")) return "escaping a leading `#` does not work in CODEOWNERS";
  if (toks.some((t) => t.kind === "class")) return "character classes (`[...]`) do not work in CODEOWNERS";
  const { segments, emptyInside, dirMark } = splitSegments(toks);
  if (emptyInside) return "the pattern has an empty path segment (`//`)";
  if (/\*\*\*/.test(pattern.replace(/\\./g, ""))) return "three asterisks in a row have no defined meaning in CODEOWNERS";
  if (dirMark && segments.length === 1 && isStars(segments[0]!) && segments[0]!.length === 2) return "`**/` has no defined meaning in CODEOWNERS";
  return undefined;
}

/** CODEOWNERS' own language for a pattern it supports (see the model at the top of the file). */
function codeownersLanguage(toks: readonly PTok[], meter: Meter): Language | undefined {
  const { anchoredBySlash, dirMark, segments } = splitSegments(toks);
  if (segments.length === 0) return undefined; // "/" matches nothing
  const floating = !anchoredBySlash && segments.length === 1;
  const parts: Part[] = floating ? [{ kind: "any0" }] : [];
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg.length === 2 && isStars(seg)) {
      parts.push({ kind: last && !dirMark ? "any1" : "any0" });
      return;
    }
    const toks2: Tok[] = [];
    for (const t of seg) {
      if (t.kind === "star") {
        if (toks2[toks2.length - 1]?.kind !== "star") toks2.push({ kind: "star" });
      } else if (t.kind === "one") toks2.push({ kind: "one" });
      else if (t.kind === "char") toks2.push({ kind: "char", ch: t.ch });
    }
    parts.push({ kind: "segment", toks: toks2 });
    // A final lone `*` names the files directly inside; any other final segment also covers
    // what is inside it when it is a directory.
    if (last && !dirMark && !(seg.length === 1 && seg[0]!.kind === "star")) parts.push({ kind: "any0" });
  });
  if (dirMark) parts.push({ kind: "any1" });
  return new Language([automatonOf(parts)], meter);
}

/** Characters a rolegate glob cannot hold; a one-character wildcard stands in for them. */
const NOT_IN_GLOBS = new Set(["!", "[", "]", "\\", "*", "?"]);

/**
 * The rolegate glob for a pattern: the same text where rolegate reads it the same way, else a
 * wider one. Classes become `*` (covering a one-character class and the literal text alike),
 * characters rolegate cannot hold become `?`, a final `**` followed by `/` loses the `/` (rolegate
 * would need one more level), empty segments go. Undefined when the pattern matches nothing.
 */
function rolegateText(toks: readonly PTok[]): string | undefined {
  let text = "";
  toks.forEach((t, i) => {
    if (t.kind === "slash") text += "/";
    else if (t.kind === "star" || t.kind === "class") text += "*";
    else if (t.kind === "one") text += "?";
    else if (i === 0 && t.escaped && t.ch === "#")
      text += "*#"; // `\#x` read either way: `#x` or `\#x`
    else text += NOT_IN_GLOBS.has(t.ch) ? "?" : t.ch;
  });
  const leading = text.startsWith("/");
  const trailing = text.length > 1 && text.endsWith("/");
  const segs = text
    .split("/")
    .filter((s) => s.length > 0)
    .map((s) => (/^\*{3,}$/.test(s) ? "**" : s));
  if (segs.length === 0) return undefined;
  // Anchoring is kept: a leading `/`, or a `/` between segments. Where empty segments collapse
  // to one segment, the glob floats, which covers the anchored reading too.
  const dir = trailing && segs[segs.length - 1] !== "**";
  return (leading ? "/" : "") + segs.join("/") + (dir ? "/" : "");
}

export interface CodeownersRule {
  /** 1-based line in the CODEOWNERS file. */
  line: number;
  pattern: string;
  /** Owners as rolegate members: logins (`alice`) and teams (`@org/team`). */
  owners: string[];
  /** Owners rolegate cannot name: email addresses and anything not `@login` or `@org/team`. */
  unmapped: string[];
  /** Set when GitHub may not read the pattern as written. */
  unsupported?: string;
  /** The rolegate glob the line's files are selected by; undefined when it matches nothing. */
  glob?: string;
  /** The glob matches exactly the files the pattern matches in CODEOWNERS. */
  exact: boolean;
}

interface Line extends CodeownersRule {
  /** CODEOWNERS' language; only for patterns GitHub supports. */
  co?: Language;
  /** The rolegate glob's language: a superset of every reading of the pattern. */
  rg?: Language;
  /** The owner set, lower-cased and sorted; undefined for a line without owners. */
  key?: string;
  dead?: number;
}

/** What CODEOWNERS may match for a line: its own language, or the widened one when GitHub may read it otherwise. */
function mayMatch(l: Line): Language | undefined {
  return l.co ?? l.rg;
}

/** Splits a line on unescaped blanks; a later word starting with `#` starts a comment. */
function words(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "\\" && i + 1 < line.length) {
      cur += ch + line[++i];
    } else if (ch === " " || ch === "\t") {
      if (cur) out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur) out.push(cur);
  const comment = out.findIndex((w, i) => i > 0 && w.startsWith("#"));
  return comment < 0 ? out : out.slice(0, comment);
}

/** Parses CODEOWNERS text into its rules, in file order. */
export function parseCodeowners(text: string): CodeownersRule[] {
  return parseLines(text, new Map(), { work: 0 }).map(({ co: _co, rg: _rg, key: _key, dead: _dead, ...rule }) => rule);
}

/** Languages by glob or pattern text: equal texts share one memoized automaton. */
type LanguageCache = Map<string, Language | undefined>;

function cached(cache: LanguageCache, key: string, make: () => Language | undefined): Language | undefined {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key);
}

function parseLines(text: string, cache: LanguageCache, meter: Meter): Line[] {
  const rules: Line[] = [];
  text.split(/\r?\n|\r/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const [pattern, ...ownerWords] = words(trimmed);
    if (pattern === undefined) return;
    const owners: string[] = [];
    const unmapped: string[] = [];
    for (const w of ownerWords) {
      if (w.startsWith("@") && w.includes("/") && TEAM.test(w)) owners.push(w);
      else if (w.startsWith("@") && !w.includes("/") && LOGIN.test(w.slice(1))) owners.push(w.slice(1));
      else unmapped.push(w);
    }
    const toks = tokenize(pattern);
    const why = unsupported(pattern, toks);
    const rule: Line = { line: i + 1, pattern, owners: dedupe(owners), unmapped: dedupe(unmapped), exact: false };
    if (why) rule.unsupported = why;
    let glob = rolegateText(toks);
    if (glob !== undefined) {
      try {
        compilePathGlob(glob);
      } catch (e) {
        if (!(e instanceof GlobError)) throw e;
        glob = "**"; // not expected; the widest glob is never looser, and the exactness check reports it
      }
      const text = glob;
      rule.glob = text;
      rule.rg = cached(cache, "rg:" + text, () => globLanguage(compilePathGlob(text), meter));
    }
    if (!why) {
      const co = cached(cache, "co:" + pattern, () => codeownersLanguage(toks, meter));
      if (co) rule.co = co;
    }
    const mapped = rule.owners.map((o) => o.toLowerCase()).sort();
    if (mapped.length > 0) rule.key = mapped.join(" ");
    else if (rule.unmapped.length > 0)
      rule.key =
        "unmapped:" +
        rule.unmapped
          .map((o) => o.toLowerCase())
          .sort()
          .join(" ");
    rules.push(rule);
  });
  return rules;
}

function dedupe(list: string[]): string[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = x.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/* ------------------------------------------------------------------------------------------ */
/* The import                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** Where and why the imported policy differs from CODEOWNERS, for people and for tests. */
export type ImportFinding =
  /** Files selected by two requirements: they need both approvals. */
  | { kind: "overlap"; requirements: [string, string]; lines: [number | undefined, number | undefined]; widenedLine?: number; example?: string }
  /** Files whose last matching line (`line`) has no owners, which a requirement still selects. */
  | { kind: "unowned"; requirement: string; line: number; via?: number; example?: string }
  /** Files no CODEOWNERS line matches, which a requirement still selects (a widened pattern). */
  | { kind: "unmatched"; requirement: string; via?: number; example?: string }
  /** No requirement covers the policy files, so rolegate's built-in admin rule applies to them. */
  | { kind: "policy-admin" }
  /** A line a later line fully covers: it never decides anything and is left out. */
  | { kind: "shadowed"; line: number; by: number }
  /** A pattern rolegate can only widen. */
  | { kind: "widened"; line: number; pattern: string; glob: string; reason: string; example?: string }
  /** A line without owners that GitHub may not read as written; the policy, which never subtracts, ignores it. */
  | { kind: "ignored-line"; line: number; pattern: string; reason: string }
  /** A line whose pattern can match nothing. */
  | { kind: "empty-pattern"; line: number; pattern: string }
  /** An owner rolegate cannot name (an email address, or not `@login`/`@org/team`). */
  | { kind: "unmapped-owner"; line: number; owner: string; placeholder?: string }
  /** The work limit was reached: places where the policy asks for more may be missing from the findings. */
  | { kind: "incomplete" };

/** Findings where the policy asks for more than CODEOWNERS on some files. */
export const STRICTER_KINDS = new Set<ImportFinding["kind"]>(["overlap", "unowned", "unmatched", "policy-admin", "incomplete"]);

export interface CodeownersImport {
  yaml: string;
  /** One readable sentence per finding, in the order of `findings`. */
  notes: string[];
  findings: ImportFinding[];
}

export interface ImportOptions {
  /** The CODEOWNERS file's name, for the header comment. */
  source?: string;
  /** Analysis budget in units of automaton work; when spent, the rest is assumed (and said so). */
  budget?: number;
}

export const SCHEMA_LINE = `# yaml-language-server: $schema=${SCHEMA_URL}`;

/** Placeholder members for owners rolegate cannot name: longer than any GitHub login (39 characters), so no one can ever hold them. */
function placeholderFor(index: number): string {
  return `unmapped-owner-${index}-replace-with-a-github-login`;
}

interface OwnerSet {
  key: string;
  /** rolegate members, as written first. */
  members: string[];
  /** For people: `@acme/docs, @alice`. */
  display: string;
  /** The owners as written (emails for an unmapped set), for the name. */
  labels: string[];
  name: string;
  lines: Line[];
  /** Globs of this set's category, each with the lines it comes from. */
  globs: { glob: string; lines: number[]; rg: Language; exact: boolean }[];
}

type GlobComponent = { kind: "glob"; glob: string; lines: number[]; rg: Language; widenedInclude: boolean };
type Component = GlobComponent | { kind: "other" } | { kind: "policy" };

interface Req {
  set: OwnerSet;
  name: string;
  categories: string[];
  components: Component[];
  catchAll?: Line;
}

function slug(member: string): string {
  return member
    .replace(/^@/, "")
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-");
}

const q = (s: string) => JSON.stringify(s);
const code = (s: string) => "`" + s + "`";
const union = (meter: Meter, langs: readonly (Language | undefined)[]) =>
  new Language(
    langs.flatMap((l) => (l ? l.members : [])),
    meter,
  );

/** Converts CODEOWNERS text to a policy (YAML with comments) that is never looser. Pure. */
export function importCodeowners(text: string, options: ImportOptions = {}): CodeownersImport {
  const meter: Meter = { work: 0 };
  const budget: Budget = { meter, limit: options.budget ?? DEFAULT_BUDGET, cache: new Map(), every: new Language([automatonOf([{ kind: "any1" }])], meter) };
  const lines = parseLines(text, new Map(), meter);
  const findings: ImportFinding[] = [];

  for (const l of lines) if (!l.glob) findings.push({ kind: "empty-pattern", line: l.line, pattern: l.pattern });

  // Lines a later line fully covers never decide anything (only lines GitHub surely reads cover).
  const spent = () => meter.work > budget.limit;
  for (let i = 0; i < lines.length && !spent(); i++) {
    const li = lines[i]!;
    const mine = mayMatch(li);
    if (!mine) continue;
    for (let j = i + 1; j < lines.length; j++) {
      const lj = lines[j]!;
      meter.work += 0.1;
      if (!lj.co || surelyDisjoint(mine, lj.co)) continue;
      if (
        witness(
          [
            { l: mine, want: true },
            { l: lj.co, want: false },
          ],
          budget,
        ) === null
      ) {
        li.dead = lj.line;
        findings.push({ kind: "shadowed", line: li.line, by: lj.line });
        break;
      }
    }
  }
  const live = lines.filter((l) => l.dead === undefined && l.glob !== undefined);

  // Exactness of each glob, and a check that it covers the pattern.
  for (const l of live) {
    if (!l.key) {
      if (l.unsupported) findings.push({ kind: "ignored-line", line: l.line, pattern: l.pattern, reason: l.unsupported });
      continue;
    }
    if (!l.co) {
      findings.push({
        kind: "widened",
        line: l.line,
        pattern: l.pattern,
        glob: l.glob!,
        reason: `${l.unsupported}; GitHub reports the line as an error and may skip it, and the glob covers every reading of it`,
      });
      continue;
    }
    if (
      typeof witness(
        [
          { l: l.co, want: true },
          { l: l.rg!, want: false },
        ],
        budget,
      ) === "string"
    ) {
      // Never expected (the glob is built to cover the pattern): fall back to the widest glob rather than be looser.
      l.glob = "**";
      l.rg = globLanguage(compilePathGlob("**"), meter);
      findings.push({ kind: "widened", line: l.line, pattern: l.pattern, glob: l.glob, reason: "no narrower glob could be shown to cover it" });
      continue;
    }
    const extra = witness(
      [
        { l: l.rg!, want: true },
        { l: l.co, want: false },
      ],
      budget,
    );
    l.exact = extra === null;
    if (!l.exact) {
      const reason =
        /(^|\/)\*$/.test(l.pattern) && l.pattern !== "*"
          ? `in CODEOWNERS a final ${code("*")} matches only the files directly inside; rolegate's glob also covers deeper files`
          : "rolegate cannot say it exactly, so the glob also matches paths the pattern does not";
      findings.push({ kind: "widened", line: l.line, pattern: l.pattern, glob: l.glob!, reason, ...(extra ? { example: extra } : {}) });
    }
  }

  // Owner sets, in order of first appearance; owners rolegate cannot name.
  const placeholders = new Map<string, string>();
  for (const l of lines) {
    const onlyUnmapped = l.owners.length === 0 && l.dead === undefined && l.glob !== undefined;
    for (const o of l.unmapped) {
      const k = o.toLowerCase();
      if (onlyUnmapped && !placeholders.has(k)) placeholders.set(k, placeholderFor(placeholders.size + 1));
      findings.push({ kind: "unmapped-owner", line: l.line, owner: o, ...(onlyUnmapped ? { placeholder: placeholders.get(k)! } : {}) });
    }
  }
  const sets = new Map<string, OwnerSet>();
  for (const l of live) {
    if (!l.key) continue;
    let set = sets.get(l.key);
    if (!set) {
      const mapped = l.owners.length > 0;
      set = {
        key: l.key,
        members: mapped ? l.owners : l.unmapped.map((o) => placeholders.get(o.toLowerCase())!),
        display: mapped ? l.owners.map((o) => (o.startsWith("@") ? o : "@" + o)).join(", ") : `${l.unmapped.join(", ")} (not mapped)`,
        labels: mapped ? l.owners : l.unmapped,
        name: "",
        lines: [],
        globs: [],
      };
      sets.set(l.key, set);
    }
    set.lines.push(l);
  }
  const usedNames = new Set<string>(["policy", "other"]);
  for (const set of sets.values()) {
    let base =
      set.labels
        .map(slug)
        .join(".")
        .slice(0, 60)
        .replace(/[.-]+$/, "") || "owners";
    if (!/^[a-z0-9_]/.test(base)) base = "owners-" + base;
    let name = base;
    for (let n = 2; usedNames.has(name); n++) name = `${base}-${n}`;
    usedNames.add(name);
    set.name = name;
  }

  // The catch-all: the last live line GitHub surely reads that matches every path.
  const lastCatchAll = [...live].reverse().find((l) => l.co && l.co.chars.size === 0 && witness([{ l: l.co, want: false }], budget) === null);
  const catchAll = lastCatchAll?.key ? lastCatchAll : undefined;
  for (const set of sets.values()) {
    for (const l of set.lines) {
      if (l === catchAll) continue;
      const g = set.globs.find((x) => x.glob === l.glob);
      if (g) {
        g.lines.push(l.line);
        g.exact &&= l.exact;
      } else set.globs.push({ glob: l.glob!, lines: [l.line], rg: l.rg!, exact: l.exact });
    }
  }

  // Who owns each policy file: every owner set that may be its last matching line.
  const policyOwners = new Set<string>();
  for (const p of POLICY_FILE_NAMES) {
    for (let j = live.length - 1; j >= 0; j--) {
      const l = live[j]!;
      if (!mayMatch(l)!.matches(p)) continue;
      if (l.key) policyOwners.add(l.key);
      if (l.co) break; // GitHub surely reads this line, so no earlier line decides
    }
  }

  // Requirements, one per owner set.
  const reqs: Req[] = [];
  for (const set of sets.values()) {
    const req: Req = { set, name: `CODEOWNERS: ${set.display}`, categories: [], components: [] };
    if (set.globs.length > 0) {
      req.categories.push(set.name);
      for (const g of set.globs) req.components.push({ kind: "glob", glob: g.glob, lines: g.lines, rg: g.rg, widenedInclude: false });
    }
    if (catchAll && catchAll.key === set.key) {
      req.catchAll = catchAll;
      req.categories.push("other");
      req.components.push({ kind: "other" });
      // The paths a widened glob adds may have the catch-all as their last matching line.
      for (const other of sets.values()) {
        if (other === set || other.globs.every((g) => g.exact)) continue;
        req.categories.push(other.name);
        for (const g of other.globs) req.components.push({ kind: "glob", glob: g.glob, lines: g.lines, rg: g.rg, widenedInclude: true });
      }
    }
    if (policyOwners.has(set.key)) {
      req.categories.push("policy");
      req.components.push({ kind: "policy" });
    }
    reqs.push(req);
  }
  if (!reqs.some((r) => r.categories.includes("policy"))) findings.push({ kind: "policy-admin" });

  // Where the policy asks for more than CODEOWNERS. Past the work limit, one finding says the rest was not worked out.
  let incomplete = false;
  const stop = () => (incomplete ||= spent());
  for (let x = 0; x < reqs.length && !stop(); x++) {
    for (let y = x + 1; y < reqs.length && !stop(); y++) {
      const hit = overlapOf(reqs[x]!, reqs[y]!, budget);
      if (hit) findings.push({ kind: "overlap", requirements: [reqs[x]!.name, reqs[y]!.name], ...hit });
    }
  }
  const everyGlob = union(
    meter,
    reqs.flatMap((r) => r.components.map((c) => (c.kind === "glob" && !c.widenedInclude ? c.rg : undefined))),
  );
  const policyFiles = new Language(POLICY_FILE_NAMES.map(literalPath), meter);
  live.forEach((k, index) => {
    if (k.key || !k.co || stop()) return;
    const later = live.slice(index + 1);
    const laterUnion = later.length > 0 ? union(meter, later.map(mayMatch)) : undefined;
    for (const r of reqs) {
      if (stop()) break;
      const hit = unownedHit(r, k.co, laterUnion, everyGlob, policyFiles, budget);
      if (hit) findings.push({ kind: "unowned", requirement: r.name, line: k.line, ...hit });
    }
  });
  const anyLine = union(meter, live.map(mayMatch));
  for (const r of reqs) {
    if (stop()) break;
    const hit = unmatchedHit(r, anyLine, budget);
    if (hit) findings.push({ kind: "unmatched", requirement: r.name, ...hit });
  }
  if (incomplete) findings.push({ kind: "incomplete" });

  const notes = findings.map((f) => noteText(f, lines));
  return { yaml: render({ options, lines, reqs, sets, findings, notes, catchAll, placeholders }), notes, findings };
}

function firstLine(c: Component): number | undefined {
  return c.kind === "glob" ? c.lines[0] : undefined;
}

type OverlapHit = { lines: [number | undefined, number | undefined]; widenedLine?: number; example?: string };

/** A path both requirements select, if any (without `example` when the budget ran out). */
function overlapOf(a: Req, b: Req, budget: Budget): OverlapHit | undefined {
  let unsure: OverlapHit | undefined;
  for (const ca of a.components) {
    for (const cb of b.components) {
      if (ca.kind === "other" || cb.kind === "other") continue; // `other` holds no file of a category, nor a policy file
      const lines: [number | undefined, number | undefined] = [firstLine(ca), firstLine(cb)];
      if (ca.kind === "policy" && cb.kind === "policy") return { lines, example: POLICY_FILE_NAMES[0] };
      if (ca.kind === "policy" || cb.kind === "policy") {
        const g = (ca.kind === "glob" ? ca : cb) as GlobComponent;
        const p = POLICY_FILE_NAMES.find((n) => g.rg.matches(n));
        if (p) return { lines, ...(g.widenedInclude ? { widenedLine: g.lines[0]! } : {}), example: p };
        continue;
      }
      if (ca.kind !== "glob" || cb.kind !== "glob" || surelyDisjoint(ca.rg, cb.rg)) continue;
      const widened = ca.widenedInclude ? { widenedLine: ca.lines[0]! } : cb.widenedInclude ? { widenedLine: cb.lines[0]! } : {};
      const w = witness(
        [
          { l: ca.rg, want: true },
          { l: cb.rg, want: true },
        ],
        budget,
      );
      if (typeof w === "string") return { lines, ...widened, example: w };
      if (w === undefined) unsure ??= { lines, ...widened };
    }
  }
  return unsure;
}

/** A path whose last matching line is `k` (no owners) that the requirement still selects. */
function unownedHit(
  r: Req,
  k: Language,
  later: Language | undefined,
  everyGlob: Language,
  policyFiles: Language,
  budget: Budget,
): { via?: number; example?: string } | undefined {
  let unsure: { via?: number } | undefined;
  for (const c of r.components) {
    if (c.kind === "policy") {
      const p = POLICY_FILE_NAMES.find((n) => k.matches(n) && !later?.matches(n));
      if (p) return { example: p };
      continue;
    }
    if (c.kind === "glob" && surelyDisjoint(c.rg, k)) continue;
    const terms: Term[] = [{ l: k, want: true }];
    // `other`: files in no category and not a policy file.
    if (c.kind === "glob") terms.push({ l: c.rg, want: true });
    else terms.push({ l: everyGlob, want: false }, { l: policyFiles, want: false });
    if (later) terms.push({ l: later, want: false });
    const w = witness(terms, budget);
    const via = c.kind === "glob" ? c.lines[0] : r.catchAll?.line;
    if (typeof w === "string") return { ...(via !== undefined ? { via } : {}), example: w };
    if (w === undefined) unsure ??= via !== undefined ? { via } : {};
  }
  return unsure;
}

/** A path no CODEOWNERS line matches that the requirement still selects (through a widened glob). */
function unmatchedHit(r: Req, anyLine: Language, budget: Budget): { via?: number; example?: string } | undefined {
  let unsure: { via?: number } | undefined;
  for (const c of r.components) {
    if (c.kind === "other") continue; // listed only with a catch-all, which matches every path
    if (c.kind === "policy") {
      const p = POLICY_FILE_NAMES.find((n) => !anyLine.matches(n));
      if (p) return { example: p };
      continue;
    }
    const w = witness(
      [
        { l: c.rg, want: true },
        { l: anyLine, want: false },
      ],
      budget,
    );
    if (typeof w === "string") return { via: c.lines[0]!, example: w };
    if (w === undefined) unsure ??= { via: c.lines[0]! };
  }
  return unsure;
}

function lineRef(lines: Line[], n: number | undefined): string {
  if (n === undefined) return "a policy file";
  const l = lines.find((x) => x.line === n);
  return l ? `line ${n} (${code(l.pattern)})` : `line ${n}`;
}

function noteText(f: ImportFinding, lines: Line[]): string {
  const eg = (e: string | undefined) => (e !== undefined ? `files such as ${code(e)}` : "some files (the analysis ran out of budget here, so this is assumed)");
  const pattern = (n: number) => code(lines.find((l) => l.line === n)!.pattern);
  switch (f.kind) {
    case "overlap":
      if (f.widenedLine !== undefined) {
        return `Stricter than CODEOWNERS: ${eg(f.example)} need both ${q(f.requirements[0])} and ${q(f.requirements[1])}. L${lineRef(lines, f.widenedLine).slice(1)} had to be widened, and the paths the widened glob adds may fall to the catch-all in CODEOWNERS, so the catch-all's requirement covers that category too.`;
      }
      return `Stricter than CODEOWNERS: ${eg(f.example)} are selected by both ${q(f.requirements[0])} and ${q(f.requirements[1])} (${lineRef(lines, f.lines[0])} and ${lineRef(lines, f.lines[1])}), so they need both approvals; CODEOWNERS asks only the owners of the last matching line.`;
    case "unowned":
      return `Stricter than CODEOWNERS: line ${f.line} (${pattern(f.line)}) has no owners, but ${eg(f.example)} still need ${q(f.requirement)}${f.via !== undefined ? ` through ${lineRef(lines, f.via)}` : ""}: rolegate cannot take files out of a category.`;
    case "unmatched":
      return `Stricter than CODEOWNERS: ${eg(f.example)} match no CODEOWNERS line, but ${q(f.requirement)} selects them${f.via !== undefined ? ` because ${lineRef(lines, f.via)} had to be widened` : ""}.`;
    case "policy-admin":
      return `Stricter than CODEOWNERS: no CODEOWNERS line owns the policy files (${POLICY_FILE_NAMES.join(", ")}), so rolegate's built-in rule asks a repository admin to approve changes to them.`;
    case "shadowed":
      return `Line ${f.line} (${pattern(f.line)}) is left out: ${lineRef(lines, f.by)} comes later and matches every file it matches, so it never decides anything.`;
    case "widened":
      return `Line ${f.line}: ${code(f.pattern)} becomes the glob ${code(f.glob)}: ${f.reason}${f.example !== undefined ? ` (e.g. ${code(f.example)})` : ""}.`;
    case "ignored-line":
      return `Line ${f.line} (${code(f.pattern)}) has no owners and ${f.reason} (GitHub reports it as an error and may skip it); a line without owners only takes approvals away, so the policy ignores it and may ask for more on the files it matches.`;
    case "incomplete":
      return "The analysis reached its work limit before it was done: the policy may ask for more than CODEOWNERS in places not listed here. It is still never looser.";
    case "empty-pattern":
      return `Line ${f.line}: ${code(f.pattern)} matches no file and is left out.`;
    case "unmapped-owner":
      return f.placeholder
        ? `Line ${f.line}: ${code(f.owner)} is not a GitHub login or team, and the line names no other kind of owner: its files need an approval from the placeholder ${code(f.placeholder)}, which no one can give, until you replace it with the owner's login.`
        : `Line ${f.line}: ${code(f.owner)} is not a GitHub login or team (rolegate needs logins), so it is left out; the line's other owners still approve.`;
  }
}

interface RenderInput {
  options: ImportOptions;
  lines: Line[];
  reqs: Req[];
  sets: Map<string, OwnerSet>;
  findings: ImportFinding[];
  notes: string[];
  catchAll: Line | undefined;
  placeholders: Map<string, string>;
}

/** Notes written into the YAML: all are returned, but a huge file must still give a loadable policy. */
const MAX_HEADER_NOTES = 200;
const MAX_NOTES_PER_REQUIREMENT = 3;

/** One line for the comment above a requirement: where it asks for more than CODEOWNERS. */
function shortNote(f: ImportFinding, req: string): string {
  const eg = (e: string | undefined) => (e !== undefined ? `e.g. ${code(e)}` : "assumed: the analysis ran out of budget");
  if (f.kind === "overlap") return `files that also need ${q(f.requirements[0] === req ? f.requirements[1] : f.requirements[0])} (${eg(f.example)})`;
  if (f.kind === "unowned") return `files whose last matching line ${f.line} has no owners (${eg(f.example)})`;
  if (f.kind === "unmatched") return `files that match no line${f.via !== undefined ? `, through the widened line ${f.via}` : ""} (${eg(f.example)})`;
  return "";
}

/** A comment that stays a comment: no line breaks or control characters. */
function comment(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, " ");
}

/** Word-wrapped comment lines: `first` before the first line, `rest` before the others. */
function wrap(text: string, first: string, rest = first, width = 100): string[] {
  const out: string[] = [];
  let cur = "";
  const prefix = () => (out.length === 0 ? first : rest);
  for (const word of comment(text).split(" ").filter(Boolean)) {
    if (cur && (prefix() + cur + " " + word).length > width) {
      out.push(prefix() + cur);
      cur = word;
    } else cur = cur ? cur + " " + word : word;
  }
  if (cur) out.push(prefix() + cur);
  return out;
}

function render(input: RenderInput): string {
  const { options, lines, reqs, findings, notes, catchAll } = input;
  const out: string[] = [SCHEMA_LINE, "#"];
  const n = lines.length;
  out.push(
    ...wrap(
      `Generated by \`rolegate import codeowners\` from ${options.source ?? "a CODEOWNERS file"} (${n} rule${n === 1 ? "" : "s"}). A starting point: review it, then check it with \`rolegate validate\`.`,
      "# ",
    ),
    "#",
    ...wrap(
      "Each set of owners in CODEOWNERS becomes a role (its members), a category (the patterns of the lines naming exactly those owners) and a requirement (one approval from that role for the files of that category).",
      "# ",
    ),
    ...wrap(
      "Never looser than CODEOWNERS: a change to a file needs at least one approval from an owner of the last CODEOWNERS line that matches it. Where rolegate cannot say exactly the same thing it asks for more: the comments above each requirement say where.",
      "# ",
    ),
  );
  if (catchAll) {
    out.push(
      ...wrap(
        `The catch-all on line ${catchAll.line} (${code(catchAll.pattern)}) becomes a requirement on the built-in \`other\` category: the files in no category of a later line.`,
        "# ",
      ),
    );
  }
  const general = findings
    .map((f, i) => ({ f, note: notes[i]! }))
    .filter(({ f }) => !STRICTER_KINDS.has(f.kind) || f.kind === "policy-admin" || f.kind === "incomplete");
  if (general.length > 0) {
    out.push("#", "# Notes:");
    for (const { note } of general.slice(0, MAX_HEADER_NOTES)) out.push(...wrap(note, "# - ", "#   "));
    if (general.length > MAX_HEADER_NOTES) out.push(`# - ... and ${general.length - MAX_HEADER_NOTES} more notes (the import command prints them all).`);
  }
  out.push("version: 1");

  const withGlobs = [...input.sets.values()].filter((s) => s.globs.length > 0);
  if (withGlobs.length > 0) {
    out.push("categories:");
    for (const s of withGlobs) {
      out.push(`  ${q(s.name)}:`, `    description: ${q(`Files whose last matching CODEOWNERS line names ${s.display}`)}`, "    paths:");
      for (const g of s.globs)
        out.push(`      - ${q(g.glob)}  # line${g.lines.length > 1 ? "s" : ""} ${g.lines.join(", ")}${g.exact ? "" : " (widened, see the notes)"}`);
    }
  }
  if (reqs.length === 0) return out.join("\n") + "\n";
  out.push("roles:");
  for (const r of reqs) {
    out.push(`  ${q(r.set.name)}:`, `    description: ${q(`Owners from CODEOWNERS: ${r.set.display}`)}`, "    members:");
    for (const m of r.set.members) {
      const stands = [...input.placeholders].find(([, p]) => p === m);
      out.push(`      - ${q(m)}${stands ? `  # stands for ${comment(stands[0])}: replace it with a GitHub login or team` : ""}`);
    }
    out.push("    grants:", `      approve: [${r.categories.map(q).join(", ")}]`);
  }
  out.push("require:");
  for (const r of reqs) {
    // Unowned and unmatched files first: rarer, and more telling than overlaps.
    const mine = findings
      .map((f) => ({ f }))
      .filter(
        ({ f }) => (f.kind === "overlap" && f.requirements.includes(r.name)) || ((f.kind === "unowned" || f.kind === "unmatched") && f.requirement === r.name),
      )
      .sort((a, b) => Number(a.f.kind === "overlap") - Number(b.f.kind === "overlap"));
    if (r.catchAll) out.push(...wrap(`The catch-all (line ${r.catchAll.line}): \`other\` holds the files in no category of a later line.`, "  # "));
    if (mine.length > 0) out.push("  # Stricter than CODEOWNERS here: it also selects");
    for (const { f } of mine.slice(0, MAX_NOTES_PER_REQUIREMENT)) out.push(...wrap(shortNote(f, r.name), "  # - ", "  #   "));
    const more = mine.length - MAX_NOTES_PER_REQUIREMENT;
    if (more > 0) out.push(`  # - ... and ${more} more case${more === 1 ? "" : "s"} (the import command prints them all).`);
    out.push(`  - name: ${q(r.name)}`, `    categories: [${r.categories.map(q).join(", ")}]`, `    roles: [${q(r.set.name)}]`, "    approvals: 1");
  }
  return out.join("\n") + "\n";
}
