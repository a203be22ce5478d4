import { describe, expect, it } from "vitest";
import { runPolicyTests } from "../../src/core/policy-tests.js";
import { NOW, policyOf } from "../helpers/policy.js";

// Time budget: under a second. Declarative policy tests: passing, failing with a readable diff, bad input.

const POLICY = policyOf(`version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
roles:
  developer: { members: [dev1, dev2], grants: { author: ["*"] } }
  devops: { inherits: [developer], members: ["@acme/devops"], grants: { approve: [pipeline, policy], merge: ["*"] } }
require:
  - name: DevOps approval
    categories: [pipeline, policy]
`);

const TESTS = `version: 1
teams:
  acme/devops: [olga]
cases:
  - name: a pipeline change needs DevOps
    files: [.github/workflows/ci.yml]
    author: dev1
    approved_by: [dev2]
    expect:
      conclusion: action_required
      eligible: { "DevOps approval": ["@acme/devops", olga] }
  - name: DevOps approval passes it
    files: [.github/workflows/ci.yml]
    author: dev1
    approved_by: [olga]
    expect: { conclusion: success }
  - name: a developer may not merge it
    files: [.github/workflows/ci.yml]
    author: dev1
    approved_by: [olga]
    merged_by: dev2
    expect:
      conclusion: failure
      violations: [{ action: merge, user: dev2 }]
`;

describe("policy tests", () => {
  it("pass when the policy does what the cases say", () => {
    const run = runPolicyTests(POLICY, "t.yml", TESTS, NOW);
    expect(run.diagnostics).toEqual([]);
    expect(run.results.map((r) => [r.name, r.passed])).toEqual([
      ["a pipeline change needs DevOps", true],
      ["DevOps approval passes it", true],
      ["a developer may not merge it", true],
    ]);
  });

  it("fail with a readable diff when it does not", () => {
    const wrong = TESTS.replace("conclusion: action_required", "conclusion: success")
      .replace('["@acme/devops", olga]', "[dev2]")
      .replace("user: dev2", "user: dev1");
    const run = runPolicyTests(POLICY, "t.yml", wrong, NOW);
    const [first, , third] = run.results;
    expect(first!.passed).toBe(false);
    expect(first!.diff[0]).toBe("conclusion: expected success, got action_required (Waiting for approval: 1 of 1 requirement not met)");
    expect(first!.diff).toContain('eligible for "DevOps approval": missing dev2; unexpected @acme/devops, olga');
    expect(third!.diff).toEqual(["violations: expected [merge by dev1], got [merge by dev2]"]);
  });

  it("refuse bad input with a positioned error", () => {
    const run = runPolicyTests(POLICY, "t.yml", "version: 1\ncases:\n  - name: x\n    files: [a]\n    expect: { conclusion: maybe }\n", NOW);
    expect(run.results).toEqual([]);
    expect(run.diagnostics[0]).toMatchObject({ severity: "error", file: "t.yml", line: 5 });
    const unknown = runPolicyTests(
      POLICY,
      "t.yml",
      "version: 1\ncases:\n  - name: x\n    files: [a]\n    aproved_by: [x]\n    expect: { conclusion: success }\n",
      NOW,
    );
    expect(unknown.diagnostics[0]).toMatchObject({ line: 5, col: 5 });
    expect(unknown.diagnostics[0]!.message).toContain("`aproved_by`");
  });
});

const REVIEWS_POLICY = policyOf(`version: 1
categories:
  app: { paths: ["src/**"] }
roles:
  developer: { members: [dev1, dev2], grants: { author: ["*"] } }
  backend: { members: [alice, bob], grants: { approve: [app] } }
  frontend: { members: [alice, carol], grants: { approve: [{ category: app, when: { checks_passed: [build] } }] } }
require:
  - name: Backend
    categories: [app]
    roles: [backend]
    exclusive: true
  - name: Frontend
    categories: [app]
    roles: [frontend]
    exclusive: true
    when: { not: { source_branch: ["renovate/**"] } }
options: { stale_approvals: unless_changed }
`);

const REVIEW_CASES = `version: 1
cases:
  - name: an approval of an earlier commit survives when the change is the same
    files: [src/a.ts]
    author: dev1
    source_branch: renovate/lodash
    reviews:
      - { user: bob, commit: abc1234, on_head: false, same_as_head: true }
    expect:
      conclusion: success
      reviews:
        bob: { state: approved, counted: true, requirements: [Backend] }
  - name: two teams need two people, and the build must pass for the frontend
    files: [src/a.ts]
    author: dev1
    source_branch: feature/x
    checks_passed: [build]
    approved_by: [alice, bob]
    reviews:
      - { user: carol, commit: old, on_head: false, same_as_head: false }
      - { user: dev2, state: dismissed }
      - { user: dev1, state: commented }
    expect:
      conclusion: success
      assigned: { Backend: [bob], Frontend: [alice] }
      reviews:
        carol: { counted: false, reasons: [stale, not eligible] }
        dev2: { state: dismissed, reasons: [dismissed] }
        dev1: { state: commented, counted: false }
  - name: without the build carol cannot approve the frontend, and alice cannot serve both
    files: [src/a.ts]
    author: dev1
    source_branch: feature/x
    approved_by: [alice, carol]
    reviews:
      - { user: bob, before_base_change: true }
    expect:
      conclusion: action_required
      assigned: { Backend: [alice], Frontend: [] }
      reviews:
        bob: { counted: false, reasons: [base changed, not eligible] }
        carol: { counted: false, reasons: [not eligible] }
        alice: { counted: true, requirements: [Backend] }
`;

describe("policy tests with reviews, checks and branches", () => {
  it("give reviews with commits and staleness, passed checks and a source branch, and expect standing and assignments", () => {
    const run = runPolicyTests(REVIEWS_POLICY, "t.yml", REVIEW_CASES, NOW);
    expect(run.diagnostics).toEqual([]);
    expect(run.results.map((r) => [r.name, r.diff])).toEqual([
      ["an approval of an earlier commit survives when the change is the same", []],
      ["two teams need two people, and the build must pass for the frontend", []],
      ["without the build carol cannot approve the frontend, and alice cannot serve both", []],
    ]);
  });

  it("say how the standing and the assignment differ from what a case expects", () => {
    const wrong = REVIEW_CASES.replace("bob: { state: approved, counted: true, requirements: [Backend] }", "bob: { counted: false, reasons: [stale, author] }")
      .replace("assigned: { Backend: [bob], Frontend: [alice] }", "assigned: { Backend: [alice], Frontend: [bob] }")
      .replace("dev1: { state: commented, counted: false }", "olga: { counted: true }");
    const [first, second] = runPolicyTests(REVIEWS_POLICY, "t.yml", wrong, NOW).results;
    expect(first!.diff).toEqual(["review by bob: expected not to count, but it counts", "review by bob: reasons [], expected [stale, author]"]);
    expect(second!.diff).toEqual([
      'assigned to "Backend": expected [alice], got [bob]',
      'assigned to "Frontend": expected [bob], got [alice]',
      "review by olga: no review by olga in this case",
    ]);
  });

  it("refuse a reason that is not a keyword, with its position", () => {
    const bad = REVIEW_CASES.replace("reasons: [stale, not eligible]", "reasons: [stale, old]");
    const run = runPolicyTests(REVIEWS_POLICY, "t.yml", bad, NOW);
    expect(run.results).toEqual([]);
    expect(run.diagnostics[0]).toMatchObject({ severity: "error", file: "t.yml", line: 27 });
    expect(bad.split("\n")[26]).toContain("reasons: [stale, old]");
  });
});
