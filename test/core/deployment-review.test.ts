import { describe, expect, it } from "vitest";
import { deploymentReview } from "../../src/core/deployment-review.js";
import type { BasePolicyInput } from "../../src/core/judge-change.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { NOW, teams } from "../helpers/policy.js";

// Time budget: well under a second; pure core, no I/O.

const POLICY = `version: 1
environments:
  staging: { level: 4, paths: ["envs/staging/**"] }
  production: { level: 5, paths: ["envs/prod/**"], github_environments: [prod-eu] }
roles:
  developer:
    members: [dev1, "@acme/devs"]
    grants:
      deploy: [{ environment: staging }]
  release:
    members: [rel1]
    grants:
      deploy: [{ environment: "*" }]
`;

function base(text = POLICY): BasePolicyInput {
  return { kind: "loaded", source: { file: ".github/rolegate.yml", sha: "c0ffee", fromOrg: false }, loaded: loadPolicy(".github/rolegate.yml", text, NOW) };
}

const request = (githubEnvironment: string, deployer: string | undefined, extra = {}) => ({
  githubEnvironment,
  deployer,
  now: NOW,
  teams: teams({ "acme/devs": ["dev2"] }),
  ...extra,
});

describe("the answer to a deployment protection rule", () => {
  it("approves a deployer some held role grants deploy, with the reason chain and the policy's blob", () => {
    const r = deploymentReview(base(), request("prod-eu", "rel1"));
    expect(r.state).toBe("approved");
    expect(r.comment.split("\n")).toEqual([
      'rolegate approves this deployment to GitHub environment "prod-eu" by @rel1, judged by .github/rolegate.yml (blob c0ffee):',
      '- GitHub environment "prod-eu" is the policy\'s environment production',
      "- production is an environment at level 5",
      "- holds release (member of release)",
      "- release grants deploy on every environment (production is level 5)",
    ]);
  });

  it("rejects a deployer no held role grants deploy there", () => {
    const r = deploymentReview(base(), request("prod-eu", "dev2"));
    expect(r.state).toBe("rejected");
    expect(r.comment).toContain("no held role grants deploy on production at level 5");
    expect(deploymentReview(base(), request("staging", "dev2")).state).toBe("approved");
  });

  it("fails closed: no policy, an unreadable or invalid policy, an unknown deployer, environment or team", () => {
    expect(deploymentReview({ kind: "none" }, request("staging", "rel1"))).toMatchObject({ state: "rejected" });
    const unreadable = deploymentReview({ kind: "unreadable", message: "HTTP 502: Bad Gateway" }, request("staging", "rel1"));
    expect(unreadable).toMatchObject({ state: "rejected" });
    expect(unreadable.comment).toContain("HTTP 502: Bad Gateway");
    const invalid = deploymentReview(base("version: 1\nroles:\n  a: { inherits: [ghost], members: [x] }\n"), request("staging", "rel1"));
    expect(invalid.state).toBe("rejected");
    expect(invalid.comment).toContain(".github/rolegate.yml:3:");
    expect(deploymentReview(base(), request("staging", undefined)).comment).toContain("could not tell who is deploying");
    expect(deploymentReview(base(), request("production-us", "rel1")).comment).toContain('GitHub environment "production-us" is no environment of the policy');
    const unresolved = deploymentReview(base(), request("staging", "rel1", { teams: { members: new Map(), errors: new Map([["acme/devs", "HTTP 403"]]) } }));
    expect(unresolved.state).toBe("rejected");
    expect(unresolved.comment).toContain("team @acme/devs could not be resolved");
  });

  it("keeps the comment bounded", () => {
    const many = `${POLICY}${Array.from({ length: 200 }, (_, i) => `  role${i}:\n    inherits: [release]\n    members: [rel1]\n`).join("")}`;
    const r = deploymentReview(base(many), request("prod-eu", "rel1"));
    expect(r.state).toBe("approved");
    expect(r.comment.length).toBeLessThanOrEqual(2000);
    expect(r.comment.endsWith("…")).toBe(true);
  });
});
