import { formatDiagnostic } from "../core/diagnostics.js";
import { INIT_POLICY_FILE, INIT_TESTS_FILE, type InitResult } from "./run.js";
import { plural } from "../core/words.js";

/** What `rolegate init` proposed, in a few lines, and what to do next. */
export function initSummary(result: InitResult, written: boolean): string {
  const { policy, tests } = result;
  const out: string[] = [
    written
      ? `rolegate init: wrote ${INIT_POLICY_FILE} and ${INIT_TESTS_FILE} (roles from preset:${result.preset})`
      : `rolegate init --dry-run: nothing written; the proposed ${INIT_POLICY_FILE} and ${INIT_TESTS_FILE} are on stdout (roles from preset:${result.preset})`,
    "",
  ];
  const width = Math.max(0, ...policy.categories.map((c) => c.name.length), ...policy.environments.map((e) => e.name.length));
  out.push("Categories (only the kinds of file this tree has):");
  if (policy.categories.length === 0) out.push("  none: every file is in `other`");
  for (const c of policy.categories) out.push(`  ${c.name.padEnd(width)}  ${c.globs.map((g) => `${g.glob} (${plural(g.files, "file")})`).join(", ")}`);
  out.push("Environments (from folder names):");
  if (policy.environments.length === 0) out.push("  none found");
  for (const e of policy.environments) {
    const where = [...e.paths.map((p) => p.glob), ...(e.branches ?? []).map((b) => `pull requests into ${b}`)].join(", ");
    out.push(`  ${e.name.padEnd(width)}  level ${e.level}  ${where}${e.guessed ? `  (${e.guessed})` : ""}`);
  }
  if (policy.owners) {
    const roles = policy.owners.roles.items.length;
    const reqs = policy.owners.require.items.length;
    out.push(
      `CODEOWNERS (${policy.owners.file}): ${plural(roles, "role")} and ${plural(reqs, "requirement")} from its owners, never looser than CODEOWNERS` +
        (policy.owners.stricter > 0 ? `; ${plural(policy.owners.stricter, "place")} where the policy asks for more (see its comments)` : ""),
    );
  }
  if (policy.leftOut.length > 0) {
    out.push(`Left out of preset:${result.preset} (nothing in this tree for them):`);
    for (const l of policy.leftOut) out.push(`  ${l}`);
  }
  out.push(`validate: valid${result.warnings.length > 0 ? ` (${plural(result.warnings.length, "warning")})` : ""}`);
  for (const w of result.warnings) out.push(`  ${formatDiagnostic(w)}`);
  out.push(`test: ${plural(result.passed, "case")} passed`);
  for (const s of tests.skipped) out.push(`  no case for ${s}`);
  out.push(
    "",
    "Next:",
    `  1. Replace the placeholder teams and logins ("@your-org/...", "your-...") in ${INIT_POLICY_FILE},`,
    `     and the example team members in the teams: map of ${INIT_TESTS_FILE}.`,
    "  2. rolegate validate                      schema and lint",
    "  3. rolegate test                          the cases still pass",
    "  4. rolegate check --base main --teams teams.yml --author LOGIN --approved-by LOGIN",
    "                                            judge your branch as the app would",
    `  5. git add ${INIT_POLICY_FILE} ${INIT_TESTS_FILE} && git commit`,
    "  6. Install the rolegate GitHub App (docs/app.md) or add the Action (docs/action.md), and make",
    "     the rolegate check required in your branch protection.",
  );
  if (!written) out.push("", "Run `rolegate init` without --dry-run to write the two files.");
  return out.join("\n") + "\n";
}
