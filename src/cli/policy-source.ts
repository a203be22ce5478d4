import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatDiagnostic, hasErrors, type Diagnostic } from "../core/diagnostics.js";
import { loadComposed, type ExtendsRef, type ParentReader } from "../core/policy/compose.js";
import { twoPolicyFiles, type LoadedPolicy } from "../core/policy/load.js";
import { MEMBERSHIP_FINDINGS } from "../core/policy/lint.js";
import { presetNames, unknownPresetMessage } from "../core/policy/presets.js";
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

export interface ExtendsOptions {
  /** Folder holding local checkouts as OWNER/REPO/..., for `OWNER/REPO:PATH` and `.github` parents. */
  extendsRoot?: string;
  /** OWNER/REPO of the repository being judged (for `.github`, and in-repository parents). */
  repo?: string;
}

const PRESETS = fileURLToPath(new URL("../../policies/", import.meta.url));

/** Reads parents offline: presets from the package, other repositories from --extends-root. */
export function localParentReader(cwd: string, opts: ExtendsOptions): ParentReader {
  const read = (path: string, display: string) => {
    try {
      return { file: display, text: readFileSync(path, "utf8") };
    } catch (e) {
      return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
    }
  };
  const readPreset = (name: string) => {
    const found = read(join(PRESETS, `${name}.yml`), `preset:${name}`);
    if (!("error" in found) || found.error !== "ENOENT") return found;
    const presets = presetNames(() => readdirSync(PRESETS));
    return { error: unknownPresetMessage(name, presets) };
  };
  return async (ref: ExtendsRef) => {
    if (ref.kind === "preset") return readPreset(ref.name);
    if (!opts.extendsRoot) return { error: "offline, a parent in another repository needs --extends-root DIR holding OWNER/REPO checkouts" };
    const root = resolve(cwd, opts.extendsRoot);
    if (ref.kind === "repo") return read(join(root, ref.owner, ref.repo, ref.path), `${ref.owner}/${ref.repo}:${ref.path}`);
    const owner = ref.key.split("/")[0]!;
    return read(join(root, owner, ".github", ".github", "rolegate.yml"), `${owner}/.github:.github/rolegate.yml`);
  };
}

export function extendsOptions(values: Record<string, unknown>): ExtendsOptions {
  const repo = values.repo as string | undefined;
  if (repo !== undefined && !/^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9_.-]+$/.test(repo)) throw new InputError(`--repo: "${repo}" is not OWNER/REPO`);
  return { extendsRoot: values["extends-root"] as string | undefined, repo };
}

/** Loads a policy with its `extends` chain, as every command sees it. */
export async function loadWithParents(cwd: string, source: PolicySource, now: Date, opts: ExtendsOptions): Promise<LoadedPolicy> {
  const [owner, repo] = opts.repo?.split("/") ?? [];
  return loadComposed(source, localParentReader(cwd, opts), now, { owner, repo });
}

/** Loads a policy for a command that evaluates with it; any blocking error is bad input (exit 2). */
export async function loadUsable(cwd: string, source: PolicySource, now: Date, opts: ExtendsOptions): Promise<{ policy: Policy; loaded: LoadedPolicy }> {
  const loaded = await loadWithParents(cwd, source, now, opts);
  const errors = blockingErrors(loaded.diagnostics);
  if (!loaded.policy || errors.length > 0 || (hasErrors(loaded.diagnostics) && !loaded.policy)) {
    throw new InputError(`invalid policy ${source.file}`, (errors.length > 0 ? errors : loaded.diagnostics).map(formatDiagnostic));
  }
  return { policy: loaded.policy, loaded };
}
