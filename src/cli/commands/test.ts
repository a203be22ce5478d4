import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatDiagnostic } from "../../core/diagnostics.js";
import { POLICY_TESTS_FILE, runPolicyTests } from "../../core/policy-tests.js";
import { parseNow } from "../context.js";
import { repoRoot } from "../git.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import { extendsOptions, findPolicy, loadUsable } from "../policy-source.js";
import type { Parsed } from "../args.js";

/** `rolegate test [TESTS_FILE] [POLICY]`: exit 0 when every case passes, 1 when any fails, 2 on bad input. */
export async function runTest(io: CliIo, args: Parsed): Promise<number> {
  const [testsArg, policyArg] = args.positionals;
  const testsPath = testsArg ?? join(repoRoot(io.cwd), POLICY_TESTS_FILE);
  const display = testsArg ?? POLICY_TESTS_FILE;
  if (!existsSync(resolve(io.cwd, testsPath))) throw new InputError(`${display}:1:1: error: no policy tests file`);
  const text = readFileSync(resolve(io.cwd, testsPath), "utf8");
  const now = parseNow(args.values.now as string | undefined);
  const source = findPolicy(io.cwd, policyArg);
  if (!source) throw new InputError("no policy file: expected .github/rolegate.yml (or .yaml) in this repository");
  const { policy } = await loadUsable(io.cwd, source, now, extendsOptions(args.values));
  const run = runPolicyTests(policy, display, text, now);
  if (run.diagnostics.length > 0) throw new InputError(`invalid policy tests ${display}`, run.diagnostics.map(formatDiagnostic));
  const failed = run.results.filter((r) => !r.passed);
  if (args.values.format === "json")
    io.stdout(JSON.stringify({ passed: run.results.length - failed.length, failed: failed.length, results: run.results }, null, 2) + "\n");
  else {
    for (const r of run.results) {
      io.stdout(`${r.passed ? "PASS" : "FAIL"} ${r.name}\n`);
      for (const d of r.diff) io.stdout(`     ${d}\n`);
    }
    io.stdout(`${run.results.length - failed.length} passed, ${failed.length} failed\n`);
  }
  return failed.length === 0 ? EXIT.ok : EXIT.notAllowed;
}
