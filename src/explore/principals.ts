import { isExpired, membershipsOf } from "../core/permissions.js";
import type { Member, Policy } from "../core/policy/types.js";
import type { TeamData } from "../core/state.js";

export interface Principal {
  kind: "user" | "team";
  /** Lower-cased login or `org/team`, as the model keys them. */
  id: string;
  /** As the policy writes it: `carol`, `@acme/devops`. */
  display: string;
}

/** Every login and team the policy names, and every login of the teams file; teams first, each sorted. */
export function principalsOf(policy: Policy, teams: TeamData): Principal[] {
  const users = new Map<string, string>();
  const named = new Map<string, string>();
  for (const entries of policy.directRoles.values()) {
    for (const m of entries) {
      const into = m.kind === "team" ? named : users;
      if (!into.has(m.id)) into.set(m.id, m.display);
    }
  }
  for (const logins of teams.members.values()) for (const login of logins) if (!users.has(login)) users.set(login, login);
  const sorted = (map: Map<string, string>, kind: Principal["kind"]) =>
    [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, display]): Principal => ({ kind, id, display }));
  return [...sorted(named, "team"), ...sorted(users, "user")];
}

export interface HeldRole {
  role: string;
  /** How: `member`, `member through @acme/devops`, `member of devops-engineer, which inherits developer`. */
  how: string;
  /** Limits of the membership it comes from: environments, paths, last day. Empty when unscoped. */
  limits: string[];
}

function limitsOf(m: Member): string[] {
  const out: string[] = [];
  if (m.environments) out.push(`only in ${m.environments.join(", ")}`);
  if (m.paths) out.push(`only for ${m.paths.map((g) => g.source).join(", ")}`);
  if (m.expires) out.push(`until ${m.expires}`);
  return out;
}

/**
 * The roles a login holds anywhere in the repository (for the matrix's user filter): through its
 * own membership entries and the teams it is in, with inheritance; expired entries left out.
 * Scoped entries count, with their limits said.
 */
export function rolesHeldBy(policy: Policy, login: string, teams: TeamData, now: Date): HeldRole[] {
  const held = new Map<string, HeldRole>();
  for (const m of membershipsOf(login.replace(/^@/, ""), { policy, teams, now })) {
    const how = m.via ? `member of ${m.role} through ${m.via}` : `member of ${m.role}`;
    const limits = limitsOf(m.member);
    for (const r of policy.roles.get(m.role)!.closure) {
      const known = held.get(r);
      // An unscoped way of holding a role says more than a scoped one.
      if (known && (known.limits.length === 0 || limits.length > 0)) continue;
      held.set(r, { role: r, how: r === m.role ? how : `${how}, which inherits ${r}`, limits });
    }
  }
  return [...held.values()];
}

/** The roles a team's own entries give its members (a member's other entries may add more). */
export function teamMemberships(policy: Policy, team: string, now: Date) {
  return (policy.directRoles.get(`team:${team}`) ?? []).filter((m) => !isExpired(m, now)).map((member) => ({ role: member.role, member, via: `@${team}` }));
}
