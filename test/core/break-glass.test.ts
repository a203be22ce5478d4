import { describe, expect, it } from "vitest";
import { brokenRules } from "../../src/core/after-the-fact.js";
import { breakGlassAuditIssue } from "../../src/core/break-glass-audit.js";
import { BREAK_GLASS_LABEL, type BreakGlassRequest } from "../../src/core/break-glass.js";
import { judgeChange, type JudgeInputs } from "../../src/core/judge-change.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { verdictMarkdown } from "../../src/core/render/check.js";
import { verdictJson, verdictText } from "../../src/core/render/result.js";
import type { ChangeState } from "../../src/core/state.js";
import { approved, changesRequested, files, NOW, state, teams } from "../helpers/policy.js";

// Time budget: well under a second; pure core, no I/O.

const POLICY = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
environments:
  staging: { level: 4, paths: ["envs/staging/**"] }
  production: { level: 5, paths: ["envs/prod/**"] }
roles:
  developer:
    members: [dev1, dev2]
    grants: { author: ["*"] }
  ops:
    members: [ops1, ops2]
    grants: { approve: ["*"], merge: ["*"] }
  security:
    members: [dana, "@acme/security", { user: sam, environments: [staging] }, { user: old, expires: "2020-01-01" }]
    grants: { approve: [policy] }
require:
  - name: Ops approval
    approvals: 1
  - name: Production needs two
    environments: [production]
    approvals: 2
break_glass: { roles: [security], reason_min_length: 12 }
notify: { violations: [security] }
`;

const REASON = "payments are down: hotfix for INC-4711";

function inputs(policyText: string, change: Partial<ChangeState>, breakGlass?: Partial<BreakGlassRequest>): JudgeInputs {
  const loaded = loadPolicy(".github/rolegate.yml", policyText, NOW);
  return {
    base: { kind: "loaded", source: { file: ".github/rolegate.yml", sha: "0123456789abcdef0123456789abcdef01234567", fromOrg: false }, loaded },
    state: state({ teams: teams({ "acme/security": ["sec1"] }), headSha: "feedface", ...change }),
    ...(breakGlass ? { breakGlass: { by: "dana", reason: REASON, at: new Date("2026-11-23T10:00:00Z"), ...breakGlass } } : {}),
  };
}

const CHANGE = { files: files("envs/prod/app.yml", "src/a.ts"), author: "dev1" };

describe("break glass: an allowed override", () => {
  it("concludes success, titled as overridden, with who, when, why and the requirements set aside", () => {
    const before = judgeChange(inputs(POLICY, CHANGE));
    expect(before.conclusion).toBe("action_required");
    const v = judgeChange(inputs(POLICY, CHANGE, {}));
    expect(v.conclusion).toBe("success");
    expect(v.title).toBe("Overridden by @dana (break glass): 2 requirements not met");
    expect(v.override).toEqual({
      by: "dana",
      reason: REASON,
      at: "2026-11-23T10:00:00.000Z",
      requirements: ["Ops approval", "Production needs two"],
      headSha: "feedface",
    });
    // Nothing else changes: the requirements are still reported as not met.
    expect(v.result!.requirements.map((r) => r.satisfied)).toEqual([false, false]);
    expect(v.result!.violations).toEqual([]);
  });

  it("overrides only what is unmet, and leaves the overrider's own approval rules as they were", () => {
    // ops1 approves: Ops approval is met, Production needs two is not. dana's own approval counts for nothing here, with or without break glass.
    const change = { ...CHANGE, reviews: [approved("ops1"), approved("dana")] };
    const plain = judgeChange(inputs(POLICY, change));
    const v = judgeChange(inputs(POLICY, change, {}));
    expect(v.override!.requirements).toEqual(["Production needs two"]);
    expect(v.result!.requirements).toEqual(plain.result!.requirements);
  });

  it("counts membership through a team, and strips a leading @ from the login", () => {
    const v = judgeChange(inputs(POLICY, CHANGE, { by: "@sec1" }));
    expect(v.conclusion).toBe("success");
    expect(v.override!.by).toBe("sec1");
  });

  it("changes nothing when every requirement is met, and says so", () => {
    const v = judgeChange(inputs(POLICY, { files: files("src/a.ts"), author: "dev1", reviews: [approved("ops1")] }, {}));
    expect(v.conclusion).toBe("success");
    expect(v.override).toBeUndefined();
    expect(v.notes.join(" ")).toContain("changed nothing: every requirement is met");
  });
});

describe("break glass: refused attempts are violations", () => {
  it("by someone who holds no break-glass role: one violation per file, failure", () => {
    const v = judgeChange(inputs(POLICY, CHANGE, { by: "ops1" }));
    expect(v.conclusion).toBe("failure");
    expect(v.override).toBeUndefined();
    expect(v.title).toBe("Break glass by @ops1 refused: 2 permission violations");
    expect(v.result!.violations).toEqual([
      expect.objectContaining({ action: "break-glass", user: "ops1", path: "envs/prod/app.yml" }),
      expect.objectContaining({ action: "break-glass", user: "ops1", path: "src/a.ts" }),
    ]);
    expect(v.result!.violations[0]!.reason).toContain("holds none of the break-glass roles (security)");
  });

  it("with too short a reason (trimmed, counted in characters)", () => {
    const v = judgeChange(inputs(POLICY, CHANGE, { reason: "   too short " }));
    expect(v.conclusion).toBe("failure");
    expect(v.result!.violations).toEqual([
      { action: "break-glass", user: "dana", path: "", reason: "the reason is 9 characters long; the policy asks for at least 12" },
    ]);
  });

  it("by a member scoped to other environments, for the files outside the scope", () => {
    const v = judgeChange(inputs(POLICY, { files: files("envs/staging/a.yml", "envs/prod/b.yml"), author: "dev1" }, { by: "sam" }));
    expect(v.conclusion).toBe("failure");
    expect(v.result!.violations.map((x) => x.path)).toEqual(["envs/prod/b.yml"]);
    // Within the scope, the same member may.
    const inside = judgeChange(inputs(POLICY, { files: files("envs/staging/a.yml"), author: "dev1" }, { by: "sam" }));
    expect(inside.conclusion).toBe("success");
  });

  it("by a member whose membership expired", () => {
    const v = judgeChange(inputs(POLICY, CHANGE, { by: "old" }));
    expect(v.conclusion).toBe("failure");
    expect(v.result!.violations.every((x) => x.action === "break-glass" && x.user === "old")).toBe(true);
  });

  it("under a policy without break_glass: nobody may override", () => {
    const v = judgeChange(inputs(POLICY.replace(/^break_glass:.*\n/m, ""), CHANGE, {}));
    expect(v.conclusion).toBe("failure");
    expect(v.result!.violations).toEqual([expect.objectContaining({ action: "break-glass", path: "", reason: expect.stringContaining("no `break_glass:`") })]);
  });
});

describe("break glass never overrides", () => {
  it("an author violation", () => {
    const v = judgeChange(inputs(POLICY, { ...CHANGE, author: "stranger" }, {}));
    expect(v.conclusion).toBe("failure");
    expect(v.override).toBeUndefined();
    expect(v.result!.violations.map((x) => x.action)).toEqual(["author", "author"]);
    expect(v.notes.join(" ")).toContain("an `author` violation can never be overridden");
  });

  it("a merge violation", () => {
    const v = judgeChange(inputs(POLICY, { ...CHANGE, mergedBy: "dev2" }, {}));
    expect(v.conclusion).toBe("failure");
    expect(v.override).toBeUndefined();
    expect(v.notes.join(" ")).toContain("a violation (merge) is never overridden");
  });

  it("a blocking review", () => {
    const v = judgeChange(inputs(POLICY, { ...CHANGE, reviews: [changesRequested("ops2")] }, {}));
    expect(v.conclusion).toBe("failure");
    expect(v.override).toBeUndefined();
    expect(v.notes.join(" ")).toContain("a blocking review is never overridden");
  });

  it("an invalid policy", () => {
    const v = judgeChange(inputs(`${POLICY}roles_typo: 1\n`, CHANGE, {}));
    expect(v.kind).toBe("invalid-policy");
    expect(v.conclusion).toBe("failure");
    expect(v.notes.join(" ")).toContain("can never be overridden");
  });

  it("a change that could not be fully judged (an unresolved team), and charges nobody with a violation", () => {
    const loaded = inputs(POLICY, CHANGE, {});
    loaded.state = { ...loaded.state, teams: teams({}) };
    const v = judgeChange(loaded);
    expect(v.conclusion).toBe("failure");
    expect(v.override).toBeUndefined();
    expect(v.result!.violations).toEqual([]);
    expect(v.notes.join(" ")).toContain("@acme/security could not be resolved");
  });
});

describe("break glass in the renderings and the audit issue", () => {
  const v = judgeChange(inputs(POLICY, CHANGE, { reason: `${REASON}\n\`\`\`\n@everyone <img src=x>` }));

  it("JSON carries the override exactly as the CLI contract names it, and marks the requirements set aside", () => {
    const json = verdictJson(v) as { override: Record<string, unknown>; requirements: { name: string; overridden?: boolean }[] };
    expect(json.override).toMatchObject({ by: "dana", requirements: ["Ops approval", "Production needs two"], at: "2026-11-23T10:00:00.000Z" });
    expect(json.override.reason).toContain("payments are down");
    expect(json.requirements.every((r) => r.overridden === true)).toBe(true);
    expect(verdictJson(judgeChange(inputs(POLICY, CHANGE)))).not.toHaveProperty("override");
  });

  it("the check markdown has a break-glass section whose reason cannot break out of its fence", () => {
    const md = verdictMarkdown(v);
    expect(md).toContain("### Break glass");
    expect(md).toContain("**Overridden by `dana`** at 2026-11-23T10:00:00.000Z");
    expect(md).toMatch(/^````text\n[\s\S]*@everyone <img src=x>\n````$/m);
    expect(md).toContain("| 🔓 | Ops approval");
  });

  it("the terminal text says who, when and why", () => {
    const text = verdictText(v);
    expect(text).toMatch(/^SUCCESS: Overridden by @dana/);
    expect(text).toContain("break glass: overridden by dana at 2026-11-23T10:00:00.000Z");
    expect(text).toContain("[overridden] Ops approval");
  });

  it("a merge after the override is not reported as breaking the requirements it set aside", () => {
    expect(brokenRules(v)).toEqual([]);
    expect(brokenRules(judgeChange(inputs(POLICY, CHANGE))).length).toBe(2);
  });

  it("builds the audit issue: pull request, overrider, reason, unmet requirements, policy blob SHA, mentions", () => {
    const issue = breakGlassAuditIssue(v, { number: 42, url: "https://github.com/acme/app/pull/42" })!;
    expect(issue.labels).toEqual([BREAK_GLASS_LABEL]);
    expect(issue.title).toBe("rolegate: @dana broke the glass on #42");
    expect(issue.body).toContain("#42 (https://github.com/acme/app/pull/42)");
    expect(issue.body).toContain("- **Overridden by:** @dana");
    expect(issue.body).toContain("- Ops approval (0 of 1 approvals)");
    expect(issue.body).toContain("- Production needs two (0 of 2 approvals)");
    expect(issue.body).toContain("blob 0123456789abcdef0123456789abcdef01234567");
    expect(issue.body).toContain("feedface");
    // The reason sits in a fence longer than any backtick run inside it.
    expect(issue.body).toMatch(/````text\npayments are down[\s\S]*\n````/);
    // Notify mentions: the security role's members (logins and teams).
    expect(issue.body).toContain("Notifying: @acme/security @dana @old @sam");
    expect(breakGlassAuditIssue(judgeChange(inputs(POLICY, CHANGE)), { number: 1 })).toBeUndefined();
  });
});
