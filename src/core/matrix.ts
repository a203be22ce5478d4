import { deployRules } from "./explain-deploy.js";
import { isEnforced } from "./permissions.js";
import { CORE_ACTIONS, type Environment, type Policy, type Rule } from "./policy/types.js";

/** One block of the vendor-style role table: a category, a row per action, a column per role. */
export interface MatrixBlock {
  category: string;
  rows: { action: string; enforced: boolean; cells: string[] }[];
}

/** The `deploy` row of one environment: who may deploy there (the deployments block). */
export interface DeployRow {
  environment: string;
  level: number;
  cells: string[];
}

export interface Matrix {
  roles: string[];
  blocks: MatrixBlock[];
  /** One `deploy` row per environment of the policy (none for a slice of categories). */
  deployments: DeployRow[];
}

export function actionsOf(policy: Policy): string[] {
  const extra = new Set<string>();
  for (const r of policy.roles.values()) for (const rule of [...r.grants, ...r.denies]) extra.add(rule.action);
  for (const a of CORE_ACTIONS) extra.delete(a);
  return [...CORE_ACTIONS, ...[...extra].sort()];
}

export function categoriesOf(policy: Policy): string[] {
  return [...policy.categories.map((c) => c.name), "policy", "other"];
}

const covers = (r: Rule, action: string, category: string) => r.action === action && (r.category === "*" || r.category === category);

/**
 * What a role may do, after inheritance and denies: `Yes`, `No`, `Up to level N`,
 * `Denied from level N`, and `(when …)` parts for conditional grants and denies.
 * Where the action is not enforced on the category anyone may, so the cell reads
 * `Yes` unless a deny narrows it.
 */
export function matrixCell(policy: Policy, role: string, action: string, category: string): string {
  const closure = policy.roles.get(role)!.closure.map((r) => policy.roles.get(r)!);
  const grants = closure.flatMap((r) => r.grants).filter((g) => covers(g, action, category));
  const denies = closure.flatMap((r) => r.denies).filter((d) => covers(d, action, category));
  const enforced = isEnforced(policy, action, category);
  const upTo = enforced ? Math.max(-1, ...grants.filter((g) => !g.when).map((g) => g.level)) : 5;
  const from = Math.min(6, ...denies.filter((d) => !d.when).map((d) => d.level));
  // Allowed levels are 0..upTo, minus from..5.
  const top = Math.min(upTo, from - 1);
  let base: string;
  if (top < 0) base = "No";
  else if (top === 5) base = "Yes";
  else if (upTo < 5 || from === 6) base = `Up to level ${top}`;
  else base = `Denied from level ${from}`;
  const parts = [base];
  for (const g of grants) if (g.when && g.level > top) parts.push(`Yes${g.level < 5 ? ` up to level ${g.level}` : ""} (when ${g.whenText})`);
  for (const d of denies) if (d.when && d.level <= top) parts.push(`Denied${d.level > 0 ? ` from level ${d.level}` : ""} (when ${d.whenText})`);
  if (parts.length > 1 && base === "No") parts.shift();
  return parts.join("; ");
}

/**
 * May a role deploy to the environment, after inheritance and denies? Deployments are closed
 * unless granted: `Yes`, `No`, `Denied from level N` (a deploy deny reaches it), with
 * `Yes (when …)` and `Denied (when …)` parts for conditional rules.
 */
export function deployCell(policy: Policy, role: string, environment: Environment): string {
  const closure = policy.roles.get(role)!.closure.map((r) => policy.roles.get(r)!);
  const grants = closure.flatMap((r) => deployRules(r, "grants", environment));
  const denies = closure.flatMap((r) => deployRules(r, "denies", environment));
  const denied = denies.filter((d) => !d.when);
  if (denied.length > 0) return `Denied from level ${Math.min(...denied.map((d) => d.level))}`;
  const base = grants.some((g) => !g.when) ? "Yes" : "No";
  const parts = [base];
  if (base === "No") for (const g of grants) parts.push(`Yes (when ${g.whenText})`);
  if (base === "Yes" || parts.length > 1) for (const d of denies) parts.push(`Denied (when ${d.whenText})`);
  if (parts.length > 1 && base === "No") parts.shift();
  return parts.join("; ");
}

export function buildMatrix(policy: Policy, onlyCategories?: readonly string[]): Matrix {
  const roles = [...policy.roles.keys()];
  const actions = actionsOf(policy);
  const categories = categoriesOf(policy).filter((c) => !onlyCategories || onlyCategories.includes(c));
  return {
    roles,
    deployments: onlyCategories
      ? []
      : policy.environments.map((e) => ({ environment: e.name, level: e.level, cells: roles.map((role) => deployCell(policy, role, e)) })),
    blocks: categories.map((category) => ({
      category,
      rows: actions.map((action) => ({
        action,
        enforced: isEnforced(policy, action, category),
        cells: roles.map((role) => matrixCell(policy, role, action, category)),
      })),
    })),
  };
}
