import { formatDiagnostic } from "./diagnostics.js";
import { describeChange, diffPolicies } from "./diff.js";
import type { Result } from "./evaluate.js";
import { MEMBERSHIP_FINDINGS } from "./policy/lint.js";
import type { LoadedPolicy } from "./policy/load.js";
import type { Policy } from "./policy/types.js";
import type { TeamData } from "./state.js";

export interface PolicyChangeReport {
  diff: string[];
  findings: string[];
}

/**
 * A change that brings a new policy is still judged by the base policy; this adds what
 * the new one would change, its lint findings, and fails the check when the new policy
 * has errors other than membership counts and expiry (a repository can always merge those fixes).
 */
export function applyPolicyChange(
  result: Result,
  base: Policy,
  proposed: LoadedPolicy,
  now: Date,
  teams?: TeamData,
): { result: Result; report: PolicyChangeReport } {
  const findings = proposed.diagnostics.map(formatDiagnostic);
  const blocking = proposed.diagnostics.filter((d) => d.severity === "error" && !MEMBERSHIP_FINDINGS.has(d.code));
  const diff = proposed.policy ? diffPolicies(base, proposed.policy, now, teams).map(describeChange) : [];
  if (blocking.length === 0 && proposed.policy) return { result, report: { diff, findings } };
  const errors = [...result.errors, ...blocking.map((d) => `the proposed policy is invalid: ${formatDiagnostic(d)}`)];
  if (blocking.length === 0) errors.push("the proposed policy could not be loaded");
  return {
    result: { ...result, conclusion: "failure", title: "The proposed policy is invalid", errors },
    report: { diff, findings },
  };
}
