import { touchedPolicyFiles, type JudgeInputs, type ProposedPolicy } from "../core/judge-change.js";
import { POLICY_FILES, POLICY_TESTS_FILE } from "../core/names.js";
import { twoPolicyFiles } from "../core/policy/load.js";
import type { Policy } from "../core/policy/types.js";
import { emptyTeams, type ChangeState, type Review } from "../core/state.js";
import type { GitHubApi, RepoRef } from "./api.js";
import { approvedChanges, type ApprovedChanges } from "./approved-changes.js";
import { ChangeFingerprints } from "./change-fingerprints.js";
import { checkNamesIn, passedChecks } from "./checks-passed.js";
import type { Directory, TeamRosters } from "./directory.js";
import type { PolicyLoader } from "./policy.js";
import { fetchBlob, fetchPullRequest, policyBlobsAt, type PullRequestData } from "./pull-request.js";

export interface GatherDeps {
  directory: Directory;
  policies: PolicyLoader;
  now: () => Date;
  /** Whose team members a check may name (default: nobody's; see docs/app.md). */
  teamRosters?: TeamRosters;
  /** Reads organisation membership when the API client of the pull request cannot (the Action's `members-token`). */
  membersApi?: GitHubApi;
  /** Where fingerprints of a pull request's changes at a commit are kept (default: this judgement only). */
  fingerprints?: ChangeFingerprints;
}

/** Which pull request: its repository and number, the base branch the event named, the installation. */
export interface PullRequestRef {
  repo: RepoRef;
  number: number;
  /** The base branch as the event named it (it may be stale: the pull request's own is read). */
  baseRef: string;
  installation: string;
}

export interface GatherOptions {
  /** Judge `merge` for this user too. */
  mergedBy?: string;
  /** Read the policy at this commit instead of the base branch's tip (a merged change is judged by the policy it merged under). */
  policyRevision?: string;
  /** The Action's `policy-path`: the policy is this file instead of the default names. */
  policyPath?: string;
  /** Read memberships and permissions anew, bypassing caches (before a merge). */
  fresh?: boolean;
}

function reviewsOf(pr: PullRequestData, sameAsHead: ReadonlyMap<string, boolean>): Review[] {
  return pr.reviews.map((r) => {
    const submitted = Date.parse(r.submittedAt);
    const onHead = r.commitOid === pr.headOid;
    const same = onHead || r.commitOid === undefined ? undefined : sameAsHead.get(r.commitOid);
    return {
      user: r.user,
      state: r.state as Review["state"],
      onHead,
      afterBaseChange: pr.baseChangedAt === undefined || r.submittedAt > pr.baseChangedAt,
      order: Number.isNaN(submitted) ? 0 : submitted,
      ...(r.commitOid !== undefined ? { commit: r.commitOid } : {}),
      ...(same !== undefined ? { sameAsHead: same } : {}),
    };
  });
}

/** Does the user hold a role through their login or a resolved team? */
function holdsRole(policy: Policy, teams: ChangeState["teams"], login: string): boolean {
  const l = login.toLowerCase();
  if (policy.directRoles.has(`user:${l}`)) return true;
  for (const [team, members] of teams.members) if (members.has(l) && policy.directRoles.has(`team:${team}`)) return true;
  return false;
}

/** Users whose write access matters: reviewers who hold no role through their login or a resolved team. */
function reviewersToCheck(pr: PullRequestData, policy: Policy, teams: ChangeState["teams"]): string[] {
  const inPolicy = (login: string) => holdsRole(policy, teams, login);
  const users = new Set<string>();
  for (const r of pr.reviews) if ((r.state === "APPROVED" || r.state === "CHANGES_REQUESTED") && !inPolicy(r.user)) users.add(r.user.toLowerCase());
  return [...users].sort();
}

/** The policy the pull request brings, read at its head (in-repository parents too). */
async function proposedPolicy(
  api: GitHubApi,
  repo: RepoRef,
  pr: PullRequestData,
  deps: GatherDeps,
  now: Date,
  paths: readonly string[],
): Promise<ProposedPolicy> {
  const found = await policyBlobsAt(api, repo, pr.headOid, paths);
  if (found.length === 0) return { kind: "removed", file: paths[0]! };
  if (found.length > 1) return { kind: "loaded", file: found[1]!.path, loaded: { diagnostics: [twoPolicyFiles(found[0]!.path, found[1]!.path)] } };
  const b = found[0]!;
  return { kind: "loaded", file: b.path, loaded: await deps.policies.load(api, repo, { file: b.path, text: b.text, sha: b.oid }, pr.headOid, now) };
}

/**
 * Everything the core needs to judge one pull request as it is now, read through the API:
 * the pull request, the base branch's policy (or the organisation default), team members,
 * reviewers' write access, repository admins when the policy itself changes, and the policy
 * and tests the pull request brings. Throws only on API failures.
 */
export async function gatherPullRequest(
  api: GitHubApi,
  deps: GatherDeps,
  target: PullRequestRef,
  options: GatherOptions = {},
): Promise<{ inputs: JudgeInputs; pr: PullRequestData }> {
  const { repo, number, baseRef: baseRefHint, installation } = target;
  const now = deps.now();
  const pr = await fetchPullRequest(api, repo, number, baseRefHint, options.policyRevision, options.policyPath, deps.policies.texts);
  const policyPaths = options.policyPath ? [options.policyPath] : [...POLICY_FILES];
  const base = await deps.policies.basePolicy(api, repo, pr.policyAtBase, pr.baseTipOid, now, options.policyRevision ?? pr.baseRef);
  const policy = base.kind === "loaded" ? base.loaded.policy : undefined;
  const fresh = options.fresh ?? false;
  const teams = policy ? await deps.directory.resolveTeams(deps.membersApi ?? api, installation, policy.teams, fresh, deps.teamRosters) : emptyTeams();
  const writers = new Set<string>();
  if (policy) for (const login of reviewersToCheck(pr, policy, teams)) if (await deps.directory.hasWriteAccess(api, repo, login, fresh)) writers.add(login);
  const touched = touchedPolicyFiles(policy, pr.files, options.policyPath);
  const admins = policy && touched.policy ? await deps.directory.repositoryAdmins(api, repo, fresh) : [];
  const updates: ApprovedChanges = policy
    ? await approvedChanges(
        api,
        repo,
        pr,
        { options: policy.options, canWrite: (user) => writers.has(user) || holdsRole(policy, teams, user) },
        deps.fingerprints ?? new ChangeFingerprints(),
      )
    : { mergeOnly: new Set(), committers: pr.committers, sameAsHead: new Map() };
  // Check runs and statuses are read only when a condition names one.
  const checksPassed = policy && checkNamesIn(policy).size > 0 ? await passedChecks(api, repo, pr.headOid) : [];

  const state: ChangeState = {
    files: pr.files,
    filesComplete: pr.filesComplete,
    author: pr.author,
    committers: updates.committers,
    reviews: reviewsOf(pr, updates.sameAsHead),
    checksPassed,
    labels: pr.labels,
    targetBranch: pr.baseRef,
    ...(pr.sourceBranch !== undefined ? { sourceBranch: pr.sourceBranch } : {}),
    draft: pr.draft,
    admins,
    writers,
    teams,
    now,
    headSha: pr.headOid,
    mergedBy: options.mergedBy,
  };
  const inputs: JudgeInputs = { base, state, problems: pr.problems };
  if (touched.policy) inputs.proposed = await proposedPolicy(api, repo, pr, deps, now, policyPaths);
  if (touched.policy || touched.tests) {
    const tests = await fetchBlob(api, repo, `${pr.headOid}:${POLICY_TESTS_FILE}`);
    if (tests) inputs.tests = { file: POLICY_TESTS_FILE, text: tests.text };
  }
  return { inputs, pr };
}
