import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Classifier } from "../../src/core/classify.js";
import { diffPolicies } from "../../src/core/diff.js";
import { actionsOf, categoriesOf, matrixCell } from "../../src/core/matrix.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import type { Policy } from "../../src/core/policy/types.js";
import { emptyTeams } from "../../src/core/state.js";
import { readTeamsFile } from "../../src/cli/teams.js";
import { EXPLORER_SCRIPT, EXPLORER_SCRIPT_SHA256 } from "../../src/explore/browser-script.generated.js";
import { policyOfData, teamsOfData, type ExplorerData } from "../../src/explore/data.js";
import { assertInlineSafe, jsonForScript } from "../../src/explore/embed.js";
import { cellAtLevel } from "../../src/explore/level-cell.js";
import { rolesHeldBy } from "../../src/explore/principals.js";
import { layoutRoleGraph } from "../../src/explore/render/graph.js";
import { renderExplorerPage } from "../../src/explore/render/page.js";
import { ANYONE, explainLogin, whoCan, type WhoCanContext } from "../../src/explore/who-can.js";
import { EVIL, EVIL_ACTION, EVIL_CATEGORY, EVIL_LEAD, EVIL_ROLE, hostilePolicy } from "../fixtures/hostile-explorer.js";
import { GENERATED, generatedModule } from "../../scripts/explorer-script.js";
import { rolegate } from "../helpers/cli.js";

// Time budget: a few seconds; one esbuild bundle (the drift check) and a few hundred in-process `explain` runs.

const ROOT = join(import.meta.dirname, "..", "..");
const SPEC_EXAMPLE = join(ROOT, "test", "fixtures", "spec-example.yml");
const SITECORE = join(ROOT, "policies", "sitecore-managed-cloud.yml");
const NOW = new Date("2026-11-23T12:00:00Z");
const TEAMS = "acme/developers: [dev1, olga]\nacme/devops: [olga]\n";

function load(path: string): { policy: Policy; value: unknown } {
  const loaded = loadPolicy(path, readFileSync(path, "utf8"), NOW);
  if (!loaded.policy) throw new Error(`${path} does not load`);
  return { policy: loaded.policy, value: loaded.parsed!.value };
}

/** `rolegate ARGV…` in-process (test/helpers/cli.ts). */
const run = rolegate;

/** The text of the embedded data element, as the page carries it. */
function dataText(page: string): string {
  const m = /<script type="application\/json" id="rolegate-data">([\s\S]*?)<\/script>/.exec(page);
  if (!m) throw new Error("no data element");
  return m[1]!;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rolegate-explorer-"));
  writeFileSync(join(dir, "teams.yml"), TEAMS);
});
afterAll(() => {
  // Temp files are left to the OS: the folder is unique to this run.
});

describe("the page", () => {
  const { policy, value } = load(SPEC_EXAMPLE);
  const page = renderExplorerPage({ policy, value, now: NOW, teams: readTeamsFile(dir ?? tmpdir(), undefined) });

  it("is one HTML document with nothing to fetch: no src=, no external href=, no url() but to itself", () => {
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page.match(/<html/g)).toHaveLength(1);
    expect(page).not.toMatch(/\ssrc\s*=/i);
    const hrefs = [...page.matchAll(/\shref\s*=\s*"([^"]*)"/gi)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^#[a-z-]+$/);
    expect(page).not.toMatch(/<link\b|@import|@font-face/i);
    for (const url of page.matchAll(/url\(([^)]*)\)/g)) expect(url[1]).toMatch(/^#/);
    // Exactly two scripts: the data (never run) and the inlined bundle.
    expect(page.match(/<script\b/g)).toHaveLength(2);
  });

  it("allows by its Content-Security-Policy only the script it inlines", () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)![1]!;
    expect(csp).toContain("default-src 'none'");
    const inline = /<script>([\s\S]*)<\/script>\n<\/body>/.exec(page)![1]!;
    expect(inline).toBe(EXPLORER_SCRIPT);
    const hash = createHash("sha256").update(inline, "utf8").digest("base64");
    expect(hash).toBe(EXPLORER_SCRIPT_SHA256);
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
  });

  it("has a matrix block per category, built-ins included, with the cells of rolegate matrix", () => {
    const blocks = [...page.matchAll(/<section class="matrix-block" data-category="([^"]+)">/g)].map((m) => m[1]);
    expect(blocks).toEqual(categoriesOf(policy));
    expect(blocks).toEqual(["pipeline", "infrastructure", "secrets", "policy", "other"]);
    expect(page).toContain(
      `<td class="partial" data-role="system-administrator" data-action="approve" data-category="infrastructure">${matrixCell(policy, "system-administrator", "approve", "infrastructure")}</td>`,
    );
    expect(matrixCell(policy, "system-administrator", "approve", "infrastructure")).toBe("Up to level 3");
  });

  it("embeds the policy's plain value as JSON that gives back the same value and rebuilds the same model", () => {
    const data = JSON.parse(dataText(page)) as ExplorerData;
    expect(data.policy).toEqual(value);
    expect(data.now).toBe(NOW.toISOString());
    expect(data.teams).toEqual({});
    const rebuilt = policyOfData(data);
    expect([...rebuilt.roles.keys()]).toEqual([...policy.roles.keys()]);
    for (const role of rebuilt.roles.keys()) expect(rebuilt.roles.get(role)!.closure).toEqual(policy.roles.get(role)!.closure);
  });

  it("draws a node per role and an edge per inheritance", () => {
    const nodes = [...page.matchAll(/<g class="role-node" data-role="([^"]+)">/g)].map((m) => m[1]);
    expect(nodes.sort()).toEqual([...policy.roles.keys()].sort());
    const edges = [...page.matchAll(/<line class="inherits" data-from="([^"]+)" data-to="([^"]+)"/g)].map((m) => `${m[1]}->${m[2]}`);
    expect(edges.sort()).toEqual(["devops-engineer->system-administrator", "system-administrator->developer"]);
  });

  it("has no comparison section unless given one", () => {
    expect(page).not.toContain('id="diff"');
  });
});

describe("embedding", () => {
  it("escapes what could end the element, open a comment or end a JavaScript line, and parses back equal", () => {
    const value = { a: EVIL, "</script>": ["<!--", "\u2028\u2029", "&<>"] };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/<|>|&|\u2028|\u2029/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it("refuses to inline a script that could end its own element", () => {
    expect(() => assertInlineSafe("let a = '</SCRIPT>'", "x")).toThrow(/cannot be inlined/);
    expect(() => assertInlineSafe("let a = '<!--'", "x")).toThrow(/cannot be inlined/);
    expect(assertInlineSafe("let a = '<\\/script>'", "x")).toBe("let a = '<\\/script>'");
  });

  it("keeps hostile names and descriptions as text everywhere in the page", () => {
    const { policy, value } = hostilePolicy();
    const page = renderExplorerPage({ policy, value, now: NOW });
    // Only the page's own two scripts; no markup from the policy.
    expect(page.match(/<script\b/gi)).toHaveLength(2);
    expect(page).not.toMatch(/<img|<b>|<i>|<!--/i);
    // U+2028 is plain text in HTML; only inside a script could it end a line.
    expect(dataText(page)).not.toMatch(/\u2028|<|>/);
    // Outside the data element (JSON, never markup) no quote of the policy's survives unescaped.
    expect(page.replace(dataText(page), "")).not.toContain('"window.__pwned');
    expect(page).toContain("&lt;/script&gt;&lt;script&gt;alert(&quot;script&quot;); window.__pwned = 1&lt;/script&gt;");
    expect(page).toContain(`<th scope="col" data-role="dev&lt;script&gt;alert(&quot;role&quot;); window.__pwned = 3&lt;/script&gt;"`);
    expect(page).toContain(`<h3>cat&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;</h3>`);
    expect(page).toContain(`<option value="ap&lt;i&gt;prove&lt;/i&gt;">ap&lt;i&gt;prove&lt;/i&gt;</option>`);
    const data = JSON.parse(dataText(page)) as ExplorerData;
    expect(data.policy).toEqual(value);
    expect(Object.keys((data.policy as { roles: object }).roles)).toEqual([EVIL_ROLE, EVIL_LEAD]);
    expect(actionsOf(policyOfData(data))).toContain(EVIL_ACTION);
    expect(EVIL_CATEGORY).toContain("</script>");
    expect(EVIL).toContain("<!--");
  });
});

describe("the committed browser script", () => {
  it("is what the sources build (run `npm run explorer` after changing the core or src/explore)", async () => {
    const current = readFileSync(join(ROOT, GENERATED), "utf8");
    expect(current === (await generatedModule()), `${GENERATED} is out of date: run npm run explorer and commit it`).toBe(true);
  });
});

describe("cells at one level", () => {
  /** Whether the all-levels text of an unconditional cell allows `level`. */
  function allowsAt(text: string, level: number): boolean {
    if (text === "Yes") return true;
    if (text === "No") return false;
    const up = /^Up to level (\d)$/.exec(text);
    if (up) return level <= Number(up[1]);
    const from = /^Denied from level (\d)$/.exec(text);
    if (from) return level < Number(from[1]);
    throw new Error(`unexpected cell ${text}`);
  }

  it.each([SPEC_EXAMPLE, SITECORE])("agree with the matrix's cells at every level (%s)", (file) => {
    const { policy } = load(file);
    let compared = 0;
    for (const role of policy.roles.keys())
      for (const action of actionsOf(policy))
        for (const category of categoriesOf(policy))
          for (let level = 0; level <= 5; level++) {
            const all = matrixCell(policy, role, action, category);
            expect(cellAtLevel(policy, role, action, category, level), `${role} ${action} ${category} at ${level} (${all})`).toBe(
              allowsAt(all, level) ? "Yes" : "No",
            );
            compared++;
          }
    expect(compared).toBeGreaterThan(200);
  });

  it("say which conditions grant or deny at that level", () => {
    const loaded = loadPolicy(
      "c.yml",
      `version: 1
categories: { infra: { paths: ["**/*.tf"] } }
environments: { prod: { level: 5, paths: ["prod/**"] } }
roles:
  ops:
    members: [a]
    grants: { approve: [{ category: infra, up_to_level: 4 }, { category: infra, when: { labels: [emergency] } }] }
    denies: { approve: [{ category: infra, from_level: 3, when: { draft: true } }] }
`,
      NOW,
    );
    const policy = loaded.policy!;
    expect(cellAtLevel(policy, "ops", "approve", "infra", 2)).toBe("Yes");
    expect(cellAtLevel(policy, "ops", "approve", "infra", 3)).toBe("Yes; Denied (when draft: true)");
    expect(cellAtLevel(policy, "ops", "approve", "infra", 5)).toBe("Yes (when labels: emergency); Denied (when draft: true)");
    expect(cellAtLevel(policy, "ops", "approve", "other", 5)).toBe("Yes");
  });
});

describe("who can do this", () => {
  const { policy } = load(SPEC_EXAMPLE);
  const context = (teamsYaml: string | undefined): WhoCanContext => {
    const teams = teamsYaml === undefined ? emptyTeams() : readTeamsFile(dir, "teams.yml");
    return { policy, classifier: new Classifier(policy), teams, now: NOW };
  };

  it("gives, for every login, action and path, exactly what rolegate explain gives", async () => {
    const c = context(TEAMS);
    const paths = ["k8s/deploy.yaml", "envs/staging/main.tf", "envs/dev/app.ts", "/.github/rolegate.yml", "keyvault/x.sops.yaml", "src/app.ts"];
    const logins = ["sam", "olga", "carol", "ext-bob", "dana", "dev1", "Nobody"];
    let compared = 0;
    for (const path of paths)
      for (const action of actionsOf(policy))
        for (const branch of ["main", "release/2.0"])
          for (const login of logins) {
            const cli = await run(
              dir,
              "explain",
              SPEC_EXAMPLE,
              "--user",
              login,
              "--action",
              action,
              "--path",
              path,
              "--teams",
              "teams.yml",
              "--now",
              NOW.toISOString(),
              "--target-branch",
              branch,
              "--format",
              "json",
            );
            expect(explainLogin(c, { path, action, targetBranch: branch }, login), `${login} ${action} ${path} on ${branch}`).toEqual(JSON.parse(cli.stdout));
            compared++;
          }
    expect(compared).toBe(6 * 3 * 2 * 7);
  });

  it("lists the allowed teams and logins with reasons, and anyone where no role is needed", () => {
    const c = context(TEAMS);
    const infra = whoCan(c, { path: "k8s/deploy.yaml", action: "approve", targetBranch: "main" });
    expect(infra.allowed.map((e) => e.name)).toEqual(["@acme/devops", "olga", "sam"]);
    expect(infra.allowed[0]!.reasons).toEqual([
      "k8s/deploy.yaml is in infrastructure at level 0",
      "holds devops-engineer (member of devops-engineer through @acme/devops)",
      "holds system-administrator (member of devops-engineer through @acme/devops, which inherits system-administrator)",
      "holds developer (member of devops-engineer through @acme/devops, which inherits developer)",
      "devops-engineer grants approve on infrastructure (file is level 0)",
    ]);
    expect(infra.notAllowed.map((e) => e.name)).toEqual(["@acme/developers", "carol", "dana", "dev1", "ext-bob"]);

    // approve is not enforced on `other`: anyone may, except where a held role denies it.
    const staging = whoCan(c, { path: "envs/staging/app.ts", action: "approve", targetBranch: "main" });
    expect(staging.allowed[0]).toEqual({
      kind: "anyone",
      name: ANYONE,
      allowed: true,
      reasons: ["envs/staging/app.ts is in other at level 4 (staging)", "a user who holds no role", "approve is not enforced on other: anyone may"],
    });
    expect(staging.notAllowed.map((e) => e.name)).toEqual(["ext-bob"]);
    expect(staging.notAllowed[0]!.reasons).toContain("contractor denies approve on every category from level 4: a deny beats every grant");
  });

  it("judges every login not allowed while a team is unresolved, and each team by its own roles", () => {
    const answer = whoCan(context(undefined), { path: "k8s/deploy.yaml", action: "approve", targetBranch: "main" });
    expect(answer.unresolved.map((u) => u.team)).toEqual(["acme/developers", "acme/devops"]);
    expect(answer.allowed.map((e) => e.name)).toEqual(["@acme/devops"]);
    const sam = answer.notAllowed.find((e) => e.name === "sam")!;
    expect(sam.reasons).toEqual([
      "team @acme/developers could not be resolved (no membership data for this team): not allowed, since membership cannot be known",
      "team @acme/devops could not be resolved (no membership data for this team): not allowed, since membership cannot be known",
    ]);
  });

  it("classifies with the target branch: release branches are production", () => {
    const answer = whoCan(context(TEAMS), { path: "k8s/deploy.yaml", action: "approve", targetBranch: "release/2.0" });
    expect(answer.file.level).toBe(5);
    expect(answer.allowed.map((e) => e.name)).toEqual(["@acme/devops", "olga"]);
  });
});

describe("the roles a user holds (the user filter)", () => {
  const { policy } = load(SPEC_EXAMPLE);
  const teams = teamsOfData({ file: "x", policy: {}, policyPaths: [], teams: { "acme/devops": ["olga"] }, now: NOW.toISOString() });

  it("counts inheritance, teams and scoped entries, and leaves out expired ones", () => {
    expect(rolesHeldBy(policy, "sam", teams, NOW).map((h) => h.role)).toEqual(["system-administrator", "developer"]);
    expect(rolesHeldBy(policy, "@OLGA", teams, NOW).map((h) => h.how)).toEqual([
      "member of devops-engineer through @acme/devops",
      "member of devops-engineer through @acme/devops, which inherits system-administrator",
      "member of devops-engineer through @acme/devops, which inherits developer",
    ]);
    expect(rolesHeldBy(policy, "carol", teams, NOW)[0]).toEqual({
      role: "devops-engineer",
      how: "member of devops-engineer",
      limits: ["only in dev, staging", "until 2027-03-31"],
    });
    expect(rolesHeldBy(policy, "carol", teams, new Date("2027-04-01T00:00:00Z"))).toEqual([]);
    expect(rolesHeldBy(policy, "stranger", teams, NOW)).toEqual([]);
  });
});

describe("the inheritance graph", () => {
  it("puts each role one row below the deepest role it inherits, boxes apart", () => {
    const { policy } = load(SITECORE);
    const g = layoutRoleGraph(policy);
    const depth = Object.fromEntries(g.nodes.map((n) => [n.role, n.depth]));
    expect(depth).toEqual({ developer: 0, "cloudops-engineer": 0, "system-administrator": 1, "devops-engineer": 2 });
    const rows = new Map<number, typeof g.nodes>();
    for (const n of g.nodes) rows.set(n.depth, [...(rows.get(n.depth) ?? []), n]);
    for (const row of rows.values()) {
      const sorted = [...row].sort((a, b) => a.x - b.x);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.x).toBeGreaterThanOrEqual(sorted[i - 1]!.x + sorted[i - 1]!.width);
    }
    for (const n of g.nodes) expect(n.x + n.width).toBeLessThanOrEqual(g.width);
    expect(g.edges).toEqual([
      { from: "system-administrator", to: "developer" },
      { from: "devops-engineer", to: "system-administrator" },
    ]);
  });
});

describe("the comparison", () => {
  it("lists every permission change and the policy changes it is given", () => {
    const before = load(SPEC_EXAMPLE);
    const after = loadPolicy("new.yml", readFileSync(SPEC_EXAMPLE, "utf8").replace("members: [sam]", "members: [sam, tess]"), NOW);
    const permissions = diffPolicies(before.policy, after.policy!, NOW);
    expect(permissions.length).toBeGreaterThan(0);
    const page = renderExplorerPage({
      policy: after.policy!,
      value: after.parsed!.value,
      now: NOW,
      comparison: { file: "old.yml", permissions, changes: [{ kind: "requirement", name: `<b>R</b>`, effect: "weakens", detail: "removed" }] },
    });
    const rows = /<table id="diff-table">[\s\S]*?<tbody>\n([\s\S]*?)\n<\/tbody>/.exec(page)![1]!.split("\n");
    expect(rows).toHaveLength(permissions.length);
    expect(rows.every((r) => r.includes("<td>tess</td>"))).toBe(true);
    expect(page).toContain("<td>tess gains approve on infrastructure at levels 0-3</td>");
    expect(page).toContain(`<tr class="weakens"><td>requirement</td><td>&lt;b&gt;R&lt;/b&gt;</td><td>weakens</td><td>removed</td></tr>`);
    const none = renderExplorerPage({ policy: after.policy!, value: after.parsed!.value, now: NOW, comparison: { file: "old.yml", permissions: [] } });
    expect(none).toContain("No permission changes.");
    expect(none).toContain('<h3>Policy changes</h3>\n<p id="changes-empty">No other policy changes listed.</p>');
  });
});

describe("rolegate explore and matrix --format html", () => {
  it("writes the page to --output, or to stdout", async () => {
    const out = join(dir, "out", "page.html");
    const written = await run(dir, "explore", SPEC_EXAMPLE, "--teams", "teams.yml", "--now", NOW.toISOString(), "--output", out);
    expect(written).toMatchObject({ code: 0, stdout: "" });
    expect(written.stderr).toContain(`wrote ${out}`);
    const page = readFileSync(out, "utf8");
    expect((JSON.parse(dataText(page)) as ExplorerData).teams).toEqual({ "acme/developers": ["dev1", "olga"], "acme/devops": ["olga"] });
    const printed = await run(dir, "explore", SPEC_EXAMPLE, "--teams", "teams.yml", "--now", NOW.toISOString());
    expect(printed.stdout).toBe(page);
  });

  it("shows the permission diff from --compare to POLICY", async () => {
    writeFileSync(join(dir, "old.yml"), readFileSync(SPEC_EXAMPLE, "utf8").replace("members: [dana]", "members: [dana, erin]"));
    const r = await run(dir, "explore", SPEC_EXAMPLE, "--compare", "old.yml", "--now", NOW.toISOString());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("<h2>Compared with old.yml</h2>");
    expect(r.stdout).toContain("<td>erin loses approve on secrets at levels 0-5</td>");
  });

  it("fails closed on bad input, naming the file, and writes nothing", async () => {
    writeFileSync(join(dir, "bad.yml"), "version: 1\nroles:\n  a:\n    inherits: [ghost]\n");
    const out = join(dir, "never.html");
    const bad = await run(dir, "explore", "bad.yml", "--output", out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yml:4:\d+: error: unknown role "ghost"/);
    expect(existsSync(out)).toBe(false);
    const badTeams = await run(dir, "explore", SPEC_EXAMPLE, "--teams", "missing.yml");
    expect(badTeams.code).toBe(2);
    expect(badTeams.stderr).toContain("missing.yml:1:1: error: cannot read teams file");
    expect((await run(dir, "explore", SPEC_EXAMPLE, "--compare", "nothing.yml")).stderr).toContain("nothing.yml:1:1: error: cannot read policy file");
    expect((await run(dir, "explore", SPEC_EXAMPLE, "other.yml")).code).toBe(2);
    const unwritable = await run(dir, "explore", SPEC_EXAMPLE, "--output", join(dir, "teams.yml", "page.html"));
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain("cannot write");
  });

  it("embeds a policy with its extends chain applied, and the page rebuilds the merged model", async () => {
    writeFileSync(
      join(dir, "child.yml"),
      "version: 1\nextends: preset:minimal\nroles:\n  reviewer:\n    members: [rita]\n    grants: { approve: [infrastructure] }\n",
    );
    const r = await run(dir, "explore", "child.yml", "--now", NOW.toISOString());
    expect(r.code).toBe(0);
    const data = JSON.parse(dataText(r.stdout)) as ExplorerData;
    expect(data.policy).not.toHaveProperty("extends");
    const rebuilt = policyOfData(data);
    expect([...rebuilt.roles.keys()]).toEqual(["maintainer", "reviewer"]);
    expect(rebuilt.categories.map((c) => c.name)).toEqual(["pipeline", "infrastructure"]);
    expect(r.stdout).toContain(`<g class="role-node" data-role="maintainer">`);
  });

  it("explains itself with --help", async () => {
    const help = await run(dir, "explore", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("  rolegate explore [POLICY] [--compare OTHER_POLICY] [--teams FILE] [--output FILE]");
  });

  it("matrix --format html writes the same explorer page", async () => {
    const matrix = await run(dir, "matrix", SPEC_EXAMPLE, "--format", "html", "--now", NOW.toISOString());
    const explore = await run(dir, "explore", SPEC_EXAMPLE, "--now", NOW.toISOString());
    expect(matrix.code).toBe(0);
    expect(matrix.stdout).toBe(explore.stdout);
  });
});
