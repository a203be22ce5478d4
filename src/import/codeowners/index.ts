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
 * over the characters of the paths (automata.ts); the rolegate side is built from the real
 * compiled glob, so the analysis judges what the policy will actually match.
 *
 * The files: automata.ts (path languages), witness.ts (example paths within a work budget),
 * pattern.ts (one CODEOWNERS pattern), parse.ts (the file format), lines.ts (shadowed and widened
 * lines), owners.ts (owner sets), requirements.ts, stricter.ts (where the policy asks for more),
 * findings.ts, notes.ts and render.ts (the policy text).
 */
import type { Meter } from "./automata.js";
import type { ImportFinding } from "./findings.js";
import { checkGlobs, liveLines } from "./lines.js";
import { noteText } from "./notes.js";
import { ownerSets } from "./owners.js";
import { parseLines } from "./parse.js";
import { render } from "./render.js";
import { findCatchAll, requirements } from "./requirements.js";
import { addStricterFindings } from "./stricter.js";
import { DEFAULT_BUDGET, newBudget } from "./witness.js";

export { globLanguage } from "./automata.js";
export { type ImportFinding, STRICTER_KINDS } from "./findings.js";
export { type CodeownersRule, parseCodeowners } from "./parse.js";
export { SCHEMA_LINE } from "./render.js";

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

/** Converts CODEOWNERS text to a policy (YAML with comments) that is never looser. Pure. */
export function importCodeowners(text: string, options: ImportOptions = {}): CodeownersImport {
  const meter: Meter = { work: 0 };
  const budget = newBudget(meter, options.budget ?? DEFAULT_BUDGET);
  const lines = parseLines(text, new Map(), meter);
  const findings: ImportFinding[] = [];

  for (const l of lines) if (!l.glob) findings.push({ kind: "empty-pattern", line: l.line, pattern: l.pattern });
  const live = liveLines(lines, budget, findings);
  checkGlobs(live, budget, findings);
  const { sets, placeholders } = ownerSets(lines, live, findings);
  const catchAll = findCatchAll(live, budget);
  const reqs = requirements(sets, live, catchAll);
  if (!reqs.some((r) => r.categories.includes("policy"))) findings.push({ kind: "policy-admin" });
  addStricterFindings(reqs, live, budget, findings);

  const notes = findings.map((f) => noteText(f, lines));
  return { yaml: render({ source: options.source, lines, reqs, sets, findings, notes, catchAll, placeholders }), notes, findings };
}
