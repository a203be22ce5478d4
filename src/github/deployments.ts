import { deploymentReview, type DeploymentReview } from "../core/deployment-review.js";
import type { BasePolicyInput } from "../core/judge-change.js";
import { emptyTeams } from "../core/state.js";
import { describeApiError, type GitHubApi, type RepoRef } from "./api.js";
import type { Directory } from "./directory.js";
import type { PolicyLoader } from "./policy.js";
import { policyBlobsAt } from "./pull-request.js";

/** The default branch and its tip, read from GitHub rather than from the event. */
export const DEFAULT_BRANCH_QUERY = `
query RolegateDefaultBranch($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    defaultBranchRef { name target { oid } }
  }
}`;

/** A `deployment_protection_rule` request, as the event gives it. */
export interface ProtectionRuleRequest {
  repo: RepoRef;
  installation: string;
  /** The GitHub environment the deployment waits on. */
  environment: string;
  /** Where GitHub wants the answer: `…/repos/OWNER/REPO/actions/runs/RUN_ID/deployment_protection_rule`. */
  callbackUrl: string;
  /** The deployment's creator, when the event carries a deployment. */
  creator?: string;
  /** The ref being deployed. */
  ref?: string;
}

export interface DeploymentDeps {
  directory: Directory;
  policies: PolicyLoader;
  now: () => Date;
}

/**
 * The workflow run a callback URL names, when it is this repository's deployment protection rule
 * callback; undefined otherwise. The answer is posted through the API client to that route, never
 * to the URL as given, so the installation's token goes nowhere else.
 */
export function runOfCallback(callbackUrl: string, repo: RepoRef): number | undefined {
  let path: string;
  try {
    path = new URL(callbackUrl).pathname;
  } catch {
    return undefined;
  }
  const m = /\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(path);
  if (!m) return undefined;
  const same = decodeURIComponent(m[1]!).toLowerCase() === repo.owner.toLowerCase() && decodeURIComponent(m[2]!).toLowerCase() === repo.repo.toLowerCase();
  return same ? Number(m[3]) : undefined;
}

/**
 * The policy that judges deployments: the repository's own at the tip of its default branch
 * (else the organisation default). Never the deployed ref's: whoever starts a deployment chooses
 * that ref, and could bring a policy that lets them through.
 */
async function defaultBranchPolicy(api: GitHubApi, repo: RepoRef, deps: DeploymentDeps, now: Date): Promise<BasePolicyInput> {
  const data: any = await api.graphql(DEFAULT_BRANCH_QUERY, { owner: repo.owner, name: repo.repo });
  const branch = data?.repository?.defaultBranchRef;
  const tip: string | undefined = branch?.target?.oid;
  if (!branch || !tip) return { kind: "unreadable", message: `the default branch of ${repo.owner}/${repo.repo} could not be read` };
  return deps.policies.basePolicy(api, repo, await policyBlobsAt(api, repo, tip), tip, now, branch.name);
}

/**
 * Judges a deployment waiting on rolegate's protection rule. The person judged is the workflow
 * run's triggering actor (who started this attempt: a re-run makes it the person who re-ran it),
 * read from the run the callback names, else the deployment's creator; memberships are read fresh. Anything that cannot be
 * read rejects the deployment, with the reason.
 */
export async function judgeDeployment(api: GitHubApi, deps: DeploymentDeps, request: ProtectionRuleRequest, runId: number): Promise<DeploymentReview> {
  const now = deps.now();
  const ref = request.ref?.replace(/^refs\/heads\//, "");
  const unreadable = (what: string, e: unknown): DeploymentReview =>
    deploymentReview({ kind: "unreadable", message: `${what}: ${describeApiError(e)}` }, { githubEnvironment: request.environment, now, teams: emptyTeams() });
  let deployer: string | undefined;
  try {
    const run = await api.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", { ...request.repo, run_id: runId });
    const data = run.data as { triggering_actor?: { login?: string } | null; actor?: { login?: string } | null };
    deployer = data.triggering_actor?.login ?? data.actor?.login ?? request.creator;
  } catch (e) {
    return unreadable(`rolegate could not read workflow run ${runId}, so it cannot tell who is deploying`, e);
  }
  let base: BasePolicyInput;
  try {
    base = await defaultBranchPolicy(api, request.repo, deps, now);
  } catch (e) {
    return unreadable("rolegate could not read the policy on the default branch", e);
  }
  const policy = base.kind === "loaded" ? base.loaded.policy : undefined;
  const teams = policy ? await deps.directory.resolveTeams(api, request.installation, policy.teams, true) : emptyTeams();
  return deploymentReview(base, { githubEnvironment: request.environment, deployer, ref, now, teams });
}

/** Answers GitHub's deployment protection rule for the run: approve or reject, with the reason chain. */
export async function answerProtectionRule(api: GitHubApi, repo: RepoRef, runId: number, environment: string, review: DeploymentReview): Promise<void> {
  await api.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule", {
    owner: repo.owner,
    repo: repo.repo,
    run_id: runId,
    environment_name: environment,
    state: review.state,
    comment: review.comment,
  });
}
