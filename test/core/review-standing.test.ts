import { describe, expect, it } from "vitest";
import type { Result } from "../../src/core/evaluate.js";
import { judgeChange } from "../../src/core/judge-change.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { SUMMARY_LIMIT, verdictMarkdown } from "../../src/core/render/check.js";
import { verdictJson, verdictText } from "../../src/core/render/result.js";
import { STANDING_KEYWORDS } from "../../src/core/review-standing.js";
import type { ChangeState, Review } from "../../src/core/state.js";
import { approved, changesRequested, files, judge, NOW, policyOf, state } from "../helpers/policy.js";

// Time budget: about a second; in-memory evaluation, one 3,000-file change for the size limit.

const POLICY = `
version: 1
categories:
  infrastructure: { paths: ["k8s/**"] }
  secrets: { paths: ["secrets/**"] }
roles:
  developer: { members: [dev1, dev2], grants: { author: ["*"] } }
  devops: { inherits: [developer], members: [olga, omar], grants: { approve: [infrastructure] } }
  security: { members: [dana], grants: { approve: [secrets, policy] } }
require:
  - name: DevOps approval
    categories: [infrastructure]
  - name: Security approval
    categories: [secrets, policy]
`;
const policy = policyOf(POLICY);
const withOption = (option: string) => policyOf(`${POLICY}options: { ${option} }\n`);

const dismissed = (user: string, extra: Partial<Review> = {}): Review => ({
  user,
  state: "DISMISSED",
  onHead: true,
  afterBaseChange: true,
  order: 20,
  ...extra,
});
const commented = (user: string): Review => ({ user, state: "COMMENTED", onHead: true, afterBaseChange: true, order: 30 });

function standingOf(result: Result, user: string) {
  const s = result.reviews.find((r) => r.user === user);
  if (!s) throw new Error(`no standing for ${user}: ${JSON.stringify(result.reviews)}`);
  return s;
}
const keywords = (result: Result, user: string) => standingOf(result, user).reasons.map((r) => r.keyword);

describe("each reviewer's standing", () => {
  it("counts a valid, eligible approval toward the requirements it serves, and says which it cannot", () => {
    const r = judge(policy, { files: files("k8s/a.yaml", "secrets/b"), reviews: [approved("olga")] });
    expect(standingOf(r, "olga")).toMatchObject({ user: "olga", state: "approved", counted: true, requirements: ["DevOps approval"] });
    const [why] = standingOf(r, "olga").reasons;
    // The chain of explain: where the file sits, what olga holds, what refused.
    expect(why!.text).toBe(
      'not eligible for "Security approval": secrets/b is in secrets at level 0; holds devops (member of devops); ' +
        "holds developer (member of devops, which inherits developer); no held role grants approve on secrets at level 0",
    );
  });

  it("reports every reviewer once, sorted, with each reason beginning with its keyword", () => {
    const r = judge(policy, {
      files: files("k8s/a.yaml"),
      author: "dev1",
      committers: ["omar"],
      reviews: [
        approved("OLGA", { order: 1 }),
        approved("olga", { order: 2 }),
        approved("dev1"),
        approved("omar"),
        changesRequested("dana"),
        commented("dev2"),
      ],
    });
    expect(r.reviews.map((s) => s.user)).toEqual(["dana", "dev1", "dev2", "olga", "omar"]);
    for (const s of r.reviews) {
      for (const reason of s.reasons) {
        expect(STANDING_KEYWORDS).toContain(reason.keyword);
        expect(reason.text.startsWith(reason.keyword)).toBe(true);
      }
      if (!s.counted) expect(s.reasons.length).toBeGreaterThan(0);
    }
  });

  const cases: [string, Partial<ChangeState>, string[]][] = [
    ["author", { author: "olga" }, ["author"]],
    ["committer", { committers: ["olga"] }, ["committer"]],
    ["stale (dismiss)", { reviews: [approved("olga", { onHead: false, commit: "c".repeat(40) })] }, ["stale"]],
    ["base changed", { reviews: [approved("olga", { afterBaseChange: false })] }, ["base changed"]],
    ["no write access", { writers: new Set<string>(), reviews: [approved("stranger")] }, ["no write access", "not eligible"]],
  ];
  it.each(cases)("does not count an approval by the %s", (_name, overrides, expected) => {
    const r = judge(policy, { files: files("k8s/a.yaml"), reviews: [approved("olga")], ...overrides });
    const user = overrides.reviews?.[0]?.user ?? "olga";
    expect(standingOf(r, user).counted).toBe(false);
    expect(keywords(r, user)).toEqual(expected);
    expect(r.conclusion).toBe("action_required");
  });

  it("names the stale commit and why the option voids it", () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const reviews = [approved("olga", { onHead: false, commit: sha })];
    const dismiss = standingOf(judge(policy, { files: files("k8s/a.yaml"), reviews }), "olga").reasons[0]!.text;
    expect(dismiss).toBe("stale: approved an earlier commit (0123456789ab), and options.stale_approvals is dismiss");
    const unknown = standingOf(judge(withOption("stale_approvals: unless_changed"), { files: files("k8s/a.yaml"), reviews }), "olga").reasons[0]!.text;
    expect(unknown).toMatch(/^stale: .*whether the pull request's changes differ since is unknown, so they count as changed$/);
    const changed = [approved("olga", { onHead: false, commit: sha, sameAsHead: false })];
    const differs = standingOf(judge(withOption("stale_approvals: unless_changed"), { files: files("k8s/a.yaml"), reviews: changed }), "olga");
    expect(differs.reasons[0]!.text).toMatch(/^stale: .*and the pull request's changes differ since$/);
  });

  it("gives every reason at once: an author's stale approval from someone not eligible", () => {
    const r = judge(policy, { files: files("k8s/a.yaml"), author: "dev1", reviews: [approved("dev1", { onHead: false })] });
    expect(keywords(r, "dev1")).toEqual(["stale", "author", "not eligible"]);
  });

  it("says a later review replaced an approval (superseded), dismissed, and changes requested, blocking or not", () => {
    const r = judge(policy, {
      files: files("k8s/a.yaml"),
      reviews: [
        approved("olga", { order: 1 }),
        changesRequested("olga", { order: 2 }),
        approved("omar", { order: 1 }),
        dismissed("omar", { order: 2 }),
        changesRequested("dev2"),
        approved("dana", { order: 1 }),
        dismissed("dana", { order: 2 }),
        approved("dana", { order: 3, onHead: false }),
      ],
    });
    expect(standingOf(r, "olga")).toMatchObject({ state: "changes_requested", counted: false });
    expect(keywords(r, "olga")).toEqual(["changes requested", "superseded"]);
    expect(standingOf(r, "olga").reasons[0]!.text).toBe(
      "changes requested: olga may approve k8s/a.yaml, so this review blocks the change until it is dismissed or replaced",
    );
    expect(standingOf(r, "olga").reasons[1]!.text).toBe("superseded: an earlier approval was replaced by a later change request");
    expect(standingOf(r, "omar")).toMatchObject({ state: "dismissed", counted: false });
    expect(keywords(r, "omar")).toEqual(["dismissed", "superseded"]);
    expect(standingOf(r, "dev2").reasons[0]!.text).toBe("changes requested: does not block: dev2 may approve none of the changed files");
    expect(keywords(r, "dana")).toEqual(["stale", "superseded", "not eligible"]);
    expect(r.blocking.map((b) => b.user)).toEqual(["olga"]);
  });

  it("reports a reviewer who only commented, with nothing that could count", () => {
    const r = judge(policy, { files: files("k8s/a.yaml"), reviews: [commented("dev2")] });
    expect(standingOf(r, "dev2")).toMatchObject({ state: "commented", counted: false, requirements: [] });
    expect(keywords(r, "dev2")).toEqual(["commented"]);
  });

  it("counts a valid approval when no requirement applies: nothing needed it, nothing is wrong with it (decision)", () => {
    const r = judge(policy, { files: files("README.md"), author: "dev1", reviews: [approved("dev2")] });
    expect(r.requirements).toEqual([]);
    expect(standingOf(r, "dev2")).toEqual({ user: "dev2", state: "approved", counted: true, reasons: [], requirements: [] });
    // Once a requirement applies that dev2 cannot serve, the approval no longer counts, and says why.
    const guarded = judge(policy, { files: files("README.md", "k8s/a.yaml"), author: "dev1", reviews: [approved("dev2")] });
    expect(standingOf(guarded, "dev2").counted).toBe(false);
    expect(keywords(guarded, "dev2")).toEqual(["not eligible"]);
  });

  it("explains a requirement's roles: and the built-in admin rule in the same words as explain", () => {
    const roles = policyOf(`${POLICY.replace("    categories: [secrets, policy]\n", "    categories: [secrets, policy]\n    roles: [security]\n")}`);
    const bothRoles = policyOf(`
version: 1
categories:
  infrastructure: { paths: ["k8s/**"] }
roles:
  devops: { members: [olga, sam], grants: { approve: [infrastructure] } }
  lead: { members: [sam] }
require:
  - name: Lead approval
    categories: [infrastructure]
    roles: [lead]
  - name: Admin
    categories: [policy]
`);
    const r = judge(bothRoles, { files: files("k8s/a.yaml"), reviews: [approved("olga"), approved("sam")] });
    expect(standingOf(r, "sam").counted).toBe(true);
    expect(standingOf(r, "olga").reasons[0]!.text).toBe(
      'not eligible for "Lead approval": k8s/a.yaml is in infrastructure at level 0; holds devops (member of devops); ' +
        "the requirement accepts only lead, and no such role is held for this file",
    );
    const admin = judge(roles, { files: files(".github/rolegate.yml"), reviews: [approved("dana"), approved("olga")], admins: ["dana"] });
    expect(admin.requirements.map((q) => q.name)).toEqual(["Security approval"]);
    const builtin = judge(policyOf(POLICY.replace("categories: [secrets, policy]", "categories: [secrets]")), {
      files: files(".github/rolegate.yml"),
      reviews: [approved("olga")],
      admins: ["dana"],
    });
    expect(standingOf(builtin, "olga").reasons[0]!.text).toBe('not eligible for "Policy changes need a repository admin": olga is not a repository admin');
  });

  it("keeps an approval of an earlier commit with unless_changed only when the change is the same since", () => {
    const unless = withOption("stale_approvals: unless_changed");
    const same = judge(unless, { files: files("k8s/a.yaml"), reviews: [approved("olga", { onHead: false, sameAsHead: true })] });
    expect(same.conclusion).toBe("success");
    expect(standingOf(same, "olga").counted).toBe(true);
    for (const sameAsHead of [false, undefined]) {
      const r = judge(unless, { files: files("k8s/a.yaml"), reviews: [approved("olga", { onHead: false, sameAsHead })] });
      expect(r.conclusion).toBe("action_required");
    }
    // dismiss ignores sameness; keep needs none.
    expect(judge(policy, { files: files("k8s/a.yaml"), reviews: [approved("olga", { onHead: false, sameAsHead: true })] }).conclusion).toBe("action_required");
    expect(judge(withOption("stale_approvals: keep"), { files: files("k8s/a.yaml"), reviews: [approved("olga", { onHead: false })] }).conclusion).toBe(
      "success",
    );
    // Never before the latest change of the base branch, whatever the option.
    const before = judge(unless, { files: files("k8s/a.yaml"), reviews: [approved("olga", { onHead: false, sameAsHead: true, afterBaseChange: false })] });
    expect(keywords(before, "olga")).toEqual(["base changed"]);
  });
});

describe("the standing in the verdict", () => {
  const verdict = () => {
    const loaded = loadPolicy(".github/rolegate.yml", POLICY, NOW);
    return judgeChange({
      base: { kind: "loaded", source: { file: ".github/rolegate.yml", fromOrg: false }, loaded },
      state: state({
        files: files("k8s/a.yaml"),
        author: "dev1",
        reviews: [approved("olga", { commit: "abc" }), approved("dev1"), changesRequested("dev2"), commented("dana")],
      }),
    });
  };

  it("is the CLI contract's JSON: user, state, counted, reasons, requirements", () => {
    const json = verdictJson(verdict()) as { reviews: unknown[] };
    expect(json.reviews).toEqual([
      {
        user: "dana",
        state: "commented",
        counted: false,
        reasons: ["commented: only commented, which neither approves nor requests changes"],
        requirements: [],
      },
      {
        user: "dev1",
        state: "approved",
        counted: false,
        reasons: [
          "author: dev1 opened the pull request, and options.author_can_approve is false",
          expect.stringMatching(/^not eligible for "DevOps approval": k8s\/a\.yaml is in infrastructure at level 0; holds developer/),
        ],
        requirements: [],
      },
      {
        user: "dev2",
        state: "changes_requested",
        counted: false,
        reasons: ["changes requested: does not block: dev2 may approve none of the changed files"],
        requirements: [],
      },
      { user: "olga", state: "approved", counted: true, reasons: [], requirements: ["DevOps approval"], commit: "abc" },
    ]);
  });

  it("is a Reviews table in the check markdown and a list in the terminal text", () => {
    const md = verdictMarkdown(verdict());
    expect(md).toContain("### Reviews\n\n| Reviewer | Counts | Review | Counts toward | Why not |");
    expect(md).toContain("| `olga` | ✅ yes | approved | DevOps approval |  |");
    expect(md).toMatch(
      /\| `dev1` \| ❌ no \| approved \| — \| \*\*author\*\*: dev1 opened the pull request, and options\.author_can_approve is false<br>\*\*not eligible\*\* for/,
    );
    // Those who do not count come first: they are what a reader looks for.
    expect(md.indexOf("`dev1`")).toBeLessThan(md.indexOf("`olga`"));
    const text = verdictText(verdict());
    expect(text).toContain("Reviews:\n  dana: commented, does not count\n    - commented: only commented");
    expect(text).toContain("  olga: approved, counts toward DevOps approval\n");
  });

  it("fits the check summary on a 3,000-file change with 100 reviews and 12 requirements", () => {
    const requirements = Array.from(
      { length: 12 },
      (_, i) => `  - name: Requirement number ${i} with a fairly long descriptive name\n    categories: [${["infrastructure", "secrets", "other"][i % 3]}]\n`,
    ).join("");
    const text = POLICY.replace(/require:[\s\S]*$/, `require:\n${requirements}`);
    const loaded = loadPolicy(".github/rolegate.yml", text, NOW);
    const paths = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? `k8s/m${i}/main.yaml` : i % 3 === 1 ? `secrets/s${i}` : `src/deep/path/${i}/file.ts`));
    const reviews = Array.from({ length: 100 }, (_, i) => approved(`reviewer-with-a-long-login-${i}`, { onHead: i % 2 === 0 }));
    const v = judgeChange({
      base: { kind: "loaded", source: { file: ".github/rolegate.yml", fromOrg: false }, loaded },
      state: state({ files: files(...paths), reviews, author: "dev1" }),
    });
    expect(v.result!.reviews).toHaveLength(100);
    const md = verdictMarkdown(v);
    expect(md.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(md).not.toContain("truncated to fit");
    expect(md).toContain("### Reviews");
    expect(md).toMatch(/and \d+ more reviewers/);
    for (let i = 0; i < 12; i++) expect(md).toContain(`Requirement number ${i} with a fairly long descriptive name`);
  });
});
