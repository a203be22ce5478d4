/**
 * Commit statuses (the older sibling of check runs) and the combined views
 * GitHub derives from them: REST's combined status and GraphQL's status check
 * rollup (check runs and statuses together, the latest of each name/context).
 */
import type { CheckRunRecord, FakeGitHubState, RepoRecord } from "./state.js";

export type StatusState = "error" | "failure" | "pending" | "success";

export interface CommitStatusRecord {
  id: number;
  nodeId: string;
  sha: string;
  state: StatusState;
  context: string;
  description: string | null;
  targetUrl: string | null;
  /** login of whoever posted it ("rolegate[bot]" for an app's installation token) */
  creator: string;
  createdAt: string;
  updatedAt: string;
}

export function addStatus(
  state: FakeGitHubState,
  repo: RepoRecord,
  input: { sha: string; state: StatusState; context?: string; description?: string | null; targetUrl?: string | null; creator: string },
): CommitStatusRecord {
  const id = state.id();
  const now = state.timestamp();
  const record: CommitStatusRecord = {
    id,
    nodeId: Buffer.from(`StatusContext:${id}`).toString("base64"),
    sha: input.sha,
    state: input.state,
    context: input.context ?? "default",
    description: input.description ?? null,
    targetUrl: input.targetUrl ?? null,
    creator: input.creator,
    createdAt: now,
    updatedAt: now,
  };
  repo.statuses.push(record);
  repo.knownShas.add(input.sha);
  return record;
}

/** Every status on a SHA, newest first (GET /commits/{ref}/statuses). */
export function statusesFor(repo: RepoRecord, sha: string): CommitStatusRecord[] {
  return repo.statuses.filter((s) => s.sha === sha).reverse();
}

/** The latest status of each context, newest first. */
export function latestStatuses(repo: RepoRecord, sha: string): CommitStatusRecord[] {
  const seen = new Set<string>();
  return statusesFor(repo, sha).filter((s) => !seen.has(s.context) && seen.add(s.context));
}

/** GitHub's combined state: failure if any is error/failure, pending if none or any pending, else success. */
export function combinedState(latest: readonly CommitStatusRecord[]): StatusState {
  if (latest.some((s) => s.state === "error" || s.state === "failure")) return "failure";
  if (latest.length === 0 || latest.some((s) => s.state === "pending")) return "pending";
  return "success";
}

/** The latest check run of each name (per app) on a SHA, oldest name first. */
export function latestCheckRuns(state: FakeGitHubState, repo: RepoRecord, sha: string): CheckRunRecord[] {
  const latest = new Map<string, CheckRunRecord>();
  for (const run of state.checkRunsFor(repo.owner, repo.name, { headSha: sha })) {
    const k = `${run.appId}\0${run.name}`;
    const prev = latest.get(k);
    if (!prev || prev.id < run.id) latest.set(k, run);
  }
  return [...latest.values()].sort((a, b) => a.id - b.id);
}

export type RollupState = "SUCCESS" | "FAILURE" | "ERROR" | "PENDING" | "EXPECTED";

const FAILING_CONCLUSIONS = new Set(["failure", "timed_out", "cancelled", "action_required", "startup_failure", "stale"]);

export function checkRunRollupState(run: CheckRunRecord): RollupState {
  if (run.status !== "completed" || run.conclusion === null) return "PENDING";
  return FAILING_CONCLUSIONS.has(run.conclusion) ? "FAILURE" : "SUCCESS";
}

/** The rollup of a SHA, or null when nothing reported on it (GitHub's `statusCheckRollup: null`). */
export function statusRollup(
  state: FakeGitHubState,
  repo: RepoRecord,
  sha: string,
): { state: RollupState; runs: CheckRunRecord[]; statuses: CommitStatusRecord[] } | null {
  const runs = latestCheckRuns(state, repo, sha);
  const statuses = latestStatuses(repo, sha).reverse();
  if (runs.length === 0 && statuses.length === 0) return null;
  const states: RollupState[] = [...runs.map(checkRunRollupState), ...statuses.map((s) => s.state.toUpperCase() as RollupState)];
  const rollup: RollupState = states.includes("FAILURE")
    ? "FAILURE"
    : states.includes("ERROR")
      ? "ERROR"
      : states.includes("PENDING") || states.includes("EXPECTED")
        ? "PENDING"
        : "SUCCESS";
  return { state: rollup, runs, statuses };
}
