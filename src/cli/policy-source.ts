import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatDiagnostic, hasErrors, type Diagnostic } from "../core/diagnostics.js";
import { loadPolicy, twoPolicyFiles, type LoadedPolicy } from "../core/policy/load.js";
import { MEMBERSHIP_FINDINGS } from "../core/policy/lint.js";
import type { Policy } from "../core/policy/types.js";
import { repoRoot, showFile } from "./git.js";
import { InputError } from "./io.js";

export const POLICY_CANDIDATES = [".github/rolegate.yml", ".github/rolegate.yaml"] as const;

export interface PolicySource {
  file: string;
  text: string;
}

/**
 * The policy a command uses: the POLICY argument, else the repository's policy file,
 * read from `rev` when given (as the app reads the base branch) or from the working tree.
 * Undefined when the repository has none.
 */
export function findPolicy(cwd: string, policyArg: string | undefined, rev?: string): PolicySource | undefined {
  if (policyArg !== undefined) {
    try {
      return { file: policyArg, text: readFileSync(resolve(cwd, policyArg), "utf8") };
    } catch (e) {
      throw new InputError(`${policyArg}:1:1: error: cannot read policy file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const root = repoRoot(cwd);
  const found: PolicySource[] = [];
  for (const name of POLICY_CANDIDATES) {
    const text = rev !== undefined ? showFile(root, rev, name) : existsSync(join(root, name)) ? readFileSync(join(root, name), "utf8") : undefined;
    if (text !== undefined) found.push({ file: name, text });
  }
  if (found.length > 1) throw new InputError(formatDiagnostic(twoPolicyFiles(found[0]!.file, found[1]!.file)));
  return found[0];
}

/** Errors that stop `check`, `explain`, `matrix` and `diff`; membership findings are only warnings there. */
export function blockingErrors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === "error" && !MEMBERSHIP_FINDINGS.has(d.code));
}

/** Loads a policy for a command that evaluates with it; any blocking error is bad input (exit 2). */
export function loadUsable(source: PolicySource, now: Date): { policy: Policy; loaded: LoadedPolicy } {
  const loaded = loadPolicy(source.file, source.text, now);
  const errors = blockingErrors(loaded.diagnostics);
  if (!loaded.policy || errors.length > 0 || (hasErrors(loaded.diagnostics) && !loaded.policy)) {
    throw new InputError(`invalid policy ${source.file}`, (errors.length > 0 ? errors : loaded.diagnostics).map(formatDiagnostic));
  }
  return { policy: loaded.policy, loaded };
}
