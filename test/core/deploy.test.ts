import { describe, expect, it } from "vitest";
import { describeChange, diffPolicies } from "../../src/core/diff.js";
import { environmentForGitHub, explainDeploy, explainGitHubDeploy } from "../../src/core/explain-deploy.js";
import type { ExplainContext } from "../../src/core/explain.js";
import { buildMatrix, deployCell } from "../../src/core/matrix.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { matrixCsv, matrixJson, matrixMarkdown } from "../../src/core/render/matrix.js";
import { NOW, policyOf, teams } from "../helpers/policy.js";

// Time budget: well under a second; pure core, no I/O.

const POLICY = `version: 1
environments:
  dev: { level: 2, paths: ["envs/dev/**"] }
  staging: { level: 4, paths: ["envs/staging/**"] }
  production: { level: 5, paths: ["envs/prod/**"], github_environments: [prod-eu, Prod-US] }
roles:
  developer:
    members: [dev1, "@acme/devs", { user: pat, paths: ["envs/**"] }]
    grants: { author: ["*"], deploy: [{ environment: dev }] }
  operator:
    members: [op1, { user: op2, environments: [staging] }, { user: op3, expires: "2020-01-01" }]
    grants: { deploy: [{ environment: "*", up_to_level: 4 }] }
  releaser:
    inherits: [operator]
    members: [rel1]
    grants:
      deploy:
        - environment: production
          when: { time: { days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00", timezone: UTC } }
  admin:
    members: [root]
    grants: { deploy: ["*"] }
  contractor:
    members: [rel1, ext]
    denies: { deploy: [{ environment: "*", from_level: 5 }] }
`;

const policy = policyOf(POLICY);
// NOW is Monday 2026-11-23 12:00 UTC: inside the releaser's window.
const ctx = (over: Partial<ExplainContext> = {}): ExplainContext => ({
  targetBranch: "main",
  labels: [],
  draft: false,
  now: NOW,
  teams: teams({ "acme/devs": ["dana"] }),
  ...over,
});
const decide = (user: string, env: string, over: Partial<ExplainContext> = {}) => explainDeploy(policy, ctx(over), user, env);
const texts = (e: { reasons: { text: string }[] }) => e.reasons.map((r) => r.text);

describe("explainDeploy: may this user deploy to this environment", () => {
  it("allows through a grant on the environment, and says where, who and which grant", () => {
    const e = decide("dev1", "dev");
    expect(e.allowed).toBe(true);
    expect(texts(e)).toEqual(["dev is an environment at level 2", "holds developer (member of developer)", "developer grants deploy on dev (dev is level 2)"]);
    expect(e.reasons.map((r) => r.kind)).toEqual(["environment", "holds", "grant"]);
  });

  it("is closed unless granted: a role with no deploy grant there may not", () => {
    const e = decide("dev1", "staging");
    expect(e.allowed).toBe(false);
    expect(texts(e)).toContain("no held role grants deploy on staging at level 4");
    const nobody = decide("stranger", "dev");
    expect(nobody.allowed).toBe(false);
    expect(texts(nobody)).toContain("stranger holds no role for a deployment to dev");
  });

  it('applies level bounds: "*" up to level 4 reaches staging, not production', () => {
    expect(decide("op1", "staging").allowed).toBe(true);
    expect(texts(decide("op1", "staging"))).toContain("operator grants deploy on every environment up to level 4 (staging is level 4)");
    expect(decide("op1", "production").allowed).toBe(false);
  });

  it('a deploy grant on every category ("*") covers every environment', () => {
    const e = decide("root", "production");
    expect(e.allowed).toBe(true);
    expect(texts(e)).toContain("admin grants deploy on every category and environment (production is level 5)");
  });

  it("a conditional grant holds only when its condition does", () => {
    const releaser = policyOf(POLICY.replace("members: [rel1, ext]", "members: [ext]"));
    expect(explainDeploy(releaser, ctx(), "rel1", "production").allowed).toBe(true);
    const sunday = explainDeploy(releaser, ctx({ now: new Date("2026-11-22T12:00:00Z") }), "rel1", "production");
    expect(sunday.allowed).toBe(false);
    expect(texts(sunday).join(" ")).toContain("but the condition does not hold");
  });

  it("a deny at the environment's level beats every grant, inherited or not", () => {
    const e = decide("rel1", "production");
    expect(e.allowed).toBe(false);
    expect(texts(e)).toContain("contractor denies deploy on every environment from level 5: a deny beats every grant");
    // Below the deny's level the same person may (through the inherited operator grant).
    expect(decide("rel1", "staging").allowed).toBe(true);
  });

  it("applies member scopes with the environment as the only one; path scopes never cover a deployment", () => {
    expect(decide("op2", "staging").allowed).toBe(true);
    expect(decide("op2", "dev").allowed).toBe(false);
    expect(texts(decide("op2", "dev"))).toContain("op2 holds no role for a deployment to dev");
    expect(decide("pat", "dev").allowed).toBe(false);
  });

  it("ignores expired memberships and resolves teams", () => {
    expect(decide("op3", "staging").allowed).toBe(false);
    const viaTeam = decide("dana", "dev");
    expect(viaTeam.allowed).toBe(true);
    expect(texts(viaTeam)).toContain("holds developer (member of developer through @acme/devs)");
  });

  it("fails closed on an unresolved team and on an environment the policy does not have", () => {
    const unresolved = decide("dev1", "dev", { teams: teams({}) });
    expect(unresolved.allowed).toBe(false);
    expect(texts(unresolved)[0]).toContain("team @acme/devs could not be resolved");
    const unknown = decide("root", "moon");
    expect(unknown.allowed).toBe(false);
    expect(texts(unknown)).toEqual(['the policy has no environment "moon" (its environments: dev, staging, production): nobody may deploy there']);
  });
});

describe("GitHub environments", () => {
  it("map by github_environments (case-insensitively), else by the same name; a listed name hides the own name", () => {
    expect(environmentForGitHub(policy, "staging")?.name).toBe("staging");
    expect(environmentForGitHub(policy, "STAGING")?.name).toBe("staging");
    expect(environmentForGitHub(policy, "prod-us")?.name).toBe("production");
    expect(environmentForGitHub(policy, "production")).toBeUndefined();
    expect(environmentForGitHub(policy, "preview")).toBeUndefined();
  });

  it("judge a mapped environment with the mapping as the first reason, and refuse an unknown one", () => {
    const mapped = explainGitHubDeploy(policy, ctx(), "root", "prod-eu");
    expect(mapped.allowed).toBe(true);
    expect(mapped.environment).toBe("production");
    expect(texts(mapped)[0]).toBe('GitHub environment "prod-eu" is the policy\'s environment production');
    const unknown = explainGitHubDeploy(policy, ctx(), "root", "preview");
    expect(unknown.allowed).toBe(false);
    expect(texts(unknown)).toEqual(['GitHub environment "preview" is no environment of the policy: deployments there are refused']);
  });
});

describe("deploy rules in the policy format", () => {
  const errors = (text: string) =>
    loadPolicy(".github/rolegate.yml", text, NOW)
      .diagnostics.filter((d) => d.severity === "error")
      .map((d) => `${d.line}:${d.col} ${d.code}: ${d.message}`);

  it("a deploy grant or deny on an environment that does not exist is an error at its place", () => {
    const text =
      "version: 1\nenvironments:\n  prod: { level: 5 }\nroles:\n  r:\n    members: [a]\n    grants: { deploy: [{ environment: prd }] }\n    denies: { deploy: [{ environment: qa }] }\n";
    expect(errors(text)).toEqual([
      '7:39 unknown-environment: unknown environment "prd": a deploy grant must name an environment of the policy, or "*"',
      '8:39 unknown-environment: unknown environment "qa": a deploy deny must name an environment of the policy, or "*"',
    ]);
  });

  it("an environment in any action but deploy is an error; naming a category and an environment at once is a schema error", () => {
    const other = "version: 1\nenvironments:\n  prod: { level: 5 }\nroles:\n  r:\n    members: [a]\n    grants: { merge: [{ environment: prod }] }\n";
    expect(errors(other)).toEqual(["7:25 environment-not-deploy: an environment can be named only in grants and denies of deploy, not of merge"]);
    const both =
      "version: 1\nenvironments:\n  prod: { level: 5 }\nroles:\n  r:\n    members: [a]\n    grants: { deploy: [{ environment: prod, category: '*' }] }\n";
    expect(errors(both)).toEqual(["7:24 schema: roles.r.grants.deploy[0] names both `environment` and `category`: give one of them"]);
    const neither = "version: 1\nroles:\n  r:\n    members: [a]\n    grants: { deploy: [{ up_to_level: 3 }] }\n";
    expect(errors(neither)[0]).toContain("needs `environment` or `category`");
  });

  it("a GitHub environment two environments claim is an error", () => {
    const text = "version: 1\nenvironments:\n  prod: { level: 5, github_environments: [live] }\n  live: { level: 4 }\n";
    expect(errors(text)).toEqual([
      '3:43 github-environment-conflict: GitHub environment "live" would be prod and live: each GitHub environment must map to one environment of the policy (names compare case-insensitively)',
    ]);
    const caseOnly = "version: 1\nenvironments:\n  Prod: { level: 5 }\n  prod: { level: 4 }\n";
    expect(errors(caseOnly)[0]).toContain('GitHub environment "prod" would be Prod and prod');
    expect(errors("version: 1\nenvironments:\n  prod: { level: 5, github_environments: [prod, live] }\n  staging: { level: 4 }\n")).toEqual([]);
  });
});

describe("the permission matrix gains a deploy row per environment", () => {
  it("cells say who may deploy where, after inheritance and denies", () => {
    const m = buildMatrix(policy);
    expect(m.deployments.map((d) => [d.environment, d.level])).toEqual([
      ["dev", 2],
      ["staging", 4],
      ["production", 5],
    ]);
    const row = (env: string) => Object.fromEntries(m.roles.map((r, i) => [r, m.deployments.find((d) => d.environment === env)!.cells[i]]));
    expect(row("dev")).toEqual({ developer: "Yes", operator: "Yes", releaser: "Yes", admin: "Yes", contractor: "No" });
    expect(row("production")).toMatchObject({ developer: "No", operator: "No", admin: "Yes", contractor: "Denied from level 5" });
    expect(row("production").releaser).toMatch(/^Yes \(when time: mon,tue,wed,thu,fri 08:00-18:00 UTC\)$/);
    expect(deployCell(policy, "contractor", policy.environments[1]!)).toBe("No");
  });

  it("keeps the category blocks, and renders the deployments block in markdown, JSON and CSV", () => {
    const m = buildMatrix(policy);
    expect(m.blocks.map((b) => b.category)).toEqual(["policy", "other"]);
    expect(m.blocks[0]!.rows.map((r) => r.action)).toEqual(["author", "approve", "merge", "deploy"]);
    const md = matrixMarkdown(m);
    expect(md).toContain("#### Deployments");
    expect(md).toContain("| deploy to production (level 5) | No | No | Yes (when time: mon,tue,wed,thu,fri 08:00-18:00 UTC) | Yes | Denied from level 5 |");
    const json = matrixJson(m) as { environments: { environment: string; action: string; roles: Record<string, string> }[] };
    expect(json.environments[0]).toEqual({
      environment: "dev",
      level: 2,
      action: "deploy",
      roles: { developer: "Yes", operator: "Yes", releaser: "Yes", admin: "Yes", contractor: "No" },
    });
    expect(matrixCsv(m).split("\n")).toContain('"environment:staging","deploy","true","No","Yes","Yes","Yes","No"');
    // The check-run slice of touched categories has no deployments block.
    expect(buildMatrix(policy, ["other"]).deployments).toEqual([]);
  });
});

describe("policy diffs list deploy changes per environment", () => {
  it("a user who gains deploy on production is named", () => {
    const after = policyOf(
      POLICY.replace(
        'grants: { author: ["*"], deploy: [{ environment: dev }] }',
        'grants: { author: ["*"], deploy: [{ environment: dev }, { environment: production }] }',
      ),
    );
    const changes = diffPolicies(policy, after, NOW, teams({ "acme/devs": ["dana"] })).filter((c) => c.action === "deploy");
    expect(changes.map(describeChange)).toEqual([
      "@acme/devs gains deploy to production (level 5)",
      "dana gains deploy to production (level 5)",
      "dev1 gains deploy to production (level 5)",
    ]);
    expect(changes[0]).toMatchObject({ category: "environment:production", before: "no", after: "yes", levels: [5] });
  });
});
