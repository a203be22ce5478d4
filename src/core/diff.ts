import { deployRules } from "./explain-deploy.js";
import { isExpired } from "./permissions.js";
import { actionsOf, categoriesOf } from "./matrix.js";
import type { Member, Policy } from "./policy/types.js";
import type { TeamData } from "./state.js";

type Access = "yes" | "no" | "conditional";

export interface PermissionChange {
  principal: string;
  action: string;
  category: string;
  levels: number[];
  before: Access;
  after: Access;
}

const ANYONE = "anyone (a user who holds no role)";
const LEVELS = [0, 1, 2, 3, 4, 5];

/** Membership entries of a principal in one policy: by login, and through the teams it is in. */
function entriesOf(policy: Policy, principal: string, teams: TeamData | undefined, now: Date): Member[] {
  if (principal === ANYONE) return [];
  const direct = policy.directRoles.get(principal) ?? [];
  const viaTeams: Member[] = [];
  if (principal.startsWith("user:") && teams) {
    const login = principal.slice(5);
    for (const [team, members] of teams.members) if (members.has(login)) viaTeams.push(...(policy.directRoles.get(`team:${team}`) ?? []));
  }
  return [...direct, ...viaTeams].filter((m) => !isExpired(m, now));
}

/**
 * Access at a level for a summary view: an environment-scoped membership counts at the
 * levels of its environments; a path-scoped one counts (the view is per category, not per path).
 */
function access(policy: Policy, entries: Member[], action: string, category: string, level: number): Access {
  const envLevel = new Map(policy.environments.map((e) => [e.name, e.level]));
  const roles = new Set<string>();
  for (const m of entries) {
    if (m.environments && !m.environments.some((e) => envLevel.get(e) === level)) continue;
    for (const r of policy.roles.get(m.role)?.closure ?? []) roles.add(r);
  }
  const held = [...roles].map((r) => policy.roles.get(r)!);
  const covers = (c: string) => c === "*" || c === category;
  const enforced = policy.enforced.get(action);
  let result: Access = "yes";
  if (enforced && (enforced.has("*") || enforced.has(category))) {
    const grants = held.flatMap((r) => r.grants).filter((g) => g.action === action && covers(g.category) && level <= g.level);
    result = grants.some((g) => !g.when) ? "yes" : grants.length > 0 ? "conditional" : "no";
  }
  const denies = held.flatMap((r) => r.denies).filter((d) => d.action === action && covers(d.category) && level >= d.level);
  if (denies.some((d) => !d.when)) return "no";
  if (denies.length > 0 && result === "yes") return "conditional";
  return result;
}

/** The `category` of a permission change about deploying to an environment (names cannot hold `:`). */
export const DEPLOY_TARGET_PREFIX = "environment:";

/**
 * May these entries deploy to the environment of that name? Deployments are closed unless
 * granted; scopes apply with the environment as the only one, and path scopes never cover a
 * deployment (as `explainDeploy` judges). An environment the policy lacks allows nobody.
 */
function deployAccess(policy: Policy, entries: Member[], name: string): Access {
  const environment = policy.environments.find((e) => e.name === name);
  if (!environment) return "no";
  const roles = new Set<string>();
  for (const m of entries) {
    if (m.paths || (m.environments && !m.environments.includes(name))) continue;
    for (const r of policy.roles.get(m.role)?.closure ?? []) roles.add(r);
  }
  const held = [...roles].map((r) => policy.roles.get(r)!);
  const grants = held.flatMap((r) => deployRules(r, "grants", environment));
  const denies = held.flatMap((r) => deployRules(r, "denies", environment));
  if (denies.some((d) => !d.when)) return "no";
  const result: Access = grants.some((g) => !g.when) ? "yes" : grants.length > 0 ? "conditional" : "no";
  return denies.length > 0 && result === "yes" ? "conditional" : result;
}

function principalsOf(policies: Policy[], teams: TeamData | undefined): string[] {
  const keys = new Set<string>();
  for (const p of policies) for (const k of p.directRoles.keys()) keys.add(k);
  if (teams) for (const members of teams.members.values()) for (const login of members) keys.add(`user:${login}`);
  return [...keys].sort();
}

function displayOf(key: string): string {
  return key.startsWith("team:") ? `@${key.slice(5)}` : key === ANYONE ? key : key.slice(5);
}

/** Who gains or loses which action on which category and level, going from `before` to `after`. */
export function diffPolicies(before: Policy, after: Policy, now: Date, teams?: TeamData): PermissionChange[] {
  const changes: PermissionChange[] = [];
  const actions = [...new Set([...actionsOf(before), ...actionsOf(after)])];
  const categories = [...new Set([...categoriesOf(before), ...categoriesOf(after)])];
  const environments = [...new Set([...before.environments.map((e) => e.name), ...after.environments.map((e) => e.name)])];
  for (const principal of [...principalsOf([before, after], teams), ANYONE]) {
    const was = entriesOf(before, principal, teams, now);
    const will = entriesOf(after, principal, teams, now);
    for (const action of actions) {
      for (const category of categories) {
        let run: PermissionChange | undefined;
        for (const level of LEVELS) {
          const a = access(before, was, action, category, level);
          const b = access(after, will, action, category, level);
          if (a === b) {
            run = undefined;
            continue;
          }
          if (run && run.before === a && run.after === b) run.levels.push(level);
          else {
            run = { principal: displayOf(principal), action, category, levels: [level], before: a, after: b };
            changes.push(run);
          }
        }
      }
    }
    // Deployments, environment by environment: granting deploy on production is a change like any other.
    for (const name of environments) {
      const a = deployAccess(before, was, name);
      const b = deployAccess(after, will, name);
      if (a === b) continue;
      const level = after.environments.find((e) => e.name === name)?.level ?? before.environments.find((e) => e.name === name)!.level;
      changes.push({ principal: displayOf(principal), action: "deploy", category: `${DEPLOY_TARGET_PREFIX}${name}`, levels: [level], before: a, after: b });
    }
  }
  return changes;
}

function levelText(levels: number[]): string {
  return levels.length === 1 ? `level ${levels[0]}` : `levels ${levels[0]}-${levels[levels.length - 1]}`;
}

export function describeChange(c: PermissionChange): string {
  const verb = c.after === "yes" ? "gains" : c.after === "no" ? "loses" : c.before === "no" ? "gains (under a condition)" : "keeps only under a condition";
  if (c.category.startsWith(DEPLOY_TARGET_PREFIX))
    return `${c.principal} ${verb} deploy to ${c.category.slice(DEPLOY_TARGET_PREFIX.length)} (${levelText(c.levels)})`;
  return `${c.principal} ${verb} ${c.action} on ${c.category} at ${levelText(c.levels)}`;
}
