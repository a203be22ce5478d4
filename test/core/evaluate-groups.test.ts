import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { Classifier } from "../../src/core/classify.js";
import { evaluate, type Result } from "../../src/core/evaluate.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import type { Policy } from "../../src/core/policy/types.js";
import type { ChangedFile, Review } from "../../src/core/state.js";
import { files, NOW, policyOf, state, teams } from "../helpers/policy.js";
import { referenceEvaluate } from "./reference-evaluate.js";

// Time budget: about 3 s. `evaluate` judges look-alike files once (same class: categories,
// environments, level and covering path-scoped member entries); these tests hold it to a
// per-path reference on policies full of path- and environment-scoped members.

const USERS = ["u1", "u2", "u3", "u4"];
const TEAMS = ["@org/t1", "@org/t2"];
const SCOPE_GLOBS = ["c1/**", "c1/b/", "**/x/**", "env2/", "env5/c3/", "*.c1", "other/", "c2/y", "**/l*"];
const PATHS = [
  "c1/a",
  "c1/b/c",
  "c2/x/d",
  "c2/y",
  "z/x/e.c1",
  "c3/f",
  "env2/c1/g",
  "env2/x/h",
  "env5/c2/i",
  "env5/c3/j",
  "other/k",
  "other/l.c1",
  "env5/l",
  "docs/x/m",
  ".github/rolegate.yml",
];
const CATEGORY_REFS = ["c1", "c2", "c3", "*", "other", "policy"];
const ACTIONS = ["author", "approve", "merge"];

const condition = fc.oneof(
  fc.record({ author_roles: fc.uniqueArray(fc.constantFrom("r0", "r1", "r2"), { minLength: 1, maxLength: 2 }) }),
  fc.constant({ target_branch: ["release/**"] }),
  fc.constant({ labels: ["ok"] }),
  fc.constant({ source_branch: ["feature/**", "fork:*"] }),
  fc.record({ checks_passed: fc.uniqueArray(fc.constantFrom("ci", "lint"), { minLength: 1, maxLength: 2 }) }),
);

const member = fc.oneof(
  fc.constantFrom(...USERS, ...TEAMS),
  fc.record({ user: fc.constantFrom(...USERS), paths: fc.uniqueArray(fc.constantFrom(...SCOPE_GLOBS), { minLength: 1, maxLength: 2 }) }),
  fc.record({ team: fc.constantFrom(...TEAMS), paths: fc.uniqueArray(fc.constantFrom(...SCOPE_GLOBS), { minLength: 1, maxLength: 2 }) }),
  fc.record({ user: fc.constantFrom(...USERS), environments: fc.uniqueArray(fc.constantFrom("dev", "prod"), { minLength: 1, maxLength: 2 }) }),
  fc.record({ user: fc.constantFrom(...USERS), paths: fc.constantFrom(["env5/"], ["c1/**"]), environments: fc.constant(["prod"]) }),
  fc.record({ user: fc.constantFrom(...USERS), expires: fc.constant("2020-01-01") }),
);
const principal = (m: unknown) => (typeof m === "string" ? m : JSON.stringify([(m as { user?: string }).user, (m as { team?: string }).team]));

const ruleRef = (levelKey: "up_to_level" | "from_level") =>
  fc.record(
    { category: fc.constantFrom(...CATEGORY_REFS), [levelKey]: fc.integer({ min: 0, max: 5 }), when: fc.option(condition, { nil: undefined }) },
    { requiredKeys: ["category"] },
  );
const rules = (levelKey: "up_to_level" | "from_level", max: number) =>
  fc.array(fc.tuple(fc.constantFrom(...ACTIONS), ruleRef(levelKey)), { maxLength: max }).map((list) => {
    const out: Record<string, unknown[]> = {};
    for (const [action, ref] of list) (out[action] ??= []).push(JSON.parse(JSON.stringify(ref)));
    return out;
  });

const role = fc.record({
  members: fc.uniqueArray(member, { minLength: 1, maxLength: 4, selector: principal }),
  inherits: fc.boolean(),
  grants: rules("up_to_level", 4),
  denies: rules("from_level", 1),
});

const requirement = fc.record(
  {
    categories: fc.uniqueArray(fc.constantFrom("c1", "c2", "c3", "other", "policy"), { minLength: 1, maxLength: 2 }),
    environments: fc.uniqueArray(fc.constantFrom("dev", "prod"), { minLength: 1, maxLength: 1 }),
    paths: fc.uniqueArray(fc.constantFrom("c1/", "**/x/**", "env5/**", "*.c1"), { minLength: 1, maxLength: 2 }),
    min_level: fc.integer({ min: 0, max: 5 }),
    roles: fc.uniqueArray(fc.constantFrom("r0", "r1", "r2"), { minLength: 1, maxLength: 2 }),
    approvals: fc.integer({ min: 1, max: 2 }),
    exclusive: fc.constant(true),
    when: condition,
  },
  { requiredKeys: ["approvals"] },
);

const options = fc.record({
  check_commit_authors: fc.boolean(),
  author_can_approve: fc.boolean(),
  stale_approvals: fc.constantFrom("dismiss" as const, "unless_changed" as const, "keep" as const),
});

interface RoleSpec {
  members: unknown[];
  inherits: boolean;
  grants: Record<string, unknown[]>;
  denies: Record<string, unknown[]>;
}

function policyYaml(roles: RoleSpec[], require: unknown[], opts: object): string {
  return stringify({
    version: 1,
    categories: { c1: { paths: ["c1/", "**/*.c1"] }, c2: { paths: ["c2/**", "**/x/**"] }, c3: { paths: ["c3/", "env5/c3/"] } },
    environments: { dev: { level: 2, paths: ["env2/"], branches: ["dev/*"] }, prod: { level: 5, paths: ["env5/"], branches: ["release/**"] } },
    roles: Object.fromEntries(
      roles.map((r, i) => [
        `r${i}`,
        {
          members: r.members,
          ...(r.inherits && i > 0 ? { inherits: [`r${i - 1}`] } : {}),
          ...(Object.keys(r.grants).length ? { grants: r.grants } : {}),
          ...(Object.keys(r.denies).length ? { denies: r.denies } : {}),
        },
      ]),
    ),
    ...(require.length ? { require: require.map((q, i) => ({ name: `q${i}`, ...(q as object) })) } : {}),
    options: opts,
  });
}

/** Lint errors (a requirement nobody can meet, say) don't matter: evaluation must agree anyway. */
function load(yaml: string): Policy | undefined {
  return loadPolicy("p.yml", yaml, NOW).policy;
}

const change = fc.record({
  files: fc.uniqueArray(fc.tuple(fc.constantFrom(...PATHS), fc.option(fc.constantFrom(...PATHS), { nil: undefined })), {
    minLength: 1,
    maxLength: 8,
    selector: ([p]) => p,
  }),
  reviews: fc.array(
    fc.record(
      {
        user: fc.constantFrom(...USERS, "U2", "stranger"),
        state: fc.constantFrom("APPROVED" as const, "CHANGES_REQUESTED" as const, "DISMISSED" as const, "COMMENTED" as const),
        onHead: fc.boolean(),
        afterBaseChange: fc.boolean(),
        order: fc.integer({ min: 0, max: 9 }),
        commit: fc.constantFrom("c1", "c2"),
        sameAsHead: fc.boolean(),
      },
      { requiredKeys: ["user", "state", "onHead", "afterBaseChange", "order"] },
    ),
    { maxLength: 6 },
  ),
  author: fc.constantFrom(...USERS),
  committers: fc.uniqueArray(fc.constantFrom(...USERS), { maxLength: 2 }),
  mergedBy: fc.option(fc.constantFrom(...USERS), { nil: undefined }),
  targetBranch: fc.constantFrom("main", "release/1", "dev/x"),
  sourceBranch: fc.option(fc.constantFrom("feature/a", "fork:main", "main"), { nil: undefined }),
  checksPassed: fc.uniqueArray(fc.constantFrom("ci", "lint", "CI"), { maxLength: 3 }),
  labels: fc.constantFrom<string[]>([], ["ok"]),
  writers: fc.constantFrom<"all" | string[]>("all", ["u1", "u3"]),
});

/**
 * The parts of a result that do not depend on which of several right assignments the matching
 * chose for exclusive requirements: for those, who counted where and which one goes short.
 */
function canonical(r: Result): Result {
  const exclusive = new Set(r.requirements.filter((q) => q.exclusive).map((q) => q.name));
  return {
    ...r,
    requirements: r.requirements.map((q) =>
      q.exclusive ? { ...q, approvedBy: [], assigned: undefined, approvals: { have: 0, need: q.approvals.need }, satisfied: false } : q,
    ),
    reviews: r.reviews.map((x) => ({ ...x, requirements: x.requirements.filter((n) => !exclusive.has(n)) })),
  };
}

/** Everything but the classifier's shape numbers, which the reference does not make (it says -1). */
function withoutShapes(r: Result): Result {
  return { ...r, files: r.files.map((f) => ({ ...f, shape: -1 })) };
}

describe("judging look-alike files once", () => {
  it("gives exactly the result of judging every path on its own", () => {
    fc.assert(
      fc.property(fc.array(role, { minLength: 1, maxLength: 4 }), fc.array(requirement, { maxLength: 3 }), options, change, (roles, require, opts, c) => {
        const policy = load(policyYaml(roles, require, opts));
        fc.pre(policy !== undefined);
        const changed: ChangedFile[] = c.files.map(([path, from]) =>
          from !== undefined && from !== path ? { path, status: "renamed", previousPath: from } : { path, status: "modified" },
        );
        const s = state({
          files: changed,
          reviews: c.reviews.map((r): Review => ({ ...r })),
          author: c.author,
          committers: c.committers,
          mergedBy: c.mergedBy,
          targetBranch: c.targetBranch,
          sourceBranch: c.sourceBranch,
          checksPassed: c.checksPassed,
          labels: c.labels,
          admins: ["u4"],
          writers: c.writers === "all" ? "all" : new Set(c.writers),
          teams: teams({ "org/t1": ["u1", "u2"], "org/t2": ["u3"] }),
        });
        const actual = evaluate(policy!, s, new Classifier(policy!));
        const { exclusiveMet, ...reference } = referenceEvaluate(policy!, s);
        expect(canonical({ ...withoutShapes(actual), title: "" })).toEqual(canonical(reference));
        // Exclusive requirements: all met exactly when some assignment meets them, and the one
        // chosen gives each person to at most one of them, each eligible where placed.
        const exclusive = actual.requirements.filter((q) => q.exclusive);
        expect(exclusive.every((q) => q.satisfied)).toBe(exclusiveMet);
        const placed = exclusive.flatMap((q) => q.approvedBy);
        expect(new Set(placed).size).toBe(placed.length);
        for (const q of exclusive) {
          const candidates = reference.requirements.find((x) => x.index === q.index)!.approvedBy;
          for (const who of q.approvedBy) expect(candidates).toContain(who);
          expect(q.approvals.have).toBe(q.approvedBy.length);
          expect(q.satisfied).toBe(q.approvedBy.length >= q.approvals.need);
        }
        // Shapes still say "same categories and environments", and nothing more.
        const look = (f: Result["files"][number]) => JSON.stringify([f.categories, f.environments]);
        for (const f of actual.files) for (const g of actual.files) expect(f.shape === g.shape).toBe(look(f) === look(g));
      }),
      { numRuns: 250 },
    );
  });

  it("tells apart files that differ only in which scoped members cover them", () => {
    const policy = policyOf(`
version: 1
categories:
  app: { paths: ["services/**"] }
roles:
  owner:
    members: [{ user: alice, paths: ["services/a/**"] }, { user: bob, paths: ["services/b/**"] }]
    grants: { author: [app], approve: [app] }
require:
  - name: Owners
    categories: [app]
`);
    const classifier = new Classifier(policy);
    const { classes } = classifier.classifyChange(files("services/a/1", "services/a/2", "services/b/3", "services/c/4"), "main");
    expect(classes[0]).toBe(classes[1]);
    expect(new Set(classes).size).toBe(3);
    expect(classes.map((c) => c.shape)).toEqual([0, 0, 0, 0]);

    const r = evaluate(policy, state({ files: files("services/a/1", "services/b/3", "services/a/2"), author: "alice" }), classifier);
    expect(r.violations.map((v) => v.path)).toEqual(["services/b/3"]);
    const eligible = (...paths: string[]) => evaluate(policy, state({ files: files(...paths) }), classifier).requirements[0]!.eligible;
    expect(eligible("services/a/1", "services/b/3")).toEqual([]);
    expect(eligible("services/a/1", "services/a/2")).toEqual(["alice"]);
    expect(eligible("services/b/3")).toEqual(["bob"]);
  });

  it("uses the policy given even with a classifier compiled for another copy of it", () => {
    const yaml = `
version: 1
categories:
  app: { paths: ["services/**"] }
roles:
  owner:
    members: [{ user: alice, paths: ["services/a/**"] }]
    grants: { author: [app] }
`;
    const r = evaluate(policyOf(yaml), state({ files: files("services/a/1"), author: "alice" }), new Classifier(policyOf(yaml)));
    expect(r.violations).toEqual([]);
  });
});
