/**
 * Example paths: a shortest path inside some languages and outside others, searched within a
 * work budget. Every question the analysis asks ("does this line cover that one?", "can a file
 * need both approvals?") is one such search; `null` is a proof that there is no such path.
 */
import { automatonOf, Language, type Meter } from "./automata.js";

/** The work allowed for the whole import, so a hostile or huge file costs a bounded amount. */
export interface Budget {
  meter: Meter;
  limit: number;
  cache: Map<string, string | null | undefined>;
  every: Language;
}

/** Automaton steps one question may take, and the whole import (some seconds); past them, overlaps are assumed and said so. */
const PER_QUERY_WORK = 1_000_000;
export const DEFAULT_BUDGET = 25_000_000;

/** A fresh budget for one import; `every` (all paths) is what a question that wants no language searches in. */
export function newBudget(meter: Meter, limit: number): Budget {
  return { meter, limit, cache: new Map(), every: new Language([automatonOf([{ kind: "any1" }])], meter) };
}

/** The whole import's work is past its limit: later questions are not asked. */
export function spent(budget: Budget): boolean {
  return budget.meter.work > budget.limit;
}

export type Term = { l: Language; want: boolean };

/**
 * A shortest path in every `want: true` language and in no `want: false` one: a string, `null`
 * when there is none, `undefined` when the budget ran out first. Breadth first over the product.
 *
 * Only characters the wanted languages name, plus one character no language names, need trying:
 * a character only the unwanted languages name can be swapped for the neutral one without
 * leaving a wanted language, and an unwanted language can only match less after the swap.
 */
export function witness(terms: readonly Term[], budget: Budget): string | null | undefined {
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
