import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globLanguage, importCodeowners, parseCodeowners, SCHEMA_LINE, type ImportFinding } from "../../src/import/codeowners/index.js";
import type { Result } from "../../src/core/evaluate.js";
import { compilePathGlob, matchPath } from "../../src/core/glob.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import type { Policy } from "../../src/core/policy/types.js";
import { approved, files, judge, NOW, policyOf, teams } from "../helpers/policy.js";

// Time budget: a few seconds; the property runs import, load and evaluate a few hundred times.

/* ------------------------------------------------------------------------------------------ */
/* An independent reference for GitHub's CODEOWNERS matching (regular expressions, not the      */
/* importer's automata), written from GitHub's documentation and checked against its examples.   */
/* ------------------------------------------------------------------------------------------ */

type RefToken = { k: "lit"; c: string } | { k: "star" } | { k: "one" } | { k: "class"; src: string };

/**
 * `extended`: also read what GitHub does not support the way gitignore does (a class is a class,
 * `\c` is `c`, a leading `!` is a plain character, `//` is `/`, `***` is `**`).
 */
function referenceRegex(pattern: string, extended = false): RegExp {
  const toks: (RefToken | "/")[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    const close = pattern.indexOf("]", i + 2);
    if (extended && ch === "\\" && i + 1 < pattern.length) toks.push({ k: "lit", c: pattern[++i]! });
    else if (extended && ch === "[" && close > 0 && !pattern.slice(i, close).includes("/")) {
      toks.push({ k: "class", src: pattern.slice(i + 1, close) });
      i = close;
    } else if (ch === "/") toks.push("/");
    else if (ch === "*") toks.push({ k: "star" });
    else if (ch === "?") toks.push({ k: "one" });
    else toks.push({ k: "lit", c: ch });
  }
  let segs: RefToken[][] = [[]];
  for (const t of toks)
    if (t === "/") segs.push([]);
    else segs[segs.length - 1]!.push(t);
  const leading = segs.length > 1 && segs[0]!.length === 0;
  if (leading) segs.shift();
  const dirMark = segs.length > 1 && segs[segs.length - 1]!.length === 0;
  if (dirMark) segs.pop();
  if (extended) segs = segs.filter((s) => s.length > 0);
  const anchored = leading || segs.length > 1;
  const stars = (seg: RefToken[]) => seg.every((t) => t.k === "star");
  let re = anchored ? "^" : "^(?:[^/]+/)*";
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (stars(seg) && seg.length >= 2) {
      re += last && !dirMark ? "(?:[^/]+/)+" : "(?:[^/]+/)*";
      return;
    }
    const lone = seg.length === 1 && seg[0]!.k === "star";
    if (lone) re += "[^/]+/";
    else {
      re +=
        seg
          .map((t) =>
            t.k === "star"
              ? "[^/]*"
              : t.k === "one"
                ? "[^/]"
                : t.k === "class"
                  ? `(?!/)[${t.src.startsWith("!") ? "^" + t.src.slice(1) : t.src}]`
                  : t.c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"),
          )
          .join("") + "/";
    }
    // Anything else than a final lone `*` also covers what is inside it.
    if (last && !dirMark && !lone) re += "(?:[^/]+/)*";
  });
  if (dirMark) re += "(?:[^/]+/)+";
  return new RegExp(re + "$");
}

const coMatches = (pattern: string, path: string) => referenceRegex(pattern).test(path + "/");

interface Rule {
  pattern: string;
  owners: string[];
}

/** The last rule matching the path, by index, or -1 (CODEOWNERS: the last match wins). */
function lastMatch(rules: readonly Rule[], path: string): number {
  for (let i = rules.length - 1; i >= 0; i--) if (coMatches(rules[i]!.pattern, path)) return i;
  return -1;
}

describe("the reference CODEOWNERS matcher", () => {
  it("agrees with GitHub's documented examples", () => {
    const cases: [string, string[], string[]][] = [
      ["*", ["a", "a/b/c", ".github/x"], []],
      ["*.js", ["a.js", "src/app/a.js"], ["a.jsx", "a.ts"]],
      ["/build/logs/", ["build/logs/a", "build/logs/deep/b"], ["build/logs", "x/build/logs/a"]],
      ["docs/*", ["docs/getting-started.md"], ["docs/build-app/troubleshooting.md", "x/docs/a.md"]],
      ["apps/", ["apps/a", "x/apps/b/c"], ["apps"]],
      ["/docs/", ["docs/a", "docs/a/b"], ["x/docs/a"]],
      ["**/logs", ["build/logs/a", "scripts/logs", "deeply/nested/logs/x"], ["logs2/a"]],
      ["/apps/github", ["apps/github", "apps/github/x"], ["apps/githubx", "x/apps/github"]],
      ["/*", ["a", "README.md"], ["a/b"]],
    ];
    for (const [pattern, yes, no] of cases) {
      for (const p of yes) expect(coMatches(pattern, p), `${pattern} ~ ${p}`).toBe(true);
      for (const p of no) expect(coMatches(pattern, p), `${pattern} !~ ${p}`).toBe(false);
    }
  });
});

/* ------------------------------------------------------------------------------------------ */
/* Helpers: judging one path under the imported policy                                          */
/* ------------------------------------------------------------------------------------------ */

const TEAMS = { "acme/core": ["core-1"], "acme/docs": ["docs-1"], "acme/dev": ["dev-1"], "acme/platform": ["plat-1"] };
const TEAM_DATA = teams(TEAMS);
/** Everyone who could approve anything in these tests: direct owners and team members. */
const EVERYONE = ["alice", "bob", "carol", "dave", "core-1", "docs-1", "dev-1", "plat-1"];

function loginsOf(owner: string): string[] {
  if (owner.startsWith("@") && owner.includes("/")) return TEAMS[owner.slice(1).toLowerCase() as keyof typeof TEAMS] ?? [];
  return owner.startsWith("@") ? [owner.slice(1).toLowerCase()] : []; // an email names no login
}

function judgePath(policy: Policy, path: string, approvers: string[] = []): Result {
  return judge(policy, { files: files(path), author: "outsider", reviews: approvers.map((a) => approved(a)), teams: TEAM_DATA });
}

const applied = (r: Result) => r.requirements.map((q) => q.name).sort();

/** Requirement name → the owners its role stands for (lower case; placeholders mapped back to what they stand for). */
function ownersByRequirement(policy: Policy, findings: ImportFinding[]): Map<string, string> {
  const back = new Map<string, string>();
  for (const f of findings) if (f.kind === "unmapped-owner" && f.placeholder) back.set(f.placeholder.toLowerCase(), f.owner.toLowerCase());
  const out = new Map<string, string>();
  for (const req of policy.requirements) {
    const role = policy.roles.get(req.roles![0]!)!;
    const ids = role.members.map((m) => (m.kind === "team" ? `@${m.id}` : (back.get(m.id) ?? `@${m.id}`)));
    out.set(req.name, [...ids].sort().join(" "));
  }
  return out;
}

/** The owner key of a CODEOWNERS rule as the importer keys it: mapped owners, else unmapped ones. */
function ownerKey(rule: Rule): string {
  const mapped = rule.owners.filter((o) => o.startsWith("@")).map((o) => o.toLowerCase());
  return (mapped.length > 0 ? mapped : rule.owners.map((o) => o.toLowerCase())).sort().join(" ");
}

/* ------------------------------------------------------------------------------------------ */
/* A realistic file                                                                             */
/* ------------------------------------------------------------------------------------------ */

const REALISTIC = readFileSync(join(import.meta.dirname, "..", "fixtures", "codeowners", "CODEOWNERS"), "utf8");

describe("importing a realistic CODEOWNERS", () => {
  const result = importCodeowners(REALISTIC, { source: ".github/CODEOWNERS" });
  const policy = policyOf(result.yaml);

  it("gives a valid policy that starts with the schema line and says it was generated", () => {
    expect(result.yaml.split("\n")[0]).toBe(SCHEMA_LINE);
    expect(result.yaml).toMatch(/^# Generated by `rolegate import codeowners` from \.github\/CODEOWNERS/m);
    const loaded = loadPolicy("imported.yml", result.yaml, NOW);
    expect(loaded.diagnostics).toEqual([]);
    expect(policy.requirements.map((r) => r.name)).toEqual([
      "CODEOWNERS: @acme/core",
      "CODEOWNERS: @acme/docs",
      "CODEOWNERS: @alice, @acme/dev",
      "CODEOWNERS: go-owners@example.com (not mapped)",
      "CODEOWNERS: @bob",
      "CODEOWNERS: @acme/platform",
      "CODEOWNERS: @acme/platform, @carol",
      "CODEOWNERS: @carol",
    ]);
  });

  it("asks exactly the owners of the last matching line where CODEOWNERS is expressible", () => {
    const cases: [string, string, string[]][] = [
      ["Makefile", "core-1", ["docs-1", "alice"]],
      ["README.md", "docs-1", ["core-1"]],
      ["docs/internal/a.txt", "docs-1", ["dave", "core-1"]],
      ["src/app/main.ts", "alice", ["core-1", "docs-1"]],
      ["src/app/main.ts", "dev-1", ["bob"]],
      [".github/dependabot.yml", "plat-1", ["carol", "core-1"]],
      [".github/rolegate.yml", "plat-1", ["core-1"]],
    ];
    for (const [path, owner, others] of cases) {
      expect(judgePath(policy, path, [owner]).conclusion, `${path} approved by ${owner}`).toBe("success");
      expect(judgePath(policy, path, others).conclusion, `${path} approved by ${others}`).toBe("action_required");
    }
  });

  it("asks for more where lines overlap, and says so", () => {
    // Line 22 overrides line 21 for workflows in CODEOWNERS; rolegate cannot take them out of line 21's category.
    expect(judgePath(policy, ".github/workflows/ci.yml", ["carol"]).conclusion).toBe("action_required");
    expect(judgePath(policy, ".github/workflows/ci.yml", ["carol", "plat-1"]).conclusion).toBe("success");
    expect(result.findings).toContainEqual(
      expect.objectContaining({ kind: "overlap", requirements: ["CODEOWNERS: @acme/platform", "CODEOWNERS: @acme/platform, @carol"], lines: [21, 22] }),
    );
    // Vendored code has no owner in CODEOWNERS, but stays in /src/'s category.
    expect(judgePath(policy, "src/vendor/lib.js").conclusion).toBe("action_required");
    expect(judgePath(policy, "src/vendor/lib.js", ["alice"]).conclusion).toBe("success");
  });

  it("never lets a Go file through: its owner is an email address", () => {
    expect(judgePath(policy, "cmd/main.go", EVERYONE).conclusion).toBe("action_required");
    expect(result.yaml).toMatch(/unmapped-owner-1-replace-with-a-github-login"\s+# stands for go-owners@example\.com/);
  });

  it("reports exactly where it asks for more, and why", () => {
    const stricter = result.findings
      .filter((f) => ["overlap", "unowned", "unmatched", "policy-admin"].includes(f.kind))
      .map((f) =>
        f.kind === "overlap"
          ? `overlap ${f.requirements.join(" + ")}`
          : f.kind === "unowned"
            ? `unowned line ${f.line}: ${f.requirement}`
            : f.kind === "unmatched"
              ? `unmatched: ${f.requirement}`
              : f.kind,
      );
    expect(stricter).toEqual([
      "overlap CODEOWNERS: @acme/core + CODEOWNERS: @acme/docs",
      "overlap CODEOWNERS: @acme/core + CODEOWNERS: @alice, @acme/dev",
      "overlap CODEOWNERS: @acme/core + CODEOWNERS: go-owners@example.com (not mapped)",
      "overlap CODEOWNERS: @acme/core + CODEOWNERS: @bob",
      "overlap CODEOWNERS: @acme/core + CODEOWNERS: @acme/platform",
      "overlap CODEOWNERS: @acme/core + CODEOWNERS: @acme/platform, @carol",
      "overlap CODEOWNERS: @acme/core + CODEOWNERS: @carol",
      "overlap CODEOWNERS: @acme/docs + CODEOWNERS: @alice, @acme/dev",
      "overlap CODEOWNERS: @acme/docs + CODEOWNERS: go-owners@example.com (not mapped)",
      "overlap CODEOWNERS: @acme/docs + CODEOWNERS: @bob",
      "overlap CODEOWNERS: @acme/docs + CODEOWNERS: @acme/platform",
      "overlap CODEOWNERS: @acme/docs + CODEOWNERS: @acme/platform, @carol",
      "overlap CODEOWNERS: @acme/docs + CODEOWNERS: @carol",
      "overlap CODEOWNERS: @alice, @acme/dev + CODEOWNERS: go-owners@example.com (not mapped)",
      "overlap CODEOWNERS: @alice, @acme/dev + CODEOWNERS: @carol",
      "overlap CODEOWNERS: go-owners@example.com (not mapped) + CODEOWNERS: @bob",
      "overlap CODEOWNERS: go-owners@example.com (not mapped) + CODEOWNERS: @acme/platform",
      "overlap CODEOWNERS: go-owners@example.com (not mapped) + CODEOWNERS: @acme/platform, @carol",
      "overlap CODEOWNERS: go-owners@example.com (not mapped) + CODEOWNERS: @carol",
      "overlap CODEOWNERS: @bob + CODEOWNERS: @carol",
      "overlap CODEOWNERS: @acme/platform + CODEOWNERS: @acme/platform, @carol",
      "overlap CODEOWNERS: @acme/platform + CODEOWNERS: @carol",
      "overlap CODEOWNERS: @acme/platform, @carol + CODEOWNERS: @carol",
      // Not Go files or build directories under src/vendor/: later lines own those.
      "unowned line 12: CODEOWNERS: @acme/docs",
      "unowned line 12: CODEOWNERS: @alice, @acme/dev",
    ]);
    // Every example really is a place where the policy asks for more.
    const rules = parseCodeowners(REALISTIC).map((r) => ({
      pattern: r.pattern,
      owners: [...r.owners.map((o) => (o.startsWith("@") ? o : "@" + o)), ...r.unmapped],
    }));
    const lineOf = parseCodeowners(REALISTIC).map((r) => r.line);
    for (const f of result.findings) {
      if (f.kind === "overlap") expect(applied(judgePath(policy, f.example!)), f.example).toEqual(expect.arrayContaining(f.requirements));
      if (f.kind === "unowned") {
        expect(lineOf[lastMatch(rules, f.example!)], f.example).toBe(f.line);
        expect(applied(judgePath(policy, f.example!))).toContain(f.requirement);
      }
    }
  });

  it("explains the other differences: shadowed lines, widened patterns, unmapped owners", () => {
    const other = result.findings.filter((f) => !["overlap", "unowned", "unmatched", "policy-admin"].includes(f.kind));
    expect(other).toEqual([
      { kind: "shadowed", line: 8, by: 29 },
      { kind: "shadowed", line: 28, by: 29 },
      { kind: "widened", line: 18, pattern: "/scripts/*", glob: "/scripts/*", reason: expect.stringContaining("directly inside"), example: "scripts/a/a" },
      { kind: "widened", line: 25, pattern: "[Bb]uild/", glob: "*uild/", reason: expect.stringContaining("character classes") },
      { kind: "unmapped-owner", line: 7, owner: "docs-lead@example.com" },
      { kind: "unmapped-owner", line: 15, owner: "go-owners@example.com", placeholder: "unmapped-owner-1-replace-with-a-github-login" },
    ]);
    expect(result.notes).toHaveLength(result.findings.length);
    expect(result.notes[0]).toBe(
      "Line 8 (`/docs/`) is left out: line 29 (`/docs/`) comes later and matches every file it matches, so it never decides anything.",
    );
    // The comments say where the policy is stricter, above the requirement concerned.
    expect(result.yaml).toMatch(
      /# Stricter than CODEOWNERS here: it also selects\n {2}# - files whose last matching line 12 has no owners \(e\.g\. `src\/vendor\/a`\)/,
    );
    expect(result.yaml).toContain("# - Line 18: `/scripts/*` becomes the glob `/scripts/*`");
  });
});

/* ------------------------------------------------------------------------------------------ */
/* Properties over generated trees and CODEOWNERS files                                        */
/* ------------------------------------------------------------------------------------------ */

const NAMES = ["docs", "src", "a.md", "b.ts", "lib", ".github", "x", "vendor"];
const SEGMENT_PATTERNS = [...NAMES, "*", "**", "*.md", "*.ts", "d*", "?ib", "v*r"];
const OWNERS = ["@alice", "@bob", "@acme/docs", "@acme/dev", "ops@example.com"];

const arbPath = fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));
const arbPattern = fc
  .record({
    leading: fc.boolean(),
    segs: fc.array(fc.constantFrom(...SEGMENT_PATTERNS), { minLength: 1, maxLength: 3 }),
    trailing: fc.boolean(),
  })
  .map(({ leading, segs, trailing }) => (leading ? "/" : "") + segs.join("/") + (trailing ? "/" : ""))
  // Patterns GitHub surely reads (the importer reports the others; see the soundness property).
  .filter((p) => parseCodeowners(`${p} @x`)[0]!.unsupported === undefined);
const arbRule = fc.record({
  pattern: arbPattern,
  owners: fc.oneof(
    { weight: 1, arbitrary: fc.constant([] as string[]) },
    { weight: 4, arbitrary: fc.uniqueArray(fc.constantFrom(...OWNERS), { minLength: 1, maxLength: 2 }) },
  ),
});
/** Often a catch-all first, as most real files have. */
const arbRules = fc
  .tuple(
    fc.option(fc.record({ pattern: fc.constantFrom("*", "**", "/**"), owners: fc.constantFrom(["@acme/core"], ["@bob"], [] as string[]) }), { freq: 2 }),
    fc.array(arbRule, { minLength: 1, maxLength: 6 }),
  )
  .map(([first, rest]) => (first ? [first, ...rest] : rest));
const arbCase = fc.record({
  rules: arbRules,
  tree: fc.uniqueArray(arbPath, { minLength: 1, maxLength: 12 }).map((t) => [...t, ".github/rolegate.yml"]),
});

const render = (rules: readonly Rule[]) => rules.map((r) => [r.pattern, ...r.owners].join(" ")).join("\n") + "\n";

/** Who may approve for a rule: its owners' logins (an email names none). */
const approversOf = (rule: Rule) => rule.owners.flatMap(loginsOf);

describe("the imported policy is never looser than CODEOWNERS", () => {
  it("needs an owner of the last matching line for every path, and says exactly where it needs more", () => {
    fc.assert(
      fc.property(arbCase, ({ rules, tree }) => {
        const text = render(rules);
        const result = importCodeowners(text);
        const loaded = loadPolicy("imported.yml", result.yaml, NOW);
        expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const policy = loaded.policy!;
        const keys = ownersByRequirement(policy, result.findings);
        const nameOf = (rule: Rule) => [...keys].find(([, k]) => k === ownerKey(rule))?.[0];

        for (const path of tree) {
          const last = lastMatch(rules, path);
          const rule = rules[last];
          const owned = rule !== undefined && rule.owners.length > 0;
          const none = judgePath(policy, path);
          if (owned) {
            // (a) Nothing approved: never success.
            expect(none.conclusion, `${path} with no approval\n${text}`).not.toBe("success");
            // Everyone but the owners approved: still never success.
            const owners = new Set(approversOf(rule));
            expect(
              judgePath(
                policy,
                path,
                EVERYONE.filter((u) => !owners.has(u)),
              ).conclusion,
              `${path} without its owners\n${text}`,
            ).not.toBe("success");
          }

          // (b) Exactly where the policy asks for more, a finding says so.
          const expected = owned ? [nameOf(rule)!] : [];
          const got = applied(none);
          if (JSON.stringify(got) === JSON.stringify(expected)) {
            const one = owned ? approversOf(rule)[0] : undefined;
            if (one) expect(judgePath(policy, path, [one]).conclusion, `${path} approved by ${one}\n${text}\n${result.yaml}`).toBe("success");
            if (!owned) expect(none.conclusion).toBe("success");
            continue;
          }
          expect(got, `${path}\n${text}`).toEqual(expect.arrayContaining(expected));
          const extra = got.filter((n) => !expected.includes(n));
          if (extra.includes("Policy changes need a repository admin")) expect(result.findings).toContainEqual({ kind: "policy-admin" });
          const named = got.filter((n) => n !== "Policy changes need a repository admin");
          for (let i = 0; i < named.length; i++) {
            for (let j = i + 1; j < named.length; j++) {
              const pair = [named[i], named[j]];
              const found = result.findings.some((f) => f.kind === "overlap" && pair.every((n) => f.requirements.includes(n!)));
              expect(found, `no overlap finding for ${pair.join(" + ")} at ${path}\n${text}\n${result.notes.join("\n")}`).toBe(true);
            }
          }
          if (named.length === 1 && expected.length === 0) {
            const finding =
              last >= 0
                ? result.findings.find((f) => f.kind === "unowned" && f.requirement === named[0] && f.line === last + 1)
                : result.findings.find((f) => f.kind === "unmatched" && f.requirement === named[0]);
            expect(finding, `no finding explains ${named[0]} at ${path} (last match ${last + 1})\n${text}\n${result.notes.join("\n")}`).toBeDefined();
          }
        }

        // Every example in a finding really is a place where the policy asks for more.
        for (const f of result.findings) {
          if (f.kind === "overlap" && f.example)
            expect(applied(judgePath(policy, f.example)), `${f.example}\n${text}`).toEqual(expect.arrayContaining(f.requirements));
          if (f.kind === "unowned" && f.example) {
            expect(lastMatch(rules, f.example) + 1, `${f.example}\n${text}`).toBe(f.line);
            expect(applied(judgePath(policy, f.example))).toContain(f.requirement);
          }
          if (f.kind === "unmatched" && f.example) {
            expect(lastMatch(rules, f.example), `${f.example}\n${text}`).toBe(-1);
            expect(applied(judgePath(policy, f.example))).toContain(f.requirement);
          }
          if (f.kind === "widened" && f.example) {
            const rule = rules[f.line - 1]!;
            expect(coMatches(rule.pattern, f.example)).toBe(false);
            expect(matchPath(compilePathGlob(f.glob), f.example)).toBe(true);
          }
          if (f.kind === "shadowed") {
            for (const path of tree) expect(lastMatch(rules, path), `${path}\n${text}`).not.toBe(f.line - 1);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("stays never looser with lines GitHub may not read (classes, negation, escapes)", () => {
    const odd = fc.constantFrom("[ds]ocs/", "!src/", "\\#x", "src//lib", "s[r]c/*.ts", "**/", "d***", "\\!a.md", "a\\ b");
    const arb = fc.record({
      rules: fc.array(
        fc.record({ pattern: fc.oneof(arbPattern, odd), owners: fc.uniqueArray(fc.constantFrom(...OWNERS.slice(0, 4)), { minLength: 0, maxLength: 2 }) }),
        { minLength: 1, maxLength: 5 },
      ),
      tree: fc.uniqueArray(
        fc.oneof(arbPath, fc.constantFrom("docs/a", "ocs/a", "src/a.ts", "#x", "\\#x", "!src/a", "src/lib/a", "dx/a", "!a.md", "a b", "a b/c")),
        { minLength: 1, maxLength: 10 },
      ),
    });
    fc.assert(
      fc.property(arb, ({ rules, tree }) => {
        const text = render(rules);
        const result = importCodeowners(text);
        const policy = policyOf(result.yaml);
        // Two readings of the odd lines: GitHub skips them, or reads them as gitignore does.
        const readings: ((r: Rule, p: string) => boolean)[] = [
          (r, p) => parseCodeowners(`${r.pattern} @x`)[0]!.unsupported === undefined && gitignoreLike(r.pattern, p),
          (r, p) => gitignoreLike(r.pattern, p),
        ];
        for (const matches of readings) {
          for (const path of tree) {
            let last = -1;
            for (let i = rules.length - 1; i >= 0 && last < 0; i--) if (matches(rules[i]!, path)) last = i;
            const rule = rules[last];
            if (!rule || rule.owners.length === 0) continue;
            const owners = new Set(approversOf(rule));
            expect(
              judgePath(
                policy,
                path,
                EVERYONE.filter((u) => !owners.has(u)),
              ).conclusion,
              `${path}\n${text}\n${result.yaml}`,
            ).not.toBe("success");
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

function gitignoreLike(pattern: string, path: string): boolean {
  return referenceRegex(pattern, true).test(path + "/");
}

describe("edge cases", () => {
  it("an empty file gives a valid policy with nothing to require", () => {
    const r = importCodeowners("# nothing here\n\n");
    expect(r.yaml.startsWith(SCHEMA_LINE + "\n")).toBe(true);
    expect(policyOf(r.yaml).requirements).toEqual([]);
    expect(r.findings).toEqual([{ kind: "policy-admin" }]);
  });

  it("reads CRLF line ends, tabs, inline comments and escaped spaces", () => {
    const r = importCodeowners("/my\\ docs/\t@alice   # comment @bob\r\n*.md @Acme/Docs @acme/docs\r\n");
    const policy = policyOf(r.yaml);
    expect([...policy.roles.values()].map((x) => x.members.map((m) => m.display))).toEqual([["alice"], ["@Acme/Docs"]]);
    expect(policy.categories[0]!.globs.map((g) => g.source)).toEqual(["/my docs/"]);
    expect(judgePath(policy, "my docs/a.txt", ["alice"]).conclusion).toBe("success");
  });

  it("a catch-all with no owners leaves earlier lines out and asks nothing of unowned files", () => {
    const r = importCodeowners("/docs/ @alice\n*\n/src/ @bob\n");
    expect(r.findings).toContainEqual({ kind: "shadowed", line: 1, by: 2 });
    const policy = policyOf(r.yaml);
    expect(judgePath(policy, "docs/a").conclusion).toBe("success");
    expect(judgePath(policy, "src/a").conclusion).toBe("action_required");
  });

  it("a catch-all first does not make overridden files need its owners", () => {
    const policy = policyOf(importCodeowners("* @acme/core\n/docs/ @acme/docs\n").yaml);
    expect(judgePath(policy, "docs/a.md", ["docs-1"]).conclusion).toBe("success");
    expect(judgePath(policy, "docs/a.md", ["core-1"]).conclusion).toBe("action_required");
    expect(judgePath(policy, "Makefile", ["core-1"]).conclusion).toBe("success");
    expect(judgePath(policy, ".github/rolegate.yml", ["core-1"]).conclusion).toBe("success");
  });

  it("owners that are not logins or teams are reported, never silently dropped", () => {
    const r = importCodeowners("LICENSE legal\n");
    expect(r.findings).toContainEqual({ kind: "unmapped-owner", line: 1, owner: "legal", placeholder: "unmapped-owner-1-replace-with-a-github-login" });
    expect(judgePath(policyOf(r.yaml), "LICENSE", EVERYONE).conclusion).toBe("action_required");
  });

  it("keeps a huge file bounded: the analysis stops at its work limit and says so", () => {
    const lines = Array.from({ length: 60 }, (_, i) => `*.e${i} @acme/t${i}\n**/g${i}/`).join("\n");
    const r = importCodeowners(lines, { budget: 20_000 });
    expect(r.findings).toContainEqual({ kind: "incomplete" });
    expect(r.notes).toContain(
      "The analysis reached its work limit before it was done: the policy may ask for more than CODEOWNERS in places not listed here. It is still never looser.",
    );
    // Never looser all the same.
    const policy = policyOf(r.yaml);
    expect(judgePath(policy, "a/b.e7", ["alice"]).conclusion).not.toBe("success");
    expect(loadPolicy("x.yml", r.yaml, NOW).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});

describe("path languages", () => {
  it("follow rolegate's own glob matcher exactly", () => {
    const arbGlob = fc
      .record({ leading: fc.boolean(), segs: fc.array(fc.constantFrom(...SEGMENT_PATTERNS), { minLength: 1, maxLength: 3 }), trailing: fc.boolean() })
      .map(({ leading, segs, trailing }) => (leading ? "/" : "") + segs.join("/") + (trailing ? "/" : ""));
    fc.assert(
      fc.property(arbGlob, fc.array(arbPath, { minLength: 1, maxLength: 8 }), (g, paths) => {
        const glob = compilePathGlob(g);
        const lang = globLanguage(glob);
        for (const p of paths) expect(lang.matches(p), `${g} ~ ${p}`).toBe(matchPath(glob, p));
      }),
      { numRuns: 300 },
    );
  });
});

describe("layering", () => {
  it("keeps the evaluation core free of the importer: nothing in src/core imports from src/import", () => {
    const core = join(import.meta.dirname, "..", "..", "src", "core");
    const sources = readdirSync(core, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    expect(sources.length).toBeGreaterThan(0);
    const offenders = sources.filter((f) => /(?:from|import\()\s*["'](?:\.\.\/)+import\//.test(readFileSync(join(core, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
