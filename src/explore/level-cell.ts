import { isEnforced } from "../core/permissions.js";
import type { Policy, Rule } from "../core/policy/types.js";

/**
 * A matrix cell as it applies at one level (the matrix's level filter), in the words of
 * `matrixCell`: `Yes`, `No`, `Yes (when …)`, and `Denied (when …)` parts for conditional denies.
 * An unconditional deny at that level makes it `No`, whatever is granted.
 */
export function cellAtLevel(policy: Policy, role: string, action: string, category: string, level: number): string {
  const closure = policy.roles.get(role)!.closure.map((r) => policy.roles.get(r)!);
  const covers = (r: Rule) => r.action === action && (r.category === "*" || r.category === category);
  const grants = closure.flatMap((r) => r.grants).filter((g) => covers(g) && level <= g.level);
  const denies = closure.flatMap((r) => r.denies).filter((d) => covers(d) && level >= d.level);
  if (denies.some((d) => !d.when)) return "No";
  const parts: string[] = [];
  if (!isEnforced(policy, action, category) || grants.some((g) => !g.when)) parts.push("Yes");
  else for (const g of grants) parts.push(`Yes (when ${g.whenText})`);
  if (parts.length === 0) return "No";
  for (const d of denies) if (d.when) parts.push(`Denied (when ${d.whenText})`);
  return parts.join("; ");
}

/** The colour class of a cell's text: wholly yes, wholly no, or something in between. */
export function cellClass(text: string): "yes" | "no" | "partial" {
  return text === "Yes" ? "yes" : text === "No" ? "no" : "partial";
}
