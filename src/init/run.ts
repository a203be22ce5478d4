import { formatDiagnostic, hasErrors, type Diagnostic } from "../core/diagnostics.js";
import { POLICY_FILES as POLICY_CANDIDATES, POLICY_TESTS_FILE } from "../core/names.js";
import { runPolicyTests } from "../core/policy-tests.js";
import { InputError } from "../cli/io.js";
import { loadWithParents } from "../cli/policy-source.js";
import { findCodeowners } from "./codeowners.js";
import { proposePolicy, type PolicyProposal } from "./policy.js";
import { DEFAULT_PRESET, readPreset } from "./presets.js";
import { proposeTests, type TestsProposal } from "./tests-file.js";
import { readRepositoryTree } from "./tree.js";

/** Where `rolegate init` writes. */
export const INIT_POLICY_FILE = POLICY_CANDIDATES[0];
export const INIT_TESTS_FILE = POLICY_TESTS_FILE;

export interface InitResult {
  policy: PolicyProposal;
  tests: TestsProposal;
  preset: string;
  /** `rolegate validate` on the proposed policy: warnings only (an error stops init). */
  warnings: Diagnostic[];
  /** How many cases `rolegate test` ran, all passing (a failure stops init). */
  passed: number;
}

/**
 * Proposes the policy and its tests for the repository at `root`, then checks both as
 * `rolegate validate` and `rolegate test` would. A proposal that fails either is never handed
 * out: that would be a bug in init or a preset, reported as such (exit 2, nothing written).
 */
export async function proposeInit(root: string, presetName: string | undefined, now: Date): Promise<InitResult> {
  const preset = await readPreset(presetName ?? DEFAULT_PRESET);
  const scanPreset = preset.name === DEFAULT_PRESET ? preset : await readPreset(DEFAULT_PRESET);
  const tree = readRepositoryTree(root);
  const codeowners = findCodeowners(root);
  const today = now.toISOString().slice(0, 10);
  const policy = proposePolicy({ preset, scanPreset, tree, ...(codeowners ? { codeowners } : {}), today });

  const loaded = await loadWithParents(root, { file: INIT_POLICY_FILE, text: policy.text }, now, {});
  if (!loaded.policy || hasErrors(loaded.diagnostics)) {
    throw new InputError(
      `the proposed policy does not validate, so nothing was written (please report this with the preset "${preset.name}")`,
      loaded.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic),
    );
  }
  const tests = proposeTests(loaded.policy, tree.files, now, today);
  const run = runPolicyTests(loaded.policy, INIT_TESTS_FILE, tests.text, now);
  const failed = run.results.filter((r) => !r.passed);
  if (run.diagnostics.length > 0 || failed.length > 0) {
    throw new InputError("the proposed policy tests do not pass, so nothing was written (please report this)", [
      ...run.diagnostics.map(formatDiagnostic),
      ...failed.flatMap((r) => [`FAIL ${r.name}`, ...r.diff.map((d) => `     ${d}`)]),
    ]);
  }
  return { policy, tests, preset: preset.name, warnings: loaded.diagnostics, passed: run.results.length };
}
