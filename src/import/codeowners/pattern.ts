/**
 * One CODEOWNERS pattern: its tokens, whether GitHub reads it as written, its language in
 * CODEOWNERS and the rolegate glob that covers it.
 *
 * The CODEOWNERS pattern model (GitHub's documentation, checked against its examples):
 * gitignore rules, with these differences: a final lone `*` segment matches only files directly
 * in the directory (`docs/*` does not match `docs/a/b.md`); `!` negation, `[...]` classes and a
 * `\#` escape do not work (GitHub reports such lines as errors). Lines using them are kept,
 * widened so that every reading is covered, and reported.
 */
import { automatonOf, Language, type Meter, type Part, type Tok } from "./automata.js";

/** A CODEOWNERS pattern token: characters keep whether they were escaped. */
type PTok = { kind: "char"; ch: string; escaped: boolean } | { kind: "star" } | { kind: "one" } | { kind: "class"; text: string } | { kind: "slash" };

export function tokenize(pattern: string): PTok[] {
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
export function unsupported(pattern: string, toks: readonly PTok[]): string | undefined {
  if (pattern.startsWith("!")) return "negation (`!`) does not work in CODEOWNERS";
  if (pattern.startsWith("\\#")) return "escaping a leading `#` does not work in CODEOWNERS";
  if (toks.some((t) => t.kind === "class")) return "character classes (`[...]`) do not work in CODEOWNERS";
  const { segments, emptyInside, dirMark } = splitSegments(toks);
  if (emptyInside) return "the pattern has an empty path segment (`//`)";
  if (/\*\*\*/.test(pattern.replace(/\\./g, ""))) return "three asterisks in a row have no defined meaning in CODEOWNERS";
  if (dirMark && segments.length === 1 && isStars(segments[0]!) && segments[0]!.length === 2) return "`**/` has no defined meaning in CODEOWNERS";
  return undefined;
}

/** CODEOWNERS' own language for a pattern it supports (see the model above). */
export function codeownersLanguage(toks: readonly PTok[], meter: Meter): Language | undefined {
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
export function rolegateText(toks: readonly PTok[]): string | undefined {
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
