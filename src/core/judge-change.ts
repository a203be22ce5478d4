import { judgeBreakGlass, type BreakGlassRequest } from "./break-glass.js";
import { classifierFor, type ClassifiedFile } from "./classify.js";
import { formatDiagnostic } from "./diagnostics.js";
import { diffPolicies } from "./diff.js";
import { evaluate } from "./evaluate.js";
import { POLICY_FILES, POLICY_TESTS_FILE } from "./names.js";
import { policyChanges } from "./policy-changes.js";
import { runPolicyTests } from "./policy-tests.js";
import { blockingDiagnostics, MEMBERSHIP_FINDINGS } from "./policy/lint.js";
import type { LoadedPolicy } from "./policy/load.js";
import type { Policy } from "./policy/types.js";
import type { ChangedFile, ChangeState } from "./state.js";
import { NEUTRAL_NOTE, verdictOf, type PolicyChangeReport, type PolicySource, type TestsReport, type Verdict } from "./verdict.js";

/** The base policy as the front end found it. */
export type BasePolicyInput =
  /** Neither the repository nor its organisation has a policy. */
  | { kind: "none" }
  /** It could not be read (an API failure, an unreadable blob): the change cannot be judged. */
  | { kind: "unreadable"; message: string }
  | { kind: "loaded"; source: PolicySource; loaded: LoadedPolicy };

/** What the change makes of the policy, read at its head. */
export type ProposedPolicy = { kind: "removed"; file: string } | { kind: "loaded"; file: string; loaded: LoadedPolicy };

/** Everything the pure core needs to judge one change; front ends only gather it. */
export interface JudgeInputs {
  base: BasePolicyInput;
  state: ChangeState;
  /** Problems met while gathering that prevent a full evaluation (e.g. a file list not read in full). */
  problems?: string[];
  /** Given when the change touches the policy (see `touchedPolicyFiles`). */
  proposed?: ProposedPolicy;
  /** The tests file at the change's head, when the change touches the policy or the tests and the file exists. */
  tests?: { file: string; text: string };
  /** More paths (e.g. the repository's tree) that show which files a policy change moves between categories. */
  examplePaths?: string[];
  /** What the front end wants people to know about what it judged (an assumed branch, files not judged). */
  notes?: string[];
  /** A break-glass request made on this change (`/rolegate break-glass REASON`, or the CLI's flags). */
  breakGlass?: BreakGlassRequest;
}

/** The paths a change counts: a rename under both its old and its new path. */
function countedPaths(files: readonly ChangedFile[]): string[] {
  return files.flatMap((f) => (f.previousPath !== undefined && f.previousPath !== f.path ? [f.previousPath, f.path] : [f.path]));
}

/** Which files that define the policy a change touches (a rename under both its names). */
export interface TouchedPolicyFiles {
  /**
   * The policy: with a base policy, any file in its built-in `policy` category (both names,
   * the tests file, in-repository parents, the file it was read from); without one, a policy
   * file by one of the default names or by `policyPath` (a policy where there was none).
   */
  policy: boolean;
  /** The policy tests file. */
  tests: boolean;
}

export function touchedPolicyFiles(base: Policy | undefined, files: readonly ChangedFile[], policyPath?: string): TouchedPolicyFiles {
  const paths = countedPaths(files);
  const tests = paths.includes(POLICY_TESTS_FILE);
  if (!base) return { policy: paths.some((p) => (POLICY_FILES as readonly string[]).includes(p) || p === policyPath), tests };
  const classifier = classifierFor(base);
  return { policy: paths.some((p) => classifier.classifyPath(p, []).categories.includes("policy")), tests };
}

/** The files as given, for verdicts that classify nothing. */
function unclassified(files: readonly ChangedFile[]): ClassifiedFile[] {
  return files.map((f) => ({ path: f.path, status: f.status, categories: [], environments: [], level: 0, shape: -1 }));
}

function testsReport(policy: Policy, tests: { file: string; text: string }, now: Date): TestsReport {
  const run = runPolicyTests(policy, tests.file, tests.text, now);
  return {
    file: tests.file,
    passed: run.results.filter((r) => r.passed).length,
    failures: run.results.filter((r) => !r.passed).map((r) => ({ name: r.name, diff: r.diff })),
    diagnostics: run.diagnostics,
  };
}

function testErrors(report: TestsReport | undefined): string[] {
  if (!report) return [];
  return [
    ...report.diagnostics.map((d) => `the policy tests file is invalid: ${formatDiagnostic(d)}`),
    ...report.failures.map((f) => `policy test "${f.name}" fails: ${f.diff.join("; ")}`),
  ];
}

/** What the proposed policy changes, compared with the one that judges (none when there is none). */
function proposedReport(base: Policy | undefined, proposed: ProposedPolicy, examples: string[], branch: string, state: ChangeState): PolicyChangeReport {
  if (proposed.kind === "removed") return { removed: true, permissions: [], changes: [], findings: [], invalid: false };
  const loaded = proposed.loaded;
  const invalid = !loaded.policy || blockingDiagnostics(loaded.diagnostics).length > 0;
  const after = loaded.policy;
  return {
    removed: false,
    permissions: base && after ? diffPolicies(base, after, state.now, state.teams) : [],
    changes: base && after ? policyChanges(base, after, examples, branch) : [],
    findings: loaded.diagnostics,
    invalid,
  };
}

function proposedErrors(report: PolicyChangeReport | undefined, proposed: ProposedPolicy | undefined): string[] {
  if (!report?.invalid || proposed?.kind !== "loaded") return [];
  const blocking = blockingDiagnostics(proposed.loaded.diagnostics);
  return blocking.length > 0 ? blocking.map((d) => `the proposed policy is invalid: ${formatDiagnostic(d)}`) : ["the proposed policy could not be loaded"];
}

/**
 * Judges one change, start to end: the neutral, invalid and error verdicts, the evaluation,
 * the policy-change report, the new policy's lint and tests, the conclusion and the title.
 * Pure: the same inputs always give the same verdict.
 */
export function judgeChange(inputs: JudgeInputs): Verdict {
  const { base, state } = inputs;
  const problems = inputs.problems ?? [];
  // Without a valid policy there is nothing a break-glass request could override: say so.
  const unjudgedBreakGlass =
    inputs.breakGlass && (base.kind !== "loaded" || !base.loaded.policy || blockingDiagnostics(base.loaded.diagnostics).length > 0)
      ? [
          `the break-glass request by @${inputs.breakGlass.by.replace(/^@/, "")} was not applied: ${
            base.kind === "none" ? "there is no policy to override" : "a policy that cannot be read or is invalid can never be overridden"
          }`,
        ]
      : [];
  const notes = [...(inputs.notes ?? []), ...unjudgedBreakGlass];
  const common = { headSha: state.headSha, targetBranch: state.targetBranch };

  if (base.kind === "unreadable") {
    return verdictOf({
      ...common,
      kind: "not-evaluated",
      diagnostics: [],
      files: unclassified(state.files),
      errors: [base.message, ...problems],
      warnings: [],
      notes,
    });
  }

  const examples = [...countedPaths(state.files), ...(inputs.examplePaths ?? [])];
  if (base.kind === "none") {
    // Nothing is enforced, but a policy the change brings is validated and its tests run.
    const policyChange = inputs.proposed ? proposedReport(undefined, inputs.proposed, examples, state.targetBranch, state) : undefined;
    const proposed = inputs.proposed?.kind === "loaded" ? inputs.proposed.loaded.policy : undefined;
    const tests = inputs.tests && proposed && !policyChange?.invalid ? testsReport(proposed, inputs.tests, state.now) : undefined;
    return verdictOf({
      ...common,
      kind: "no-policy",
      diagnostics: [],
      files: unclassified(state.files),
      errors: [...proposedErrors(policyChange, inputs.proposed), ...testErrors(tests)],
      warnings: [],
      notes: [...notes, NEUTRAL_NOTE],
      policyChange,
      tests,
    });
  }

  const { source, loaded } = base;
  const policy = loaded.policy;
  const blocking = blockingDiagnostics(loaded.diagnostics);
  if (!policy || blocking.length > 0) {
    return verdictOf({
      ...common,
      kind: "invalid-policy",
      source,
      diagnostics: blocking.length > 0 ? blocking : loaded.diagnostics,
      files: unclassified(state.files),
      errors: [],
      warnings: [],
      notes,
    });
  }

  const result = evaluate(policy, state);
  const policyChange = inputs.proposed ? proposedReport(policy, inputs.proposed, examples, state.targetBranch, state) : undefined;
  if (policyChange?.removed) result.warnings.push("this change removes the policy file: once merged, nothing is enforced");
  // The tests must keep passing against the policy the change brings (the base one when it brings none).
  const proposed = inputs.proposed?.kind === "loaded" && !policyChange?.invalid ? inputs.proposed.loaded.policy : undefined;
  const tests = inputs.tests ? testsReport(proposed ?? policy, inputs.tests, state.now) : undefined;
  const membership = loaded.diagnostics.filter((d) => d.severity === "warning" || MEMBERSHIP_FINDINGS.has(d.code));
  if (tests && tests.failures.length === 0 && tests.diagnostics.length === 0) result.warnings.push(`all ${tests.passed} policy tests pass`);
  const errors = [...problems, ...result.errors, ...proposedErrors(policyChange, inputs.proposed), ...testErrors(tests)];
  const breakGlass = inputs.breakGlass
    ? judgeBreakGlass(policy, result, inputs.breakGlass, { teams: state.teams, now: state.now, errors, headSha: state.headSha })
    : undefined;
  const judged = breakGlass && breakGlass.violations.length > 0 ? { ...result, violations: [...result.violations, ...breakGlass.violations] } : result;
  return verdictOf({
    ...common,
    kind: "evaluated",
    source,
    policy,
    diagnostics: membership,
    files: result.files,
    result: judged,
    errors,
    warnings: [...result.warnings, ...membership.map(formatDiagnostic)],
    notes: [...notes, ...(breakGlass?.notes ?? [])],
    policyChange,
    tests,
    ...(breakGlass?.override ? { override: breakGlass.override } : {}),
  });
}
