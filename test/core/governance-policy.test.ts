import { describe, expect, it } from "vitest";
import { blockingDiagnostics } from "../../src/core/policy/lint.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { policyChanges } from "../../src/core/policy-changes.js";
import { NOW, policyOf } from "../helpers/policy.js";

// Time budget: well under a second. Lint rules and policy changes for break_glass, enforce and github_environments.

const BASE = `version: 1
environments:
  production: { level: 5 }
roles:
  security:
    members: [dana]
    grants: { approve: ["*"] }
  ops:
    members: [ops1]
    grants: { approve: ["*"] }
require:
  - categories: [policy, other]
`;

const findings = (text: string, code: string) => loadPolicy(".github/rolegate.yml", text, NOW).diagnostics.filter((d) => d.code === code);

describe("break_glass in the policy", () => {
  it("reads roles and the reason's minimum length (default 10)", () => {
    expect(policyOf(`${BASE}break_glass: { roles: [security] }\n`).breakGlass).toMatchObject({ roles: ["security"], reasonMinLength: 10 });
    expect(policyOf(`${BASE}break_glass: { roles: [security, ops], reason_min_length: 30 }\n`).breakGlass).toMatchObject({
      roles: ["security", "ops"],
      reasonMinLength: 30,
    });
    expect(policyOf(BASE).breakGlass).toBeUndefined();
  });

  it("an unknown role, an empty list and an unknown key are errors", () => {
    expect(findings(`${BASE}break_glass: { roles: [securty] }\n`, "unknown-role")).toEqual([
      expect.objectContaining({ severity: "error", line: 13, message: 'unknown role "securty"' }),
    ]);
    expect(findings(`${BASE}break_glass: { roles: [] }\n`, "schema")).toHaveLength(1);
    expect(findings(`${BASE}break_glass: { roles: [security], reason: x }\n`, "schema")[0]!.message).toContain("unknown key `reason` in break_glass");
  });

  it("a break_glass role nobody holds is an error, of the membership kind a check shows as a warning", () => {
    const empty = `${BASE.replace("roles:\n", "roles:\n  breaker: { description: nobody yet }\n")}break_glass: { roles: [security, breaker] }\n`;
    const found = findings(empty, "break-glass-no-members");
    expect(found).toEqual([expect.objectContaining({ severity: "error", line: 14, col: 34 })]);
    expect(found[0]!.message).toBe("break-glass role breaker has no current member: nobody could break the glass through it");
    expect(blockingDiagnostics(loadPolicy(".github/rolegate.yml", empty, NOW).diagnostics)).toEqual([]);
  });

  it("counts holders through inheriting roles, and not expired members", () => {
    const inherited = `${BASE.replace("roles:\n", "roles:\n  breaker: { description: held through lead }\n  lead: { inherits: [breaker], members: [lea] }\n")}break_glass: { roles: [breaker] }\n`;
    expect(findings(inherited, "break-glass-no-members")).toEqual([]);
    const expired = `${BASE.replace("members: [dana]", 'members: [{ user: dana, expires: "2020-01-01" }]')}break_glass: { roles: [security] }\n`;
    expect(findings(expired, "break-glass-no-members")).toHaveLength(1);
  });
});

describe("enforce in the policy", () => {
  it("an enforced baseline that locks nothing is a warning; one that locks something is not", () => {
    const bare = findings(`${BASE}enforce: true\n`, "baseline-locks-nothing");
    expect(bare).toEqual([expect.objectContaining({ severity: "warning", line: 13, col: 1 })]);
    expect(findings(`${BASE}enforce: true\nlocked: [require]\n`, "baseline-locks-nothing")).toEqual([]);
    expect(findings(`${BASE}enforce: false\n`, "baseline-locks-nothing")).toEqual([]);
    expect(policyOf(`${BASE}enforce: true\nlocked: [require]\n`).enforce).toBe(true);
  });
});

describe("policy changes", () => {
  const change = (before: string, after: string) => policyChanges(policyOf(before), policyOf(after));

  it("adding break_glass weakens, removing it strengthens", () => {
    const withGlass = `${BASE}break_glass: { roles: [security] }\n`;
    expect(change(BASE, withGlass)).toEqual([
      {
        kind: "break_glass",
        name: "break_glass",
        effect: "weakens",
        detail: "added: members of `security` may override unmet requirements (reason of at least 10 characters)",
      },
    ]);
    expect(change(withGlass, BASE)).toEqual([expect.objectContaining({ kind: "break_glass", effect: "strengthens" })]);
  });

  it("more roles or a shorter reason weaken; fewer roles or a longer reason strengthen", () => {
    const one = `${BASE}break_glass: { roles: [security], reason_min_length: 20 }\n`;
    const two = `${BASE}break_glass: { roles: [security, ops], reason_min_length: 10 }\n`;
    expect(change(one, two)).toEqual([
      { kind: "break_glass", name: "roles", effect: "weakens", detail: "roles added: `ops`" },
      { kind: "break_glass", name: "reason_min_length", effect: "weakens", detail: "20 → 10" },
    ]);
    expect(change(two, one).map((c) => c.effect)).toEqual(["strengthens", "strengthens"]);
  });

  it("turning enforce off weakens, on strengthens", () => {
    const on = `${BASE}enforce: true\nlocked: [require]\n`;
    const off = `${BASE}locked: [require]\n`;
    expect(change(on, off)).toEqual([expect.objectContaining({ kind: "locked", name: "enforce", effect: "weakens" })]);
    expect(change(off, on)).toEqual([expect.objectContaining({ kind: "locked", name: "enforce", effect: "strengthens" })]);
  });

  it("a change of github_environments reshapes", () => {
    const mapped = BASE.replace("production: { level: 5 }", "production: { level: 5, github_environments: [prod-eu] }");
    expect(change(BASE, mapped)).toEqual([
      { kind: "environment", name: "production", effect: "reshapes", detail: "GitHub environments `production` → `prod-eu`" },
    ]);
  });
});
