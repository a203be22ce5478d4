import type { Diagnostic } from "../diagnostics.js";
import { assignPeople, shortfall } from "../matching.js";
import { isExpired, todayUtc } from "../permissions.js";
import type { ParsedFile, ValuePath } from "./parse.js";
import { unguardedPolicyFiles } from "./selectable.js";
import type { Environment, Member, Policy, Requirement, Role, Rule } from "./types.js";
import { plural } from "../words.js";

type Locate = ParsedFile["locate"];

/**
 * Diagnostic codes for findings that exist only because of who is a member (counts, expiry).
 * A pull request's check shows them as warnings, so the fix can always merge.
 */
export const MEMBERSHIP_FINDINGS = new Set(["min-members", "recommended-members", "expired-member", "never-met-expired", "break-glass-no-members"]);

/** The findings that stop a check or an offline command: every error but membership counts and expiry. */
export function blockingDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === "error" && !MEMBERSHIP_FINDINGS.has(d.code));
}

/**
 * Lint rules beyond the schema and name resolution. `now` is the clock for expiry
 * and review dates (today, UTC, unless the caller passes another).
 */
export function lintPolicy(policy: Policy, locate: Locate, now: Date): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (severity: Diagnostic["severity"], code: string, path: ValuePath, message: string, onKey = false) => {
    const pos = locate(path, onKey);
    out.push({ severity, code, message, file: pos.file ?? policy.file, line: pos.line, col: pos.col });
  };
  const today = todayUtc(now);

  for (const role of policy.roles.values()) {
    const live = role.members.filter((m) => !isExpired(m, now));
    for (const m of role.members) {
      if (isExpired(m, now))
        at(
          "warning",
          "expired-member",
          [...m.origin.path, "expires"],
          `membership of ${m.display} in ${role.name} expired on ${m.expires}; it no longer counts`,
        );
    }
    if (role.minMembers !== undefined && live.length < role.minMembers) {
      at(
        "error",
        "min-members",
        ["roles", role.name, "min_members"],
        `role ${role.name} has ${plural(live.length, "current member")}, fewer than min_members ${role.minMembers} (a team counts as one)`,
      );
    }
    if (role.recommendedMembers !== undefined && live.length < role.recommendedMembers) {
      at(
        "warning",
        "recommended-members",
        ["roles", role.name, "recommended_members"],
        `role ${role.name} has ${plural(live.length, "current member")}, fewer than the ${role.recommendedMembers} recommended`,
      );
    }
    lintShadowedGrants(policy, role, at);
  }

  const neverMet = policy.requirements.filter((req) => lintRequirement(policy, req, now, at));
  // An exclusive requirement that can never be met on its own is reported above already.
  if (!neverMet.some((req) => req.exclusive)) lintExclusive(policy, now, at);

  if (policy.review) {
    const due = new Date(`${policy.review.lastReviewed}T00:00:00Z`);
    due.setUTCDate(due.getUTCDate() + policy.review.intervalDays);
    const dueDay = due.toISOString().slice(0, 10);
    if (dueDay < today)
      at(
        "warning",
        "review-overdue",
        ["review", "last_reviewed"],
        `access review overdue: last reviewed ${policy.review.lastReviewed}, due every ${policy.review.intervalDays} days (since ${dueDay})`,
      );
  }

  lintBreakGlass(policy, now, at);
  lintGitHubEnvironments(policy, at);
  if (policy.enforce && policy.locked.length === 0) {
    at(
      "warning",
      "baseline-locks-nothing",
      ["enforce"],
      "this baseline is enforced but locks nothing: every repository must build on it, yet may redefine any of its roles, requirements and options; list the keys repositories may not redefine in `locked:`",
      true,
    );
  }

  const unguarded = unguardedPolicyFiles(policy);
  if (unguarded.length > 0) {
    at(
      "warning",
      "no-policy-requirement",
      policy.requirements.length > 0 ? ["require"] : [],
      `no requirement always selects the policy files ${unguarded.join(", ")}: where none selects a change to them, it needs one approval from a repository admin`,
      policy.requirements.length > 0,
    );
  }
  return out;
}

type At = (s: Diagnostic["severity"], code: string, p: ValuePath, m: string, k?: boolean) => void;

/**
 * A break-glass role nobody holds (no current member, directly or through a role that inherits
 * it) lets nobody override: the policy says one thing and does another. A membership finding,
 * so a pull request that fixes it can still merge.
 */
function lintBreakGlass(policy: Policy, now: Date, at: At): void {
  policy.breakGlass?.roles.forEach((name, i) => {
    if (!policy.roles.has(name)) return;
    const holders = [...policy.roles.values()].filter((r) => r.closure.includes(name)).flatMap((r) => r.members.filter((m) => !isExpired(m, now)));
    if (holders.length === 0)
      at(
        "error",
        "break-glass-no-members",
        ["break_glass", "roles", i],
        `break-glass role ${name} has no current member: nobody could break the glass through it`,
      );
  });
}

/**
 * Each GitHub environment must be one rolegate environment: a name claimed twice (listed in two
 * `github_environments`, or listed by one and the implicit name of another) could be judged by
 * either, so it is an error. GitHub compares environment names case-insensitively.
 */
function lintGitHubEnvironments(policy: Policy, at: At): void {
  const claims = new Map<string, { environment: Environment; path: ValuePath }[]>();
  for (const e of policy.environments) {
    const names = e.githubEnvironments ?? [e.name];
    names.forEach((name, i) => {
      const key = name.toLowerCase();
      const path: ValuePath = e.githubEnvironments ? ["environments", e.name, "github_environments", i] : ["environments", e.name];
      claims.set(key, [...(claims.get(key) ?? []), { environment: e, path }]);
    });
  }
  for (const [name, list] of claims) {
    const distinct = [...new Set(list.map((c) => c.environment.name))];
    if (distinct.length < 2) continue;
    const claim = list.find((c) => c.environment.githubEnvironments) ?? list[0]!;
    at(
      "error",
      "github-environment-conflict",
      claim.path,
      `GitHub environment "${name}" would be ${distinct.join(" and ")}: each GitHub environment must map to one environment of the policy (names compare case-insensitively)`,
      !claim.environment.githubEnvironments,
    );
  }
}

function coversCategory(rule: Rule, category: string): boolean {
  return rule.category === "*" || rule.category === category;
}

function lintShadowedGrants(policy: Policy, role: Role, at: (s: Diagnostic["severity"], code: string, p: ValuePath, m: string, k?: boolean) => void): void {
  const closure = role.closure.map((r) => policy.roles.get(r)!);
  const denies = closure.flatMap((r) => r.denies).filter((d) => !d.when && d.level === 0);
  if (denies.length === 0) return;
  for (const g of closure.flatMap((r) => r.grants)) {
    const d = denies.find((x) => x.action === g.action && (x.category === "*" || x.category === g.category));
    if (!d) continue;
    const where = g.role === role.name ? g.origin.path : ["roles", role.name, "inherits"];
    const through = g.role === role.name ? "" : ` (inherited from ${g.role})`;
    at(
      "warning",
      "shadowed-grant",
      where,
      `grant of ${g.action} on ${g.category}${through} in role ${role.name} never applies: ${d.role} denies ${d.action} on ${d.category === "*" ? "every category" : d.category} at every level`,
    );
  }
}

/** A principal that could approve: a login or a team listed in the policy, with its live entries. */
interface Principal {
  display: string;
  entries: Member[];
}

/** Who could approve: logins and teams with live entries (or every entry, expired ones too, when `now` is undefined). */
function principals(policy: Policy, now: Date | undefined): Principal[] {
  const out: Principal[] = [];
  for (const entries of policy.directRoles.values()) {
    const live = now === undefined ? entries : entries.filter((m: Member) => !isExpired(m, now));
    if (live.length > 0) out.push({ display: live[0]!.display, entries: live });
  }
  return out;
}

/** A place a selected file can be: a level, and the environment that gives it (none at level 0). */
interface Place {
  level: number;
  environment?: Environment;
}

/**
 * Roles a principal could hold for a file at this place. An environment-scoped entry holds
 * only where every environment of the file is in its scope: certainly not at level 0, and at
 * a level only through one of its environments of that level. Path scopes may match: kept.
 */
function rolesAt(policy: Policy, p: Principal, place: Place): Set<string> {
  const roles = new Set<string>();
  for (const m of p.entries) {
    if (m.environments) {
      if (
        place.environment
          ? !m.environments.includes(place.environment.name)
          : !policy.environments.some((e) => e.level === place.level && place.level > 0 && m.environments!.includes(e.name))
      )
        continue;
    }
    for (const r of policy.roles.get(m.role)!.closure) roles.add(r);
  }
  return roles;
}

function mayApprove(policy: Policy, roles: Set<string>, category: string, level: number): boolean {
  const held = [...roles].map((r) => policy.roles.get(r)!);
  const enforced = policy.enforced.get("approve");
  const isEnforced = enforced !== undefined && (enforced.has("*") || enforced.has(category));
  if (isEnforced && !held.some((r) => r.grants.some((g) => g.action === "approve" && coversCategory(g, category) && level <= g.level))) return false;
  return !held.some((r) => r.denies.some((d) => d.action === "approve" && coversCategory(d, category) && level >= d.level && !d.when));
}

/** Places a file selected by this requirement can certainly be. */
function selectablePlaces(policy: Policy, req: Requirement): Place[] {
  let places: Place[];
  if (req.environments) places = policy.environments.filter((e) => req.environments!.includes(e.name)).map((e) => ({ level: e.level, environment: e }));
  else places = [{ level: 0 }, ...[...new Set(policy.environments.map((e) => e.level))].map((level) => ({ level }))];
  if (req.minLevel !== undefined) places = places.filter((p) => p.level >= req.minLevel!);
  return places;
}

/** Lints one requirement; true when it can never be met. */
function lintRequirement(
  policy: Policy,
  req: Requirement,
  now: Date,
  at: (s: Diagnostic["severity"], code: string, p: ValuePath, m: string, k?: boolean) => void,
): boolean {
  const categories = req.categories ?? [...policy.categories.map((c) => c.name), "policy", "other"];
  const people = principals(policy, now);
  const enforced = policy.enforced.get("approve");
  const approvers = (candidates: Principal[], category: string, place: Place) =>
    candidates.filter((p) => {
      const roles = rolesAt(policy, p, place);
      return (!req.roles || req.roles.some((r) => roles.has(r))) && mayApprove(policy, roles, category, place.level);
    }).length;
  let fewest: { count: number; category: string; level: number } | undefined;
  for (const category of categories) {
    const open = !req.roles && !(enforced !== undefined && (enforced.has("*") || enforced.has(category)));
    for (const place of selectablePlaces(policy, req)) {
      const level = place.level;
      const count = open ? Infinity : approvers(people, category, place);
      if (count === 0) {
        const who = req.roles ? `no member of ${req.roles.join(" or ")}` : "no member of any role";
        // Expiry never breaks the check: when expired members could have approved, this is a membership finding.
        if (approvers(principals(policy, undefined), category, place) > 0) {
          at(
            "error",
            "never-met-expired",
            req.origin.path,
            `requirement "${req.name}" cannot be met now: ${who} with a current membership may approve ${category} at level ${level} (the memberships that could have expired)`,
          );
        } else at("error", "never-met", req.origin.path, `requirement "${req.name}" can never be met: ${who} may approve ${category} at level ${level}`);
        return true;
      }
      if (!fewest || count < fewest.count) fewest = { count, category, level };
    }
  }
  if (fewest && fewest.count < req.approvals) {
    at(
      "warning",
      "few-approvers",
      [...req.origin.path, "approvals"],
      `requirement "${req.name}" needs ${req.approvals} approvals but only ${plural(fewest.count, "possible approver")} may approve ${fewest.category} at level ${fewest.level} (a team counts as one)`,
    );
  }
  return false;
}

/**
 * Who could ever approve for a requirement, in the most favourable change for it (one file, on
 * whichever category and level it selects that suits the person best). `unbounded` when a team
 * could (its members are unknown here) or anyone could (approve not enforced, no `roles:`).
 */
function possibleApprovers(policy: Policy, req: Requirement, people: readonly Principal[]): { logins: Set<string>; unbounded: boolean } {
  const logins = new Set<string>();
  let unbounded = false;
  const enforced = policy.enforced.get("approve");
  for (const category of req.categories ?? [...policy.categories.map((c) => c.name), "policy", "other"]) {
    if (!req.roles && !(enforced !== undefined && (enforced.has("*") || enforced.has(category)))) unbounded = true;
    for (const place of selectablePlaces(policy, req)) {
      for (const p of people) {
        const roles = rolesAt(policy, p, place);
        if ((req.roles && !req.roles.some((r) => roles.has(r))) || !mayApprove(policy, roles, category, place.level)) continue;
        if (p.entries[0]!.kind === "team") unbounded = true;
        else logins.add(p.display);
      }
    }
  }
  return { logins, unbounded };
}

/** Can the exclusive requirements ever be met together by these people? If not, which of them fall short. */
function exclusiveShortfall(policy: Policy, exclusive: readonly Requirement[], people: readonly Principal[]) {
  const possible = exclusive.map((req) => possibleApprovers(policy, req, people));
  // Requirements a team or anyone can serve never run out of people: leave them out.
  const bounded = exclusive.map((req, i) => ({ req, possible: possible[i]! })).filter((x) => !x.possible.unbounded);
  const logins = [...new Set(bounded.flatMap((x) => [...x.possible.logins]))].sort();
  // A requirement with fewer possible approvers than it needs is a warning of its own
  // (few-approvers); here only what sharing people takes away counts.
  const needs = bounded.map((x) => Math.min(x.req.approvals, x.possible.logins.size));
  const options = logins.map((login) => bounded.flatMap((x, r) => (x.possible.logins.has(login) ? [r] : [])));
  const short = shortfall(needs, options, assignPeople(needs, options));
  return (
    short && {
      requirements: short.requirements.map((r) => bounded[r]!.req),
      needs: short.requirements.reduce((n, r) => n + needs[r]!, 0),
      people: short.people.map((p) => logins[p]!),
    }
  );
}

/**
 * Exclusive requirements share their approvers, one requirement per person: an error when no
 * assignment of the people who could ever approve them meets them all (lint assumes they can
 * all apply to one change). When only expired memberships are missing, a membership finding.
 */
function lintExclusive(policy: Policy, now: Date, at: (s: Diagnostic["severity"], code: string, p: ValuePath, m: string, k?: boolean) => void): void {
  const exclusive = policy.requirements.filter((r) => r.exclusive);
  if (exclusive.length < 2) return;
  const short = exclusiveShortfall(policy, exclusive, principals(policy, now));
  if (!short) return;
  const expiredOnly = exclusiveShortfall(policy, exclusive, principals(policy, undefined)) === undefined;
  const names = short.requirements.map((r) => `"${r.name}"`);
  const need = short.needs;
  const who =
    short.people.length === 0
      ? "nobody may approve them"
      : `only ${plural(short.people.length, "possible approver")} (${short.people.join(", ")}) may approve them`;
  at(
    "error",
    expiredOnly ? "never-met-expired" : "exclusive-never-met",
    [...short.requirements[0]!.origin.path, "exclusive"],
    `exclusive requirements ${names.slice(0, -1).join(", ")}${names.length > 1 ? " and " : ""}${names[names.length - 1]} can never be met together: one person counts toward only one of them, so they need ${need} distinct approvers, but ${who}${expiredOnly ? " now that memberships have expired" : ""}`,
  );
}
