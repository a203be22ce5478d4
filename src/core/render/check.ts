import { BREAK_GLASS_LABEL } from "../break-glass.js";
import type { ClassifiedFile } from "../classify.js";
import { formatDiagnostic } from "../diagnostics.js";
import { describeChange } from "../diff.js";
import type { Result } from "../evaluate.js";
import { describePolicyChange } from "../policy-changes.js";
import type { Verdict } from "../verdict.js";
import { buildMatrix, categoriesOf } from "../matrix.js";
import type { Policy } from "../policy/types.js";
import type { ReviewStanding } from "../review-standing.js";
import { cell, code, fenced, shortList } from "./escape.js";
import { matrixMarkdown } from "./matrix.js";
import { plural } from "../words.js";

/** GitHub rejects check-run summaries over 65,535 characters; keep a margin. */
export const SUMMARY_LIMIT = 60_000;

const ICON: Record<string, string> = { success: "✅", action_required: "⏳", failure: "❌", neutral: "➖" };

interface FileGroup {
  category: string;
  level: number;
  files: ClassifiedFile[];
  needs: string[];
}

function groupFiles(result: Result): FileGroup[] {
  const needs = new Map<string, string[]>();
  for (const r of result.requirements) for (const p of r.selected) needs.set(p, [...(needs.get(p) ?? []), r.name]);
  const groups = new Map<string, FileGroup>();
  for (const f of result.files) {
    const category = f.categories.join(" + ");
    const key = `${category}\u0000${f.level}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { category, level: f.level, files: [], needs: [] }));
    g.files.push(f);
    for (const n of needs.get(f.path) ?? []) if (!g.needs.includes(n)) g.needs.push(n);
  }
  return [...groups.values()].sort((a, b) => b.level - a.level || a.category.localeCompare(b.category));
}

function fileLabel(f: ClassifiedFile): string {
  if (f.renamedTo) return `${code(f.path)} (renamed to ${code(f.renamedTo)})`;
  if (f.previousPath) return `${code(f.path)} (renamed from ${code(f.previousPath)})`;
  return f.status === "removed" ? `${code(f.path)} (deleted)` : code(f.path);
}

function requirementsSection(result: Result, maxPeople: number, overridden: readonly string[]): string[] {
  if (result.requirements.length === 0) return ["No requirement applies to this change."];
  const out = ["| | Requirement | Files | Approvals | Approved by | Can approve |", "|---|---|---|---|---|---|"];
  for (const r of result.requirements) {
    const can = r.eligible.map((e) => (e === "*" ? "anyone with write access" : e));
    // 🔓: not met, set aside by break glass.
    const icon = r.satisfied ? "✅" : overridden.includes(r.name) ? "🔓" : "⏳";
    out.push(
      `| ${icon} | ${cell(r.name)}${r.roles ? ` (roles: ${cell(r.roles.join(", "))})` : ""}${r.exclusive ? " (exclusive)" : ""} | ${r.selected.length} | ${r.approvals.have}/${r.approvals.need} | ${cell(shortList(r.approvedBy, maxPeople))} | ${cell(shortList(can, maxPeople))} |`,
    );
  }
  return out;
}

/** A reason, its keyword in bold, cut to `max` characters. */
function reasonCell(text: string, keyword: string, max: number): string {
  const short = text.length > max ? `${text.slice(0, Math.max(keyword.length + 1, max - 1))}…` : text;
  return `**${cell(keyword)}**${cell(short.slice(keyword.length))}`;
}

/**
 * Every reviewer once: who counts toward what, and why the others do not. Those who do not
 * count come first, since they are what a reader looks for.
 */
function reviewsSection(reviews: readonly ReviewStanding[], limits: Limits): string[] {
  if (reviews.length === 0) return [];
  const ordered = [...reviews.filter((r) => !r.counted), ...reviews.filter((r) => r.counted)];
  // Rows start with the reviewer, whom readers look for (and never with a requirement's ✅/⏳).
  const out = ["### Reviews", "", "| Reviewer | Counts | Review | Counts toward | Why not |", "|---|---|---|---|---|"];
  for (const r of ordered.slice(0, limits.maxReviews)) {
    const reasons = r.reasons.slice(0, limits.maxReasons).map((x) => reasonCell(x.text, x.keyword, limits.reasonChars));
    if (r.reasons.length > limits.maxReasons) reasons.push(`… and ${r.reasons.length - limits.maxReasons} more`);
    const toward = r.counted ? (r.requirements.length > 0 ? cell(r.requirements.join(", ")) : "no requirement applies") : "—";
    out.push(`| ${code(r.user)} | ${r.counted ? "✅ yes" : "❌ no"} | ${r.state.replace("_", " ")} | ${toward} | ${reasons.join("<br>")} |`);
  }
  if (ordered.length > limits.maxReviews) out.push(`| … | | | | and ${ordered.length - limits.maxReviews} more reviewers (\`rolegate check\` lists all) |`);
  out.push("");
  return out;
}

function filesSection(result: Result, perGroup: number): string[] {
  const out = ["| Category | Level | Files | Needs |", "|---|---|---|---|"];
  for (const g of groupFiles(result)) {
    const shown = g.files.slice(0, perGroup).map(fileLabel).join("<br>");
    const more = g.files.length > perGroup ? `<br>… and ${g.files.length - perGroup} more` : "";
    out.push(`| ${cell(g.category)} | ${g.level} | ${shown}${more} | ${cell(g.needs.join("; ") || "nothing")} |`);
  }
  return out;
}

/**
 * The matrix blocks of the touched categories. A block depends only on the policy, and the app
 * keeps a parsed policy for many events, so each block is rendered once per policy (about a
 * tenth of an evaluation's CPU time otherwise).
 */
const matrixBlocks = new WeakMap<Policy, Map<string, string>>();

function touchedMatrix(policy: Policy, categories: readonly string[]): string {
  let blocks = matrixBlocks.get(policy);
  if (!blocks) matrixBlocks.set(policy, (blocks = new Map()));
  // In the policy's order, as the whole matrix shows them.
  return categoriesOf(policy)
    .filter((category) => categories.includes(category))
    .map((category) => {
      let text = blocks.get(category);
      if (text === undefined) blocks.set(category, (text = matrixMarkdown(buildMatrix(policy, [category]))));
      return text;
    })
    .join("\n");
}

interface Limits {
  perGroup: number;
  maxPeople: number;
  maxRows: number;
  /** Reviewers in the Reviews table, the reasons shown for each, and the characters of each reason. */
  maxReviews: number;
  maxReasons: number;
  reasonChars: number;
}

/** Up to `max` bullet lines of a list, then "and N more". */
function bullets(items: readonly string[], max: number): string[] {
  const out = items.slice(0, max).map((i) => `- ${cell(i)}`);
  if (items.length > max) out.push(`- … and ${items.length - max} more`);
  return out;
}

function header(v: Verdict, fileCount: number): string[] {
  const meta = [`**Conclusion:** \`${v.conclusion}\``];
  if (v.source) meta.push(`policy ${code(v.source.file)}${v.source.fromOrg ? " (organisation default)" : ""}`);
  if (v.targetBranch) meta.push(`target ${code(v.targetBranch)}`);
  if (v.kind !== "merge-group") meta.push(`${plural(fileCount, "changed path")}`);
  return [`## ${ICON[v.conclusion]} rolegate: ${cell(v.title)}`, "", meta.join(" · "), ""];
}

function errorsSection(v: Verdict, max: number): string[] {
  if (v.errors.length === 0) return [];
  return ["### Could not evaluate", "", "rolegate fails closed: nothing is reported as passing that was not fully judged.", "", ...bullets(v.errors, max), ""];
}

/** The evaluation: requirements, violations, blocking reviews, files and the matrix slice. */
function evaluationSections(result: Result, policy: Policy | undefined, limits: Limits, overridden: readonly string[]): string[] {
  const lines: string[] = ["### Requirements", "", ...requirementsSection(result, limits.maxPeople, overridden), "", ...reviewsSection(result.reviews, limits)];
  if (result.violations.length > 0) {
    lines.push("### Violations", "", "| Action | User | Path | Why |", "|---|---|---|---|");
    for (const v of result.violations.slice(0, limits.maxRows))
      lines.push(`| ${v.action} | ${cell(v.user)} | ${v.path ? code(v.path) : "the whole change"} | ${cell(v.reason)} |`);
    if (result.violations.length > limits.maxRows) lines.push(`| … | | | and ${result.violations.length - limits.maxRows} more |`);
    lines.push("");
  }
  if (result.blocking.length > 0) {
    lines.push("### Blocking reviews", "");
    for (const b of result.blocking) lines.push(`- ${cell(b.reason)}: dismiss or replace the review to continue`);
    lines.push("");
  }
  lines.push("### Changed files", "", ...filesSection(result, limits.perGroup), "");
  if (policy && result.touchedCategories.length > 0) {
    lines.push("### Permission matrix for the touched categories", "", touchedMatrix(policy, result.touchedCategories));
  }
  return lines;
}

const EFFECT_ICON = { weakens: "🔻", strengthens: "🔺", reshapes: "🔀" } as const;

function policyChangeSection(v: Verdict, max: number): string[] {
  const report = v.policyChange;
  if (!report) return [];
  const lines = ["### This pull request changes the policy", ""];
  if (v.kind === "evaluated") lines.push("It is judged by the policy on the base branch. Under the proposed policy:", "");
  if (report.removed) lines.push("- 🔻 it removes the policy file: once merged, nothing is enforced");
  const weakening = report.changes.filter((c) => c.effect === "weakens").length;
  if (weakening > 0) lines.push(`- **${weakening} change${weakening === 1 ? " weakens" : "s weaken"} protection** (marked 🔻)`);
  for (const c of report.changes.slice(0, max)) lines.push(`- ${EFFECT_ICON[c.effect]} ${cell(describePolicyChange(c))}`);
  if (report.changes.length > max) lines.push(`- … and ${report.changes.length - max} more policy changes`);
  const permissions = report.permissions.map(describeChange);
  if (permissions.length === 0 && report.changes.length === 0 && !report.removed && v.kind === "evaluated") lines.push("- no permission changes");
  lines.push(...bullets(permissions, max));
  for (const f of report.findings.slice(0, max)) lines.push(`- lint: ${cell(formatDiagnostic(f))}`);
  lines.push("");
  return lines;
}

function testsSection(v: Verdict, max: number): string[] {
  const t = v.tests;
  if (!t || (t.failures.length === 0 && t.diagnostics.length === 0)) return [];
  const lines = ["### Policy tests", "", `${t.passed} passed, ${t.failures.length} failed (${code(t.file)})`, ""];
  for (const d of t.diagnostics) lines.push(`- ${cell(formatDiagnostic(d))}`);
  for (const f of t.failures.slice(0, max)) lines.push(`- ❌ ${cell(f.name)}: ${cell(f.diff.join("; "))}`);
  lines.push("");
  return lines;
}

/** Who broke the glass, when and why, and what they set aside: right under the title. */
function overrideSection(v: Verdict): string[] {
  const o = v.override;
  if (!o) return [];
  return [
    "### Break glass",
    "",
    `**Overridden by ${code(o.by)}** at ${o.at}${o.headSha ? ` on ${code(o.headSha.slice(0, 12))}` : ""}. Requirements not met, set aside:`,
    "",
    ...o.requirements.map((name) => `- ${cell(name)}`),
    "",
    "Reason given:",
    "",
    fenced(o.reason),
    "",
    `Every override is recorded in an audit issue labelled ${code(BREAK_GLASS_LABEL)}; a new push to the pull request voids it.`,
    "",
  ];
}

function mergeGroupSection(v: Verdict): string[] {
  const rows = (v.members ?? []).map((m) => `| #${m.number} | \`${m.verdict.conclusion}\` | ${cell(m.verdict.title)} |`);
  if (rows.length === 0) return [];
  return ["Each pull request in the group must pass on its own.", "", "| Pull request | Conclusion | Why |", "|---|---|---|", ...rows, ""];
}

function build(v: Verdict, limits: Limits): string {
  const lines = header(v, v.files.length);
  lines.push(...errorsSection(v, limits.maxRows), ...overrideSection(v));
  if (v.kind === "invalid-policy") {
    lines.push(`The policy ${v.source ? code(v.source.file) : ""} has errors, so no change can be judged until it is fixed:`, "");
    lines.push(...bullets(v.diagnostics.map(formatDiagnostic), limits.maxRows), "");
  }
  if (v.kind === "merge-group") lines.push(...mergeGroupSection(v));
  if (v.result) lines.push(...evaluationSections(v.result, v.policy, limits, v.override?.requirements ?? []));
  lines.push(...policyChangeSection(v, limits.maxRows), ...testsSection(v, limits.maxRows));
  if (v.notes.length > 0) lines.push(...v.notes, "");
  if (v.warnings.length > 0) lines.push("### Warnings", "", ...bullets(v.warnings, limits.maxRows), "");
  return lines.join("\n");
}

/**
 * The check-run body. Shrinks the long lists (files, people, violations, reviews and their
 * reasons) step by step until it fits GitHub's limit; the requirement table always stays complete.
 */
export function verdictMarkdown(v: Verdict): string {
  const attempts: Limits[] = [
    { perGroup: 20, maxPeople: 20, maxRows: 100, maxReviews: 100, maxReasons: 20, reasonChars: 400 },
    { perGroup: 5, maxPeople: 10, maxRows: 30, maxReviews: 50, maxReasons: 6, reasonChars: 160 },
    { perGroup: 1, maxPeople: 5, maxRows: 10, maxReviews: 25, maxReasons: 3, reasonChars: 100 },
    { perGroup: 0, maxPeople: 3, maxRows: 5, maxReviews: 10, maxReasons: 2, reasonChars: 60 },
  ];
  let text = "";
  for (const limits of attempts) {
    text = build(v, limits);
    if (text.length <= SUMMARY_LIMIT) return text;
  }
  return text.slice(0, SUMMARY_LIMIT - 80) + "\n\n… (truncated to fit GitHub's check-run limit; run `rolegate check` for everything)";
}
