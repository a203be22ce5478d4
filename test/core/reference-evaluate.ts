/**
 * A straightforward evaluation for the property tests: every counted path classified by
 * trying every glob, and judged on its own (no grouping of look-alike files, no caches),
 * through the public per-file functions of permissions.ts. Slow, and meant to be obviously
 * right: `evaluate` must give exactly the same result, `shape` numbers aside.
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
import { decide, heldRoles, isExpired, judgeContext, membershipsOf, unresolvedTeams, type JudgeContext, type Membership } from "../../src/core/permissions.js";
import { POLICY_DEFINING_FILES as POLICY_FILE_NAMES } from "../../src/core/names.js";
import type { Policy, Requirement } from "../../src/core/policy/types.js";
import { refusalText } from "../../src/core/reasons.js";
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

/** Each reviewer's latest deciding review, and their approvals since their last other review. */
function standings(reviews: readonly Review[]): [string, Review, Review[]][] {
  const rank = (r: Review) => (r.state === "CHANGES_REQUESTED" ? 3 : r.state === "APPROVED" ? 2 : 1) * 4 + (r.onHead ? 2 : 0) + (r.afterBaseChange ? 1 : 0);
  const users = [...new Set(reviews.filter((r) => r.state !== "COMMENTED").map((r) => r.user.toLowerCase()))].sort((a, b) => a.localeCompare(b));
  return users.map((user) => {
    const list = reviews.filter((r) => r.state !== "COMMENTED" && r.user.toLowerCase() === user).sort((a, b) => a.order - b.order || rank(a) - rank(b));
    const approvals: Review[] = [];
    for (let i = list.length - 1; i >= 0 && list[i]!.state === "APPROVED"; i--) approvals.push(list[i]!);
    return [user, list[list.length - 1]!, approvals];
  });
}

function selects(req: Requirement, f: ClassifiedFile, ctx: JudgeContext): boolean {
  if (req.categories && !req.categories.some((c) => f.categories.includes(c))) return false;
  if (req.environments && !req.environments.some((e) => f.environments.includes(e))) return false;
  if (req.paths && !anyGlobMatches(req.paths, f.path)) return false;
  if (req.minLevel !== undefined && f.level < req.minLevel) return false;
  if (req.when) {
    const authorHeld = ctx.author ? heldRoles(membershipsOf(ctx.author, ctx), f, ctx.policy) : new Map<string, string>();
    const cond = { targetBranch: ctx.targetBranch, labels: ctx.labels, draft: ctx.draft, now: ctx.now, authorHolds: (r: string) => authorHeld.has(r) };
    if (!holds(req.when, cond)) return false;
  }
  return true;
}

export function referenceEvaluate(policy: Policy, state: ChangeState): Result {
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
  const approvers: string[] = [];
  const blocking: BlockingReview[] = [];
  for (const [user, review, approvals] of standings(state.reviews)) {
    if (review.state === "CHANGES_REQUESTED") {
      if (!canWrite(user)) continue;
      const blocks = files.find((f) => approves(memberships(user), f));
      if (blocks) blocking.push({ user, reason: `${user} requested changes and may approve ${blocks.path}` });
      continue;
    }
    if (review.state !== "APPROVED") continue;
    if (!approvals.some((a) => (a.onHead || policy.options.staleApprovals === "keep") && a.afterBaseChange)) continue;
    if (!canWrite(user)) continue;
    if (user === author && !policy.options.authorCanApprove) continue;
    if (committers.has(user) && !policy.options.committersCanApprove) continue;
    approvers.push(user);
  }

  const excluded = (login: string) => (login === author && !policy.options.authorCanApprove) || (committers.has(login) && !policy.options.committersCanApprove);
  const requirements: RequirementResult[] = [];
  for (const req of policy.requirements) {
    const selected = files.filter((f) => selects(req, f, ctx));
    if (selected.length === 0) continue;
    const eligibleFor = (ms: Membership[]) =>
      selected.every((f) => {
        const h = heldRoles(ms, f, policy);
        if (req.roles && !req.roles.some((r) => h.has(r))) return false;
        return approves(ms, f, req.categories);
      });
    const approvedBy = approvers.filter((u) => eligibleFor(memberships(u)));
    const eligible = new Set<string>();
    const logins = new Set<string>();
    for (const key of policy.directRoles.keys()) if (key.startsWith("user:")) logins.add(key.slice(5));
    for (const [team, members] of ctx.teams.members) if (policy.teams.has(team)) for (const m of members) if (logins.size < 200) logins.add(m);
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
    requirements.push({
      name: req.name,
      index: req.index,
      builtin: false,
      selected: selected.map((f) => f.path),
      satisfied: approvedBy.length >= req.approvals,
      approvals: { have: approvedBy.length, need: req.approvals },
      approvedBy,
      eligible: list,
      roles: req.roles,
    });
  }
  const covered = new Set(requirements.flatMap((r) => r.selected));
  const policyFiles = files.filter((f) => f.categories.includes("policy") && !covered.has(f.path));
  if (policyFiles.length > 0) {
    const admins = new Set(state.admins.map((a) => a.toLowerCase()));
    const approvedBy = approvers.filter((u) => admins.has(u));
    requirements.push({
      name: BUILTIN_POLICY_REQUIREMENT,
      index: -1,
      builtin: true,
      selected: policyFiles.map((f) => f.path),
      satisfied: approvedBy.length >= 1,
      approvals: { have: approvedBy.length, need: 1 },
      approvedBy,
      eligible: [...admins].filter((a) => !excluded(a)).sort(),
    });
    warnings.push(`no requirement selects ${policyFiles.map((f) => f.path).join(", ")} in this change, so a repository admin must approve it`);
  }
  const conclusion: Conclusion =
    errors.length > 0 || violations.length > 0 || blocking.length > 0 ? "failure" : requirements.every((r) => r.satisfied) ? "success" : "action_required";
  const touchedCategories = [...new Set(files.flatMap((f) => f.categories))];
  // The title is not re-derived: it is a function of the fields compared.
  return { conclusion, title: "", files, requirements, violations, blocking, errors, warnings, touchedCategories };
}
