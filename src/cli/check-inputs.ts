import type { BreakGlassRequest } from "../core/break-glass.js";
import { touchedPolicyFiles, type BasePolicyInput, type JudgeInputs, type ProposedPolicy } from "../core/judge-change.js";
import { POLICY_TESTS_FILE } from "../core/names.js";
import type { ChangedFile } from "../core/state.js";
import type { Parsed } from "./args.js";
import { stateFromFlags } from "./context.js";
import { branchOf, changedFiles, repoRoot, showFile, treePaths, uncommittedFiles, verifyRevision } from "./git.js";
import { InputError } from "./io.js";
import { extendsOptions, findOrgDefault, findPolicy, loadWithParents, policyAtRevision, type PolicySource } from "./policy-source.js";
import { withUnresolvedTeams } from "./teams.js";
import { plural } from "../core/words.js";

/** The change `check` judges: from git (`--base`/`--head`) or a list of paths (`--files`). */
interface LocalChange {
  files: ChangedFile[];
  base?: string;
  head?: string;
  /** The branch `--base` names, if it names one: the change's target branch. */
  baseBranch?: string;
  /** The branch `--head` names, if it names one: the change's source branch. */
  headBranch?: string;
}

function localChange(cwd: string, v: Record<string, string | undefined>): LocalChange {
  if (v.base !== undefined) {
    if (v.files !== undefined) throw new InputError("give either --base or --files, not both");
    const base = verifyRevision(cwd, v.base);
    const head = verifyRevision(cwd, v.head ?? "HEAD");
    const headBranch = v.head === undefined ? undefined : branchOf(cwd, v.head);
    return { files: changedFiles(cwd, base, head), base, head, baseBranch: branchOf(cwd, v.base), headBranch };
  }
  if (v.files !== undefined) {
    if (v.head !== undefined) throw new InputError("--head needs --base");
    const files = v.files
      .split(",")
      .map((p) => p.trim().replace(/^\//, ""))
      .filter(Boolean)
      .map((path) => ({ path, status: "modified" as const }));
    return { files };
  }
  throw new InputError("check needs the change: --base REV [--head REV], or --files P1,P2,...");
}

const short = (rev: string) => rev.slice(0, 12);

/** `--break-glass-by LOGIN --reason TEXT`: the break-glass command offline, made at the clock's time. */
function breakGlassRequest(v: Record<string, string | undefined>, now: Date): BreakGlassRequest | undefined {
  const by = v["break-glass-by"];
  const reason = v.reason;
  if (by === undefined && reason === undefined) return undefined;
  if (by === undefined) throw new InputError("--reason goes with --break-glass-by LOGIN");
  if (reason === undefined) throw new InputError("--break-glass-by needs --reason TEXT: why the glass is broken");
  const login = by.trim().replace(/^@/, "");
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\[bot\])?$/.test(login)) throw new InputError(`--break-glass-by: "${by}" is not a GitHub login`);
  return { by: login, reason, at: now };
}

/**
 * Gathers what `rolegate check` judges, as the App gathers a pull request: the policy at the
 * base revision (or the working tree, or POLICY), the organisation default under
 * --extends-root when the repository has none, the policy and tests the change brings, and
 * notes on what was not judged.
 */
export async function gatherCheck(cwd: string, args: Parsed): Promise<JudgeInputs> {
  const v = args.values as Record<string, string | undefined>;
  const change = localChange(cwd, v);
  const policyArg = args.positionals[0];
  const opts = extendsOptions(args.values);
  const git = change.base !== undefined && change.head !== undefined ? { base: change.base, head: change.head, headBranch: change.headBranch } : undefined;
  const flags = stateFromFlags(cwd, args.values, change.baseBranch, git);
  const notes: string[] = [];
  if (v["target-branch"] === undefined && change.baseBranch === undefined)
    notes.push(`target branch assumed to be ${flags.targetBranch} (pass --target-branch, or a branch as --base)`);

  const repoPolicy = findPolicy(cwd, policyArg, policyArg === undefined ? change.base : undefined);
  const source: PolicySource | undefined = repoPolicy ?? (policyArg === undefined ? findOrgDefault(cwd, opts) : undefined);
  let base: BasePolicyInput = { kind: "none" };
  if (source) {
    const loaded = await loadWithParents(cwd, source, flags.now, opts);
    if (loaded.policy) withUnresolvedTeams(flags.teams, loaded.policy.teams, v.teams);
    if (loaded.baseline) notes.push(`judged under the enforced organisation baseline ${loaded.baseline} (enforce: true), whose locked keys bind this policy`);
    const revision = source.revision === undefined ? (source.fromOrg ? undefined : "the working tree") : (change.baseBranch ?? short(source.revision));
    base = { kind: "loaded", source: { file: source.file, fromOrg: source.fromOrg ?? false, ...(revision ? { revision } : {}) }, loaded };
  }

  const basePolicy = base.kind === "loaded" ? base.loaded.policy : undefined;
  const inputs: JudgeInputs = { base, state: { ...flags, files: change.files, filesComplete: true, headSha: change.head } };
  const breakGlass = breakGlassRequest(v, flags.now);
  if (breakGlass) inputs.breakGlass = breakGlass;
  if (change.base !== undefined && change.head !== undefined && policyArg === undefined) {
    const head = change.head;
    if (!repoPolicy) {
      const there = policyAtRevision(cwd, head) ?? policyAtRevision(cwd, undefined);
      if (there) {
        notes.push(
          `the base revision ${short(change.base)} has no policy, but ${there.revision ? `the head ${short(head)}` : "the working tree"} has ${there.file}: a change is judged by the policy at its base, as the App judges a pull request by its base branch; to judge with that one, pass it: rolegate check ${there.file} --base …`,
        );
      }
    }
    const touched = touchedPolicyFiles(basePolicy, change.files);
    if (touched.policy) {
      const proposed = policyAtRevision(cwd, head);
      inputs.proposed = proposed
        ? ({ kind: "loaded", file: proposed.file, loaded: await loadWithParents(cwd, proposed, flags.now, opts) } satisfies ProposedPolicy)
        : { kind: "removed", file: source?.file ?? ".github/rolegate.yml" };
      inputs.examplePaths = treePaths(cwd, head);
    }
    if (touched.policy || touched.tests) {
      const text = showFile(repoRoot(cwd), head, POLICY_TESTS_FILE);
      if (text !== undefined) inputs.tests = { file: POLICY_TESTS_FILE, text };
    }
    if (v.head === undefined) {
      const pending = uncommittedFiles(cwd);
      if (pending.length > 0) {
        notes.push(
          `${plural(pending.length, "uncommitted change")} to tracked files ${pending.length === 1 ? "is" : "are"} not judged (${pending.slice(0, 5).join(", ")}${pending.length > 5 ? ", …" : ""}): commit them, or pass --files`,
        );
      }
    }
  }
  inputs.notes = notes;
  return inputs;
}
