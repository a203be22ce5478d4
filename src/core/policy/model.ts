import type { Diagnostic } from "../diagnostics.js";
import { compileBranchGlob, compilePathGlob, GlobError, type BranchGlob, type PathGlob } from "../glob.js";
import type { ParsedFile, ValuePath } from "./parse.js";
import { nearest } from "../nearest.js";
import {
  BUILTIN_CATEGORIES,
  DEFAULT_REASON_MIN_LENGTH,
  KNOWN_ACTIONS,
  type BreakGlass,
  type Category,
  type Condition,
  type Environment,
  type EnvironmentRule,
  type Member,
  type Options,
  type Policy,
  type Requirement,
  type Role,
  type Rule,
} from "./types.js";

/* The raw shapes below are what the schema has already guaranteed. */
type RawRef = string | { category?: string; environment?: string; up_to_level?: number; from_level?: number; when?: RawCondition };
type RawMember = string | { user?: string; team?: string; environments?: string[]; paths?: string[]; expires?: string };
interface RawRole {
  description?: string;
  inherits?: string[];
  members?: RawMember[];
  min_members?: number;
  recommended_members?: number;
  grants?: Record<string, RawRef[]>;
  denies?: Record<string, RawRef[]>;
}
interface RawCondition {
  target_branch?: string[];
  source_branch?: string[];
  checks_passed?: string[];
  labels?: string[];
  not_labels?: string[];
  author_roles?: string[];
  draft?: boolean;
  time?: { days?: string[]; from?: string; to?: string; timezone?: string };
  all?: RawCondition[];
  any?: RawCondition[];
  not?: RawCondition;
}
interface RawRequirement {
  name?: string;
  categories?: string[];
  environments?: string[];
  paths?: string[];
  min_level?: number;
  roles?: string[];
  approvals?: number;
  exclusive?: boolean;
  when?: RawCondition;
}
export interface RawPolicy {
  version: 1;
  extends?: string;
  locked?: string[];
  privileges?: string[];
  categories?: Record<string, { paths: string[]; description?: string }>;
  environments?: Record<string, { level: number; paths?: string[]; branches?: string[]; github_environments?: string[] }>;
  roles?: Record<string, RawRole>;
  require?: RawRequirement[];
  options?: { stale_approvals?: Options["staleApprovals"]; author_can_approve?: boolean; committers_can_approve?: boolean; check_commit_authors?: boolean };
  notify?: { violations?: string[] };
  review?: { last_reviewed: string; interval_days: number };
  enforce?: boolean;
  break_glass?: { roles: string[]; reason_min_length?: number };
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export function isRealDate(text: string): boolean {
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function minutes(clock: string): number {
  const [h, m] = clock.split(":").map(Number);
  return h! * 60 + m!;
}

export function conditionText(raw: RawCondition): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === "all" || key === "any") parts.push(`${key}(${(value as RawCondition[]).map(conditionText).join("; ")})`);
    else if (key === "not") parts.push(`not(${conditionText(value as RawCondition)})`);
    else if (key === "time") {
      const t = value as NonNullable<RawCondition["time"]>;
      const span = t.from ? `${t.from}-${t.to}` : "all day";
      parts.push(`time: ${t.days ? t.days.join(",") + " " : ""}${span}${t.timezone ? " " + t.timezone : ""}`);
    } else parts.push(`${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`);
  }
  return parts.join(" and ");
}

/** Builds the resolved model and reports every semantic error with its position. */
export function buildPolicy(parsed: ParsedFile): { policy: Policy; diagnostics: Diagnostic[] } {
  const raw = parsed.value as RawPolicy;
  const file = parsed.file;
  const diagnostics: Diagnostic[] = [];
  const fail = (path: ValuePath, message: string, code: string, onKey = false) => {
    const pos = parsed.locate(path, onKey);
    diagnostics.push({ severity: "error", code, message, file: pos.file ?? file, line: pos.line, col: pos.col });
  };
  const origin = (path: ValuePath) => ({ file, path });

  // Compiles each glob of a list, reporting every invalid one at its position.
  const globList =
    <G>(compile: (g: string) => G) =>
    (list: string[] | undefined, at: ValuePath): G[] => {
      const out: G[] = [];
      (list ?? []).forEach((g, i) => {
        try {
          out.push(compile(g));
        } catch (e) {
          if (!(e instanceof GlobError)) throw e;
          fail([...at, i], e.message, "invalid-glob");
        }
      });
      return out;
    };
  const pathGlobs = globList<PathGlob>(compilePathGlob);
  const branchGlobs = globList<BranchGlob>(compileBranchGlob);

  // Categories.
  const categories: Category[] = [];
  for (const [name, c] of Object.entries(raw.categories ?? {})) {
    if ((BUILTIN_CATEGORIES as readonly string[]).includes(name)) {
      fail(["categories", name], `category name "${name}" is reserved for the built-in category`, "reserved-name", true);
      continue;
    }
    categories.push({ name, globs: pathGlobs(c.paths, ["categories", name, "paths"]), description: c.description, origin: origin(["categories", name]) });
  }
  const categoryNames = new Set<string>([...categories.map((c) => c.name), ...BUILTIN_CATEGORIES]);

  // Environments.
  const environments: Environment[] = [];
  for (const [name, e] of Object.entries(raw.environments ?? {})) {
    environments.push({
      name,
      level: e.level,
      paths: pathGlobs(e.paths, ["environments", name, "paths"]),
      branches: branchGlobs(e.branches, ["environments", name, "branches"]),
      ...(e.github_environments ? { githubEnvironments: e.github_environments } : {}),
      origin: origin(["environments", name]),
    });
  }
  const environmentNames = new Set(environments.map((e) => e.name));
  const roleNames = new Set(Object.keys(raw.roles ?? {}));

  const checkNames = (names: string[] | undefined, known: Set<string>, what: string, at: ValuePath) => {
    (names ?? []).forEach((n, i) => {
      if (!known.has(n)) fail([...at, i], `unknown ${what} "${n}"`, `unknown-${what}`);
    });
  };

  const compileCondition = (c: RawCondition, at: ValuePath): Condition => {
    const items: Condition[] = [];
    if (c.target_branch) items.push({ kind: "target_branch", globs: branchGlobs(c.target_branch, [...at, "target_branch"]) });
    if (c.source_branch) items.push({ kind: "source_branch", globs: branchGlobs(c.source_branch, [...at, "source_branch"]) });
    if (c.checks_passed) items.push({ kind: "checks_passed", names: [...new Set(c.checks_passed)] });
    if (c.labels) items.push({ kind: "labels", labels: c.labels.map((l) => l.toLowerCase()) });
    if (c.not_labels) items.push({ kind: "not_labels", labels: c.not_labels.map((l) => l.toLowerCase()) });
    if (c.author_roles) {
      checkNames(c.author_roles, roleNames, "role", [...at, "author_roles"]);
      items.push({ kind: "author_roles", roles: c.author_roles });
    }
    if (c.draft !== undefined) items.push({ kind: "draft", value: c.draft });
    if (c.time) {
      const t = c.time;
      const tz = t.timezone ?? "UTC";
      if (!isTimeZone(tz)) fail([...at, "time", "timezone"], `unknown time zone "${tz}"`, "invalid-condition");
      if (t.from !== undefined && t.from === t.to)
        fail([...at, "time"], `time window from ${t.from} to ${t.to} is empty: "from" and "to" must differ`, "invalid-condition");
      items.push({
        kind: "time",
        days: t.days?.map((d) => DAYS.indexOf(d)),
        from: t.from !== undefined ? minutes(t.from) : undefined,
        to: t.to !== undefined ? minutes(t.to) : undefined,
        timezone: tz,
      });
    }
    if (c.all) items.push({ kind: "all", items: c.all.map((x, i) => compileCondition(x, [...at, "all", i])) });
    if (c.any) items.push({ kind: "any", items: c.any.map((x, i) => compileCondition(x, [...at, "any", i])) });
    if (c.not) items.push({ kind: "not", item: compileCondition(c.not, [...at, "not"]) });
    return items.length === 1 ? items[0]! : { kind: "all", items };
  };

  // Action names are declared: a typo (`merg`) must never become a privilege nobody enforces.
  const privileges = raw.privileges ?? [];
  privileges.forEach((name, i) => {
    if ((KNOWN_ACTIONS as readonly string[]).includes(name))
      fail(["privileges", i], `"${name}" is a built-in action; list only other privileges here`, "builtin-privilege");
  });
  const actionNames = new Set<string>([...KNOWN_ACTIONS, ...privileges]);
  const checkAction = (action: string, at: ValuePath) => {
    if (actionNames.has(action)) return;
    const guess = nearest(action, actionNames);
    const hint = guess ? `: did you mean \`${guess}\`?` : `: the actions are ${KNOWN_ACTIONS.join(", ")}; declare any other privilege in \`privileges:\``;
    fail(at, `unknown action \`${action}\`${hint}`, "unknown-action", true);
  };

  /** A role's grants or denies: those on categories, and the `deploy` ones that name an environment. */
  const compileRules = (roleName: string, kind: "grants" | "denies", map: Record<string, RawRef[]> | undefined) => {
    const rules: Rule[] = [];
    const onEnvironments: EnvironmentRule[] = [];
    for (const [action, refs] of Object.entries(map ?? {})) {
      checkAction(action, ["roles", roleName, kind, action]);
      refs.forEach((ref, i) => {
        const at: ValuePath = ["roles", roleName, kind, action, i];
        const r = typeof ref === "string" ? { category: ref } : ref;
        const level = kind === "grants" ? (r.up_to_level ?? 5) : (r.from_level ?? 0);
        const condition = r.when ? { when: compileCondition(r.when, [...at, "when"]), whenText: conditionText(r.when) } : {};
        if (r.environment !== undefined) {
          // Only deployments go to environments; on any other action the entry would mean nothing.
          if (action !== "deploy")
            fail([...at, "environment"], `an environment can be named only in grants and denies of deploy, not of ${action}`, "environment-not-deploy", true);
          else if (r.environment !== "*" && !environmentNames.has(r.environment))
            fail(
              [...at, "environment"],
              `unknown environment "${r.environment}": a deploy ${kind === "grants" ? "grant" : "deny"} must name an environment of the policy, or "*"`,
              "unknown-environment",
            );
          onEnvironments.push({ role: roleName, environment: r.environment, level, ...condition, origin: origin(at) });
          return;
        }
        const category = r.category!;
        if (category !== "*" && !categoryNames.has(category)) {
          fail(typeof ref === "string" ? at : [...at, "category"], `unknown category "${category}"`, "unknown-category");
        }
        rules.push({ role: roleName, action, category, level, ...condition, origin: origin(at) });
      });
    }
    return { rules, onEnvironments };
  };

  // Roles.
  const roles = new Map<string, Role>();
  const teams = new Set<string>();
  const directRoles = new Map<string, Member[]>();
  for (const [name, r] of Object.entries(raw.roles ?? {})) {
    checkNames(r.inherits, roleNames, "role", ["roles", name, "inherits"]);
    const members: Member[] = (r.members ?? []).map((m, i) => {
      const at: ValuePath = ["roles", name, "members", i];
      if (typeof m === "string") {
        const isTeam = m.startsWith("@");
        return { role: name, kind: isTeam ? "team" : "user", id: (isTeam ? m.slice(1) : m).toLowerCase(), display: m, origin: origin(at) } satisfies Member;
      }
      const isTeam = m.team !== undefined;
      const text = isTeam ? m.team!.replace(/^@/, "") : m.user!;
      const member: Member = { role: name, kind: isTeam ? "team" : "user", id: text.toLowerCase(), display: isTeam ? `@${text}` : text, origin: origin(at) };
      if (m.environments) {
        checkNames(m.environments, environmentNames, "environment", [...at, "environments"]);
        member.environments = m.environments;
      }
      if (m.paths) member.paths = pathGlobs(m.paths, [...at, "paths"]);
      if (m.expires !== undefined) {
        if (!isRealDate(m.expires)) fail([...at, "expires"], `"${m.expires}" is not a real date (YYYY-MM-DD)`, "invalid-date");
        member.expires = m.expires;
      }
      return member;
    });
    for (const m of members) {
      if (m.kind === "team") teams.add(m.id);
      const key = `${m.kind}:${m.id}`;
      directRoles.set(key, [...(directRoles.get(key) ?? []), m]);
    }
    const grants = compileRules(name, "grants", r.grants);
    const denies = compileRules(name, "denies", r.denies);
    roles.set(name, {
      name,
      description: r.description,
      inherits: (r.inherits ?? []).filter((x) => roleNames.has(x)),
      closure: [],
      members,
      grants: grants.rules,
      denies: denies.rules,
      environmentGrants: grants.onEnvironments,
      environmentDenies: denies.onEnvironments,
      minMembers: r.min_members,
      recommendedMembers: r.recommended_members,
      origin: origin(["roles", name]),
    });
  }
  resolveInheritance(roles, (role, cycle) => {
    const shown = cycle.length > 12 ? [...cycle.slice(0, 10), `… (${cycle.length - 11} more)`, cycle[cycle.length - 1]!] : cycle;
    fail(["roles", role, "inherits"], `inheritance cycle: ${shown.join(" -> ")}`, "inherit-cycle");
  });

  // Requirements.
  const requirements: Requirement[] = (raw.require ?? []).map((q, i) => {
    const at: ValuePath = ["require", i];
    checkNames(q.categories, categoryNames, "category", [...at, "categories"]);
    checkNames(q.environments, environmentNames, "environment", [...at, "environments"]);
    checkNames(q.roles, roleNames, "role", [...at, "roles"]);
    const req: Requirement = {
      index: i,
      name: q.name ?? `Requirement ${i + 1}`,
      categories: q.categories,
      environments: q.environments,
      paths: q.paths ? pathGlobs(q.paths, [...at, "paths"]) : undefined,
      minLevel: q.min_level,
      roles: q.roles,
      approvals: q.approvals ?? 1,
      origin: origin(at),
    };
    if (q.exclusive) req.exclusive = true;
    if (q.when) {
      req.when = compileCondition(q.when, [...at, "when"]);
      req.whenText = conditionText(q.when);
    }
    return req;
  });

  checkNames(raw.notify?.violations, roleNames, "role", ["notify", "violations"]);
  checkNames(raw.break_glass?.roles, roleNames, "role", ["break_glass", "roles"]);
  const breakGlass: BreakGlass | undefined = raw.break_glass && {
    roles: raw.break_glass.roles,
    reasonMinLength: raw.break_glass.reason_min_length ?? DEFAULT_REASON_MIN_LENGTH,
    origin: origin(["break_glass"]),
  };
  if (raw.review && !isRealDate(raw.review.last_reviewed)) {
    fail(["review", "last_reviewed"], `"${raw.review.last_reviewed}" is not a real date (YYYY-MM-DD)`, "invalid-date");
  }

  const options: Options = {
    staleApprovals: raw.options?.stale_approvals ?? "dismiss",
    authorCanApprove: raw.options?.author_can_approve ?? false,
    committersCanApprove: raw.options?.committers_can_approve ?? false,
    checkCommitAuthors: raw.options?.check_commit_authors ?? false,
  };

  const enforced = new Map<string, Set<string>>();
  for (const role of roles.values()) {
    for (const g of role.grants) {
      const set = enforced.get(g.action) ?? new Set<string>();
      set.add(g.category);
      enforced.set(g.action, set);
    }
  }

  const policy: Policy = {
    file,
    categories,
    environments,
    roles,
    requirements,
    options,
    notifyViolations: raw.notify?.violations ?? [],
    ...(breakGlass ? { breakGlass } : {}),
    enforce: raw.enforce === true,
    review: raw.review ? { lastReviewed: raw.review.last_reviewed, intervalDays: raw.review.interval_days, origin: origin(["review"]) } : undefined,
    extends: raw.extends,
    locked: raw.locked ?? [],
    policyPaths: [],
    privileges,
    enforced,
    teams,
    directRoles,
  };
  return { policy, diagnostics };
}

/**
 * Fills each role's transitive closure (itself first). Iterative depth-first search, so
 * a 1,000-deep chain costs no stack; each cycle is reported once, naming its roles.
 */
export function resolveInheritance(roles: Map<string, Role>, onCycle: (role: string, cycle: string[]) => void): void {
  const state = new Map<string, "visiting" | "done">();
  const reported = new Set<string>();
  for (const start of roles.keys()) {
    if (state.get(start) === "done") continue;
    const stack: { role: string; next: number }[] = [{ role: start, next: 0 }];
    state.set(start, "visiting");
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const role = roles.get(top.role)!;
      if (top.next < role.inherits.length) {
        const child = role.inherits[top.next++]!;
        const s = state.get(child);
        if (s === "visiting") {
          const names = stack.map((f) => f.role);
          const cycle = [...names.slice(names.indexOf(child)), child];
          const key = [...cycle].slice(0, -1).sort().join(",");
          if (!reported.has(key)) {
            reported.add(key);
            onCycle(top.role, cycle);
          }
        } else if (s === undefined) {
          state.set(child, "visiting");
          stack.push({ role: child, next: 0 });
        }
      } else {
        const closure = new Set<string>([role.name]);
        for (const parent of role.inherits) for (const r of roles.get(parent)!.closure) closure.add(r);
        role.closure = [...closure];
        state.set(top.role, "done");
        stack.pop();
      }
    }
  }
}
