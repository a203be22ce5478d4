import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/core/diagnostics.js";
import { judgeChange } from "../../src/core/judge-change.js";
import { assignPeople, shortfall } from "../../src/core/matching.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { verdictJson } from "../../src/core/render/result.js";
import type { Review } from "../../src/core/state.js";
import { prng } from "../helpers/prng.js";
import { approved, files, judge, NOW, policyOf, state } from "../helpers/policy.js";

// Time budget: about 2 s; the property tests run a few hundred small cases each.

/** Every assignment of people to requirements (or none), tried one by one: the obviously right answer. */
function bruteForce(needs: readonly number[], options: readonly (readonly number[])[]): boolean {
  const counts = needs.map(() => 0);
  const from = (p: number): boolean => {
    if (counts.every((c, r) => c >= needs[r]!)) return true;
    if (p === options.length) return false;
    for (const r of new Set(options[p]!)) {
      counts[r]!++;
      const ok = from(p + 1);
      counts[r]!--;
      if (ok) return true;
    }
    return from(p + 1);
  };
  return from(0);
}

/** A problem: 1–4 requirements needing 1–3 people each, 0–7 people each with some options. */
const problem = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.record({
    needs: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: n, maxLength: n }),
    options: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }), { maxLength: 7 }),
  }),
);

function isValid(needs: readonly number[], options: readonly (readonly number[])[], a: ReturnType<typeof assignPeople>) {
  a.of.forEach((r, p) => {
    if (r !== undefined) expect(options[p]).toContain(r);
  });
  needs.forEach((n, r) => {
    expect(a.filled[r]!.length).toBeLessThanOrEqual(n);
    for (const p of a.filled[r]!) expect(a.of[p]).toBe(r);
  });
}

describe("the matching", () => {
  it("finds an assignment where taking each person's first choice fails", () => {
    // alice may serve either requirement, bob only the first: greedy puts alice on the first
    // and leaves the second empty; the matching moves alice to the second.
    const a = assignPeople([1, 1], [[0, 1], [0]]);
    expect(a.complete).toBe(true);
    expect(a.of).toEqual([1, 0]);
    expect(a.filled).toEqual([[1], [0]]);
    expect(shortfall([1, 1], [[0, 1], [0]], a)).toBeUndefined();
  });

  it("says when no assignment exists, and which requirements need more people than can serve them", () => {
    const options = [[0, 1], [0, 1], [2]];
    const a = assignPeople([2, 1, 1], options);
    expect(a.complete).toBe(false);
    expect(a.filled.flat().length).toBe(3);
    expect(shortfall([2, 1, 1], options, a)).toEqual({ requirements: [0, 1], people: [0, 1] });
  });

  it("needs N distinct people for a requirement that needs N", () => {
    expect(assignPeople([2], [[0]]).complete).toBe(false);
    expect(assignPeople([2], [[0], [0]]).complete).toBe(true);
  });

  it("is exact: complete exactly when some assignment meets every requirement", () => {
    fc.assert(
      fc.property(problem, ({ needs, options }) => {
        const a = assignPeople(needs, options);
        isValid(needs, options, a);
        expect(a.complete).toBe(bruteForce(needs, options));
        const short = shortfall(needs, options, a);
        if (a.complete) expect(short).toBeUndefined();
        else {
          // Hall's condition fails on the set it names: they need more than can serve them.
          const need = short!.requirements.reduce((s, r) => s + needs[r]!, 0);
          const able = options.filter((o) => o.some((r) => short!.requirements.includes(r))).length;
          expect(need).toBeGreaterThan(able);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("never loses a complete assignment when a person is added", () => {
    fc.assert(
      fc.property(problem, fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }), fc.nat(), ({ needs, options }, extra, at) => {
        fc.pre(assignPeople(needs, options).complete);
        const person = [...new Set(extra.filter((r) => r < needs.length))];
        const more = [...options];
        more.splice(at % (options.length + 1), 0, person);
        expect(assignPeople(needs, more).complete).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("answers the same whatever the order of people, requirements and options", () => {
    fc.assert(
      fc.property(problem, fc.integer(), ({ needs, options }, seed) => {
        const rand = prng(seed);
        const shuffle = <T>(xs: readonly T[]) =>
          xs
            .map((x) => [rand(), x] as const)
            .sort((a, b) => a[0] - b[0])
            .map(([, x]) => x);
        const order = shuffle(needs.map((_, r) => r)); // new position → old requirement
        const renamed = (r: number) => order.indexOf(r);
        const other = assignPeople(
          order.map((r) => needs[r]!),
          shuffle(options.map((o) => shuffle(o.map(renamed)))),
        );
        expect(other.complete).toBe(assignPeople(needs, options).complete);
        expect(other.filled.flat().length).toBe(assignPeople(needs, options).filled.flat().length);
      }),
      { numRuns: 300 },
    );
  });
});

const TEAMS = `
version: 1
categories:
  app: { paths: ["src/**"] }
roles:
  developer: { members: [alice, bob, carol, dave], grants: { author: ["*"] } }
  backend: { members: [alice, bob], grants: { approve: [app] } }
  frontend: { members: [alice, carol], grants: { approve: [app] } }
require:
  - name: Backend
    categories: [app]
    roles: [backend]
    exclusive: true
  - name: Frontend
    categories: [app]
    roles: [frontend]
    exclusive: true
  - name: Anyone who may approve
    categories: [app]
`;

describe("exclusive requirements", () => {
  const policy = policyOf(TEAMS);
  const run = (...users: string[]) => judge(policy, { files: files("src/a.ts"), author: "dave", reviews: users.map((u) => approved(u)) });

  it("meets two teams' requirements with two different people, naming who was assigned where", () => {
    // alice is in both teams and comes first: a first-come assignment would give her Backend
    // and leave Frontend to nobody, since bob can only serve Backend.
    const r = run("alice", "bob");
    expect(r.conclusion).toBe("success");
    expect(r.requirements.map((q) => [q.name, q.satisfied, q.assigned])).toEqual([
      ["Backend", true, ["bob"]],
      ["Frontend", true, ["alice"]],
      ["Anyone who may approve", true, undefined],
    ]);
    // Non-exclusive requirements count everyone, as before.
    expect(r.requirements[2]!.approvedBy).toEqual(["alice", "bob"]);
    expect(r.reviews.find((s) => s.user === "alice")!.requirements).toEqual(["Frontend", "Anyone who may approve"]);
  });

  it("does not let one person meet both", () => {
    const r = run("alice");
    expect(r.conclusion).toBe("action_required");
    expect(r.requirements.filter((q) => q.exclusive).map((q) => q.satisfied)).toEqual([true, false]);
    expect(r.requirements.filter((q) => q.exclusive).flatMap((q) => q.assigned)).toEqual(["alice"]);
  });

  it("counts further approvers of a met requirement beyond what it needs", () => {
    const r = run("alice", "bob", "carol");
    expect(r.requirements[0]!.assigned).toEqual(["bob"]);
    expect(r.requirements[1]!.assigned).toEqual(["alice", "carol"]);
    expect(r.reviews.filter((s) => s.counted).map((s) => s.user)).toEqual(["alice", "bob", "carol"]);
  });

  it("prints assigned for exclusive requirements only", () => {
    const loaded = loadPolicy(".github/rolegate.yml", TEAMS, NOW);
    const v = judgeChange({
      base: { kind: "loaded", source: { file: ".github/rolegate.yml", fromOrg: false }, loaded },
      state: state({ files: files("src/a.ts"), author: "dave", reviews: [approved("alice"), approved("bob")] }),
    });
    const json = verdictJson(v) as { requirements: Record<string, unknown>[] };
    expect(json.requirements.map((q) => [q.exclusive, q.assigned])).toEqual([
      [true, ["bob"]],
      [true, ["alice"]],
      [undefined, undefined],
    ]);
  });

  const reviewsArb = fc.array(
    fc.record({ user: fc.constantFrom("alice", "bob", "carol", "dave", "erin"), onHead: fc.boolean(), order: fc.integer({ min: 0, max: 5 }) }),
    { maxLength: 6 },
  );
  const reviewsOf = (list: { user: string; onHead: boolean; order: number }[]): Review[] => list.map((r) => approved(r.user, r));
  const exclusiveMet = (reviews: Review[]) =>
    judge(policy, { files: files("src/a.ts"), author: "dave", reviews })
      .requirements.filter((q) => q.exclusive)
      .every((q) => q.satisfied);

  it("never stop being met when an approver is added", () => {
    fc.assert(
      fc.property(reviewsArb, fc.constantFrom("alice", "bob", "carol", "erin"), fc.integer({ min: 0, max: 6 }), (list, user, order) => {
        const reviews = reviewsOf(list);
        fc.pre(exclusiveMet(reviews));
        expect(exclusiveMet([...reviews, approved(user, { order })])).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("do not depend on the order of the reviews", () => {
    fc.assert(
      fc.property(reviewsArb, fc.integer(), (list, seed) => {
        const rand = prng(seed);
        const reviews = reviewsOf(list);
        const shuffled = reviews
          .map((r) => [rand(), r] as const)
          .sort((a, b) => a[0] - b[0])
          .map(([, r]) => r);
        const a = judge(policy, { files: files("src/a.ts"), author: "dave", reviews });
        const b = judge(policy, { files: files("src/a.ts"), author: "dave", reviews: shuffled });
        expect(b.requirements).toEqual(a.requirements);
        expect(b.reviews).toEqual(a.reviews);
        expect(b.conclusion).toBe(a.conclusion);
      }),
      { numRuns: 300 },
    );
  });
});

describe("lint of exclusive requirements", () => {
  const lint = (yaml: string) => loadPolicy(".github/rolegate.yml", yaml, NOW).diagnostics;
  const SHARED = `
version: 1
categories:
  app: { paths: ["src/**"] }
roles:
  security: { members: [MEMBERS], grants: { approve: [app, policy] } }
require:
  - name: First look
    categories: [app]
    roles: [security]
    exclusive: true
  - name: Second look
    categories: [app, policy]
    roles: [security]
    exclusive: true
`;

  it("is an error when no assignment of the possible approvers meets them all", () => {
    const d = lint(SHARED.replace("MEMBERS", "dana"));
    const error = d.find((x) => x.code === "exclusive-never-met");
    expect(error && formatDiagnostic(error)).toBe(
      '.github/rolegate.yml:11:16: error: exclusive requirements "First look" and "Second look" can never be met together: one person counts toward only one of them, so they need 2 distinct approvers, but only 1 possible approver (dana) may approve them',
    );
  });

  it("is fine when enough people could serve them, or a team could", () => {
    expect(lint(SHARED.replace("MEMBERS", "dana, erin")).filter((x) => x.severity === "error")).toEqual([]);
    const team = lint(SHARED.replace("MEMBERS", '"@acme/security"'));
    expect(team.filter((x) => x.severity === "error")).toEqual([]);
  });

  it("leaves a single requirement short of approvers to the few-approvers warning", () => {
    const d = lint(
      SHARED.replace("MEMBERS", "dana").replace("    exclusive: true\n  - name: Second look", "    approvals: 2\n    exclusive: true\n  - name: Second look"),
    );
    expect(d.map((x) => x.code)).toContain("few-approvers");
    // Sharing still takes dana from one of them: that part is the exclusive error.
    expect(d.map((x) => x.code)).toContain("exclusive-never-met");
    expect(
      lint(
        SHARED.replace("MEMBERS", "dana, erin").replace(
          "    exclusive: true\n  - name: Second look",
          "    approvals: 2\n    exclusive: true\n  - name: Second look",
        ),
      ).map((x) => x.code),
    ).toContain("exclusive-never-met");
  });

  it("is a membership finding (a warning in a check) when only expired memberships are missing", () => {
    const d = lint(SHARED.replace("MEMBERS", 'dana, { user: erin, expires: "2026-01-01" }'));
    expect(d.find((x) => x.message.includes("can never be met together"))).toMatchObject({ code: "never-met-expired", severity: "error" });
  });
});
