import { anyGlobMatches, classifierFor, type ClassifiedFile, type FileClass } from "./classify.js";
import { holds, type ConditionContext } from "./conditions.js";
import {
  allows,
  conditionContext,
  decide,
  heldRoleList,
  heldRoles,
  isExpired,
  judgeContext,
  membershipsOf,
  todayUtc,
  unresolvedTeams,
  type JudgeContext,
  type Membership,
} from "./permissions.js";
import { explainApproval } from "./explain.js";
import { assignPeople } from "./matching.js";
import type { Member, Policy, Requirement, Role } from "./policy/types.js";
import { refusalText } from "./reasons.js";
import { completeStandings, judgeReviewers, type JudgedRequirement, type ReviewStanding } from "./review-standing.js";
import type { ChangeState } from "./state.js";
import { plural } from "./words.js";

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
  /** An exclusive requirement: one person counts toward at most one of them. */
  exclusive?: boolean;
  /** For an exclusive requirement: who the matching assigned to it (also its `approvedBy`). */
  assigned?: string[];
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
  /** Every reviewer seen, once, sorted by login: whether their review counts, and why not. */
  reviews: ReviewStanding[];
  /** Why a full evaluation was impossible (unresolved team, incomplete file list, invalid policy). */
  errors: string[];
  warnings: string[];
  /** Categories touched by the change, for the matrix slice. */
  touchedCategories: string[];
}

const MAX_CANDIDATE_LOGINS = 200;

export const BUILTIN_POLICY_REQUIREMENT = "Policy changes need a repository admin";

/**
 * Files that look alike to every rule are judged once: a group holds the files of one class
 * (same categories, environments and level, and covered by the same path-scoped member
 * entries). Only a requirement's `paths:` selector looks at each path.
 */
interface FileGroup {
  index: number;
  /** The first file of the group, in change order: it stands for all of them. */
  file: ClassifiedFile;
  scopes: ReadonlySet<Member>;
  /** Shared by every decision on the group, so the author's roles are worked out once. */
  cond: ConditionContext;
}

/** The groups in order of their first file, and the group of each file. */
function groupFiles(files: readonly ClassifiedFile[], classes: readonly FileClass[], ctx: JudgeContext): { groups: FileGroup[]; groupOf: Uint32Array } {
  const indexOf = new Map<FileClass, number>();
  const groups: FileGroup[] = [];
  const groupOf = new Uint32Array(files.length);
  for (let i = 0; i < files.length; i++) {
    const c = classes[i]!;
    let g = indexOf.get(c);
    if (g === undefined) {
      indexOf.set(c, (g = groups.length));
      groups.push({ index: g, file: files[i]!, scopes: c.scopes, cond: conditionContext(ctx, files[i]!, c.scopes) });
    }
    groupOf[i] = g;
  }
  return { groups, groupOf };
}

/** Judges one change by one valid policy. Pure: the same inputs always give the same result. */
export function evaluate(policy: Policy, state: ChangeState, classifier = classifierFor(policy)): Result {
  // Member scopes are indexed per policy object: a classifier of another one would not know them.
  if (classifier.policy !== policy) classifier = classifierFor(policy);
  const { files, classes } = classifier.classifyChange(state.files, state.targetBranch);
  const ctx = judgeContext(policy, state);
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!state.filesComplete) errors.push("the list of changed files is incomplete, so the change cannot be fully judged");
  for (const { team, why } of unresolvedTeams(policy, state.teams)) {
    errors.push(`team @${team} could not be resolved (${why}); rolegate fails closed rather than guess its members`);
  }

  // Principals with the same member entries share one memberships array, so the caches
  // keyed by it (held roles, eligibility) judge them once.
  const sameMemberships = new MembershipInterner();
  const membershipCache = new Map<string, Membership[]>();
  const memberships = (user: string) => {
    const key = user.toLowerCase();
    let m = membershipCache.get(key);
    if (!m) membershipCache.set(key, (m = sameMemberships.intern(membershipsOf(user, ctx))));
    return m;
  };
  const holdsAnyRole = (user: string) => memberships(user).length > 0;
  const canWrite = (user: string) => state.writers === "all" || state.writers.has(user.toLowerCase()) || holdsAnyRole(user);
  const { groups, groupOf } = groupFiles(files, classes, ctx);
  // Held roles by memberships (one cached array per user or team) and group: every
  // requirement asks again for the same people.
  const rolesCache = new Map<readonly Membership[], Role[][]>();
  const rolesIn = (ms: readonly Membership[], g: FileGroup) => {
    let byGroup = rolesCache.get(ms);
    if (!byGroup) rolesCache.set(ms, (byGroup = []));
    return (byGroup[g.index] ??= heldRoleList(ms, g.file, policy, g.scopes));
  };
  const teamMembershipCache = new Map<string, Membership[]>();
  const teamMemberships = (team: string) => {
    let m = teamMembershipCache.get(team);
    if (!m) teamMembershipCache.set(team, (m = sameMemberships.intern(directMemberships(policy, `team:${team}`, `@${team}`, ctx.now))));
    return m;
  };
  const allowedIn = (ms: readonly Membership[], action: string, g: FileGroup) => allows(rolesIn(ms, g), action, g.file, ctx, g.cond);

  // Violations: author (and commit authors), merger.
  const violations: Violation[] = [];
  const judgeAction = (user: string, action: string) => {
    const ms = memberships(user);
    // Per group: why the action is not allowed, or undefined when it is.
    const refusals = groups.map((g) => {
      if (allowedIn(ms, action, g)) return undefined;
      const d = decide(heldRoles(ms, g.file, policy, g.scopes), action, g.file, ctx, undefined, g.cond);
      return refusalText(d.reasons, `no role allows ${action}`);
    });
    if (refusals.every((r) => r === undefined)) return;
    files.forEach((f, i) => {
      const reason = refusals[groupOf[i]!];
      if (reason !== undefined) violations.push({ action, user, path: f.path, reason });
    });
  };
  if (state.author) judgeAction(state.author, "author");
  if (policy.options.checkCommitAuthors) {
    for (const c of uniqueLogins(state.committers)) if (c !== state.author?.toLowerCase()) judgeAction(c, "author");
  }
  if (state.mergedBy) judgeAction(state.mergedBy, "merge");

  // Reviews: valid approvers, blocking change requests, and why the others do not count.
  const author = state.author?.toLowerCase();
  const committers = new Set(uniqueLogins(state.committers));
  const excluded = (login: string) => (login === author && !policy.options.authorCanApprove) || (committers.has(login) && !policy.options.committersCanApprove);
  // Groups come in change order and their files are judged alike: the first group allowed
  // starts with the first file the user may approve.
  const firstApprovable = (user: string) => groups.find((g) => allowedIn(memberships(user), "approve", g))?.file.path;
  const { approvers, blocking, reviews, approving } = judgeReviewers(state.reviews, { options: policy.options, author, committers, canWrite, firstApprovable });

  // Requirements.
  const requirements: RequirementResult[] = [];
  /** For each requirement result: who is eligible, and the first selected file a user may not approve. */
  const judged: JudgedRequirement[] = [];
  const noRole = (user: string) => `${user} holds no role for this file`;
  let pool: CandidatePool | undefined; // worked out for the first selected requirement
  for (const req of policy.requirements) {
    const { selected, representatives, firstSelected } = selection(req, files, groupOf, groups);
    if (selected.length === 0) continue;
    const eligibleGroup = (ms: readonly Membership[], g: FileGroup) => {
      const roles = rolesIn(ms, g);
      if (req.roles && !req.roles.some((r) => roles.some((role) => role.name === r))) return false;
      return allows(roles, "approve", g.file, ctx, g.cond, req.categories);
    };
    const eligibility = new Map<Membership[], boolean>();
    const eligibleFor = (ms: Membership[]) => {
      let known = eligibility.get(ms);
      if (known === undefined) eligibility.set(ms, (known = representatives.every((g) => eligibleGroup(ms, g))));
      return known;
    };
    const approvedBy = approvers.filter((u) => eligibleFor(memberships(u)));
    const result: RequirementResult = {
      name: req.name,
      index: req.index,
      builtin: false,
      selected: selected.map((f) => f.path),
      satisfied: approvedBy.length >= req.approvals,
      approvals: { have: approvedBy.length, need: req.approvals },
      approvedBy,
      eligible: candidates((pool ??= sharedCandidatePool(policy, ctx, () => candidatePool(policy, ctx, memberships, teamMemberships))), eligibleFor, excluded),
      roles: req.roles,
    };
    if (req.exclusive) result.exclusive = true;
    requirements.push(result);
    judged.push({
      result,
      eligible: (user) => eligibleFor(memberships(user)),
      whyNot: (user) => {
        // The first selected file, in change order, that the user may not approve.
        const ms = memberships(user);
        const failing = representatives.filter((g) => !eligibleGroup(ms, g)).map((g) => firstSelected[g.index]!);
        const file = failing.length > 0 ? files[Math.min(...failing)]! : selected[0]!;
        return refusalChain(explainApproval(policy, state, ms, file, req, noRole(user)).reasons);
      },
    });
  }
  assignExclusive(requirements, approvers);

  // One guard for the policy itself, decided for this change: a policy-defining file that no
  // applicable requirement selected needs a repository admin's approval.
  const covered = new Set(requirements.flatMap((r) => r.selected));
  const unguarded = files.filter((f) => f.categories.includes("policy") && !covered.has(f.path));
  if (unguarded.length > 0) {
    const admins = new Set(state.admins.map((a) => a.toLowerCase()));
    const approvedBy = approvers.filter((u) => admins.has(u));
    const result: RequirementResult = {
      name: BUILTIN_POLICY_REQUIREMENT,
      index: -1,
      builtin: true,
      selected: unguarded.map((f) => f.path),
      satisfied: approvedBy.length >= 1,
      approvals: { have: approvedBy.length, need: 1 },
      approvedBy,
      eligible: [...admins].filter((a) => !excluded(a)).sort(),
    };
    requirements.push(result);
    judged.push({ result, eligible: (user) => admins.has(user), whyNot: (user) => `${user} is not a repository admin` });
    warnings.push(`no requirement selects ${unguarded.map((f) => f.path).join(", ")} in this change, so a repository admin must approve it`);
  }

  completeStandings(approving, requirements, judged);

  const conclusion: Conclusion =
    errors.length > 0 || violations.length > 0 || blocking.length > 0 ? "failure" : requirements.every((r) => r.satisfied) ? "success" : "action_required";
  const touchedCategories = [...new Set(groups.flatMap((g) => g.file.categories))];
  return {
    conclusion,
    title: titleFor(conclusion, requirements, violations, blocking, errors),
    files,
    requirements,
    violations,
    blocking,
    reviews,
    errors,
    warnings,
    touchedCategories,
  };
}

/** A reason chain from `explain`, as one line: where the file sits, what is held, what refused. */
function refusalChain(reasons: readonly { kind: string; text: string }[]): string {
  return reasons
    .filter((r) => r.kind !== "grant" && r.kind !== "not-enforced")
    .map((r) => r.text)
    .join("; ");
}

/**
 * Exclusive requirements share their approvers: each person counts toward at most one of them.
 * An exact matching decides who counts where (people in login order, requirements in policy
 * order); anyone it leaves out who could serve one counts toward the first such, as a surplus
 * approval beyond what it needs.
 */
function assignExclusive(requirements: readonly RequirementResult[], approvers: readonly string[]): void {
  const exclusive = requirements.filter((r) => r.exclusive);
  if (exclusive.length === 0) return;
  const options = approvers.map((u) => exclusive.flatMap((r, i) => (r.approvedBy.includes(u) ? [i] : [])));
  const assignment = assignPeople(
    exclusive.map((r) => r.approvals.need),
    options,
  );
  const counted = exclusive.map((_, i) => [...assignment.filled[i]!]);
  options.forEach((list, p) => {
    if (assignment.of[p] === undefined && list.length > 0) counted[list[0]!]!.push(p);
  });
  exclusive.forEach((r, i) => {
    r.approvedBy = counted[i]!.sort((a, b) => a - b).map((p) => approvers[p]!);
    r.assigned = r.approvedBy;
    r.approvals = { have: r.approvedBy.length, need: r.approvals.need };
    r.satisfied = r.approvedBy.length >= r.approvals.need;
  });
}

/**
 * The files a requirement selects, in change order, their groups, and each group's first
 * selected file. Path selectors look at each path; every other selector only at the file's group.
 */
function selection(
  req: Requirement,
  files: readonly ClassifiedFile[],
  groupOf: Uint32Array,
  groups: readonly FileGroup[],
): { selected: ClassifiedFile[]; representatives: FileGroup[]; firstSelected: Int32Array } {
  const chosen = groups.map((g) => selects(req, g));
  const firstSelected = new Int32Array(groups.length).fill(-1);
  if (!chosen.includes(true)) return { selected: [], representatives: [], firstSelected };
  const selected: ClassifiedFile[] = [];
  for (let i = 0; i < files.length; i++) {
    const g = groupOf[i]!;
    if (!chosen[g] || (req.paths && !anyGlobMatches(req.paths, files[i]!.path))) continue;
    selected.push(files[i]!);
    if (firstSelected[g] === -1) firstSelected[g] = i;
  }
  return { selected, representatives: groups.filter((g) => firstSelected[g.index] !== -1), firstSelected };
}

/** A team's own (unexpired) entries, held through the team. */
function directMemberships(policy: Policy, key: string, via: string, now: Date): Membership[] {
  return (policy.directRoles.get(key) ?? []).filter((m) => !isExpired(m, now)).map((member) => ({ role: member.role, member, via }));
}

function uniqueLogins(list: readonly string[]): string[] {
  return [...new Set(list.map((l) => l.toLowerCase()))];
}

/** Does the requirement select the group's files, paths aside (those are checked per path)? */
function selects(req: Requirement, g: FileGroup): boolean {
  const f = g.file;
  if (req.categories && !req.categories.some((c) => f.categories.includes(c))) return false;
  if (req.environments && !req.environments.some((e) => f.environments.includes(e))) return false;
  if (req.minLevel !== undefined && f.level < req.minLevel) return false;
  if (req.when && !holds(req.when, g.cond)) return false;
  return true;
}

/** Everyone an `eligible` list may name, with their memberships: the same for every requirement. */
interface CandidatePool {
  logins: { login: string; display: string; memberships: Membership[] }[];
  teams: { name: string; memberships: Membership[] }[];
}

/**
 * The pool depends only on the policy, the members of its teams and the day (expiry), so it is
 * kept per policy while those stay the same: the app judges many changes by one cached policy
 * with the same cached team sets, and building the pool was a twentieth of an evaluation.
 */
const pools = new WeakMap<Policy, { day: string; teams: unknown[]; pool: CandidatePool }>();

function sharedCandidatePool(policy: Policy, ctx: JudgeContext, build: () => CandidatePool): CandidatePool {
  const day = todayUtc(ctx.now);
  const teams: unknown[] = [];
  for (const [team, members] of ctx.teams.members) if (policy.teams.has(team)) teams.push(team, members, ctx.teams.expandable?.has(team) ?? true);
  const kept = pools.get(policy);
  if (kept && kept.day === day && kept.teams.length === teams.length && kept.teams.every((t, i) => t === teams[i])) return kept.pool;
  const pool = build();
  pools.set(policy, { day, teams, pool });
  return pool;
}

function candidatePool(
  policy: Policy,
  ctx: JudgeContext,
  memberships: (login: string) => Membership[],
  teamMemberships: (team: string) => Membership[],
): CandidatePool {
  // Members of resolved teams the policy names are candidates in their own right, where their
  // team may be shown by members (on GitHub: only where allowed, and never a secret team).
  const logins = new Set<string>();
  for (const key of policy.directRoles.keys()) if (key.startsWith("user:")) logins.add(key.slice(5));
  // Bounded: the list is for people to read, and each candidate costs a pass over the files.
  for (const [team, members] of ctx.teams.members) {
    if (!policy.teams.has(team) || !(ctx.teams.expandable?.has(team) ?? true)) continue;
    for (const m of members) if (logins.size < MAX_CANDIDATE_LOGINS) logins.add(m);
  }
  const teams: CandidatePool["teams"] = [];
  for (const key of policy.directRoles.keys())
    if (key.startsWith("team:")) teams.push({ name: `@${key.slice(5)}`, memberships: teamMemberships(key.slice(5)) });
  return {
    logins: [...logins].map((login) => ({ login, display: policy.directRoles.get(`user:${login}`)?.[0]?.display ?? login, memberships: memberships(login) })),
    teams,
  };
}

/**
 * Who could give an approval that counts: every login and team listed in the policy
 * whose memberships make them eligible, and `*` when a user holding no role would be.
 */
function candidates(pool: CandidatePool, eligibleFor: (ms: Membership[]) => boolean, excluded: (login: string) => boolean): string[] {
  const out = new Set<string>();
  for (const { login, display, memberships } of pool.logins) if (!excluded(login) && eligibleFor(memberships)) out.add(display);
  for (const team of pool.teams) if (eligibleFor(team.memberships)) out.add(team.name);
  const list = [...out].sort((a, b) => a.localeCompare(b));
  if (eligibleFor([])) list.push("*");
  return list;
}

/** One shared array per distinct list of member entries (entries are compared by identity). */
class MembershipInterner {
  private readonly ids = new Map<Member, number>();
  private readonly lists = new Map<string, Membership[]>();

  intern(list: Membership[]): Membership[] {
    const key = list.map((m) => this.idOf(m.member)).join(",");
    const known = this.lists.get(key);
    if (known) return known;
    this.lists.set(key, list);
    return list;
  }

  private idOf(member: Member): number {
    let id = this.ids.get(member);
    if (id === undefined) this.ids.set(member, (id = this.ids.size));
    return id;
  }
}

function titleFor(c: Conclusion, reqs: RequirementResult[], violations: Violation[], blocking: BlockingReview[], errors: string[]): string {
  if (errors.length > 0) return "Could not fully evaluate this change";
  if (violations.length > 0) return `${plural(violations.length, "permission violation")}`;
  if (blocking.length > 0) return `Changes requested by ${blocking.map((b) => b.user).join(", ")}`;
  if (c === "success") return reqs.length === 0 ? "No approvals required" : "All requirements met";
  const missing = reqs.filter((r) => !r.satisfied);
  return `Waiting for approval: ${missing.length} of ${plural(reqs.length, "requirement")} not met`;
}
