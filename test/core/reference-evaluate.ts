/**
 * A straightforward evaluation for the property tests: every counted path classified by
 * trying every glob, and judged on its own (no grouping of look-alike files, no caches),
 * through the public per-file functions of permissions.ts. Slow, and meant to be obviously
 * right: `evaluate` must give exactly the same result, `shape` numbers aside, and for exclusive
 * requirements, where several assignments may be right, one that the brute force agrees with.
 */
import { anyGlobMatches, type ClassifiedFile } from "../../src/core/classify.js";
import { holds } from "../../src/core/conditions.js";
import {
  BUILTIN_POLICY_REQUIREMENT,
  type BlockingReview,
  type Conclusion,
  type RequirementResult,
  type Result,
  type Violation,
} from "../../src/core/evaluate.js";
import { matchBranch, matchPath } from "../../src/core/glob.js";
import { explainApproval } from "../../src/core/explain.js";
import { decide, heldRoles, isExpired, judgeContext, membershipsOf, unresolvedTeams, type JudgeContext, type Membership } from "../../src/core/permissions.js";
import { POLICY_DEFINING_FILES as POLICY_FILE_NAMES } from "../../src/core/names.js";
import type { Policy, Requirement } from "../../src/core/policy/types.js";
import { refusalText } from "../../src/core/reasons.js";
import { approvalIsValid, invalidApprovalReasons, standingReason, type ReviewStanding, type StandingReason } from "../../src/core/review-standing.js";
import type { ChangeState, FileStatus, Review } from "../../src/core/state.js";

/** Shape numbers are the classifier's own: the comparison leaves them out. */
const NO_SHAPE = -1;

function classifyPath(policy: Policy, path: string, status: FileStatus, branch: string): ClassifiedFile {
  const bare = path.replace(/^\//, "");
  const categories = policy.categories.filter((c) => c.globs.some((g) => matchPath(g, path))).map((c) => c.name);
  if ([...POLICY_FILE_NAMES, ...policy.policyPaths.map((p) => p.replace(/^\//, ""))].includes(bare)) categories.push("policy");
  if (categories.length === 0) categories.push("other");
  const envs = policy.environments.filter((e) => e.paths.some((g) => matchPath(g, path)) || e.branches.some((g) => matchBranch(g, branch)));
  return { path, status, categories, environments: envs.map((e) => e.name), level: Math.max(0, ...envs.map((e) => e.level)), shape: NO_SHAPE };
}

function classify(policy: Policy, state: ChangeState): ClassifiedFile[] {
  const out: ClassifiedFile[] = [];
  for (const f of state.files) {
    if (f.status === "renamed" && f.previousPath !== undefined && f.previousPath !== f.path) {
      out.push({ ...classifyPath(policy, f.previousPath, "renamed", state.targetBranch), renamedTo: f.path });
      out.push({ ...classifyPath(policy, f.path, "renamed", state.targetBranch), previousPath: f.previousPath });
    } else out.push(classifyPath(policy, f.path, f.status, state.targetBranch));
  }
  return out;
}

/**
 * Each reviewer's latest deciding review (none when they only commented), their approvals since
 * their last other deciding review (latest first), and that review when it ended an approval.
 */
function standings(reviews: readonly Review[]): [string, Review | undefined, Review[], Review | undefined][] {
  const rank = (r: Review) =>
    (r.state === "CHANGES_REQUESTED" ? 3 : r.state === "APPROVED" ? 2 : 1) * 16 +
    (r.onHead ? 8 : 0) +
    (r.sameAsHead ? 4 : 0) +
    (r.afterBaseChange ? 2 : 0) +
    (r.commit !== undefined ? 1 : 0);
  const users = [...new Set(reviews.map((r) => r.user.toLowerCase()))].sort((a, b) => a.localeCompare(b));
  return users.map((user) => {
    const list = reviews
      .filter((r) => r.state !== "COMMENTED" && r.user.toLowerCase() === user)
      .sort((a, b) => a.order - b.order || rank(a) - rank(b) || (a.commit ?? "").localeCompare(b.commit ?? ""));
    const approvals: Review[] = [];
    let i = list.length - 1;
    for (; i >= 0 && list[i]!.state === "APPROVED"; i--) approvals.push(list[i]!);
    const endedApproval = i >= 0 && list.slice(0, i).some((r) => r.state === "APPROVED");
    return [user, list[list.length - 1], approvals, endedApproval ? list[i] : undefined];
  });
}

/** Can the approvers fill every exclusive requirement, each person at most one? Tries every assignment. */
function someAssignmentMeets(needs: number[], eligible: string[][], people: string[]): boolean {
  const counts = needs.map(() => 0);
  const tryFrom = (p: number): boolean => {
    if (counts.every((c, i) => c >= needs[i]!)) return true;
    if (p === people.length) return false;
    for (let r = 0; r < needs.length; r++) {
      if (!eligible[r]!.includes(people[p]!)) continue;
      counts[r]!++;
      const ok = tryFrom(p + 1);
      counts[r]!--;
      if (ok) return true;
    }
    return tryFrom(p + 1);
  };
  return tryFrom(0);
}

function selects(req: Requirement, f: ClassifiedFile, ctx: JudgeContext): boolean {
  if (req.categories && !req.categories.some((c) => f.categories.includes(c))) return false;
  if (req.environments && !req.environments.some((e) => f.environments.includes(e))) return false;
  if (req.paths && !anyGlobMatches(req.paths, f.path)) return false;
  if (req.minLevel !== undefined && f.level < req.minLevel) return false;
  if (req.when) {
    const authorHeld = ctx.author ? heldRoles(membershipsOf(ctx.author, ctx), f, ctx.policy) : new Map<string, string>();
    const cond = {
      targetBranch: ctx.targetBranch,
      sourceBranch: ctx.sourceBranch,
      checksPassed: ctx.checksPassed,
      labels: ctx.labels,
      draft: ctx.draft,
      now: ctx.now,
      authorHolds: (r: string) => authorHeld.has(r),
    };
    if (!holds(req.when, cond)) return false;
  }
  return true;
}

/** The result, and whether some assignment meets every exclusive requirement (which one goes short otherwise is the matching's choice). */
export function referenceEvaluate(policy: Policy, state: ChangeState): Result & { exclusiveMet: boolean } {
  const files = classify(policy, state);
  const ctx = judgeContext(policy, state);
  const errors: string[] = [];
  if (!state.filesComplete) errors.push("the list of changed files is incomplete, so the change cannot be fully judged");
  for (const { team, why } of unresolvedTeams(policy, state.teams))
    errors.push(`team @${team} could not be resolved (${why}); rolegate fails closed rather than guess its members`);
  const warnings: string[] = [];
  const memberships = (user: string) => membershipsOf(user, ctx);
  const canWrite = (user: string) => state.writers === "all" || state.writers.has(user.toLowerCase()) || memberships(user).length > 0;
  const approves = (ms: Membership[], f: ClassifiedFile, concern?: string[]) => decide(heldRoles(ms, f, policy), "approve", f, ctx, concern).allowed;

  const violations: Violation[] = [];
  const judgeAction = (user: string, action: string) => {
    for (const f of files) {
      const d = decide(heldRoles(memberships(user), f, policy), action, f, ctx);
      if (!d.allowed) violations.push({ action, user, path: f.path, reason: refusalText(d.reasons, `no role allows ${action}`) });
    }
  };
  const unique = (list: readonly string[]) => [...new Set(list.map((l) => l.toLowerCase()))];
  if (state.author) judgeAction(state.author, "author");
  if (policy.options.checkCommitAuthors) for (const c of unique(state.committers)) if (c !== state.author?.toLowerCase()) judgeAction(c, "author");
  if (state.mergedBy) judgeAction(state.mergedBy, "merge");

  const author = state.author?.toLowerCase();
  const committers = new Set(unique(state.committers));
  const stale = policy.options.staleApprovals;
  const approvers: string[] = [];
  const blocking: BlockingReview[] = [];
  const reviews: ReviewStanding[] = [];
  const problemsOf = new Map<string, StandingReason[]>();
  for (const [user, review, approvals, replacedBy] of standings(state.reviews)) {
    const standing: ReviewStanding = {
      user,
      state: review ? (review.state.toLowerCase() as ReviewStanding["state"]) : "commented",
      counted: false,
      reasons: [],
      requirements: [],
    };
    if (review?.commit !== undefined) standing.commit = review.commit;
    reviews.push(standing);
    const superseded = replacedBy
      ? [standingReason("superseded", `an earlier approval was replaced by a later ${replacedBy.state === "DISMISSED" ? "dismissal" : "change request"}`)]
      : [];
    if (!review) standing.reasons.push(standingReason("commented", "only commented, which neither approves nor requests changes"));
    else if (review.state === "CHANGES_REQUESTED") {
      const blocks = canWrite(user) ? files.find((f) => approves(memberships(user), f)) : undefined;
      if (blocks) blocking.push({ user, reason: `${user} requested changes and may approve ${blocks.path}` });
      const why = blocks
        ? `${user} may approve ${blocks.path}, so this review blocks the change until it is dismissed or replaced`
        : canWrite(user)
          ? `does not block: ${user} may approve none of the changed files`
          : `does not block: ${user} has no write access and holds no role in the policy`;
      standing.reasons.push(standingReason("changes requested", why), ...superseded);
    } else if (review.state === "DISMISSED") standing.reasons.push(standingReason("dismissed", "the latest review was dismissed"), ...superseded);
    else {
      const problems = approvals.some((a) => approvalIsValid(a, stale)) ? [] : invalidApprovalReasons(approvals, stale);
      if (!canWrite(user)) problems.push(standingReason("no write access", `${user} has no write access to the repository and holds no role in the policy`));
      if (user === author && !policy.options.authorCanApprove)
        problems.push(standingReason("author", `${user} opened the pull request, and options.author_can_approve is false`));
      if (committers.has(user) && !policy.options.committersCanApprove)
        problems.push(standingReason("committer", `${user} authored or committed commits of the pull request, and options.committers_can_approve is false`));
      if (problems.length > 0) problems.push(...superseded);
      if (problems.length === 0) approvers.push(user);
      problemsOf.set(user, problems);
    }
  }

  const excluded = (login: string) => (login === author && !policy.options.authorCanApprove) || (committers.has(login) && !policy.options.committersCanApprove);
  const requirements: RequirementResult[] = [];
  /** Per requirement result: who may approve it, and why not (the explain chain on the first selected file refused). */
  const judged: { result: RequirementResult; eligible: (user: string) => boolean; whyNot: (user: string) => string }[] = [];
  for (const req of policy.requirements) {
    const selected = files.filter((f) => selects(req, f, ctx));
    if (selected.length === 0) continue;
    const eligibleOn = (ms: Membership[], f: ClassifiedFile) => {
      const h = heldRoles(ms, f, policy);
      if (req.roles && !req.roles.some((r) => h.has(r))) return false;
      return approves(ms, f, req.categories);
    };
    const eligibleFor = (ms: Membership[]) => selected.every((f) => eligibleOn(ms, f));
    const approvedBy = approvers.filter((u) => eligibleFor(memberships(u)));
    const eligible = new Set<string>();
    const logins = new Set<string>();
    for (const key of policy.directRoles.keys()) if (key.startsWith("user:")) logins.add(key.slice(5));
    for (const [team, members] of ctx.teams.members) {
      if (!policy.teams.has(team) || !(ctx.teams.expandable?.has(team) ?? true)) continue;
      for (const m of members) if (logins.size < 200) logins.add(m);
    }
    for (const login of logins)
      if (!excluded(login) && eligibleFor(memberships(login))) eligible.add(policy.directRoles.get(`user:${login}`)?.[0]?.display ?? login);
    for (const [key, entries] of policy.directRoles) {
      if (!key.startsWith("team:")) continue;
      const team = key.slice(5);
      if (eligibleFor(entries.filter((m) => !isExpired(m, ctx.now)).map((member) => ({ role: member.role, member, via: `@${team}` }))))
        eligible.add(`@${team}`);
    }
    const list = [...eligible].sort((a, b) => a.localeCompare(b));
    if (eligibleFor([])) list.push("*");
    const result: RequirementResult = {
      name: req.name,
      index: req.index,
      builtin: false,
      selected: selected.map((f) => f.path),
      satisfied: approvedBy.length >= req.approvals,
      approvals: { have: approvedBy.length, need: req.approvals },
      approvedBy,
      eligible: list,
      roles: req.roles,
    };
    if (req.exclusive) result.exclusive = true;
    requirements.push(result);
    judged.push({
      result,
      eligible: (user) => eligibleFor(memberships(user)),
      whyNot: (user) => {
        const file = selected.find((f) => !eligibleOn(memberships(user), f))!;
        return explainApproval(policy, state, memberships(user), file, req, `${user} holds no role for this file`)
          .reasons.filter((r) => r.kind !== "grant" && r.kind !== "not-enforced")
          .map((r) => r.text)
          .join("; ");
      },
    });
  }
  const exclusive = requirements.filter((r) => r.exclusive);
  const exclusiveMet = someAssignmentMeets(
    exclusive.map((r) => r.approvals.need),
    exclusive.map((r) => r.approvedBy),
    approvers,
  );
  const covered = new Set(requirements.flatMap((r) => r.selected));
  const policyFiles = files.filter((f) => f.categories.includes("policy") && !covered.has(f.path));
  if (policyFiles.length > 0) {
    const admins = new Set(state.admins.map((a) => a.toLowerCase()));
    const approvedBy = approvers.filter((u) => admins.has(u));
    const result: RequirementResult = {
      name: BUILTIN_POLICY_REQUIREMENT,
      index: -1,
      builtin: true,
      selected: policyFiles.map((f) => f.path),
      satisfied: approvedBy.length >= 1,
      approvals: { have: approvedBy.length, need: 1 },
      approvedBy,
      eligible: [...admins].filter((a) => !excluded(a)).sort(),
    };
    requirements.push(result);
    judged.push({ result, eligible: (user) => admins.has(user), whyNot: (user) => `${user} is not a repository admin` });
    warnings.push(`no requirement selects ${policyFiles.map((f) => f.path).join(", ")} in this change, so a repository admin must approve it`);
  }
  // Every approver eligible for an exclusive requirement counts toward exactly one of them (the
  // matching's choice); the standing below names only the other requirements.
  for (const standing of reviews) {
    const problems = problemsOf.get(standing.user);
    if (!problems) continue;
    const user = standing.user;
    const countsExclusive = problems.length === 0 && exclusive.some((r) => r.approvedBy.includes(user));
    standing.requirements = requirements.filter((r) => !r.exclusive && r.approvedBy.includes(user)).map((r) => r.name);
    standing.reasons = [
      ...problems,
      ...judged.filter((j) => !j.eligible(user)).map((j) => standingReason("not eligible", `for "${j.result.name}": ${j.whyNot(user)}`, " ")),
    ];
    standing.counted = problems.length === 0 && (standing.requirements.length > 0 || countsExclusive || requirements.length === 0);
  }
  const met = requirements.every((r) => r.exclusive || r.satisfied) && exclusiveMet;
  const conclusion: Conclusion = errors.length > 0 || violations.length > 0 || blocking.length > 0 ? "failure" : met ? "success" : "action_required";
  const touchedCategories = [...new Set(files.flatMap((f) => f.categories))];
  // The title is not re-derived: it is a function of the fields compared.
  return { conclusion, title: "", files, requirements, violations, blocking, reviews, errors, warnings, touchedCategories, exclusiveMet };
}
