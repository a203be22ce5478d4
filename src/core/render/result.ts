import type { Override } from "../break-glass.js";
import type { ClassifiedFile } from "../classify.js";
import { formatDiagnostic } from "../diagnostics.js";
import { describeChange } from "../diff.js";
import type { RequirementResult } from "../evaluate.js";
import { describePolicyChange } from "../policy-changes.js";
import type { ReviewStanding } from "../review-standing.js";
import type { Verdict } from "../verdict.js";

function fileJson(f: ClassifiedFile) {
  return {
    path: f.path,
    status: f.status,
    categories: f.categories,
    level: f.level,
    environments: f.environments,
    ...(f.previousPath !== undefined ? { previous_path: f.previousPath } : {}),
    ...(f.renamedTo !== undefined ? { renamed_to: f.renamedTo } : {}),
  };
}

function requirementJson(r: RequirementResult, overridden: readonly string[]) {
  return {
    name: r.name,
    satisfied: r.satisfied,
    approvals: r.approvals,
    eligible: r.eligible,
    approved_by: r.approvedBy,
    files: r.selected,
    builtin: r.builtin,
    ...(r.roles ? { roles: r.roles } : {}),
    ...(!r.satisfied && overridden.includes(r.name) ? { overridden: true } : {}),
    ...(r.exclusive ? { exclusive: true, assigned: r.assigned ?? [] } : {}),
  };
}

/** The CLI contract's review entry: user, state, counted, reasons (each beginning with its keyword), requirements. */
function reviewJson(s: ReviewStanding) {
  return {
    user: s.user,
    state: s.state,
    counted: s.counted,
    reasons: s.reasons.map((r) => r.text),
    requirements: s.requirements,
    ...(s.commit !== undefined ? { commit: s.commit } : {}),
  };
}

/** The CLI contract's `override` (by, reason, requirements), with when it took effect. */
function overrideJson(o: Override) {
  return { by: o.by, reason: o.reason, requirements: o.requirements, at: o.at, ...(o.headSha ? { head_sha: o.headSha } : {}) };
}

/** The CLI's JSON shape (see the CLI contract), extended with details; the Action's report too. */
export function verdictJson(v: Verdict): unknown {
  const r = v.result;
  return {
    conclusion: v.conclusion,
    title: v.title,
    kind: v.kind,
    ...(v.source
      ? {
          policy: {
            file: v.source.file,
            ...(v.source.revision ? { revision: v.source.revision } : {}),
            ...(v.source.sha ? { sha: v.source.sha } : {}),
            from_organisation: v.source.fromOrg,
          },
        }
      : {}),
    ...(v.targetBranch ? { target_branch: v.targetBranch } : {}),
    files: v.files.map(fileJson),
    requirements: (r?.requirements ?? []).map((q) => requirementJson(q, v.override?.requirements ?? [])),
    violations: r?.violations ?? [],
    blocking_reviews: r?.blocking ?? [],
    reviews: (r?.reviews ?? []).map(reviewJson),
    errors: v.errors,
    warnings: v.warnings,
    ...(v.notes.length > 0 ? { notes: v.notes } : {}),
    ...(v.kind === "invalid-policy" ? { diagnostics: v.diagnostics } : {}),
    ...(v.policyChange
      ? {
          policy_change: {
            removed: v.policyChange.removed,
            invalid: v.policyChange.invalid,
            permissions: v.policyChange.permissions.map((c) => ({ ...c, summary: describeChange(c) })),
            changes: v.policyChange.changes,
            findings: v.policyChange.findings,
          },
        }
      : {}),
    ...(v.tests ? { tests: v.tests } : {}),
    ...(v.members ? { members: v.members.map((m) => ({ number: m.number, conclusion: m.verdict.conclusion, title: m.verdict.title })) } : {}),
    ...(v.override ? { override: overrideJson(v.override) } : {}),
  };
}

/** Plain text for terminals. */
export function verdictText(v: Verdict): string {
  const out: string[] = [`${v.conclusion.toUpperCase()}: ${v.title}`, ""];
  if (v.source)
    out.push(
      `policy: ${v.source.file}${v.source.revision ? ` at ${v.source.revision}` : ""}${v.targetBranch ? ` · target branch: ${v.targetBranch}` : ""}`,
      "",
    );
  for (const e of v.errors) out.push(`error: ${e}`);
  if (v.override) {
    const o = v.override;
    out.push(
      `break glass: overridden by ${o.by} at ${o.at}`,
      `    reason: ${o.reason.replace(/[\r\n]+/g, " ")}`,
      `    requirements overridden: ${o.requirements.join(", ")}`,
      "",
    );
  }
  if (v.kind === "invalid-policy") for (const d of v.diagnostics) out.push(formatDiagnostic(d));
  for (const m of v.members ?? []) out.push(`#${m.number}: ${m.verdict.conclusion}: ${m.verdict.title}`);
  const r = v.result;
  if (r) {
    if (r.requirements.length === 0) out.push("No requirement applies.");
    for (const q of r.requirements) {
      const state = q.satisfied ? "met" : v.override?.requirements.includes(q.name) ? "overridden" : "waiting";
      out.push(`[${state}] ${q.name}: ${q.approvals.have}/${q.approvals.need} approvals${q.exclusive ? " (exclusive)" : ""}`);
      out.push(`    files: ${q.selected.length > 5 ? `${q.selected.slice(0, 5).join(", ")} and ${q.selected.length - 5} more` : q.selected.join(", ")}`);
      if (q.approvedBy.length > 0) out.push(`    ${q.exclusive ? "assigned" : "approved by"}: ${q.approvedBy.join(", ")}`);
      if (!q.satisfied) out.push(`    can approve: ${q.eligible.map((e) => (e === "*" ? "anyone with write access" : e)).join(", ") || "nobody"}`);
    }
    for (const x of r.violations) out.push(`violation: ${x.user} may not ${x.action}${x.path ? ` ${x.path}` : ""}: ${x.reason}`);
    for (const b of r.blocking) out.push(`blocking: ${b.reason}`);
    if (r.reviews.length > 0) out.push("", "Reviews:", ...r.reviews.flatMap(reviewText));
  }
  if (v.files.length > 0) {
    out.push("", "Files:");
    for (const f of v.files)
      out.push(`  ${f.path}  [${f.categories.join(", ") || "not classified"}] level ${f.level}${f.status !== "modified" ? ` (${f.status})` : ""}`);
  }
  const change = v.policyChange;
  if (change) {
    out.push("", v.kind === "evaluated" ? "This change edits the policy. Under the new policy:" : "This change brings a policy:");
    if (change.removed) out.push("  it removes the policy file: once merged, nothing is enforced");
    for (const c of change.changes) out.push(`  ${describePolicyChange(c)}`);
    for (const p of change.permissions) out.push(`  ${describeChange(p)}`);
    if (!change.removed && change.changes.length === 0 && change.permissions.length === 0 && v.kind === "evaluated") out.push("  no permission changes");
    for (const f of change.findings) out.push(`  lint: ${formatDiagnostic(f)}`);
  }
  if (v.tests) {
    out.push("", `policy tests (${v.tests.file}): ${v.tests.passed} passed, ${v.tests.failures.length} failed`);
    for (const d of v.tests.diagnostics) out.push(`  ${formatDiagnostic(d)}`);
    for (const f of v.tests.failures) out.push(`  FAIL ${f.name}: ${f.diff.join("; ")}`);
  }
  for (const n of v.notes) out.push(`note: ${n}`);
  for (const w of v.warnings) out.push(`warning: ${w}`);
  return `${out.join("\n")}\n`;
}

/** A reviewer's standing for terminals: one line, then one line per reason. */
function reviewText(s: ReviewStanding): string[] {
  const state = s.state.replace("_", " ");
  const head = s.counted
    ? `  ${s.user}: ${state}, counts${s.requirements.length > 0 ? ` toward ${s.requirements.join(", ")}` : " (no requirement applies)"}`
    : `  ${s.user}: ${state}, does not count`;
  return [head, ...s.reasons.map((r) => `    - ${r.text}`)];
}
