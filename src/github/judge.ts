import { formatDiagnostic, type Diagnostic } from "../core/diagnostics.js";
import { evaluate, type Conclusion, type Result } from "../core/evaluate.js";
import { MEMBERSHIP_FINDINGS } from "../core/policy/lint.js";
import { policyCouldBeSelected } from "../core/policy/selectable.js";
import type { Policy } from "../core/policy/types.js";
import { applyPolicyChange, type PolicyChangeReport } from "../core/policy-change.js";
import { POLICY_TESTS_FILE, runPolicyTests } from "../core/policy-tests.js";
import { checkMarkdown } from "../core/render/check.js";
import type { ChangeState, Review } from "../core/state.js";
import { describeApiError, type GitHubApi, type RepoRef } from "./api.js";
import type { Directory } from "./directory.js";
import type { PolicyLoader } from "./policy.js";
import { fetchBlob, fetchPullRequest, type PullRequestData } from "./pull-request.js";

const POLICY_PATHS = [".github/rolegate.yml", ".github/rolegate.yaml"];

/** What a front end posts for one pull request: a check run's content, derived from one Result. */
export interface Judgement {
  headSha?: string;
  conclusion: Conclusion;
  title: string;
  summary: string;
  result?: Result;
  policy?: Policy;
  policyFile?: string;
  policySha?: string;
  pr?: PullRequestData;
  /** Findings about the policy that judged (or would judge) the change, with positions. */
  diagnostics?: Diagnostic[];
}

export interface JudgeDeps {
  directory: Directory;
  policies: PolicyLoader;
  now: () => Date;
}

/** A judgement that could not be made: always `failure`, saying what failed. Never success from a catch. */
export function failedJudgement(what: string, error: unknown, headSha?: string): Judgement {
  const why = error === undefined ? what : `${what}: ${describeApiError(error)}`;
  return {
    headSha,
    conclusion: "failure",
    title: "rolegate could not evaluate this pull request",
    summary: `## ❌ rolegate could not evaluate this pull request\n\n${why}\n\nrolegate fails closed: nothing is reported as passing that was not fully judged. Re-run the check once the cause is fixed.`,
  };
}

function reviewsOf(pr: PullRequestData): Review[] {
  return pr.reviews.map((r) => {
    const submitted = Date.parse(r.submittedAt);
    return {
      user: r.user,
      state: r.state as Review["state"],
      onHead: r.commitOid === pr.headOid,
      afterBaseChange: pr.baseChangedAt === undefined || r.submittedAt > pr.baseChangedAt,
      order: Number.isNaN(submitted) ? 0 : submitted,
    };
  });
}

/** Users whose write access matters: reviewers who hold no role through their login or a resolved team. */
function reviewersToCheck(pr: PullRequestData, policy: Policy, teams: ChangeState["teams"]): string[] {
  const inPolicy = (login: string) => {
    const l = login.toLowerCase();
    if (policy.directRoles.has(`user:${l}`)) return true;
    for (const [team, members] of teams.members) if (members.has(l) && policy.directRoles.has(`team:${team}`)) return true;
    return false;
  };
  const users = new Set<string>();
  for (const r of pr.reviews) if ((r.state === "APPROVED" || r.state === "CHANGES_REQUESTED") && !inPolicy(r.user)) users.add(r.user.toLowerCase());
  return [...users].sort();
}

/**
 * Judges one pull request as it is now: fetch, load the base branch's policy, resolve teams
 * and write access, evaluate, and describe. Throws only on API failures, which the caller
 * turns into a `failure` check via `failedJudgement`.
 */
export async function judgePullRequest(
  api: GitHubApi,
  deps: JudgeDeps,
  repo: RepoRef,
  number: number,
  baseRefHint: string,
  installation: string,
  /** `fresh`: read memberships and permissions anew, bypassing caches (before a merge). */
  options: { mergedBy?: string; policyRevision?: string; policyPath?: string; fresh?: boolean } = {},
): Promise<Judgement> {
  const now = deps.now();
  const pr = await fetchPullRequest(api, repo, number, baseRefHint, options.policyRevision, options.policyPath, deps.policies.texts);
  const policyPaths = options.policyPath ? [options.policyPath] : POLICY_PATHS;
  const base = await deps.policies.basePolicy(api, repo, pr.policyAtBase, pr.baseTipOid, now);
  const touchesPolicy = pr.files.some((f) => policyPaths.includes(f.path) || (f.previousPath !== undefined && policyPaths.includes(f.previousPath)));

  if (base.kind === "error") return { ...failedJudgement(base.message, undefined, pr.headOid), pr };
  if (base.kind === "none") return neutralJudgement(api, repo, pr, touchesPolicy, deps, now, policyPaths);

  const blocking = base.loaded.diagnostics.filter((d) => d.severity === "error" && !MEMBERSHIP_FINDINGS.has(d.code));
  if (!base.loaded.policy || blocking.length > 0) {
    const list = (blocking.length > 0 ? blocking : base.loaded.diagnostics).map((d) => `- ${formatDiagnostic(d)}`).join("\n");
    return {
      headSha: pr.headOid,
      conclusion: "failure",
      title: "The policy on the base branch is invalid",
      summary: `## ❌ rolegate: the policy on the base branch is invalid\n\nPolicy ${base.file} at ${pr.baseRef} has errors, so no change can be judged until it is fixed:\n\n${list}\n`,
      policyFile: base.file,
      policySha: base.sha,
      pr,
      diagnostics: base.loaded.diagnostics,
    };
  }
  const policy = base.loaded.policy;
  const fresh = options.fresh ?? false;
  const teams = await deps.directory.resolveTeams(api, installation, policy.teams, fresh);
  const writers = new Set<string>();
  for (const login of reviewersToCheck(pr, policy, teams)) if (await deps.directory.hasWriteAccess(api, repo, login, fresh)) writers.add(login);
  const needsAdmins = touchesPolicy && !policyCouldBeSelected(policy);
  const admins = needsAdmins ? await deps.directory.repositoryAdmins(api, repo, fresh) : [];

  const state: ChangeState = {
    files: pr.files,
    filesComplete: pr.filesComplete,
    author: pr.author,
    committers: pr.committers,
    reviews: reviewsOf(pr),
    labels: pr.labels,
    targetBranch: pr.baseRef,
    draft: pr.draft,
    admins,
    writers,
    teams,
    now,
    headSha: pr.headOid,
    mergedBy: options.mergedBy,
  };
  let result = evaluate(policy, state);
  if (pr.filesProblem) result.errors.unshift(pr.filesProblem);
  result.warnings.push(...base.loaded.diagnostics.map((d) => `${formatDiagnostic(d)}`));

  let report: PolicyChangeReport | undefined;
  let testedPolicy = policy;
  if (touchesPolicy) {
    const proposed = await proposedPolicy(api, repo, pr, deps, now, policyPaths);
    if (proposed === "removed") report = { diff: ["this pull request removes the policy file: once merged, nothing is enforced"], findings: [] };
    else {
      const applied = applyPolicyChange(result, policy, proposed, now, teams);
      result = applied.result;
      report = applied.report;
      if (proposed.policy) testedPolicy = proposed.policy;
    }
  }
  // A change to the policy or its tests must keep the tests passing (against the policy it brings).
  const touchesTests = pr.files.some((f) => f.path === POLICY_TESTS_FILE || f.previousPath === POLICY_TESTS_FILE);
  if (touchesPolicy || touchesTests) {
    const tests = await fetchBlob(api, repo, `${pr.headOid}:${POLICY_TESTS_FILE}`);
    if (tests) {
      const run = runPolicyTests(testedPolicy, POLICY_TESTS_FILE, tests.text, now);
      const problems = [
        ...run.diagnostics.map((d) => `the policy tests file is invalid: ${formatDiagnostic(d)}`),
        ...run.results.filter((r) => !r.passed).map((r) => `policy test "${r.name}" fails: ${r.diff.join("; ")}`),
      ];
      if (problems.length > 0) result = { ...result, conclusion: "failure", title: "Policy tests fail", errors: [...result.errors, ...problems] };
      else result.warnings.push(`all ${run.results.length} policy tests pass`);
    }
  }
  const summary = checkMarkdown(result, policy, {
    policyFile: `${base.file}${base.fromOrg ? " (organisation default)" : ""}`,
    targetBranch: pr.baseRef,
    policyChange: report,
  });
  return {
    headSha: pr.headOid,
    conclusion: result.conclusion,
    title: result.title,
    summary,
    result,
    policy,
    policyFile: base.file,
    policySha: base.sha === "HEAD" ? undefined : base.sha,
    pr,
    diagnostics: base.loaded.diagnostics,
  };
}

async function proposedPolicy(api: GitHubApi, repo: RepoRef, pr: PullRequestData, deps: JudgeDeps, now: Date, paths: string[]) {
  const found = [];
  for (const path of paths) {
    const blob = await fetchBlob(api, repo, `${pr.headOid}:${path}`);
    if (blob) found.push(blob);
  }
  if (found.length === 0) return "removed" as const;
  if (found.length > 1) {
    return {
      diagnostics: [
        {
          severity: "error" as const,
          code: "two-policy-files",
          message: "two policy files: .github/rolegate.yml and .github/rolegate.yaml; keep exactly one",
          file: found[1]!.path,
          line: 1,
          col: 1,
        },
      ],
    };
  }
  const b = found[0]!;
  return deps.policies.load(api, repo, { file: b.path, text: b.text, sha: b.oid }, pr.headOid, now);
}

/** No policy for the repository nor its organisation: `neutral`, but a policy the PR adds is validated. */
async function neutralJudgement(
  api: GitHubApi,
  repo: RepoRef,
  pr: PullRequestData,
  touchesPolicy: boolean,
  deps: JudgeDeps,
  now: Date,
  paths: string[],
): Promise<Judgement> {
  const note = "GitHub counts a neutral check as passing: nothing is enforced until a policy is merged.";
  if (touchesPolicy) {
    const proposed = await proposedPolicy(api, repo, pr, deps, now, paths);
    if (proposed !== "removed") {
      const errors = proposed.diagnostics.filter((d) => d.severity === "error" && !MEMBERSHIP_FINDINGS.has(d.code));
      const list = proposed.diagnostics.map((d) => `- ${formatDiagnostic(d)}`).join("\n") || "- no findings";
      if (errors.length > 0) {
        return {
          headSha: pr.headOid,
          conclusion: "failure",
          title: "The proposed policy is invalid",
          summary: `## ❌ rolegate: the policy this pull request adds is invalid\n\n${list}\n\n${note}`,
          pr,
          diagnostics: proposed.diagnostics,
        };
      }
      return {
        headSha: pr.headOid,
        conclusion: "neutral",
        title: "No policy yet; the proposed policy is valid",
        summary: `## ➖ rolegate: no policy yet\n\nThe policy this pull request adds is valid:\n\n${list}\n\n${note}`,
        pr,
      };
    }
  }
  return {
    headSha: pr.headOid,
    conclusion: "neutral",
    title: "No rolegate policy",
    summary: `## ➖ rolegate: no policy\n\nNeither this repository nor its organisation has a rolegate policy (.github/rolegate.yml). ${note}`,
    pr,
  };
}
