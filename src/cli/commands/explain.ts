import { explainAction, isDeclaredAction } from "../../core/explain.js";
import type { Parsed } from "../args.js";
import { stateFromFlags } from "../context.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import { extendsOptions, findPolicy, loadUsable } from "../policy-source.js";

export async function runExplain(io: CliIo, args: Parsed): Promise<number> {
  const v = args.values as Record<string, string | undefined>;
  for (const flag of ["user", "action", "path"]) if (!v[flag]) throw new InputError(`explain needs --${flag}`);
  const user = v.user!.replace(/^@/, "");
  const action = v.action!;
  const path = v.path!.replace(/^\//, "");
  const state = stateFromFlags(io.cwd, args.values);
  const source = findPolicy(io.cwd, args.positionals[0]);
  if (!source) throw new InputError("no policy file: expected .github/rolegate.yml (or .yaml) in this repository");
  const { policy } = await loadUsable(io.cwd, source, state.now, extendsOptions(args.values));
  if (!isDeclaredAction(policy, action)) {
    throw new InputError(
      `--action: "${action}" is not an action of this policy (author, approve, merge, deploy${policy.privileges.length ? `, ${policy.privileges.join(", ")}` : ""})`,
    );
  }
  const { allowed, reasons } = explainAction(policy, state, user, action, path);
  const texts = reasons.map((r) => r.text);
  if (args.values.format === "json") io.stdout(`${JSON.stringify({ allowed, reasons: texts }, null, 2)}\n`);
  else io.stdout(`${allowed ? "ALLOWED" : "NOT ALLOWED"}: ${user} ${action} ${path}\n${texts.map((r) => `  - ${r}`).join("\n")}\n`);
  return allowed ? EXIT.ok : EXIT.notAllowed;
}
