import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/core/diagnostics.js";
import { explainAction } from "../../src/core/explain.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { approved, files, judge, NOW, policyOf, state } from "../helpers/policy.js";

// Time budget: well under a second; conditions on the head branch and on passed checks.

const POLICY = `
version: 1
categories:
  app: { paths: ["src/**"] }
roles:
  developer: { members: [dev1, dev2], grants: { author: ["*"] } }
  lead:
    members: [lena]
    grants:
      approve:
        - { category: app, when: { checks_passed: [build, "security scan"] } }
require:
  - name: Lead approval for anything but dependency bumps
    categories: [app]
    when: { not: { source_branch: ["renovate/**", "dependabot/**"] } }
`;
const policy = policyOf(POLICY);
const change = (overrides: Parameters<typeof state>[0]) => judge(policy, { files: files("src/a.ts"), author: "dev1", ...overrides });

describe("source_branch", () => {
  it("selects by the head branch: a dependency bump skips the requirement, anything else needs it", () => {
    expect(change({ sourceBranch: "renovate/lodash-4.x" }).requirements).toEqual([]);
    expect(change({ sourceBranch: "dependabot/npm/left-pad" }).conclusion).toBe("success");
    expect(change({ sourceBranch: "feature/x" }).requirements.map((r) => r.name)).toEqual(["Lead approval for anything but dependency bumps"]);
  });

  it("matches a fork's branch only with its OWNER: prefix", () => {
    // A fork named its branch renovate/x: it is someone-else:renovate/x here, not a bot's branch.
    expect(change({ sourceBranch: "mallory:renovate/x" }).requirements).toHaveLength(1);
    const forks = policyOf(POLICY.replace('["renovate/**", "dependabot/**"]', '["*:renovate/**"]'));
    expect(judge(forks, { files: files("src/a.ts"), author: "dev1", sourceBranch: "mallory:renovate/x" }).requirements).toEqual([]);
  });

  it("matches nothing when the head branch is unknown, not even **", () => {
    expect(change({}).requirements).toHaveLength(1);
    const all = policyOf(POLICY.replace('["renovate/**", "dependabot/**"]', '["**"]'));
    expect(judge(all, { files: files("src/a.ts"), author: "dev1" }).requirements).toHaveLength(1);
    expect(judge(all, { files: files("src/a.ts"), author: "dev1", sourceBranch: "any/thing" }).requirements).toEqual([]);
  });
});

describe("checks_passed", () => {
  it("holds only when every named check passed on the head", () => {
    const both = change({ sourceBranch: "feature/x", reviews: [approved("lena")], checksPassed: ["build", "security scan", "lint"] });
    expect(both.conclusion).toBe("success");
    const one = change({ sourceBranch: "feature/x", reviews: [approved("lena")], checksPassed: ["build"] });
    expect(one.conclusion).toBe("action_required");
    // The standing says why, with the grant whose condition did not hold.
    expect(one.reviews[0]!.reasons[0]!.text).toContain("lead grants approve on app when checks_passed: build, security scan, but the condition does not hold");
  });

  it("compares names exactly: a missing check, or one named otherwise, has not passed", () => {
    for (const checksPassed of [[], ["Build", "Security Scan"], ["build ", "security scan"]]) {
      expect(change({ sourceBranch: "feature/x", reviews: [approved("lena")], checksPassed }).conclusion).toBe("action_required");
    }
  });

  it("is part of explain's reason chain", () => {
    const context = { targetBranch: "main", labels: [], draft: false, now: NOW, teams: state().teams, checksPassed: ["build", "security scan"] };
    expect(explainAction(policy, context, "lena", "approve", "src/a.ts").allowed).toBe(true);
    const without = explainAction(policy, { ...context, checksPassed: [] }, "lena", "approve", "src/a.ts");
    expect(without.allowed).toBe(false);
  });
});

describe("the schema of the new conditions", () => {
  const errors = (when: string) =>
    loadPolicy("p.yml", `version: 1\nrequire:\n  - when: ${when}\n`, NOW)
      .diagnostics.filter((d) => d.severity === "error")
      .map(formatDiagnostic);

  it("refuses empty lists, empty names and invalid globs, with their position", () => {
    expect(errors("{ checks_passed: [] }")[0]).toMatch(/^p\.yml:3:\d+: error: /);
    expect(errors('{ checks_passed: [""] }')[0]).toMatch(/^p\.yml:3:\d+: error: /);
    expect(errors('{ source_branch: ["feature/[ab]"] }')[0]).toMatch(/^p\.yml:3:\d+: error: .*character classes/);
    expect(errors('{ source_branch: ["feature/**"], checks_passed: [ci] }')).toEqual([]);
  });
});
