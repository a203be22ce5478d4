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
