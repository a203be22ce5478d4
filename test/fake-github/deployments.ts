/**
 * GitHub Actions workflow runs and answers to custom deployment protection
 * rules (the `deployment_protection_rule` callback a GitHub App makes).
 */
import type { FakeGitHubState } from "./state.js";

export interface WorkflowRunRecord {
  id: number;
  nodeId: string;
  owner: string;
  repo: string;
  name: string;
  path: string;
  workflowId: number;
  runNumber: number;
  runAttempt: number;
  event: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  headSha: string;
  headBranch: string | null;
  /** who started the first attempt */
  actor: string;
  /** who started this attempt (a re-run can be someone else) */
  triggeringActor: string;
  /** numbers of the pull requests the run is for */
  pullRequests: number[];
  displayTitle: string;
  createdAt: string;
  updatedAt: string;
}

export interface AddWorkflowRunInput {
  owner: string;
  repo: string;
  headSha: string;
  headBranch?: string | null;
  event?: string;
  actor: string;
  triggeringActor?: string;
  pullRequests?: number[];
  name?: string;
  path?: string;
  status?: WorkflowRunRecord["status"];
  conclusion?: string | null;
  runAttempt?: number;
  id?: number;
}

export interface DeploymentReviewRecord {
  owner: string;
  repo: string;
  runId: number;
  environment: string;
  /** null for a comment without a decision */
  state: "approved" | "rejected" | null;
  comment: string | null;
  appId: number;
  installationId: number;
  at: string;
}

export function addWorkflowRun(state: FakeGitHubState, input: AddWorkflowRunInput): WorkflowRunRecord {
  const repo = state.repo(input.owner, input.repo);
  const id = input.id ?? state.id();
  const now = state.timestamp();
  const runNumber = [...state.workflowRuns.values()].filter((r) => r.owner === repo.owner && r.repo === repo.name).length + 1;
  const run: WorkflowRunRecord = {
    id,
    nodeId: Buffer.from(`WorkflowRun:${id}`).toString("base64"),
    owner: repo.owner,
    repo: repo.name,
    name: input.name ?? "Deploy",
    path: input.path ?? ".github/workflows/deploy.yml",
    workflowId: state.userId(`workflow:${repo.owner}/${repo.name}/${input.path ?? ".github/workflows/deploy.yml"}`),
    runNumber,
    runAttempt: input.runAttempt ?? 1,
    event: input.event ?? "push",
    status: input.status ?? (input.conclusion ? "completed" : "waiting"),
    conclusion: input.conclusion ?? null,
    headSha: input.headSha,
    headBranch: input.headBranch === undefined ? repo.defaultBranch : input.headBranch,
    actor: input.actor,
    triggeringActor: input.triggeringActor ?? input.actor,
    pullRequests: input.pullRequests ?? [],
    displayTitle: input.name ?? "Deploy",
    createdAt: now,
    updatedAt: now,
  };
  repo.knownShas.add(input.headSha);
  state.workflowRuns.set(id, run);
  return run;
}
