import fc from "fast-check";
import { prng } from "../helpers/prng.js";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { evaluate, type Result } from "../../src/core/evaluate.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import type { Policy } from "../../src/core/policy/types.js";
import type { ChangedFile, Review } from "../../src/core/state.js";
import { NOW, state } from "../helpers/policy.js";

// Time budget: about 5 s; each property runs 150–300 generated cases.

const USERS = ["u1", "u2", "u3", "u4", "u5"];
const CATEGORIES = ["c1", "c2", "c3"];
const PATHS = ["c1/a", "c2/b", "c3/c", "env2/c1/d", "env5/c2/e", "env5/c3/f", "other/g", "env2/h", ".github/rolegate.yml"];
const ACTIONS = ["author", "approve", "merge"];

interface RuleSpec {
  action: string;
  category: string;
  level: number;
}
interface RoleSpec {
  members: string[];
  inherits: number[];
  grants: RuleSpec[];
  denies: RuleSpec[];
}
interface ReqSpec {
  categories?: string[];
  minLevel?: number;
  roles?: number[];
  approvals: number;
}
interface Scenario {
  roles: RoleSpec[];
  requirements: ReqSpec[];
  files: string[];
  reviews: { user: string; state: "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED"; onHead: boolean; order: number }[];
  author: string;
  committers: string[];
}

const rule = (levels: [number, number]) =>
  fc.record({
    action: fc.constantFrom(...ACTIONS),
    category: fc.constantFrom(...CATEGORIES, "*", "other", "policy"),
    level: fc.integer({ min: levels[0], max: levels[1] }),
  });

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  roles: fc.array(
    fc.record({
      members: fc.uniqueArray(fc.constantFrom(...USERS), { minLength: 1, maxLength: 3 }),
      inherits: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
      grants: fc.array(rule([1, 5]), { maxLength: 4 }),
      denies: fc.array(rule([0, 5]), { maxLength: 1 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  requirements: fc.array(
    fc.record(
      {
        categories: fc.uniqueArray(fc.constantFrom(...CATEGORIES, "other", "policy"), { minLength: 1, maxLength: 2 }),
        minLevel: fc.integer({ min: 0, max: 5 }),
        roles: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 }),
        approvals: fc.integer({ min: 1, max: 2 }),
      },
      { requiredKeys: ["approvals"] },
    ),
    { maxLength: 3 },
  ),
  files: fc.uniqueArray(fc.constantFrom(...PATHS), { minLength: 1, maxLength: 5 }),
  reviews: fc.array(
    fc.record({
      user: fc.constantFrom(...USERS),
      state: fc.constantFrom("APPROVED" as const, "CHANGES_REQUESTED" as const, "DISMISSED" as const),
      onHead: fc.boolean(),
      order: fc.integer({ min: 0, max: 20 }),
    }),
    { maxLength: 6 },
  ),
  author: fc.constantFrom(...USERS),
  committers: fc.uniqueArray(fc.constantFrom(...USERS), { maxLength: 2 }),
});

function policyYaml(s: Scenario, extraRoles: Record<string, unknown> = {}, roleOrder?: number[]): string {
  const name = (i: number) => `r${i}`;
  const roles: Record<string, unknown> = {};
  const order = roleOrder ?? s.roles.map((_, i) => i);
  for (const i of order) {
    const r = s.roles[i]!;
    const ruleMap = (list: RuleSpec[], key: "up_to_level" | "from_level") => {
      const m: Record<string, unknown[]> = {};
      for (const x of list) (m[x.action] ??= []).push({ category: x.category, [key]: x.level });
      return m;
    };
    const inherits = r.inherits.filter((j) => j < i && j < s.roles.length).map(name); // acyclic by construction
    roles[name(i)] = {
      members: r.members,
      ...(inherits.length ? { inherits } : {}),
      ...(r.grants.length ? { grants: ruleMap(r.grants, "up_to_level") } : {}),
      ...(r.denies.length ? { denies: ruleMap(r.denies, "from_level") } : {}),
    };
  }
  Object.assign(roles, extraRoles);
  const require = s.requirements.map((q, i) => ({
    name: `q${i}`,
    ...(q.categories ? { categories: q.categories } : {}),
    ...(q.minLevel !== undefined ? { min_level: q.minLevel } : {}),
    ...(q.roles ? { roles: [...new Set(q.roles.map((j) => name(j % s.roles.length)))] } : {}),
    approvals: q.approvals,
  }));
  return stringify({
    version: 1,
    categories: { c1: { paths: ["c1/"] }, c2: { paths: ["c2/"] }, c3: { paths: ["c3/", "env5/c3/"] } },
    environments: { dev: { level: 2, paths: ["env2/"] }, prod: { level: 5, paths: ["env5/"] } },
    roles,
    ...(require.length ? { require } : {}),
  });
}

/** Lint errors such as never-met requirements don't matter here: evaluation must still be monotone. */
function load(yaml: string): Policy {
  const loaded = loadPolicy("p.yml", yaml, NOW);
  if (!loaded.policy) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
  return loaded.policy;
}

function reviewsOf(s: Scenario): Review[] {
  return s.reviews.map((r) => ({ ...r, afterBaseChange: true }));
}

function run(policy: Policy, s: Scenario, overrides: { files?: ChangedFile[]; reviews?: Review[] } = {}): Result {
  return evaluate(
    policy,
    state({
      files: overrides.files ?? s.files.map((path) => ({ path, status: "modified" })),
      reviews: overrides.reviews ?? reviewsOf(s),
      author: s.author,
      committers: s.committers,
      admins: ["u5"],
    }),
  );
}

/** What must not depend on input order. */
function essence(r: Result) {
  return {
    conclusion: r.conclusion,
    requirements: r.requirements
      .map((q) => ({
        name: q.name,
        satisfied: q.satisfied,
        have: q.approvals.have,
        by: [...q.approvedBy].sort(),
        eligible: [...q.eligible].sort(),
        selected: [...q.selected].sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    violations: r.violations.map((v) => `${v.action}:${v.user}:${v.path}`).sort(),
    blocking: r.blocking.map((b) => b.user).sort(),
  };
}

const RUNS = { numRuns: 250 };

describe("evaluation never turns a non-success into success when the change gets harder", () => {
  it("removing an APPROVED review", () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), (s, pick) => {
        const policy = load(policyYaml(s));
        const before = run(policy, s);
        const approvals = reviewsOf(s)
          .map((r, i) => [r, i] as const)
          .filter(([r]) => r.state === "APPROVED");
        fc.pre(before.conclusion !== "success" && approvals.length > 0);
        const drop = approvals[pick % approvals.length]![1];
        const after = run(policy, s, { reviews: reviewsOf(s).filter((_, i) => i !== drop) });
        expect(after.conclusion).not.toBe("success");
      }),
      RUNS,
    );
  });

  it("raising a requirement's approvals", () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), (s, pick) => {
        fc.pre(s.requirements.length > 0);
        const before = run(load(policyYaml(s)), s);
        fc.pre(before.conclusion !== "success");
        const harder: Scenario = {
          ...s,
          requirements: s.requirements.map((q, i) => (i === pick % s.requirements.length ? { ...q, approvals: q.approvals + 1 } : q)),
        };
        expect(run(load(policyYaml(harder)), harder).conclusion).not.toBe("success");
      }),
      RUNS,
    );
  });

  it("adding a changed file", () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom(...PATHS), (s, extra) => {
        fc.pre(!s.files.includes(extra));
        const policy = load(policyYaml(s));
        fc.pre(run(policy, s).conclusion !== "success");
        expect(run(policy, { ...s, files: [...s.files, extra] }).conclusion).not.toBe("success");
      }),
      RUNS,
    );
  });

  it("adding a deny for a user without a CHANGES_REQUESTED review", () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom(...USERS), rule([0, 5]), (s, user, deny) => {
        fc.pre(!s.reviews.some((r) => r.user === user && r.state === "CHANGES_REQUESTED"));
        fc.pre(run(load(policyYaml(s)), s).conclusion !== "success");
        const denied = { denied: { members: [user], denies: { [deny.action]: [{ category: deny.category, from_level: deny.level }] } } };
        expect(run(load(policyYaml(s, denied)), s).conclusion).not.toBe("success");
      }),
      RUNS,
    );
  });
});

describe("evaluation does not depend on order", () => {
  it("of files, roles, members or reviews", () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer(), (s, seed) => {
        const rand = prng(seed);
        const shuffled = <T>(xs: readonly T[]) =>
          [...xs]
            .map((x) => [rand(), x] as const)
            .sort((a, b) => a[0] - b[0])
            .map(([, x]) => x);
        const base = run(load(policyYaml(s)), s);
        const reordered: Scenario = {
          ...s,
          roles: s.roles.map((r) => ({ ...r, members: shuffled(r.members) })),
          files: shuffled(s.files),
          reviews: shuffled(s.reviews),
        };
        const roleOrder = shuffled(s.roles.map((_, i) => i));
        const other = run(load(policyYaml(reordered, {}, roleOrder)), reordered);
        expect(essence(other)).toEqual(essence(base));
      }),
      { numRuns: 300 },
    );
  });
});
