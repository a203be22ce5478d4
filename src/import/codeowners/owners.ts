/**
 * Owner sets: each distinct set of owners in CODEOWNERS becomes one role, named after its owners.
 * Owners rolegate cannot name get a placeholder member where a line names no one else.
 */
import type { Language } from "./automata.js";
import type { ImportFinding } from "./findings.js";
import type { Line } from "./parse.js";

export interface OwnerSet {
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

/** Placeholder members for owners rolegate cannot name: longer than any GitHub login (39 characters), so no one can ever hold them. */
function placeholderFor(index: number): string {
  return `unmapped-owner-${index}-replace-with-a-github-login`;
}

function slug(member: string): string {
  return member
    .replace(/^@/, "")
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-");
}

/**
 * Owner sets of the live lines, in order of first appearance and with unique names (their
 * `globs` are filled later); placeholders by lower-cased owner; a finding per owner rolegate
 * cannot name.
 */
export function ownerSets(
  lines: readonly Line[],
  live: readonly Line[],
  findings: ImportFinding[],
): { sets: Map<string, OwnerSet>; placeholders: Map<string, string> } {
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
  return { sets, placeholders };
}
