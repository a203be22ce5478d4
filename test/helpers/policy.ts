import { formatDiagnostic } from "../../src/core/diagnostics.js";
import { evaluate } from "../../src/core/evaluate.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import type { Policy } from "../../src/core/policy/types.js";
import { emptyTeams, type ChangeState, type ChangedFile, type Review } from "../../src/core/state.js";

export const NOW = new Date("2026-11-23T12:00:00Z");

/** Loads a policy that must be free of errors (warnings allowed). */
export function policyOf(yaml: string, now = NOW): Policy {
  const loaded = loadPolicy("test.yml", yaml, now);
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  if (!loaded.policy || errors.length > 0) throw new Error(`policy has errors:\n${loaded.diagnostics.map(formatDiagnostic).join("\n")}`);
  return loaded.policy;
}

export function approved(user: string, extra: Partial<Review> = {}): Review {
  return { user, state: "APPROVED", onHead: true, afterBaseChange: true, order: 10, ...extra };
}

export function changesRequested(user: string, extra: Partial<Review> = {}): Review {
  return { user, state: "CHANGES_REQUESTED", onHead: true, afterBaseChange: true, order: 20, ...extra };
}

export function files(...paths: string[]): ChangedFile[] {
  return paths.map((path) => ({ path, status: "modified" }));
}

export function teams(map: Record<string, string[]>) {
  const t = emptyTeams();
  for (const [k, v] of Object.entries(map)) t.members.set(k.toLowerCase(), new Set(v.map((x) => x.toLowerCase())));
  return t;
}

export function state(overrides: Partial<ChangeState> = {}): ChangeState {
  return {
    files: [],
    filesComplete: true,
    author: "dev2",
    committers: [],
    reviews: [],
    checksPassed: [],
    labels: [],
    targetBranch: "main",
    draft: false,
    admins: [],
    writers: "all",
    teams: emptyTeams(),
    now: NOW,
    ...overrides,
  };
}

export function judge(policy: Policy, overrides: Partial<ChangeState>) {
  return evaluate(policy, state(overrides));
}
