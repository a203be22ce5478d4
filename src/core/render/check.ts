import type { ClassifiedFile } from "../classify.js";
import type { Result } from "../evaluate.js";
import { buildMatrix, categoriesOf } from "../matrix.js";
import type { Policy } from "../policy/types.js";
import { cell, code, shortList } from "./escape.js";
import { matrixMarkdown } from "./matrix.js";

/** GitHub rejects check-run summaries over 65,535 characters; keep a margin. */
export const SUMMARY_LIMIT = 60_000;

const ICON: Record<string, string> = { success: "✅", action_required: "⏳", failure: "❌", neutral: "➖" };

/** Extra context a front end may show: where the policy came from, and what a policy change would do. */
export interface RenderExtras {
  policyFile?: string;
  targetBranch?: string;
  policyChange?: { diff: string[]; findings: string[] };
}

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

function requirementsSection(result: Result, maxPeople: number): string[] {
  if (result.requirements.length === 0) return ["No requirement applies to this change."];
  const out = ["| | Requirement | Files | Approvals | Approved by | Can approve |", "|---|---|---|---|---|---|"];
  for (const r of result.requirements) {
    const can = r.eligible.map((e) => (e === "*" ? "anyone with write access" : e));
    out.push(
      `| ${r.satisfied ? "✅" : "⏳"} | ${cell(r.name)}${r.roles ? ` (roles: ${cell(r.roles.join(", "))})` : ""} | ${r.selected.length} | ${r.approvals.have}/${r.approvals.need} | ${cell(shortList(r.approvedBy, maxPeople))} | ${cell(shortList(can, maxPeople))} |`,
    );
  }
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

function build(result: Result, policy: Policy | undefined, extras: RenderExtras, perGroup: number, maxPeople: number, maxRows: number): string {
  const lines: string[] = [];
  lines.push(`## ${ICON[result.conclusion]} rolegate: ${cell(result.title)}`, "");
  const meta = [`**Conclusion:** \`${result.conclusion}\``];
  if (extras.policyFile) meta.push(`policy ${code(extras.policyFile)}`);
  if (extras.targetBranch) meta.push(`target ${code(extras.targetBranch)}`);
  meta.push(`${result.files.length} changed path${result.files.length === 1 ? "" : "s"}`);
  lines.push(meta.join(" · "), "");
  if (result.errors.length > 0) {
    lines.push("### Could not evaluate", "", "rolegate fails closed: nothing is reported as passing that was not fully judged.", "");
    for (const e of result.errors) lines.push(`- ${cell(e)}`);
    lines.push("");
  }
  lines.push("### Requirements", "", ...requirementsSection(result, maxPeople), "");
  if (result.violations.length > 0) {
    lines.push("### Violations", "", "| Action | User | Path | Why |", "|---|---|---|---|");
    for (const v of result.violations.slice(0, maxRows)) lines.push(`| ${v.action} | ${cell(v.user)} | ${code(v.path)} | ${cell(v.reason)} |`);
    if (result.violations.length > maxRows) lines.push(`| … | | | and ${result.violations.length - maxRows} more |`);
    lines.push("");
  }
  if (result.blocking.length > 0) {
    lines.push("### Blocking reviews", "");
    for (const b of result.blocking) lines.push(`- ${cell(b.reason)}: dismiss or replace the review to continue`);
    lines.push("");
  }
  lines.push("### Changed files", "", ...filesSection(result, perGroup), "");
  if (policy && result.touchedCategories.length > 0) {
    lines.push("### Permission matrix for the touched categories", "", touchedMatrix(policy, result.touchedCategories));
  }
  if (extras.policyChange) {
    lines.push("### This pull request changes the policy", "", "It is judged by the policy on the base branch. Under the proposed policy:", "");
    const diff = extras.policyChange.diff;
    if (diff.length === 0) lines.push("- no permission changes");
    for (const d of diff.slice(0, maxRows)) lines.push(`- ${cell(d)}`);
    if (diff.length > maxRows) lines.push(`- … and ${diff.length - maxRows} more`);
    for (const f of extras.policyChange.findings.slice(0, maxRows)) lines.push(`- lint: ${cell(f)}`);
    lines.push("");
  }
  if (result.warnings.length > 0) {
    lines.push("### Warnings", "");
    for (const w of result.warnings.slice(0, maxRows)) lines.push(`- ${cell(w)}`);
    if (result.warnings.length > maxRows) lines.push(`- … and ${result.warnings.length - maxRows} more`);
    lines.push("");
  }
  return lines.join("\n");
}

/**
 * The check-run body. Shrinks the long lists step by step until it fits GitHub's
 * limit; the requirement table always stays complete.
 */
export function checkMarkdown(result: Result, policy: Policy | undefined, extras: RenderExtras = {}): string {
  const attempts: [number, number, number][] = [
    [20, 20, 100],
    [5, 10, 30],
    [1, 5, 10],
    [0, 3, 5],
  ];
  let text = "";
  for (const [perGroup, maxPeople, maxRows] of attempts) {
    text = build(result, policy, extras, perGroup, maxPeople, maxRows);
    if (text.length <= SUMMARY_LIMIT) return text;
  }
  return text.slice(0, SUMMARY_LIMIT - 80) + "\n\n… (truncated to fit GitHub's check-run limit; run `rolegate check` for everything)";
}
