import { anyGlobMatches, Classifier, type ClassifiedFile } from "./classify.js";
import { holds } from "./conditions.js";
import {
  decide,
  heldRoles,
  isExpired,
  judgeContext,
  membershipsOf,
  unresolvedTeams,
  type JudgeContext,
  type Membership,
} from "./permissions.js";
import { policyCouldBeSelected } from "./policy/selectable.js";
import type { Policy, Requirement } from "./policy/types.js";
import type { ChangeState, Review } from "./state.js";

export type Conclusion = "success" | "action_required" | "failure" | "neutral";

export interface RequirementResult {
  name: string;
  /** Index in `require:`, or -1 for the built-in policy-change rule. */
  index: number;
  builtin: boolean;
  selected: string[];
  satisfied: boolean;
  approvals: { have: number; need: number };
  approvedBy: string[];
  /** Who could give a missing approval: logins and `@org/team`; `*` means anyone with write access. */
  eligible: string[];
  roles?: string[];
}

export interface Violation {
  action: string;
  user: string;
  path: string;
  reason: string;
}

export interface BlockingReview {
  user: string;
  reason: string;
}

export interface Result {
  conclusion: Conclusion;
  title: string;
  files: ClassifiedFile[];
  requirements: RequirementResult[];
  violations: Violation[];
  blocking: BlockingReview[];
  /** Why a full evaluation was impossible (unresolved team, incomplete file list, invalid policy). */
  errors: string[];
  warnings: string[];
  /** Categories touched by the change, for the matrix slice. */
  touchedCategories: string[];
}

const MAX_CANDIDATE_LOGINS = 200;

export const BUILTIN_POLICY_REQUIREMENT = "Policy changes need a repository admin";

/**
 * Each reviewer's standing: their latest deciding review (COMMENTED changes nothing) and, when
 * that is an approval, every approval since their last change request or dismissal. Any of
 * those approvals may make the reviewer valid: an approval on the head is not undone by a later
 * approval of an older commit (the spec's "an approval on the head beats a stale approval").
 */
interface Standing {
  latest: Review;
  approvals: Review[];
}

function standings(reviews: readonly Review[]): Map<string, Standing> {
  const byUser = new Map<string, Review[]>();
  for (const r of reviews) {
    if (r.state === "COMMENTED") continue;
    const key = r.user.toLowerCase();
    const list = byUser.get(key);
    if (list) list.push(r);
    else byUser.set(key, [r]);
  }
  const result = new Map<string, Standing>();
  for (const [user, list] of byUser) {
    // Ties (same order) resolve by the offline precedence: changes requested > fresh > stale.
    list.sort((a, b) => a.order - b.order || rank(a) - rank(b));
    const latest = list[list.length - 1]!;
    const approvals: Review[] = [];
    for (let i = list.length - 1; i >= 0 && list[i]!.state === "APPROVED"; i--) approvals.push(list[i]!);
    result.set(user, { latest, approvals });
  }
  return result;
}

/** A total order for reviews given at the same moment, so the result never depends on input order. */
function rank(r: Review): number {
  const state = r.state === "CHANGES_REQUESTED" ? 3 : r.state === "APPROVED" ? 2 : 1;
  return state * 4 + (r.onHead ? 2 : 0) + (r.afterBaseChange ? 1 : 0);
}

/** Judges one change by one valid policy. Pure: the same inputs always give the same result. */
export function evaluate(policy: Policy, state: ChangeState, classifier = new Classifier(policy)): Result {
  const files = classifier.classify(state.files, state.targetBranch);
  const ctx = judgeContext(policy, state);
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!state.filesComplete) errors.push("the list of changed files is incomplete, so the change cannot be fully judged");
  for (const { team, why } of unresolvedTeams(policy, state.teams)) {
    errors.push(`team @${team} could not be resolved (${why}); rolegate fails closed rather than guess its members`);
  }

  const membershipCache = new Map<string, Membership[]>();
  const memberships = (user: string) => {
    const key = user.toLowerCase();
    let m = membershipCache.get(key);
    if (!m) membershipCache.set(key, (m = membershipsOf(user, ctx)));
    return m;
  };
  const held = (user: string, file: ClassifiedFile) => heldRoles(memberships(user), file, policy);
  const holdsAnyRole = (user: string) => memberships(user).length > 0;
  const canWrite = (user: string) => state.writers === "all" || state.writers.has(user.toLowerCase()) || holdsAnyRole(user);

  // Files that look alike to every rule are judged once: the same categories, environments
  // and level, and the same path too when some membership is scoped by paths.
  const pathScoped = [...policy.roles.values()].some((r) => r.members.some((m) => m.paths !== undefined));
  const shapeOf = (f: ClassifiedFile): string | number => (pathScoped ? f.path : f.shape);
  const groupsOf = (list: readonly ClassifiedFile[]) => {
    const groups = new Map<string | number, ClassifiedFile[]>();
    for (const f of list) {
      const key = shapeOf(f);
      const g = groups.get(key);
      if (g) g.push(f);
      else groups.set(key, [f]);
    }
    return [...groups.values()];
  };
  const representativesOf = (list: readonly ClassifiedFile[]) => groupsOf(list).map((g) => g[0]!);
  const fileGroups = groupsOf(files);
  const fileShapes = fileGroups.map((g) => g[0]!);

  // Violations: author (and commit authors), merger.
  const violations: Violation[] = [];
  const judgeAction = (user: string, action: string) => {
    const decided = new Map<string | number, string | undefined>(); // shape -> reason it is not allowed
    for (const f of files) {
      const key = shapeOf(f);
      if (!decided.has(key)) {
        const d = decide(held(user, f), action, f, ctx);
        decided.set(key, d.allowed ? undefined : d.reasons.filter((r) => !r.startsWith("holds ")).join("; ") || `no role allows ${action}`);
      }
      const reason = decided.get(key);
      if (reason !== undefined) violations.push({ action, user, path: f.path, reason });
    }
  };
  if (state.author) judgeAction(state.author, "author");
  if (policy.options.checkCommitAuthors) {
    for (const c of uniqueLogins(state.committers)) if (c !== state.author?.toLowerCase()) judgeAction(c, "author");
  }
  if (state.mergedBy) judgeAction(state.mergedBy, "merge");

  // Reviews: valid approvers and blocking change requests.
  const author = state.author?.toLowerCase();
  const committers = new Set(uniqueLogins(state.committers));
  const approvers: string[] = [];
  const blocking: BlockingReview[] = [];
  const keepStale = policy.options.staleApprovals === "keep";
  for (const [user, { latest: review, approvals }] of [...standings(state.reviews)].sort(([a], [b]) => a.localeCompare(b))) {
    if (review.state === "CHANGES_REQUESTED") {
      if (!canWrite(user)) continue;
      const blocks = fileShapes.find((f) => decide(held(user, f), "approve", f, ctx).allowed);
      if (blocks) blocking.push({ user, reason: `${user} requested changes and may approve ${blocks.path}` });
      continue;
    }
    if (review.state !== "APPROVED") continue;
    if (!approvals.some((a) => (a.onHead || keepStale) && a.afterBaseChange)) continue;
    if (!canWrite(user)) continue;
    if (user === author && !policy.options.authorCanApprove) continue;
    if (committers.has(user) && !policy.options.committersCanApprove) continue;
    approvers.push(user);
  }

  // Requirements.
  const excluded = (login: string) =>
    (login === author && !policy.options.authorCanApprove) || (committers.has(login) && !policy.options.committersCanApprove);
  const requirements: RequirementResult[] = [];
  for (const req of policy.requirements) {
    // Path selectors look at each path; every other selector only at the file's shape.
    let selected: ClassifiedFile[];
    if (req.paths) selected = files.filter((f) => selects(req, f, ctx));
    else {
      const shapes = new Set(fileShapes.filter((f) => selects(req, f, ctx)).map(shapeOf));
      selected = shapes.size === 0 ? [] : files.filter((f) => shapes.has(shapeOf(f)));
    }
    if (selected.length === 0) continue;
    const representatives = representativesOf(selected);
    const eligibleFor = (ms: Membership[]) =>
      representatives.every((f) => {
        const h = heldRoles(ms, f, policy);
        if (req.roles && !req.roles.some((r) => h.has(r))) return false;
        return decide(h, "approve", f, ctx, req.categories).allowed;
      });
    const approvedBy = approvers.filter((u) => eligibleFor(memberships(u)));
    requirements.push({
      name: req.name,
      index: req.index,
      builtin: false,
      selected: selected.map((f) => f.path),
      satisfied: approvedBy.length >= req.approvals,
      approvals: { have: approvedBy.length, need: req.approvals },
      approvedBy,
      eligible: candidates(policy, ctx, eligibleFor, excluded, memberships),
      roles: req.roles,
    });
  }
  const policyShapes = new Set(fileShapes.filter((f) => f.categories.includes("policy")).map(shapeOf));
  const policyFiles = policyShapes.size === 0 ? [] : files.filter((f) => policyShapes.has(shapeOf(f)));
  if (policyFiles.length > 0 && !policyCouldBeSelected(policy)) {
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
    warnings.push("no requirement covers the policy file, so a change to it needs one approval from a repository admin");
  }

  const conclusion: Conclusion =
    errors.length > 0 || violations.length > 0 || blocking.length > 0
      ? "failure"
      : requirements.every((r) => r.satisfied)
        ? "success"
        : "action_required";
  const touchedCategories = [...new Set(fileShapes.flatMap((f) => f.categories))];
  return { conclusion, title: titleFor(conclusion, requirements, violations, blocking, errors), files, requirements, violations, blocking, errors, warnings, touchedCategories };
}

function uniqueLogins(list: readonly string[]): string[] {
  return [...new Set(list.map((l) => l.toLowerCase()))];
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

/**
 * Who could give an approval that counts: every login and team listed in the policy
 * whose memberships make them eligible, and `*` when a user holding no role would be.
 */
function candidates(
  policy: Policy,
  ctx: JudgeContext,
  eligibleFor: (ms: Membership[]) => boolean,
  excluded: (login: string) => boolean,
  memberships: (login: string) => Membership[],
): string[] {
  const out = new Set<string>();
  // Members of resolved teams the policy names are candidates in their own right.
  const logins = new Set<string>();
  for (const key of policy.directRoles.keys()) if (key.startsWith("user:")) logins.add(key.slice(5));
  // Bounded: the list is for people to read, and each candidate costs a pass over the files.
  for (const [team, members] of ctx.teams.members) if (policy.teams.has(team)) for (const m of members) if (logins.size < MAX_CANDIDATE_LOGINS) logins.add(m);
  for (const login of logins) {
    if (!excluded(login) && eligibleFor(memberships(login))) out.add(policy.directRoles.get(`user:${login}`)?.[0]?.display ?? login);
  }
  for (const key of policy.directRoles.keys()) {
    const [kind, id] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
    if (kind === "team") {
      const ms = policy.directRoles.get(key)!.filter((m) => !isExpired(m, ctx.now));
      if (eligibleFor(ms.map((member) => ({ role: member.role, member, via: `@${id}` })))) out.add(`@${id}`);
    }
  }
  const list = [...out].sort((a, b) => a.localeCompare(b));
  if (eligibleFor([])) list.push("*");
  return list;
}

function titleFor(c: Conclusion, reqs: RequirementResult[], violations: Violation[], blocking: BlockingReview[], errors: string[]): string {
  if (errors.length > 0) return "Could not fully evaluate this change";
  if (violations.length > 0) return `${violations.length} permission violation${violations.length === 1 ? "" : "s"}`;
  if (blocking.length > 0) return `Changes requested by ${blocking.map((b) => b.user).join(", ")}`;
  if (c === "success") return reqs.length === 0 ? "No approvals required" : "All requirements met";
  const missing = reqs.filter((r) => !r.satisfied);
  return `Waiting for approval: ${missing.length} of ${reqs.length} requirement${reqs.length === 1 ? "" : "s"} not met`;
}
