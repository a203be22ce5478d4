import { matchPath } from "../glob.js";
import { POLICY_FILE_NAMES, type Environment, type Policy, type Requirement } from "./types.js";

function policyFileNames(policy: Policy): string[] {
  return [...POLICY_FILE_NAMES, ...policy.policyPaths];
}

/** Could a policy file ever be in this environment (by path, or by a target-branch rule)? */
function environmentCouldHoldPolicyFile(env: Environment, names: readonly string[]): boolean {
  return env.branches.length > 0 || env.paths.some((g) => names.some((n) => matchPath(g, n)));
}

/**
 * Could this requirement select a policy file? Statically, ignoring `when`: its
 * `categories:` absent or listing `policy`, and each other selector able to match
 * a policy file name.
 */
export function requirementCouldSelectPolicy(policy: Policy, req: Requirement): boolean {
  const names = policyFileNames(policy);
  if (req.categories && !req.categories.includes("policy")) return false;
  if (req.paths && !req.paths.some((g) => names.some((n) => matchPath(g, n)))) return false;
  const envs = policy.environments.filter((e) => environmentCouldHoldPolicyFile(e, names));
  if (req.environments && !envs.some((e) => req.environments!.includes(e.name))) return false;
  if (req.minLevel !== undefined && req.minLevel > 0 && !envs.some((e) => e.level >= req.minLevel!)) return false;
  return true;
}

/** When false, the built-in rule applies: a policy change needs a repository admin's approval. */
export function policyCouldBeSelected(policy: Policy): boolean {
  return policy.requirements.some((r) => requirementCouldSelectPolicy(policy, r));
}
