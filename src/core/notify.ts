import type { Policy } from "./policy/types.js";

/** Everyone the policy's `notify: violations` roles name: logins and `@org/team`, for mentions. */
export function notifyMentions(policy: Policy | undefined): string[] {
  if (!policy) return [];
  const out = new Set<string>();
  for (const role of policy.notifyViolations) {
    for (const m of policy.roles.get(role)?.members ?? []) out.add(m.kind === "team" ? `@${m.id}` : `@${m.display}`);
  }
  return [...out].sort();
}
