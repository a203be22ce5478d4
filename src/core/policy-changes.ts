import { classifierFor } from "./classify.js";
import type { Options, Policy, Requirement } from "./policy/types.js";
import { plural } from "./words.js";

/** Whether a change of the policy lowers, raises or only moves protection (where that can be decided). */
export type Effect = "weakens" | "strengthens" | "reshapes";

/** One change between two policies, besides who gains or loses what (see diff.ts). */
export interface PolicyChange {
  kind: "category" | "environment" | "requirement" | "option" | "break_glass" | "notify" | "locked" | "extends";
  name: string;
  effect: Effect;
  detail: string;
}

/** How many example paths a change names before "and N more". */
const MAX_EXAMPLES = 5;

const sources = (globs: readonly { source: string }[] | undefined) => (globs ?? []).map((g) => g.source);
const missingFrom = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x));
const quoted = (list: readonly string[]) => list.map((x) => `\`${x}\``).join(", ");

function examples(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_EXAMPLES).map((p) => `\`${p}\``);
  return paths.length > MAX_EXAMPLES ? `${shown.join(", ")} and ${paths.length - MAX_EXAMPLES} more` : shown.join(", ");
}

/** One effect for several steps of one change: all alike, or a reshaping. */
function combined(effects: readonly Effect[]): Effect {
  return effects.every((e) => e === effects[0]) ? effects[0]! : "reshapes";
}

/** A category protects something when a requirement selects it or a grant or deny names it. */
function guards(policy: Policy, category: string): boolean {
  if (policy.requirements.some((r) => r.categories?.includes(category))) return true;
  for (const role of policy.roles.values()) for (const rule of [...role.grants, ...role.denies]) if (rule.category === category) return true;
  return false;
}

function environmentGuards(policy: Policy, environment: string): boolean {
  return (
    policy.requirements.some((r) => r.environments?.includes(environment) || r.minLevel !== undefined) ||
    [...policy.roles.values()].some(
      (r) =>
        r.denies.some((d) => d.level > 0) ||
        r.grants.some((g) => g.level < 5) ||
        [...r.environmentGrants, ...r.environmentDenies].some((x) => x.environment === environment || x.environment === "*"),
    )
  );
}

/** Categories (or environments) of each example path under a policy, on a branch. */
function placesOf(policy: Policy, paths: readonly string[], branch: string, what: "categories" | "environments"): Map<string, string[]> {
  const classifier = classifierFor(policy);
  const envs = classifier.branchEnvironments(branch);
  return new Map(paths.map((p) => [p, classifier.classifyPath(p, envs)[what]]));
}

function moves(before: Map<string, string[]>, after: Map<string, string[]>, name: string): { leaving: string[]; entering: string[] } {
  const leaving: string[] = [];
  const entering: string[] = [];
  for (const [path, was] of before) {
    const now = after.get(path) ?? [];
    if (was.includes(name) && !now.includes(name)) leaving.push(path);
    if (!was.includes(name) && now.includes(name)) entering.push(path);
  }
  return { leaving, entering };
}

/** What moving paths (or, without examples, changing globs) does to a protected set. */
function effectOfMoves(leaving: number, entering: number, removedGlobs: number, addedGlobs: number, guarded: boolean): Effect {
  if (!guarded) return "reshapes";
  const out = leaving > 0 || (leaving === 0 && entering === 0 && removedGlobs > 0);
  const into = entering > 0 || (leaving === 0 && entering === 0 && addedGlobs > 0);
  return out && into ? "reshapes" : out ? "weakens" : into ? "strengthens" : "reshapes";
}

/** Every entry either policy names, with its definition before and after (absent where it is not defined). */
function pairs<T extends { name: string }>(before: readonly T[], after: readonly T[]): { name: string; b?: T; a?: T }[] {
  const names = [...new Set([...before.map((x) => x.name), ...after.map((x) => x.name)])];
  return names.map((name) => ({ name, b: before.find((x) => x.name === name), a: after.find((x) => x.name === name) }));
}

function categoryChanges(before: Policy, after: Policy, paths: readonly string[], branch: string): PolicyChange[] {
  const out: PolicyChange[] = [];
  const was = placesOf(before, paths, branch, "categories");
  const now = placesOf(after, paths, branch, "categories");
  for (const { name, b, a } of pairs(before.categories, after.categories)) {
    const removed = missingFrom(sources(b?.globs), sources(a?.globs));
    const added = missingFrom(sources(a?.globs), sources(b?.globs));
    if (b && a && removed.length === 0 && added.length === 0) continue;
    const { leaving, entering } = moves(was, now, name);
    const guarded = guards(before, name) || guards(after, name);
    const parts: string[] = [];
    if (!a) parts.push("removed");
    else if (!b) parts.push("added");
    if (a && b && removed.length > 0) parts.push(`globs removed: ${quoted(removed)}`);
    if (a && b && added.length > 0) parts.push(`globs added: ${quoted(added)}`);
    if (leaving.length > 0) parts.push(`${examples(leaving)} ${leaving.length === 1 ? "leaves" : "leave"} ${name}`);
    if (entering.length > 0) parts.push(`${examples(entering)} ${entering.length === 1 ? "enters" : "enter"} ${name}`);
    const effect = !a ? (guarded ? "weakens" : "reshapes") : effectOfMoves(leaving.length, entering.length, removed.length, added.length, guarded);
    out.push({ kind: "category", name, effect, detail: parts.join("; ") });
  }
  return out;
}

function environmentChanges(before: Policy, after: Policy, paths: readonly string[], branch: string): PolicyChange[] {
  const out: PolicyChange[] = [];
  const was = placesOf(before, paths, branch, "environments");
  const now = placesOf(after, paths, branch, "environments");
  for (const { name, b, a } of pairs(before.environments, after.environments)) {
    const guarded = environmentGuards(before, name) || environmentGuards(after, name);
    if (!a || !b) {
      out.push({
        kind: "environment",
        name,
        effect: guarded ? (a ? "strengthens" : "weakens") : "reshapes",
        detail: a ? `added at level ${a.level}` : `removed (was level ${b!.level})`,
      });
      continue;
    }
    const effects: Effect[] = [];
    const parts: string[] = [];
    if (a.level !== b.level) {
      parts.push(`level ${b.level} → ${a.level}`);
      effects.push(a.level < b.level ? "weakens" : "strengthens");
    }
    const removed = [...missingFrom(sources(b.paths), sources(a.paths)), ...missingFrom(sources(b.branches), sources(a.branches)).map((x) => `branch ${x}`)];
    const added = [...missingFrom(sources(a.paths), sources(b.paths)), ...missingFrom(sources(a.branches), sources(b.branches)).map((x) => `branch ${x}`)];
    if (removed.length > 0) parts.push(`globs removed: ${quoted(removed)}`);
    if (added.length > 0) parts.push(`globs added: ${quoted(added)}`);
    const githubBefore = b.githubEnvironments ?? [b.name];
    const githubAfter = a.githubEnvironments ?? [a.name];
    if (githubBefore.join("\n") !== githubAfter.join("\n")) {
      // Which GitHub environments deploy as this one: who may deploy where moves, in both directions.
      parts.push(`GitHub environments ${quoted(githubBefore)} → ${quoted(githubAfter)}`);
      effects.push("reshapes");
    }
    if (removed.length > 0 || added.length > 0) {
      const { leaving, entering } = moves(was, now, name);
      if (leaving.length > 0) parts.push(`${examples(leaving)} ${leaving.length === 1 ? "leaves" : "leave"} ${name}`);
      if (entering.length > 0) parts.push(`${examples(entering)} ${entering.length === 1 ? "enters" : "enter"} ${name}`);
      effects.push(effectOfMoves(leaving.length, entering.length, removed.length, added.length, guarded));
    }
    if (parts.length > 0) out.push({ kind: "environment", name, effect: combined(effects), detail: parts.join("; ") });
  }
  return out;
}

/** Requirements are matched by name; unnamed ones ("Requirement N") by position. */
function requirementChanges(before: Policy, after: Policy): PolicyChange[] {
  const out: PolicyChange[] = [];
  const afterByName = new Map(after.requirements.map((r) => [r.name, r]));
  const beforeNames = new Set(before.requirements.map((r) => r.name));
  for (const b of before.requirements) {
    const a = afterByName.get(b.name);
    if (!a) {
      out.push({ kind: "requirement", name: b.name, effect: "weakens", detail: "removed" });
      continue;
    }
    out.push(...compareRequirement(b, a));
  }
  for (const a of after.requirements) {
    if (!beforeNames.has(a.name)) out.push({ kind: "requirement", name: a.name, effect: "strengthens", detail: `added (${plural(a.approvals, "approval")})` });
  }
  return out;
}

/**
 * A selector list: more entries select more files (strengthens); a selector added where there
 * was none narrows the requirement (weakens), and one removed widens it.
 */
function selectorChange(
  label: string,
  before: readonly string[] | undefined,
  after: readonly string[] | undefined,
): { effect: Effect; detail: string } | undefined {
  const b = before ?? [];
  const a = after ?? [];
  if (before === undefined && after === undefined) return undefined;
  if (before === undefined) return { effect: "weakens", detail: `now limited to ${label} ${quoted(a)}` };
  if (after === undefined) return { effect: "strengthens", detail: `no longer limited to ${label} ${quoted(b)}` };
  const removed = missingFrom(b, a);
  const added = missingFrom(a, b);
  if (removed.length === 0 && added.length === 0) return undefined;
  const detail = [removed.length ? `${label} removed: ${quoted(removed)}` : "", added.length ? `${label} added: ${quoted(added)}` : ""]
    .filter(Boolean)
    .join("; ");
  return { effect: removed.length && added.length ? "reshapes" : removed.length ? "weakens" : "strengthens", detail };
}

function compareRequirement(b: Requirement, a: Requirement): PolicyChange[] {
  const out: PolicyChange[] = [];
  const add = (effect: Effect, detail: string) => out.push({ kind: "requirement", name: a.name, effect, detail });
  for (const [label, x, y] of [
    ["categories", b.categories, a.categories],
    ["environments", b.environments, a.environments],
    ["paths", b.paths && sources(b.paths), a.paths && sources(a.paths)],
  ] as const) {
    const c = selectorChange(label, x, y);
    if (c) add(c.effect, c.detail);
  }
  if (a.minLevel !== b.minLevel)
    add((a.minLevel ?? 0) > (b.minLevel ?? 0) ? "weakens" : "strengthens", `min_level ${b.minLevel ?? "none"} → ${a.minLevel ?? "none"}`);
  if (a.approvals !== b.approvals) add(a.approvals > b.approvals ? "strengthens" : "weakens", `approvals ${b.approvals} → ${a.approvals}`);
  if (b.roles || a.roles) {
    const removed = missingFrom(b.roles ?? [], a.roles ?? []);
    const added = missingFrom(a.roles ?? [], b.roles ?? []);
    if (!b.roles) add("strengthens", `now only ${quoted(a.roles!)} may approve`);
    else if (!a.roles) add("weakens", `no longer limited to the roles ${quoted(b.roles)}`);
    else if (removed.length || added.length) {
      const detail = [removed.length ? `roles removed: ${quoted(removed)}` : "", added.length ? `roles added: ${quoted(added)}` : ""]
        .filter(Boolean)
        .join("; ");
      add(removed.length && added.length ? "reshapes" : added.length ? "weakens" : "strengthens", detail);
    }
  }
  if ((a.whenText ?? "") !== (b.whenText ?? "")) {
    if (!b.whenText) add("weakens", `now applies only when ${a.whenText}`);
    else if (!a.whenText) add("strengthens", `no longer conditional (was: when ${b.whenText})`);
    else add("reshapes", `condition changed: when ${b.whenText} → when ${a.whenText}`);
  }
  if (Boolean(a.exclusive) !== Boolean(b.exclusive)) add(a.exclusive ? "strengthens" : "weakens", a.exclusive ? "now exclusive" : "no longer exclusive");
  return out;
}

/** From strictest to loosest. */
const STALE_ORDER: Options["staleApprovals"][] = ["dismiss", "unless_changed", "keep"];

function optionChanges(before: Options, after: Options): PolicyChange[] {
  const out: PolicyChange[] = [];
  if (before.staleApprovals !== after.staleApprovals) {
    const looser = STALE_ORDER.indexOf(after.staleApprovals) > STALE_ORDER.indexOf(before.staleApprovals);
    out.push({
      kind: "option",
      name: "stale_approvals",
      effect: looser ? "weakens" : "strengthens",
      detail: `${before.staleApprovals} → ${after.staleApprovals}`,
    });
  }
  // Options that let more people approve when true, and one that checks more when true.
  for (const [name, key, looserWhenTrue] of [
    ["author_can_approve", "authorCanApprove", true],
    ["committers_can_approve", "committersCanApprove", true],
    ["check_commit_authors", "checkCommitAuthors", false],
  ] as const) {
    if (before[key] === after[key]) continue;
    out.push({ kind: "option", name, effect: after[key] === looserWhenTrue ? "weakens" : "strengthens", detail: `${before[key]} → ${after[key]}` });
  }
  return out;
}

/**
 * Break glass: who may override requirements. More roles, or a shorter reason, weaken; fewer
 * roles, or a longer reason, strengthen; adding the section weakens and removing it strengthens.
 */
function breakGlassChanges(before: Policy, after: Policy): PolicyChange[] {
  const b = before.breakGlass;
  const a = after.breakGlass;
  if (!b && !a) return [];
  if (!b)
    return [
      {
        kind: "break_glass",
        name: "break_glass",
        effect: "weakens",
        detail: `added: members of ${quoted(a!.roles)} may override unmet requirements (reason of at least ${a!.reasonMinLength} characters)`,
      },
    ];
  if (!a) return [{ kind: "break_glass", name: "break_glass", effect: "strengthens", detail: "removed: nobody may override requirements" }];
  const out: PolicyChange[] = [];
  const added = missingFrom(a.roles, b.roles);
  const removed = missingFrom(b.roles, a.roles);
  if (added.length > 0 || removed.length > 0) {
    const detail = [removed.length ? `roles removed: ${quoted(removed)}` : "", added.length ? `roles added: ${quoted(added)}` : ""].filter(Boolean).join("; ");
    out.push({ kind: "break_glass", name: "roles", effect: added.length && removed.length ? "reshapes" : added.length ? "weakens" : "strengthens", detail });
  }
  if (a.reasonMinLength !== b.reasonMinLength)
    out.push({
      kind: "break_glass",
      name: "reason_min_length",
      effect: a.reasonMinLength < b.reasonMinLength ? "weakens" : "strengthens",
      detail: `${b.reasonMinLength} → ${a.reasonMinLength}`,
    });
  return out;
}

/** An organisation baseline that stops binding, or starts to. */
function enforceChange(before: Policy, after: Policy): PolicyChange[] {
  if (before.enforce === after.enforce) return [];
  return [
    {
      kind: "locked",
      name: "enforce",
      effect: after.enforce ? "strengthens" : "weakens",
      detail: after.enforce
        ? "false → true: every repository of the organisation, those with a policy of their own included, is now bound by this baseline"
        : "true → false: repositories with a policy of their own are no longer bound by this baseline",
    },
  ];
}

function listChange(kind: PolicyChange["kind"], name: string, before: readonly string[], after: readonly string[], what: string): PolicyChange[] {
  const removed = missingFrom(before, after);
  const added = missingFrom(after, before);
  if (removed.length === 0 && added.length === 0) return [];
  const detail = [removed.length ? `${what} removed: ${quoted(removed)}` : "", added.length ? `${what} added: ${quoted(added)}` : ""]
    .filter(Boolean)
    .join("; ");
  return [{ kind, name, effect: removed.length && added.length ? "reshapes" : removed.length ? "weakens" : "strengthens", detail }];
}

/**
 * Every change between two policies besides who gains or loses what: categories and
 * environments (with example paths that move in or out), requirements, options, `notify`,
 * `break_glass`, `locked` (and `enforce`) and `extends`, each saying whether it weakens, strengthens or only reshapes
 * protection. `paths` are example paths (the change's files, the repository's tree) judged on
 * `branch`.
 */
export function policyChanges(before: Policy, after: Policy, paths: readonly string[] = [], branch = "main"): PolicyChange[] {
  const examplePaths = [...new Set(paths)];
  return [
    ...categoryChanges(before, after, examplePaths, branch),
    ...environmentChanges(before, after, examplePaths, branch),
    ...requirementChanges(before, after),
    ...optionChanges(before.options, after.options),
    ...listChange("notify", "violations", before.notifyViolations, after.notifyViolations, "roles"),
    ...breakGlassChanges(before, after),
    ...listChange("locked", "locked", before.locked, after.locked, "keys"),
    ...enforceChange(before, after),
    ...(before.extends !== after.extends
      ? [{ kind: "extends" as const, name: "extends", effect: "reshapes" as const, detail: `${before.extends ?? "nothing"} → ${after.extends ?? "nothing"}` }]
      : []),
  ];
}

export function describePolicyChange(c: PolicyChange): string {
  return `${c.effect === "weakens" ? "weakens" : c.effect === "strengthens" ? "strengthens" : "reshapes"}: ${c.kind} ${c.name}: ${c.detail}`;
}
