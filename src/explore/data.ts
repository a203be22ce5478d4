import { buildPolicy } from "../core/policy/model.js";
import type { Policy } from "../core/policy/types.js";
import type { TeamData } from "../core/state.js";

/**
 * What the page carries as data (JSON in a `<script type="application/json">`): the policy's
 * plain value, exactly what the CLI built its model from, so the page rebuilds the same model
 * with the same core code; never code.
 */
export interface ExplorerData {
  /** The policy file shown, for headings. */
  file: string;
  /** The policy's plain value, after its `extends` chain was merged. */
  policy: unknown;
  /** Extra in-repository files in the built-in `policy` category (parents named by `extends`). */
  policyPaths: string[];
  /** Offline team membership (`--teams`): lower-case `org/team` to lower-case logins; null when no file was given. */
  teams: Record<string, string[]> | null;
  /** The clock the page judges by (ISO 8601): membership expiry and time windows. */
  now: string;
}

export function explorerData(file: string, value: unknown, policy: Policy, now: Date, teams?: TeamData): ExplorerData {
  return {
    file,
    policy: value,
    policyPaths: policy.policyPaths,
    teams: teams ? Object.fromEntries([...teams.members].map(([team, logins]) => [team, [...logins].sort()])) : null,
    now: now.toISOString(),
  };
}

/** The model the CLI judges by, rebuilt from the page's data. Throws when the value does not build cleanly. */
export function policyOfData(data: ExplorerData): Policy {
  const start = { line: 1, col: 1 };
  const { policy, diagnostics } = buildPolicy({ file: data.file, value: data.policy, locate: () => start });
  if (diagnostics.length > 0) throw new Error(`the embedded policy does not build: ${diagnostics.map((d) => d.message).join("; ")}`);
  policy.policyPaths = [...data.policyPaths];
  return policy;
}

export function teamsOfData(data: ExplorerData): TeamData {
  return {
    members: new Map(Object.entries(data.teams ?? {}).map(([team, logins]) => [team, new Set(logins)])),
    errors: new Map(),
  };
}
