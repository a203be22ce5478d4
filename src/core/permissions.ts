import { anyGlobMatches, type ClassifiedFile } from "./classify.js";
import { holds, type ConditionContext } from "./conditions.js";
import type { Member, Policy, Role, Rule } from "./policy/types.js";
import { reason, type Reason } from "./reasons.js";
import type { ChangeState, TeamData } from "./state.js";

/** The context permissions are judged in: the change, minus its files. */
export interface JudgeContext extends Omit<ConditionContext, "authorHolds"> {
  policy: Policy;
  author?: string;
  teams: TeamData;
}

/** What permissions look at in a change; the head branch and passed checks may be unknown (explain). */
export type ContextOfChange = Pick<ChangeState, "targetBranch" | "labels" | "draft" | "now" | "author" | "teams"> &
  Partial<Pick<ChangeState, "sourceBranch" | "checksPassed">>;

/** The context of a change, as permissions see it. */
export function judgeContext(policy: Policy, state: ContextOfChange): JudgeContext {
  return {
    policy,
    targetBranch: state.targetBranch,
    sourceBranch: state.sourceBranch,
    checksPassed: new Set(state.checksPassed ?? []),
    labels: new Set(state.labels.map((l) => l.toLowerCase())),
    draft: state.draft,
    now: state.now,
    author: state.author,
    teams: state.teams,
  };
}

/** A membership a principal has, before per-file scoping. */
export interface Membership {
  role: string;
  member: Member;
  /** `@org/team` when held through a team. */
  via?: string;
}

export interface Decision {
  allowed: boolean;
  reasons: Reason[];
}

export function todayUtc(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function isExpired(member: Member, now: Date): boolean {
  return member.expires !== undefined && todayUtc(now) > member.expires;
}

/** Teams (lower-case `org/team`) the user is known to be in. */
export function teamsOf(user: string, teams: TeamData): string[] {
  const login = user.toLowerCase();
  const out: string[] = [];
  for (const [team, members] of teams.members) if (members.has(login)) out.push(team);
  return out;
}

/** Every direct membership entry of a user, through their login and their teams; expired ones excluded. */
export function membershipsOf(user: string, ctx: Pick<JudgeContext, "policy" | "teams" | "now">): Membership[] {
  const out: Membership[] = [];
  const add = (key: string, via?: string) => {
    for (const member of ctx.policy.directRoles.get(key) ?? []) {
      if (isExpired(member, ctx.now)) continue;
      out.push({ role: member.role, member, via });
    }
  };
  add(`user:${user.toLowerCase()}`);
  for (const team of teamsOf(user, ctx.teams)) add(`team:${team}`, `@${team}`);
  return out;
}

/**
 * Does this membership apply to this file (environment and path scopes)? `scopes`, when
 * given, are the path-scoped entries whose globs match the file (see `FileClass`).
 */
export function inScope(member: Member, file: ClassifiedFile, scopes?: ReadonlySet<Member>): boolean {
  if (member.environments) {
    if (file.environments.length === 0) return false;
    if (!file.environments.every((e) => member.environments!.includes(e))) return false;
  }
  if (member.paths && !(scopes ? scopes.has(member) : anyGlobMatches(member.paths, file.path))) return false;
  return true;
}

/** Roles held for one file, each with how: `devops-engineer (member via @acme/devops)`. */
export function heldRoles(memberships: readonly Membership[], file: ClassifiedFile, policy: Policy, scopes?: ReadonlySet<Member>): Map<string, string> {
  const held = new Map<string, string>();
  for (const m of memberships) {
    if (!inScope(m.member, file, scopes)) continue;
    const how = m.via ? `member of ${m.role} through ${m.via}` : `member of ${m.role}`;
    for (const r of policy.roles.get(m.role)!.closure) {
      if (!held.has(r)) held.set(r, r === m.role ? how : `${how}, which inherits ${r}`);
    }
  }
  return held;
}

/** The roles of `heldRoles`, in the same order, without saying how (for hot loops). */
export function heldRoleList(memberships: readonly Membership[], file: ClassifiedFile, policy: Policy, scopes?: ReadonlySet<Member>): Role[] {
  const held: Role[] = [];
  for (const m of memberships) {
    if (!inScope(m.member, file, scopes)) continue;
    for (const r of policy.roles.get(m.role)!.closure) {
      const role = policy.roles.get(r)!;
      if (!held.includes(role)) held.push(role);
    }
  }
  return held;
}

/** What conditions see when judging this file; the author's roles are worked out once, when asked. */
export function conditionContext(ctx: JudgeContext, file: ClassifiedFile, scopes?: ReadonlySet<Member>): ConditionContext {
  let authorRoles: Map<string, string> | undefined;
  return {
    targetBranch: ctx.targetBranch,
    sourceBranch: ctx.sourceBranch,
    checksPassed: ctx.checksPassed,
    labels: ctx.labels,
    draft: ctx.draft,
    now: ctx.now,
    authorHolds: (role) => {
      if (!ctx.author) return false;
      authorRoles ??= heldRoles(membershipsOf(ctx.author, ctx), file, ctx.policy, scopes);
      return authorRoles.has(role);
    },
  };
}

export function isEnforced(policy: Policy, action: string, category: string): boolean {
  const set = policy.enforced.get(action);
  return set !== undefined && (set.has("*") || set.has(category));
}

function ruleText(rule: Rule, kind: "grants" | "denies"): string {
  const cat = rule.category === "*" ? "every category" : rule.category;
  const lvl = kind === "grants" ? (rule.level < 5 ? ` up to level ${rule.level}` : "") : rule.level > 0 ? ` from level ${rule.level}` : "";
  const when = rule.whenText ? ` when ${rule.whenText}` : "";
  return `${rule.role} ${kind === "grants" ? "grants" : "denies"} ${rule.action} on ${cat}${lvl}${when}`;
}

/**
 * May a user with these held roles take this action on this file?
 * `concern` limits which of the file's categories need a grant (a requirement's
 * categories); denies always look at all of the file's categories.
 * `cond` may be shared by every decision on the same file.
 */
export function decide(
  held: Map<string, string>,
  action: string,
  file: ClassifiedFile,
  ctx: JudgeContext,
  concern?: readonly string[],
  cond: ConditionContext = conditionContext(ctx, file),
): Decision {
  const reasons: Reason[] = [];
  for (const [role, how] of held) reasons.push(reason("holds", `holds ${role} (${how})`));
  const roles = [...held.keys()].map((r) => ctx.policy.roles.get(r)!);
  const allowed = judge(roles, action, file, ctx.policy, cond, concern, reasons);
  return { allowed, reasons };
}

/** `decide(...).allowed`, from the roles alone and without the reasons: stops at the first refusal. */
export function allows(
  roles: readonly Role[],
  action: string,
  file: ClassifiedFile,
  ctx: JudgeContext,
  cond: ConditionContext,
  concern?: readonly string[],
): boolean {
  return judge(roles, action, file, ctx.policy, cond, concern, undefined);
}

/** The rules of `decide`; says why in `reasons` when given, else returns at the first refusal. */
function judge(
  roles: readonly Role[],
  action: string,
  file: ClassifiedFile,
  policy: Policy,
  cond: ConditionContext,
  concern: readonly string[] | undefined,
  reasons: Reason[] | undefined,
): boolean {
  let allowed = true;
  for (const category of file.categories) {
    if (concern && !concern.includes(category)) continue;
    if (!isEnforced(policy, action, category)) {
      reasons?.push(reason("not-enforced", `${action} is not enforced on ${category}: anyone may`));
      continue;
    }
    let granted: Rule | undefined;
    let conditional: Rule | undefined;
    for (const role of roles) {
      for (const g of role.grants) {
        if (g.action !== action || (g.category !== category && g.category !== "*") || file.level > g.level) continue;
        if (!g.when || holds(g.when, cond)) granted = g;
        else conditional = g;
        if (granted) break;
      }
      if (granted) break;
    }
    if (granted) reasons?.push(reason("grant", `${ruleText(granted, "grants")} (file is level ${file.level})`));
    else {
      if (!reasons) return false;
      allowed = false;
      const hint = conditional ? `; ${ruleText(conditional, "grants")}, but the condition does not hold` : "";
      reasons.push(reason("no-grant", `no held role grants ${action} on ${category} at level ${file.level}${hint}`));
    }
  }
  for (const role of roles) {
    for (const d of role.denies) {
      if (d.action !== action || file.level < d.level) continue;
      if (d.category !== "*" && !file.categories.includes(d.category)) continue;
      if (d.when && !holds(d.when, cond)) continue;
      if (!reasons) return false;
      allowed = false;
      reasons.push(reason("deny", `${ruleText(d, "denies")}: a deny beats every grant`));
    }
  }
  return allowed;
}

/** Every team named in the policy that has no membership data: evaluation must fail closed. */
export function unresolvedTeams(policy: Policy, teams: TeamData): { team: string; why: string }[] {
  const out: { team: string; why: string }[] = [];
  for (const team of [...policy.teams].sort()) {
    const err = teams.errors.get(team);
    if (err !== undefined) out.push({ team, why: err });
    else if (!teams.members.has(team)) out.push({ team, why: "no membership data for this team" });
  }
  return out;
}
