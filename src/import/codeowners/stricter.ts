/**
 * Where the policy asks for more than CODEOWNERS, each with an example path: files two
 * requirements select (they need both approvals), files whose last matching line has no owners
 * (rolegate cannot subtract) and files no line matches (a widened glob).
 */
import { POLICY_DEFINING_FILES as POLICY_FILE_NAMES } from "../../core/names.js";
import { Language, literalPath, surelyDisjoint, union } from "./automata.js";
import type { ImportFinding } from "./findings.js";
import { type Line, mayMatch } from "./parse.js";
import type { Component, GlobComponent, Req } from "./requirements.js";
import { type Budget, spent, type Term, witness } from "./witness.js";

/** Adds, in order, overlaps, unowned files and unmatched files; past the work limit, one finding says the rest was not worked out. */
export function addStricterFindings(reqs: readonly Req[], live: readonly Line[], budget: Budget, findings: ImportFinding[]): void {
  let incomplete = false;
  const stop = () => (incomplete ||= spent(budget));
  for (let x = 0; x < reqs.length && !stop(); x++) {
    for (let y = x + 1; y < reqs.length && !stop(); y++) {
      const hit = overlapOf(reqs[x]!, reqs[y]!, budget);
      if (hit) findings.push({ kind: "overlap", requirements: [reqs[x]!.name, reqs[y]!.name], ...hit });
    }
  }
  const everyGlob = union(
    budget.meter,
    reqs.flatMap((r) => r.components.map((c) => (c.kind === "glob" && !c.widenedInclude ? c.rg : undefined))),
  );
  const policyFiles = new Language(POLICY_FILE_NAMES.map(literalPath), budget.meter);
  live.forEach((k, index) => {
    if (k.key || !k.co || stop()) return;
    const later = live.slice(index + 1);
    const laterUnion = later.length > 0 ? union(budget.meter, later.map(mayMatch)) : undefined;
    for (const r of reqs) {
      if (stop()) break;
      const hit = unownedHit(r, k.co, laterUnion, everyGlob, policyFiles, budget);
      if (hit) findings.push({ kind: "unowned", requirement: r.name, line: k.line, ...hit });
    }
  });
  const anyLine = union(budget.meter, live.map(mayMatch));
  for (const r of reqs) {
    if (stop()) break;
    const hit = unmatchedHit(r, anyLine, budget);
    if (hit) findings.push({ kind: "unmatched", requirement: r.name, ...hit });
  }
  if (incomplete) findings.push({ kind: "incomplete" });
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
