import { Classifier } from "../../core/classify.js";
import { decide, heldRoles, judgeContext, membershipsOf, unresolvedTeams } from "../../core/permissions.js";
import { stateFromFlags } from "../context.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import { extendsOptions, findPolicy, loadUsable } from "../policy-source.js";
import type { Parsed } from "../args.js";

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

  const classifier = new Classifier(policy);
  const file = { ...classifier.classifyPath(path, classifier.branchEnvironments(state.targetBranch)), status: "modified" as const };
  // When judging authorship, the user asking is the author unless --author says otherwise.
  const ctx = judgeContext(policy, { ...state, author: state.author ?? (action === "author" ? user : undefined) });
  const unresolved = unresolvedTeams(policy, state.teams);
  let allowed: boolean;
  let reasons: string[];
  if (unresolved.length > 0) {
    allowed = false;
    reasons = unresolved.map((u) => `team @${u.team} could not be resolved (${u.why}): not allowed, since membership cannot be known`);
  } else {
    const d = decide(heldRoles(membershipsOf(user, ctx), file, policy), action, file, ctx);
    allowed = d.allowed;
    reasons = [
      `${path} is in ${file.categories.join(", ")} at level ${file.level}${file.environments.length ? ` (${file.environments.join(", ")})` : ""}`,
      ...d.reasons,
    ];
    if (!d.reasons.some((r) => r.startsWith("holds "))) reasons.splice(1, 0, `${user} holds no role for this file`);
  }
  if (args.values.format === "json") io.stdout(JSON.stringify({ allowed, reasons }, null, 2) + "\n");
  else io.stdout(`${allowed ? "ALLOWED" : "NOT ALLOWED"}: ${user} ${action} ${path}\n${reasons.map((r) => `  - ${r}`).join("\n")}\n`);
  return allowed ? EXIT.ok : EXIT.notAllowed;
}
