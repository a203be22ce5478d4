import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitBlobSha } from "../fake-github/state.js";
import { deploymentProtectionRuleEvent } from "../fake-github/webhooks.js";
import { startFakeApp, type FakeApp } from "../helpers/fake-app.js";

// Time budget: about 3 s. GitHub's custom deployment protection rule, answered by the app in-process against the strict fake GitHub.

/** The Pega Cloud preset, its teams in the organisation the app is installed on. */
const PEGA = readFileSync(join(import.meta.dirname, "..", "..", "policies", "pega-cloud.yml"), "utf8").replaceAll("@your-org/", "@acme/");

let app: FakeApp;
let tip: string;
beforeEach(async () => {
  app = await startFakeApp();
  const s = app.fake.state;
  s.addRepo({ owner: "acme", name: "app", defaultBranch: "main" });
  s.setTeam("acme", "pega-team", ["otto", "desi"]);
  s.setTeam("acme", "pega-cloud-ops", ["otto"]); // a Cloud Operations Specialist
  s.setTeam("acme", "pega-deployment", ["desi"]); // a Cloud Deployment Specialist
  s.setTeam("acme", "pega-on-call", []);
  tip = s.commit("acme", "app", { branch: "main", files: { ".github/rolegate.yml": PEGA, "app/rules.xml": "<rules/>\n" }, author: "lead" });
});
afterEach(() => app.close());

/** A workflow run waiting on rolegate's rule for `environment`; answers the review rolegate posted. */
async function deploy(environment: string, run: { actor: string; triggeringActor?: string; branch?: string; sha?: string }) {
  const workflowRun = app.fake.state.addWorkflowRun({
    owner: "acme",
    repo: "app",
    headSha: run.sha ?? tip,
    headBranch: run.branch ?? "main",
    actor: run.actor,
    triggeringActor: run.triggeringActor,
  });
  await app.deliver("deployment_protection_rule", deploymentProtectionRuleEvent(app.fake, { owner: "acme", repo: "app", runId: workflowRun.id, environment }));
  const answers = app.fake.state.deploymentReviews.filter((r) => r.runId === workflowRun.id);
  expect(answers).toHaveLength(1);
  return answers[0]!;
}

describe("deployments gated by role and level", () => {
  it("rejects a deployment to production by a Cloud Operations Specialist, with the reason", async () => {
    const review = await deploy("production", { actor: "otto" });
    expect(review).toMatchObject({ environment: "production", state: "rejected", appId: app.appId });
    expect(review.comment).toContain('rolegate rejects this deployment to GitHub environment "production" by @otto');
    expect(review.comment).toContain("- production is an environment at level 5");
    expect(review.comment).toContain("holds cloud-operations-specialist (member of cloud-operations-specialist through @acme/pega-cloud-ops)");
    expect(review.comment).toContain("no held role grants deploy on production at level 5");
  });

  it("approves a deployment to production by a Cloud Deployment Specialist, with the reason", async () => {
    const review = await deploy("production", { actor: "desi" });
    expect(review).toMatchObject({ environment: "production", state: "approved" });
    expect(review.comment).toContain('rolegate approves this deployment to GitHub environment "production" by @desi');
    expect(review.comment).toContain("cloud-deployment-specialist grants deploy on every environment");
  });

  it("judges the run's triggering actor: a re-run by an operations specialist is rejected", async () => {
    const review = await deploy("production", { actor: "desi", triggeringActor: "otto" });
    expect(review.state).toBe("rejected");
    expect(review.comment).toContain("by @otto");
  });

  it("reads the policy from the default branch, never from the deployed ref", async () => {
    // The deploying branch makes otto a deployment specialist.
    const open = PEGA.replace('      - "@acme/pega-deployment"\n', '      - "@acme/pega-deployment"\n      - otto\n');
    expect(open).not.toBe(PEGA);
    const evil = app.fake.state.commit("acme", "app", { branch: "evil", parents: [tip], changes: { ".github/rolegate.yml": open }, author: "otto" });
    const review = await deploy("production", { actor: "otto", branch: "evil", sha: evil });
    expect(review.state).toBe("rejected");
    expect(review.comment).toContain(`judged by .github/rolegate.yml (blob ${gitBlobSha(PEGA)})`);
    // The same policy on the default branch would let otto deploy: only where it is read stopped him.
    app.fake.state.commit("acme", "app", { branch: "main", changes: { ".github/rolegate.yml": open }, author: "lead" });
    expect((await deploy("production", { actor: "otto" })).state).toBe("approved");
  });

  it("fails closed: an unknown environment, an unresolved team and an invalid policy reject, each saying why", async () => {
    const unknown = await deploy("sandbox", { actor: "desi" });
    expect(unknown.state).toBe("rejected");
    expect(unknown.comment).toContain('GitHub environment "sandbox" is no environment of the policy');

    app.fake.state.teams.delete("acme/pega-on-call");
    const unresolved = await deploy("production", { actor: "desi" });
    expect(unresolved.state).toBe("rejected");
    expect(unresolved.comment).toContain("team @acme/pega-on-call could not be resolved");

    app.fake.state.commit("acme", "app", {
      branch: "main",
      changes: { ".github/rolegate.yml": "version: 1\nroles:\n  a: { inherits: [ghost], members: [x] }\n" },
      author: "lead",
    });
    const invalid = await deploy("production", { actor: "desi" });
    expect(invalid.state).toBe("rejected");
    expect(invalid.comment).toContain("the policy .github/rolegate.yml is invalid, so no deployment can be judged until it is fixed");
  });

  it("rejects where there is no policy at all: deployments are closed unless granted", async () => {
    app.fake.state.commit("acme", "app", { branch: "main", changes: { ".github/rolegate.yml": null }, author: "lead" });
    const review = await deploy("staging", { actor: "desi" });
    expect(review.state).toBe("rejected");
    expect(review.comment).toContain("there is no rolegate policy on the default branch");
  });
});
