import type { Diagnostic } from "./diagnostics.js";
import { evaluate } from "./evaluate.js";
import { parsePolicyText, type ParsedFile } from "./policy/parse.js";
import { schemaProblems, type SchemaWording } from "./policy/schema-messages.js";
import { TESTS_PATTERN_WORDS, testsSchema } from "./policy-tests-schema.js";
import { validateTestsSchema } from "./policy-tests-validator.generated.js";
import type { Policy } from "./policy/types.js";
import { offlineChangeState, type OfflineReview } from "./offline-change.js";
import type { ReviewStanding } from "./review-standing.js";
import { emptyTeams, type ChangedFile, type ChangeState } from "./state.js";

/**
 * Declarative policy tests (`.github/rolegate.tests.yml`): cases of a change and who did what,
 * each with the verdict the policy must give. `rolegate test` runs them, and the app and the
 * Action run them whenever a pull request changes the policy or the tests.
 */

const WORDING: SchemaWording = { document: "the tests file", root: testsSchema, patterns: TESTS_PATTERN_WORDS };
const MAX_SCHEMA_ERRORS = 20;

/** The file against its schema (compiled ahead of time): each problem positioned and in plain words. */
function testsSchemaDiagnostics(parsed: ParsedFile): Diagnostic[] {
  if (validateTestsSchema(parsed.value)) return [];
  const diagnostics = [...schemaProblems(validateTestsSchema.errors ?? [], WORDING)].slice(0, MAX_SCHEMA_ERRORS).map((m): Diagnostic => {
    const pos = parsed.locate(m.path, m.onKey);
    return { severity: "error", code: "tests-schema", message: m.text, file: parsed.file, line: pos.line, col: pos.col };
  });
  const unique = diagnostics.filter((d, i) => diagnostics.findIndex((o) => o.line === d.line && o.col === d.col && o.message === d.message) === i);
  return unique.length > 0
    ? unique
    : [{ severity: "error", code: "tests-schema", message: "the tests file does not match its schema", file: parsed.file, line: 1, col: 1 }];
}

interface RawCase {
  name: string;
  files: (string | { path: string; status?: ChangedFile["status"]; previous_path?: string })[];
  author?: string;
  approved_by?: string[];
  stale_approved_by?: string[];
  changes_requested_by?: string[];
  reviews?: RawReview[];
  committers?: string[];
  merged_by?: string;
  admins?: string[];
  labels?: string[];
  target_branch?: string;
  source_branch?: string;
  checks_passed?: string[];
  draft?: boolean;
  now?: string;
  expect: {
    conclusion: string;
    eligible?: Record<string, string[]>;
    assigned?: Record<string, string[]>;
    reviews?: Record<string, ExpectedStanding>;
    violations?: { action: string; user: string; path?: string }[];
  };
}

interface RawReview {
  user: string;
  state?: ReviewStanding["state"];
  commit?: string;
  on_head?: boolean;
  same_as_head?: boolean;
  before_base_change?: boolean;
}

interface ExpectedStanding {
  state?: ReviewStanding["state"];
  counted?: boolean;
  requirements?: string[];
  reasons?: string[];
}

function offlineReview(r: RawReview): OfflineReview {
  return {
    user: r.user,
    state: (r.state ?? "approved").toUpperCase() as OfflineReview["state"],
    ...(r.commit !== undefined ? { commit: r.commit } : {}),
    onHead: r.on_head ?? true,
    ...(r.same_as_head !== undefined ? { sameAsHead: r.same_as_head } : {}),
    afterBaseChange: !(r.before_base_change ?? false),
  };
}

export interface CaseResult {
  name: string;
  passed: boolean;
  /** Readable differences between what the case expects and what the policy gives. */
  diff: string[];
}

export interface TestsRun {
  results: CaseResult[];
  diagnostics: Diagnostic[];
}

function caseState(c: RawCase, teams: ChangeState["teams"], fallbackNow: Date): ChangeState {
  return offlineChangeState({
    files: c.files.map((f) =>
      typeof f === "string"
        ? { path: f, status: "modified" }
        : { path: f.path, status: f.status ?? (f.previous_path ? "renamed" : "modified"), previousPath: f.previous_path },
    ),
    author: c.author,
    approvedBy: c.approved_by,
    staleApprovedBy: c.stale_approved_by,
    changesRequestedBy: c.changes_requested_by,
    reviews: c.reviews?.map(offlineReview),
    committers: c.committers,
    mergedBy: c.merged_by,
    admins: c.admins,
    labels: c.labels,
    targetBranch: c.target_branch,
    sourceBranch: c.source_branch,
    checksPassed: c.checks_passed,
    draft: c.draft,
    now: c.now ? new Date(c.now) : fallbackNow,
    teams,
  });
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const x = new Set(a.map((s) => s.toLowerCase()));
  const y = new Set(b.map((s) => s.toLowerCase()));
  return x.size === y.size && [...x].every((v) => y.has(v));
};

/** How one reviewer's standing differs from what a case expects (reasons by keyword). */
function standingDiff(user: string, expected: ExpectedStanding, reviews: readonly ReviewStanding[]): string[] {
  const actual = reviews.find((r) => r.user === user.replace(/^@/, "").toLowerCase());
  if (!actual) return [`review by ${user}: no review by ${user} in this case`];
  const out: string[] = [];
  if (expected.state !== undefined && expected.state !== actual.state) out.push(`review by ${user}: state expected ${expected.state}, got ${actual.state}`);
  if (expected.counted !== undefined && expected.counted !== actual.counted)
    out.push(
      `review by ${user}: expected ${expected.counted ? "to count" : "not to count"}, but it ${actual.counted ? "counts" : `does not (${actual.reasons.map((r) => r.text).join("; ")})`}`,
    );
  if (expected.requirements && !sameSet(expected.requirements, actual.requirements))
    out.push(`review by ${user}: counts toward [${actual.requirements.join(", ")}], expected [${expected.requirements.join(", ")}]`);
  const keywords = [...new Set(actual.reasons.map((r) => r.keyword))];
  if (expected.reasons && !sameSet(expected.reasons, keywords))
    out.push(`review by ${user}: reasons [${keywords.join(", ")}], expected [${expected.reasons.join(", ")}]`);
  return out;
}

/** Runs every case against the policy. Bad input gives positioned diagnostics and no results. */
export function runPolicyTests(policy: Policy, file: string, text: string, now: Date): TestsRun {
  const parsed = parsePolicyText(file, text);
  if (!parsed.ok) return { results: [], diagnostics: parsed.diagnostics };
  const problems = testsSchemaDiagnostics(parsed.parsed);
  if (problems.length > 0) return { results: [], diagnostics: problems };
  const raw = parsed.parsed.value as { teams?: Record<string, string[]>; cases: RawCase[] };
  const teams = emptyTeams();
  for (const [team, members] of Object.entries(raw.teams ?? {}))
    teams.members.set(team.replace(/^@/, "").toLowerCase(), new Set(members.map((m) => m.toLowerCase())));
  const results = raw.cases.map((c) => {
    const result = evaluate(policy, caseState(c, teams, now));
    const diff: string[] = [];
    if (result.conclusion !== c.expect.conclusion) {
      diff.push(`conclusion: expected ${c.expect.conclusion}, got ${result.conclusion} (${result.title})`);
      for (const r of result.requirements.filter((q) => !q.satisfied))
        diff.push(`  waiting: ${r.name} (${r.approvals.have}/${r.approvals.need}; can approve: ${r.eligible.join(", ") || "nobody"})`);
      for (const v of result.violations) diff.push(`  violation: ${v.user} may not ${v.action} ${v.path}`);
      for (const e of result.errors) diff.push(`  error: ${e}`);
    }
    for (const [name, expected] of Object.entries(c.expect.eligible ?? {})) {
      const r = result.requirements.find((q) => q.name === name);
      if (!r) diff.push(`eligible for "${name}": the requirement does not apply to this change`);
      else if (!sameSet(r.eligible, expected)) {
        const missing = expected.filter((e) => !r.eligible.some((x) => x.toLowerCase() === e.toLowerCase()));
        const extra = r.eligible.filter((x) => !expected.some((e) => e.toLowerCase() === x.toLowerCase()));
        diff.push(`eligible for "${name}":${missing.length ? ` missing ${missing.join(", ")};` : ""}${extra.length ? ` unexpected ${extra.join(", ")}` : ""}`);
      }
    }
    for (const [name, expected] of Object.entries(c.expect.assigned ?? {})) {
      const r = result.requirements.find((q) => q.name === name);
      if (!r) diff.push(`assigned to "${name}": the requirement does not apply to this change`);
      else if (!r.exclusive) diff.push(`assigned to "${name}": the requirement is not exclusive`);
      else if (!sameSet(r.assigned ?? [], expected))
        diff.push(`assigned to "${name}": expected [${expected.join(", ")}], got [${(r.assigned ?? []).join(", ")}]`);
    }
    for (const [user, expected] of Object.entries(c.expect.reviews ?? {})) diff.push(...standingDiff(user, expected, result.reviews));
    if (c.expect.violations) {
      const key = (v: { action: string; user: string; path?: string }) => `${v.action} by ${v.user.toLowerCase()}${v.path ? ` on ${v.path}` : ""}`;
      const actual = result.violations.map((v) => ({ ...v, path: c.expect.violations!.some((e) => e.path) ? v.path : undefined }));
      const want = c.expect.violations.map(key).sort();
      const got = [...new Set(actual.map(key))].sort();
      if (JSON.stringify(want) !== JSON.stringify(got)) diff.push(`violations: expected [${want.join("; ")}], got [${got.join("; ")}]`);
    }
    return { name: c.name, passed: diff.length === 0, diff };
  });
  return { results, diagnostics: [] };
}
