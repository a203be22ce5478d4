import { matchPath } from "../glob.js";
import { POLICY_DEFINING_FILES } from "../names.js";
import type { Policy, Requirement } from "./types.js";

/** Every in-repository file that defines this policy: the default names and the policy's own extra paths. */
export function policyDefiningFiles(policy: Policy): string[] {
  return [...new Set([...POLICY_DEFINING_FILES, ...policy.policyPaths])];
}

/**
 * Does this requirement select this policy-defining file on every pull request, whatever its
 * branch, labels or author? Only then may lint stay silent: the check decides per pull request,
 * and a change that no applicable requirement selects needs a repository admin.
 */
function alwaysSelects(policy: Policy, req: Requirement, name: string): boolean {
  if (req.when) return false;
  if (req.categories && !req.categories.includes("policy")) {
    const inListed = policy.categories.some((c) => req.categories!.includes(c.name) && c.globs.some((g) => matchPath(g, name)));
    if (!inListed) return false;
  }
  if (req.paths && !req.paths.some((g) => matchPath(g, name))) return false;
  // Environments by path hold the file on every branch; environments by branch only on some.
  const byPath = policy.environments.filter((e) => e.paths.some((g) => matchPath(g, name)));
  if (req.environments && !byPath.some((e) => req.environments!.includes(e.name))) return false;
  if (req.minLevel !== undefined && req.minLevel > 0 && !byPath.some((e) => e.level >= req.minLevel!)) return false;
  return true;
}

/** Policy-defining files that some pull request could change with no requirement selecting them. */
export function unguardedPolicyFiles(policy: Policy): string[] {
  return policyDefiningFiles(policy).filter((name) => !policy.requirements.some((r) => alwaysSelects(policy, r, name)));
}
