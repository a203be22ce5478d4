/**
 * Requirements: one per owner set, on its category, on `other` for the catch-all's owners, and
 * on `policy` for the owners of the policy files. Each keeps the parts ("components") it selects
 * files through, so the analysis can say where it asks for more than CODEOWNERS.
 */
import { POLICY_DEFINING_FILES as POLICY_FILE_NAMES } from "../../core/names.js";
import type { Language } from "./automata.js";
import type { OwnerSet } from "./owners.js";
import { type Line, mayMatch } from "./parse.js";
import { type Budget, witness } from "./witness.js";

export type GlobComponent = { kind: "glob"; lines: number[]; rg: Language; widenedInclude: boolean };
export type Component = GlobComponent | { kind: "other" } | { kind: "policy" };

export interface Req {
  set: OwnerSet;
  name: string;
  categories: string[];
  components: Component[];
  catchAll?: Line;
}

/** The catch-all: the last live line GitHub surely reads that matches every path, if it has owners. */
export function findCatchAll(live: readonly Line[], budget: Budget): Line | undefined {
  const lastCatchAll = [...live].reverse().find((l) => l.co && l.co.chars.size === 0 && witness([{ l: l.co, want: false }], budget) === null);
  return lastCatchAll?.key ? lastCatchAll : undefined;
}

/** Fills each set's category globs (the catch-all line is `other`, not a glob). */
function fillGlobs(sets: Map<string, OwnerSet>, catchAll: Line | undefined): void {
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
}

/** Who owns each policy file: every owner set that may be its last matching line. */
function policyOwnersOf(live: readonly Line[]): Set<string> {
  const policyOwners = new Set<string>();
  for (const p of POLICY_FILE_NAMES) {
    for (let j = live.length - 1; j >= 0; j--) {
      const l = live[j]!;
      if (!mayMatch(l)!.matches(p)) continue;
      if (l.key) policyOwners.add(l.key);
      if (l.co) break; // GitHub surely reads this line, so no earlier line decides
    }
  }
  return policyOwners;
}

/** Requirements, one per owner set, in the order of the sets. */
export function requirements(sets: Map<string, OwnerSet>, live: readonly Line[], catchAll: Line | undefined): Req[] {
  fillGlobs(sets, catchAll);
  const policyOwners = policyOwnersOf(live);
  const reqs: Req[] = [];
  for (const set of sets.values()) {
    const req: Req = { set, name: `CODEOWNERS: ${set.display}`, categories: [], components: [] };
    if (set.globs.length > 0) {
      req.categories.push(set.name);
      for (const g of set.globs) req.components.push({ kind: "glob", lines: g.lines, rg: g.rg, widenedInclude: false });
    }
    if (catchAll && catchAll.key === set.key) {
      req.catchAll = catchAll;
      req.categories.push("other");
      req.components.push({ kind: "other" });
      // The paths a widened glob adds may have the catch-all as their last matching line.
      for (const other of sets.values()) {
        if (other === set || other.globs.every((g) => g.exact)) continue;
        req.categories.push(other.name);
        for (const g of other.globs) req.components.push({ kind: "glob", lines: g.lines, rg: g.rg, widenedInclude: true });
      }
    }
    if (policyOwners.has(set.key)) {
      req.categories.push("policy");
      req.components.push({ kind: "policy" });
    }
    reqs.push(req);
  }
  return reqs;
}
