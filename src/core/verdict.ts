import { BREAK_GLASS_ACTION, type Override } from "./break-glass.js";
import type { ClassifiedFile } from "./classify.js";
import type { Diagnostic } from "./diagnostics.js";
import type { PermissionChange } from "./diff.js";
import type { Conclusion, Result } from "./evaluate.js";
import type { PolicyChange } from "./policy-changes.js";
import type { Policy } from "./policy/types.js";
import { plural } from "./words.js";

/** What kind of answer a verdict is. */
export type VerdictKind =
  /** The change was judged by a valid policy. */
  | "evaluated"
  /** Neither the repository nor its organisation has a policy. */
  | "no-policy"
  /** The policy that must judge the change has errors. */
  | "invalid-policy"
  /** The change could not be judged at all (an API failure, an unreadable input). */
  | "not-evaluated"
  /** Several pull requests judged together (a merge queue's group). */
  | "merge-group";

/** Where the judging policy came from. */
export interface PolicySource {
  /** `.github/rolegate.yml`, or `acme/.github:.github/rolegate.yml` for an organisation default. */
  file: string;
  /** The policy's blob SHA, when known (audit trails name it). */
  sha?: string;
  /** The revision it was read at, for people: a branch, or a commit. */
  revision?: string;
  fromOrg: boolean;
}

/** What a change to the policy would do, besides being judged by the current one. */
export interface PolicyChangeReport {
  /** The change deletes the policy file: once merged, nothing is enforced. */
  removed: boolean;
  /** Who gains or loses which action on which category and level. */
  permissions: PermissionChange[];
  /** Categories, environments, requirements, options… that change, each weakening, strengthening or reshaping. */
  changes: PolicyChange[];
  /** The new policy's own lint findings. */
  findings: Diagnostic[];
  /** The new policy has errors that block the change. */
  invalid: boolean;
}

/** The outcome of the policy tests a change had to keep passing. */
export interface TestsReport {
  file: string;
  passed: number;
  failures: { name: string; diff: string[] }[];
  /** The tests file itself is invalid. */
  diagnostics: Diagnostic[];
}

/**
 * The one answer for a change, whichever front end asked: data only. Markdown, terminal text,
 * JSON, annotations and job summaries are rendered from it at the edge.
 */
export interface Verdict {
  kind: VerdictKind;
  conclusion: Conclusion;
  title: string;
  /** The commit the verdict is about (the pull request's head, or a merge group's head). */
  headSha?: string;
  targetBranch?: string;
  source?: PolicySource;
  /** The policy that judged the change (for the permission matrix). */
  policy?: Policy;
  /** Findings about the judging policy: its errors when invalid, else the warnings a check shows. */
  diagnostics: Diagnostic[];
  /** Every counted path: classified when evaluated, as given otherwise. */
  files: ClassifiedFile[];
  /** The evaluation, when one was made. */
  result?: Result;
  /** Why the change could not be fully judged, or what fails besides the evaluation. Any error means `failure`. */
  errors: string[];
  warnings: string[];
  /** Plain information for people (what `neutral` means on GitHub, where a policy could be found). */
  notes: string[];
  policyChange?: PolicyChangeReport;
  tests?: TestsReport;
  /** A merge group's pull requests, each with its own verdict. */
  members?: { number: number; verdict: Verdict }[];
  /** Break glass: set only when an override took effect (who, when, why, which requirements). */
  override?: Override;
}

/** GitHub counts a neutral check as passing: said wherever rolegate answers `neutral`. */
export const NEUTRAL_NOTE = "GitHub counts a neutral check as passing: nothing is enforced until a policy is merged.";

/** The parts of a verdict its conclusion and title follow from. */
type Decidable = Pick<Verdict, "kind" | "result" | "errors" | "policyChange" | "tests" | "members" | "override">;

/** The one place a conclusion is decided. */
export function concludeVerdict(v: Decidable): Conclusion {
  if (v.errors.length > 0) return "failure";
  switch (v.kind) {
    case "no-policy":
      return "neutral";
    case "invalid-policy":
    case "not-evaluated":
      return "failure";
    case "merge-group": {
      const list = (v.members ?? []).map((m) => m.verdict.conclusion);
      if (list.length === 0 || list.some((c) => c !== "success" && c !== "neutral")) return "failure";
      return list.every((c) => c === "neutral") ? "neutral" : "success";
    }
    case "evaluated": {
      const r = v.result!;
      // Violations found after the evaluation (a refused break-glass attempt) fail the change as well.
      if (r.violations.length > 0) return "failure";
      // Break glass sets aside unmet requirements, and nothing else.
      if (v.override && r.conclusion === "action_required") return "success";
      return r.conclusion;
    }
  }
}

/** The one place a title is decided: the most important thing a person should know first. */
export function titleOf(v: Decidable, conclusion: Conclusion): string {
  if (v.kind === "merge-group") {
    const n = v.members?.length ?? 0;
    if (n === 0) return "Could not tell which pull requests are in the merge group";
    if (conclusion === "neutral") return `No rolegate policy for the ${plural(n, "pull request")} in the merge group`;
    return conclusion === "success" ? `All ${plural(n, "pull request")} in the merge group pass` : "A pull request in the merge group does not pass";
  }
  if (v.kind === "invalid-policy") return "The policy that judges this change is invalid";
  if (v.kind === "not-evaluated") return "rolegate could not evaluate this change";
  if (v.policyChange?.invalid) return "The proposed policy is invalid";
  if (v.tests && (v.tests.failures.length > 0 || v.tests.diagnostics.length > 0)) return "Policy tests fail";
  if (v.kind === "no-policy") {
    if (conclusion === "failure") return "Could not fully evaluate this change";
    return v.policyChange ? "No policy yet; the proposed policy is valid" : "No rolegate policy";
  }
  if (v.errors.length > 0) return "Could not fully evaluate this change";
  const r = v.result!;
  if (v.override && conclusion === "success")
    return `Overridden by @${v.override.by} (break glass): ${plural(v.override.requirements.length, "requirement")} not met`;
  const refused = r.violations.find((x) => x.action === BREAK_GLASS_ACTION);
  if (refused) return `Break glass by @${refused.user} refused: ${plural(r.violations.length, "permission violation")}`;
  return r.title;
}

/** Fills in the conclusion and title of a verdict's parts. */
export function verdictOf(parts: Omit<Verdict, "conclusion" | "title">): Verdict {
  const conclusion = concludeVerdict(parts);
  return { ...parts, conclusion, title: titleOf(parts, conclusion) };
}

/** A verdict that could not be reached: always `failure`, saying what failed. Never success from a catch. */
export function failedVerdict(why: string, headSha?: string, files: ClassifiedFile[] = []): Verdict {
  return verdictOf({ kind: "not-evaluated", headSha, diagnostics: [], files, errors: [why], warnings: [], notes: [] });
}

/**
 * One verdict for a merge queue's group: success only when every pull request in it passes on
 * its own (the queue is never weaker than merging each alone); no identified pull request is a
 * failure; neutral only when none has a policy.
 */
export function combineVerdicts(members: { number: number; verdict: Verdict }[], headSha?: string, problem?: string): Verdict {
  const errors = problem !== undefined ? [problem] : members.length === 0 ? ["the pull requests in this merge group could not be identified"] : [];
  return verdictOf({ kind: "merge-group", headSha, diagnostics: [], files: [], errors, warnings: [], notes: [], members });
}

/** Is this conclusion one that lets a change merge? */
export function passes(conclusion: Conclusion): boolean {
  return conclusion === "success" || conclusion === "neutral";
}

/**
 * A verdict rolegate cannot confirm is the newest for its pull request (the shared store that
 * orders evaluations did not answer): a `success` becomes a `failure` saying why, so a stale
 * evaluation can never leave a pass in place. Other verdicts block or inform already.
 */
export function unconfirmedVerdict(v: Verdict, why: string): Verdict {
  if (v.conclusion !== "success") return v;
  return verdictOf({ ...v, errors: [...v.errors, why] });
}
