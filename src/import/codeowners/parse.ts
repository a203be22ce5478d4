/**
 * The CODEOWNERS file format: lines, comments, escaped blanks and owners. Each line carries its
 * pattern's languages for the analysis.
 */
import { compilePathGlob, GlobError } from "../../core/glob.js";
import { globLanguage, type Language, type Meter } from "./automata.js";
import { codeownersLanguage, rolegateText, tokenize, unsupported } from "./pattern.js";

/** The policy schema's login and team patterns (src/core/policy/schema.ts). */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\[bot\])?$/;
const TEAM = /^@[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+$/;

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

export interface Line extends CodeownersRule {
  /** CODEOWNERS' language; only for patterns GitHub supports. */
  co?: Language;
  /** The rolegate glob's language: a superset of every reading of the pattern. */
  rg?: Language;
  /** The owner set, lower-cased and sorted; undefined for a line without owners. */
  key?: string;
  dead?: number;
}

/** What CODEOWNERS may match for a line: its own language, or the widened one when GitHub may read it otherwise. */
export function mayMatch(l: Line): Language | undefined {
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

export function parseLines(text: string, cache: LanguageCache, meter: Meter): Line[] {
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
