import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatDiagnostic } from "../core/diagnostics.js";
import { ORG_POLICY_FILE, ORG_POLICY_REPO, POLICY_FILES } from "../core/names.js";
import { loadComposed, type ExtendsRef, type ParentReader } from "../core/policy/compose.js";
import { blockingDiagnostics } from "../core/policy/lint.js";
import { twoPolicyFiles, type LoadedPolicy } from "../core/policy/load.js";
import { presetNames, unknownPresetMessage } from "../core/policy/presets.js";
import type { Policy } from "../core/policy/types.js";
import { repoRoot, showFile } from "./git.js";
import { InputError } from "./io.js";

export interface PolicySource {
  file: string;
  text: string;
  /** The revision it was read at; undefined for the working tree or a file given as POLICY. */
  revision?: string;
  /** Read from the organisation's `.github` repository (under --extends-root). */
  fromOrg?: boolean;
}

/** A repository's policy file at a revision (or in the working tree): one of the two names, never both. */
function policyIn(root: string, rev: string | undefined): PolicySource | undefined {
  const found: PolicySource[] = [];
  for (const name of POLICY_FILES) {
    const text = rev !== undefined ? showFile(root, rev, name) : existsSync(join(root, name)) ? readFileSync(join(root, name), "utf8") : undefined;
    if (text !== undefined) found.push({ file: name, text, revision: rev });
  }
  if (found.length > 1) throw new InputError(formatDiagnostic(twoPolicyFiles(found[0]!.file, found[1]!.file)));
  return found[0];
}

/**
 * The policy a command uses: the POLICY argument, else the repository's policy file, read
 * from `rev` when given (as the app reads the base branch) or from the working tree.
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
  return policyIn(repoRoot(cwd), rev);
}

/** The policy at another revision of the same repository (a change's head), if it has one. */
export function policyAtRevision(cwd: string, rev: string | undefined): PolicySource | undefined {
  return policyIn(repoRoot(cwd), rev);
}

export interface ExtendsOptions {
  /** Folder holding local checkouts as OWNER/REPO/..., for `OWNER/REPO:PATH` and `.github` parents. */
  extendsRoot?: string;
  /** OWNER/REPO of the repository being judged (for `.github`, and in-repository parents). */
  repo?: string;
}

/** The organisation default offline: `DIR/OWNER/.github/.github/rolegate.yml` under --extends-root, with --repo. */
export function findOrgDefault(cwd: string, opts: ExtendsOptions): PolicySource | undefined {
  if (!opts.extendsRoot || !opts.repo) return undefined;
  const [owner, name] = opts.repo.split("/") as [string, string];
  if (name.toLowerCase() === ORG_POLICY_REPO) return undefined;
  const path = join(resolve(cwd, opts.extendsRoot), owner, ORG_POLICY_REPO, ORG_POLICY_FILE);
  if (!existsSync(path)) return undefined;
  return { file: `${owner}/${ORG_POLICY_REPO}:${ORG_POLICY_FILE}`, text: readFileSync(path, "utf8"), fromOrg: true };
}

const PRESETS = fileURLToPath(new URL("../../policies/", import.meta.url));

/**
 * Reads parents offline: presets from the package; this repository's own files at the same
 * revision as the policy (or the working tree); other repositories from --extends-root.
 */
export function localParentReader(cwd: string, opts: ExtendsOptions, revision?: string): ParentReader {
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
    if (ref.kind === "repo" && opts.repo && `${ref.owner}/${ref.repo}`.toLowerCase() === opts.repo.toLowerCase()) {
      const root = repoRoot(cwd);
      if (revision === undefined) return read(join(root, ref.path), ref.path);
      const text = showFile(root, revision, ref.path);
      return text === undefined ? { error: `no ${ref.path} at ${revision}` } : { file: ref.path, text };
    }
    if (!opts.extendsRoot) return { error: "offline, a parent in another repository needs --extends-root DIR holding OWNER/REPO checkouts" };
    const root = resolve(cwd, opts.extendsRoot);
    if (ref.kind === "repo") return read(join(root, ref.owner, ref.repo, ref.path), `${ref.owner}/${ref.repo}:${ref.path}`);
    const owner = ref.key.split("/")[0]!;
    return read(join(root, owner, ORG_POLICY_REPO, ORG_POLICY_FILE), `${owner}/${ORG_POLICY_REPO}:${ORG_POLICY_FILE}`);
  };
}

export function extendsOptions(values: Record<string, unknown>): ExtendsOptions {
  const repo = values.repo as string | undefined;
  if (repo !== undefined && !/^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9_.-]+$/.test(repo)) throw new InputError(`--repo: "${repo}" is not OWNER/REPO`);
  return { extendsRoot: values["extends-root"] as string | undefined, repo };
}

/**
 * Loads a policy with its `extends` chain, as every command sees it. Under --extends-root with
 * --repo, the organisation default binds it too when it says `enforce: true` (the baseline);
 * `baseline` then names that file.
 */
export async function loadWithParents(cwd: string, source: PolicySource, now: Date, opts: ExtendsOptions): Promise<LoadedPolicy & { baseline?: string }> {
  const [owner, repo] = opts.repo?.split("/") ?? [];
  const baseline = source.fromOrg ? undefined : findOrgDefault(cwd, opts);
  return loadComposed(source, localParentReader(cwd, opts, source.revision), now, { owner, repo, ...(baseline ? { baseline } : {}) });
}

/** Loads a policy for a command that evaluates with it; any blocking error is bad input (exit 2). */
export async function loadUsable(cwd: string, source: PolicySource, now: Date, opts: ExtendsOptions): Promise<{ policy: Policy; loaded: LoadedPolicy }> {
  const loaded = await loadWithParents(cwd, source, now, opts);
  const errors = blockingDiagnostics(loaded.diagnostics);
  if (!loaded.policy || errors.length > 0) {
    throw new InputError(`invalid policy ${source.file}`, (errors.length > 0 ? errors : loaded.diagnostics).map(formatDiagnostic));
  }
  return { policy: loaded.policy, loaded };
}
