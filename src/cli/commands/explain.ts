import { explainAction, isDeclaredAction, type Explanation } from "../../core/explain.js";
import { environmentForGitHub, explainDeploy, explainGitHubDeploy } from "../../core/explain-deploy.js";
import type { Policy } from "../../core/policy/types.js";
import type { Parsed } from "../args.js";
import { stateFromFlags } from "../context.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import { extendsOptions, findPolicy, loadUsable } from "../policy-source.js";

/** What `explain` is asked about: a path, or (for `deploy`) an environment. */
type Target = { kind: "path"; path: string } | { kind: "environment"; name: string };

function targetOf(v: Record<string, string | undefined>): Target {
  if (v.environment !== undefined) {
    if (v.path !== undefined) throw new InputError("give --path or --environment, not both");
    if (v.action !== "deploy") throw new InputError("--environment goes with --action deploy: only deployments go to environments");
    if (v.environment.trim() === "") throw new InputError("--environment needs a name");
    return { kind: "environment", name: v.environment.trim() };
  }
  if (!v.path) throw new InputError(v.action === "deploy" ? "explain needs --path, or --environment for a deployment" : "explain needs --path");
  return { kind: "path", path: v.path.replace(/^\//, "") };
}

/**
 * A deployment: the name is the policy's environment when one has it, else read as a GitHub
 * environment (see `github_environments`). A name that is neither is refused, with the reason.
 */
function explainDeployment(policy: Policy, state: ReturnType<typeof stateFromFlags>, user: string, name: string): Explanation {
  const own = policy.environments.some((e) => e.name === name);
  return own || !environmentForGitHub(policy, name) ? explainDeploy(policy, state, user, name) : explainGitHubDeploy(policy, state, user, name);
}

export async function runExplain(io: CliIo, args: Parsed): Promise<number> {
  const v = args.values as Record<string, string | undefined>;
  for (const flag of ["user", "action"]) if (!v[flag]) throw new InputError(`explain needs --${flag}`);
  const user = v.user!.replace(/^@/, "");
  const action = v.action!;
  const target = targetOf(v);
  const state = stateFromFlags(io.cwd, args.values);
  const source = findPolicy(io.cwd, args.positionals[0]);
  if (!source) throw new InputError("no policy file: expected .github/rolegate.yml (or .yaml) in this repository");
  const { policy } = await loadUsable(io.cwd, source, state.now, extendsOptions(args.values));
  if (!isDeclaredAction(policy, action)) {
    throw new InputError(
      `--action: "${action}" is not an action of this policy (author, approve, merge, deploy${policy.privileges.length ? `, ${policy.privileges.join(", ")}` : ""})`,
    );
  }
  const { allowed, reasons } =
    target.kind === "environment" ? explainDeployment(policy, state, user, target.name) : explainAction(policy, state, user, action, target.path);
  const texts = reasons.map((r) => r.text);
  const what = target.kind === "environment" ? `deploy to ${target.name}` : `${action} ${target.path}`;
  if (args.values.format === "json") io.stdout(`${JSON.stringify({ allowed, reasons: texts }, null, 2)}\n`);
  else io.stdout(`${allowed ? "ALLOWED" : "NOT ALLOWED"}: ${user} ${what}\n${texts.map((r) => `  - ${r}`).join("\n")}\n`);
  return allowed ? EXIT.ok : EXIT.notAllowed;
}
