/** The words for each finding: a sentence for the import's notes, a short line for the comment above a requirement. */
import { POLICY_DEFINING_FILES as POLICY_FILE_NAMES } from "../../core/names.js";
import type { ImportFinding } from "./findings.js";
import type { Line } from "./parse.js";
import { code, q } from "./text.js";

function lineRef(lines: Line[], n: number | undefined): string {
  if (n === undefined) return "a policy file";
  const l = lines.find((x) => x.line === n);
  return l ? `line ${n} (${code(l.pattern)})` : `line ${n}`;
}

export function noteText(f: ImportFinding, lines: Line[]): string {
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

/** One line for the comment above a requirement: where it asks for more than CODEOWNERS. */
export function shortNote(f: ImportFinding, req: string): string {
  const eg = (e: string | undefined) => (e !== undefined ? `e.g. ${code(e)}` : "assumed: the analysis ran out of budget");
  if (f.kind === "overlap") return `files that also need ${q(f.requirements[0] === req ? f.requirements[1] : f.requirements[0])} (${eg(f.example)})`;
  if (f.kind === "unowned") return `files whose last matching line ${f.line} has no owners (${eg(f.example)})`;
  if (f.kind === "unmatched") return `files that match no line${f.via !== undefined ? `, through the widened line ${f.via}` : ""} (${eg(f.example)})`;
  return "";
}
