import { describe, expect, it } from "vitest";
import { compilePathGlob, GLOB_LIMITS, GlobError, matchPath, wildcardSteps } from "../../src/core/glob.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { NOW } from "../helpers/policy.js";

// Time budget: about 5 s. Hostile policies are refused or handled with bounded work;
// bounds are asserted on work (sizes, steps), never on wall-clock time.

const errors = (text: string) => loadPolicy("hostile.yml", text, NOW).diagnostics.filter((d) => d.severity === "error");

describe("hostile policy input", () => {
  it("refuses a 5 MiB file before parsing it", () => {
    const text = "version: 1\n" + "# padding\n".repeat((5 * 1024 * 1024) / 10);
    expect(errors(text)).toEqual([expect.objectContaining({ code: "too-large", line: 1, col: 1 })]);
  });

  it("handles 10,000 roles", () => {
    let text = "version: 1\nroles:\n";
    for (let i = 0; i < 10_000; i++) text += `  r${i}: { members: [u${i}], grants: { approve: [other] } }\n`;
    text += "require:\n  - name: any\n    approvals: 2\n";
    const loaded = loadPolicy("hostile.yml", text, NOW);
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(loaded.policy!.roles.size).toBe(10_000);
  });

  it("resolves a 1,000-deep inheritance chain (no recursion, so no stack overflow)", () => {
    let text = "version: 1\nroles:\n  r0: { members: [u0], grants: { approve: [other] } }\n";
    for (let i = 1; i < 1000; i++) text += `  r${i}: { inherits: [r${i - 1}], members: [u${i}] }\n`;
    const loaded = loadPolicy("hostile.yml", text, NOW);
    expect(loaded.policy!.roles.get("r999")!.closure).toHaveLength(1000);
  });

  it("reports a 1,000-role cycle once, with a bounded message", () => {
    let text = "version: 1\nroles:\n";
    for (let i = 0; i < 1000; i++) text += `  r${i}: { inherits: [r${(i + 1) % 1000}], members: [u${i}] }\n`;
    const errs = errors(text);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.code).toBe("inherit-cycle");
    expect(errs[0]!.message.length).toBeLessThan(200);
  });

  it("refuses globs beyond the caps with a positioned error", () => {
    const tooLong = "a".repeat(GLOB_LIMITS.maxLength + 1);
    const tooWild = "*a".repeat(GLOB_LIMITS.maxWildcardsPerSegment + 1) + "b";
    const tooDeep = Array.from({ length: GLOB_LIMITS.maxSegments + 1 }, () => "a").join("/");
    for (const glob of [tooLong, tooWild, tooDeep]) {
      expect(() => compilePathGlob(glob)).toThrow(GlobError);
      const errs = errors(`version: 1\ncategories:\n  x: { paths: ["${glob}"] }\n`);
      expect(errs).toEqual([expect.objectContaining({ code: "invalid-glob", line: 3 })]);
    }
  });

  it("bounds the work of the worst pattern within the caps (classic backtracking bait)", () => {
    const pattern = "*a".repeat(GLOB_LIMITS.maxWildcardsPerSegment - 1) + "*b"; // *a*a…*b: no match on a run of a's
    const glob = compilePathGlob(pattern);
    const segment = "a".repeat(4096);
    const before = wildcardSteps();
    expect(matchPath(glob, segment)).toBe(false);
    const work = wildcardSteps() - before;
    // Linear-times-pattern, not exponential: at most (pattern + 1) × (segment + 1) steps.
    expect(work).toBeLessThanOrEqual((pattern.length + 1) * (segment.length + 1));
  });
});
