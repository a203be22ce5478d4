import type { ClassifiedFile } from "./classify.js";
import { holds, type ConditionContext } from "./conditions.js";
import type { Explanation, ExplainContext } from "./explain.js";
import { conditionContext, judgeContext, membershipsOf, unresolvedTeams, type Membership } from "./permissions.js";
import type { Environment, EnvironmentRule, Policy, Role, Rule } from "./policy/types.js";
import { reason, type Reason } from "./reasons.js";

/**
 * The environment of the policy a GitHub environment is: the one whose `github_environments`
 * lists it, else the one of the same name that does not list others instead. GitHub compares
 * environment names case-insensitively, and so does this. Undefined when none (or, in a policy
 * lint rejects, more than one) is: a deployment there is refused.
 */
export function environmentForGitHub(policy: Policy, githubName: string): Environment | undefined {
  const key = githubName.toLowerCase();
  const listed = policy.environments.filter((e) => e.githubEnvironments?.some((n) => n.toLowerCase() === key));
  if (listed.length > 0) return listed.length === 1 ? listed[0] : undefined;
  const same = policy.environments.filter((e) => !e.githubEnvironments && e.name.toLowerCase() === key);
  return same.length === 1 ? same[0] : undefined;
}

/**
 * Does this membership count for a deployment to the environment? Member scopes apply with the
 * environment as the only one; a deployment has no path, so a path-scoped membership never
 * covers it (fail closed).
 */
function coversDeployment(m: Membership, environment: Environment): boolean {
  if (m.member.paths) return false;
  return !m.member.environments || m.member.environments.includes(environment.name);
}

/** Roles held for a deployment to the environment, each with how (as `heldRoles` says it for a file). */
export function heldForDeployment(memberships: readonly Membership[], environment: Environment, policy: Policy): Map<string, string> {
  const held = new Map<string, string>();
  for (const m of memberships) {
    if (!coversDeployment(m, environment)) continue;
    const how = m.via ? `member of ${m.role} through ${m.via}` : `member of ${m.role}`;
    for (const r of policy.roles.get(m.role)!.closure) if (!held.has(r)) held.set(r, r === m.role ? how : `${how}, which inherits ${r}`);
  }
  return held;
}

/** A deploy rule that reaches the environment at its level: one naming it or `*`, or a `deploy` rule on every category. */
export interface DeployRule {
  role: string;
  level: number;
  when?: EnvironmentRule["when"];
  whenText?: string;
  /** The environment named, `*`, or undefined for a rule on every category (`deploy: ["*"]`). */
  environment?: string;
}

/** The role's own (not inherited) `deploy` grants or denies that reach the environment at its level. */
export function deployRules(role: Role, kind: "grants" | "denies", environment: Environment): DeployRule[] {
  const onEnvironments = kind === "grants" ? role.environmentGrants : role.environmentDenies;
  const everywhere: Rule[] = (kind === "grants" ? role.grants : role.denies).filter((r) => r.action === "deploy" && r.category === "*");
  const rules: DeployRule[] = [
    ...onEnvironments.filter((r) => r.environment === "*" || r.environment === environment.name),
    ...everywhere.map((r) => ({ ...r, environment: undefined })),
  ];
  return rules.filter((r) => (kind === "grants" ? environment.level <= r.level : environment.level >= r.level));
}

function ruleText(rule: DeployRule, kind: "grants" | "denies"): string {
  const where = rule.environment === undefined ? "every category and environment" : rule.environment === "*" ? "every environment" : rule.environment;
  const bound = kind === "grants" ? (rule.level < 5 ? ` up to level ${rule.level}` : "") : rule.level > 0 ? ` from level ${rule.level}` : "";
  return `${rule.role} ${kind} deploy on ${where}${bound}${rule.whenText ? ` when ${rule.whenText}` : ""}`;
}

function environmentReason(environment: Environment): Reason {
  return reason("environment", `${environment.name} is an environment at level ${environment.level}`);
}

/** What conditions see for a deployment: the context's branch and clock, no labels, the deployer as author. */
function deploymentConditions(policy: Policy, context: ExplainContext, environment: Environment, deployer: string): ConditionContext {
  const ctx = judgeContext(policy, context);
  const place: ClassifiedFile = { path: "", status: "modified", categories: [], environments: [environment.name], level: environment.level, shape: -1 };
  const author = context.author ?? deployer;
  let authorRoles: Map<string, string> | undefined;
  return {
    ...conditionContext(ctx, place),
    authorHolds: (role) => (authorRoles ??= heldForDeployment(membershipsOf(author, ctx), environment, policy)).has(role),
  };
}

/**
 * May this user deploy to this environment of the policy? Allowed iff a role they hold for the
 * deployment (member scopes apply with the environment as the only one) grants `deploy` on it or
 * on every environment at its level, and no held role denies it there. Nobody may deploy where
 * nothing grants it. The reason chain says where the deployment goes, which roles the user holds
 * and how, and which grant allowed it or which deny beat it. An unresolved team means membership
 * cannot be known, so the answer is no.
 */
export function explainDeploy(policy: Policy, context: ExplainContext, user: string, environmentName: string): Explanation {
  const environment = policy.environments.find((e) => e.name === environmentName);
  if (!environment) {
    const known = policy.environments.map((e) => e.name).join(", ") || "none";
    return {
      allowed: false,
      reasons: [reason("environment", `the policy has no environment "${environmentName}" (its environments: ${known}): nobody may deploy there`)],
    };
  }
  const unresolved = unresolvedTeams(policy, context.teams);
  if (unresolved.length > 0) {
    return {
      allowed: false,
      reasons: unresolved.map((u) => reason("unresolved", `team @${u.team} could not be resolved (${u.why}): not allowed, since membership cannot be known`)),
    };
  }
  const held = heldForDeployment(membershipsOf(user, { policy, teams: context.teams, now: context.now }), environment, policy);
  const reasons: Reason[] = [environmentReason(environment)];
  if (held.size === 0) reasons.push(reason("no-role", `${user} holds no role for a deployment to ${environment.name}`));
  for (const [role, how] of held) reasons.push(reason("holds", `holds ${role} (${how})`));
  const roles = [...held.keys()].map((r) => policy.roles.get(r)!);
  const cond = deploymentConditions(policy, context, environment, user);

  let granted: DeployRule | undefined;
  let conditional: DeployRule | undefined;
  for (const g of roles.flatMap((r) => deployRules(r, "grants", environment))) {
    if (!g.when || holds(g.when, cond)) {
      granted = g;
      break;
    }
    conditional ??= g;
  }
  let allowed = granted !== undefined;
  if (granted) reasons.push(reason("grant", `${ruleText(granted, "grants")} (${environment.name} is level ${environment.level})`));
  else {
    const hint = conditional ? `; ${ruleText(conditional, "grants")}, but the condition does not hold` : "";
    reasons.push(reason("no-grant", `no held role grants deploy on ${environment.name} at level ${environment.level}${hint}`));
  }
  for (const d of roles.flatMap((r) => deployRules(r, "denies", environment))) {
    if (d.when && !holds(d.when, cond)) continue;
    allowed = false;
    reasons.push(reason("deny", `${ruleText(d, "denies")}: a deny beats every grant`));
  }
  return { allowed, reasons };
}

/**
 * May this user deploy to this GitHub environment? It is judged as the environment of the policy
 * it maps to (see `environmentForGitHub`); a GitHub environment the policy does not know is
 * refused, with the reason.
 */
export function explainGitHubDeploy(policy: Policy, context: ExplainContext, user: string, githubEnvironment: string): Explanation & { environment?: string } {
  const environment = environmentForGitHub(policy, githubEnvironment);
  if (!environment) {
    return {
      allowed: false,
      reasons: [reason("environment", `GitHub environment "${githubEnvironment}" is no environment of the policy: deployments there are refused`)],
    };
  }
  const explanation = explainDeploy(policy, context, user, environment.name);
  const mapped =
    environment.name === githubEnvironment
      ? []
      : [reason("environment", `GitHub environment "${githubEnvironment}" is the policy's environment ${environment.name}`)];
  return { ...explanation, environment: environment.name, reasons: [...mapped, ...explanation.reasons] };
}
