import { formatDiagnostic } from "./diagnostics.js";
import { explainGitHubDeploy } from "./explain-deploy.js";
import type { BasePolicyInput } from "./judge-change.js";
import { blockingDiagnostics } from "./policy/lint.js";
import { reason, type Reason } from "./reasons.js";
import type { TeamData } from "./state.js";

/** GitHub's answer to a deployment protection rule: approve or reject, with a comment. */
export type DeploymentState = "approved" | "rejected";

export interface DeploymentRequest {
  /** The GitHub environment the deployment waits on. */
  githubEnvironment: string;
  /** Who is judged: the workflow run's triggering actor, else the deployment's creator; undefined when neither is known. */
  deployer?: string;
  /** The ref being deployed (a branch name, a tag, or a SHA): what `target_branch` conditions see. */
  ref?: string;
  now: Date;
  teams: TeamData;
}

export interface DeploymentReview {
  state: DeploymentState;
  /** The decision and its reason chain, for the callback's comment. */
  comment: string;
  reasons: Reason[];
}

/** GitHub shows the comment in the deployment's review log: keep it readable, and bounded. */
const MAX_COMMENT = 2000;

function review(allowed: boolean, headline: string, reasons: Reason[]): DeploymentReview {
  const lines = [headline, ...reasons.map((r) => `- ${r.text}`)].join("\n");
  const comment = lines.length > MAX_COMMENT ? `${lines.slice(0, MAX_COMMENT - 1)}…` : lines;
  return { state: allowed ? "approved" : "rejected", comment, reasons };
}

/**
 * The answer to a deployment protection rule, from the policy that judges deployments (the
 * front end reads it from the repository's default branch). Fails closed: no policy, a policy
 * that cannot be read or is invalid, an unknown deployer, a GitHub environment the policy does
 * not know and a team that cannot be resolved all reject, each with the reason.
 */
export function deploymentReview(base: BasePolicyInput, request: DeploymentRequest): DeploymentReview {
  const where = `GitHub environment "${request.githubEnvironment}"`;
  const rejected = (why: string) => review(false, `rolegate rejects this deployment to ${where}.`, [reason("environment", why)]);
  if (base.kind === "none")
    return rejected("there is no rolegate policy on the default branch (nor an organisation default): nobody may deploy where no policy grants it");
  if (base.kind === "unreadable") return rejected(`the policy could not be read, so the deployment cannot be judged: ${base.message}`);
  const policy = base.loaded.policy;
  const blocking = blockingDiagnostics(base.loaded.diagnostics);
  if (!policy || blocking.length > 0) {
    const first = blocking[0] ?? base.loaded.diagnostics[0];
    return rejected(
      `the policy ${base.source.file} is invalid, so no deployment can be judged until it is fixed${first ? `: ${formatDiagnostic(first)}` : ""}`,
    );
  }
  if (!request.deployer) return rejected("rolegate could not tell who is deploying, so nobody can be judged");
  const context = { targetBranch: request.ref ?? "", labels: [], draft: false, now: request.now, teams: request.teams };
  const explained = explainGitHubDeploy(policy, context, request.deployer, request.githubEnvironment);
  const policyName = `${base.source.file}${base.source.sha ? ` (blob ${base.source.sha})` : ""}`;
  const headline = `rolegate ${explained.allowed ? "approves" : "rejects"} this deployment to ${where} by @${request.deployer}, judged by ${policyName}:`;
  return review(explained.allowed, headline, explained.reasons);
}
