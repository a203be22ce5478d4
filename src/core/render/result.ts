import type { Result } from "../evaluate.js";

/** The CLI's JSON shape (see the CLI contract), extended with details. */
export function resultJson(result: Result): unknown {
  return {
    conclusion: result.conclusion,
    title: result.title,
    files: result.files.map((f) => ({
      path: f.path,
      status: f.status,
      categories: f.categories,
      level: f.level,
      environments: f.environments,
      ...(f.previousPath !== undefined ? { previous_path: f.previousPath } : {}),
      ...(f.renamedTo !== undefined ? { renamed_to: f.renamedTo } : {}),
    })),
    requirements: result.requirements.map((r) => ({
      name: r.name,
      satisfied: r.satisfied,
      approvals: r.approvals,
      eligible: r.eligible,
      approved_by: r.approvedBy,
      files: r.selected,
      builtin: r.builtin,
      ...(r.roles ? { roles: r.roles } : {}),
    })),
    violations: result.violations,
    blocking_reviews: result.blocking,
    errors: result.errors,
    warnings: result.warnings,
  };
}

/** Plain text for terminals. */
export function resultText(result: Result): string {
  const out: string[] = [`${result.conclusion.toUpperCase()}: ${result.title}`, ""];
  for (const e of result.errors) out.push(`error: ${e}`);
  if (result.requirements.length === 0) out.push("No requirement applies.");
  for (const r of result.requirements) {
    out.push(`[${r.satisfied ? "met" : "waiting"}] ${r.name}: ${r.approvals.have}/${r.approvals.need} approvals`);
    out.push(`    files: ${r.selected.length > 5 ? `${r.selected.slice(0, 5).join(", ")} and ${r.selected.length - 5} more` : r.selected.join(", ")}`);
    if (r.approvedBy.length > 0) out.push(`    approved by: ${r.approvedBy.join(", ")}`);
    if (!r.satisfied) out.push(`    can approve: ${r.eligible.map((e) => (e === "*" ? "anyone with write access" : e)).join(", ") || "nobody"}`);
  }
  for (const v of result.violations) out.push(`violation: ${v.user} may not ${v.action} ${v.path}: ${v.reason}`);
  for (const b of result.blocking) out.push(`blocking: ${b.reason}`);
  out.push("", "Files:");
  for (const f of result.files) out.push(`  ${f.path}  [${f.categories.join(", ")}] level ${f.level}${f.status !== "modified" ? ` (${f.status})` : ""}`);
  for (const w of result.warnings) out.push(`warning: ${w}`);
  return out.join("\n") + "\n";
}
