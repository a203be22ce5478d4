/**
 * Each CODEOWNERS line on its own: whether it ever decides anything (a later line may cover it)
 * and whether its rolegate glob says exactly what its pattern says or had to be widened.
 */
import { compilePathGlob } from "../../core/glob.js";
import { globLanguage, surelyDisjoint } from "./automata.js";
import type { ImportFinding } from "./findings.js";
import { type Line, mayMatch } from "./parse.js";
import { code } from "./text.js";
import { type Budget, spent, witness } from "./witness.js";

/**
 * The lines that may decide something: lines a later line fully covers never do (only lines
 * GitHub surely reads cover), and are marked `dead` and reported; lines matching nothing go too.
 */
export function liveLines(lines: Line[], budget: Budget, findings: ImportFinding[]): Line[] {
  for (let i = 0; i < lines.length && !spent(budget); i++) {
    const li = lines[i]!;
    const mine = mayMatch(li);
    if (!mine) continue;
    for (let j = i + 1; j < lines.length; j++) {
      const lj = lines[j]!;
      budget.meter.work += 0.1;
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
  return lines.filter((l) => l.dead === undefined && l.glob !== undefined);
}

/** Exactness of each glob (sets `exact`), and a check that it covers the pattern. */
export function checkGlobs(live: readonly Line[], budget: Budget, findings: ImportFinding[]): void {
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
      l.rg = globLanguage(compilePathGlob("**"), budget.meter);
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
}
