/**
 * Path languages: sets of repository paths as small automata over the characters of `path + "/"`,
 * so that whether one pattern covers, equals or meets another is decided exactly. A rolegate
 * glob's language is built from the real compiled glob, so the analysis judges what the policy
 * will actually match.
 */
import type { PathGlob } from "../../core/glob.js";

/** One token inside a path segment. */
export type Tok = { kind: "char"; ch: string } | { kind: "one" } | { kind: "star" };

/**
 * A path language as a sequence of parts over whole segments: one segment matching tokens,
 * zero or more segments, or one or more segments. A path belongs to it when `path + "/"` is a
 * concatenation of the parts, each segment followed by its `/`.
 */
export type Part = { kind: "segment"; toks: Tok[] } | { kind: "any0" } | { kind: "any1" };

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

export function automatonOf(parts: readonly Part[]): PathAutomaton {
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
export function surelyDisjoint(a: Language, b: Language): boolean {
  a.meter.work += 0.1; // a cheap check, but quadratic in the number of lines
  const n = Math.min(a.prefix.length, b.prefix.length);
  for (let i = 0; i < n; i++) if (a.prefix[i] !== b.prefix[i]) return true;
  return false;
}

/** The language of one repository path exactly (for the policy file names). */
export function literalPath(path: string): PathAutomaton {
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

/** One language holding every path of the given ones. */
export const union = (meter: Meter, langs: readonly (Language | undefined)[]) =>
  new Language(
    langs.flatMap((l) => (l ? l.members : [])),
    meter,
  );
