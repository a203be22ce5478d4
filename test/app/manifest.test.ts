import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HANDLERS } from "../../src/app/handlers/index.js";
import type { HandlerContext } from "../../src/app/handlers/context.js";
import { fakeGitHubRoutes } from "../fake-github/index.js";
import { startFakeApp, type FakeApp } from "../helpers/fake-app.js";
import { Scenario } from "../helpers/fake-scenarios.js";
import { deploymentProtectionRuleEvent } from "../fake-github/webhooks.js";

// Time budget: about 1 s. app.yml asks for exactly what the app handles and uses.

const ROOT = join(import.meta.dirname, "..", "..");
const manifest = parse(readFileSync(join(ROOT, "app.yml"), "utf8")) as { default_events: string[]; default_permissions: Record<string, "read" | "write"> };

/** The events the app's handlers register for, without their actions. */
function handledEvents(): string[] {
  const events = new Set<string>();
  const h = {
    service: { afterPosting: [] },
    on: (names: string | string[]) => {
      for (const n of Array.isArray(names) ? names : [names]) events.add(n.split(".")[0]!);
    },
  } as unknown as HandlerContext;
  for (const register of HANDLERS) register(h);
  return [...events].sort();
}

/**
 * Permissions that no REST route of the flows below shows, and why app.yml still asks for them:
 * GitHub requires them for something other than a route rolegate calls.
 */
const NOT_A_ROUTE: Record<string, string> = {
  metadata: "mandatory for every GitHub App",
  workflows: "GitHub refuses to merge a pull request that changes .github/workflows/ without it",
  merge_queues: "GitHub delivers merge_group events only with it; the merge queue is read through GraphQL",
  statuses: "GitHub delivers status events only with it; checks_passed reads statuses through GraphQL's statusCheckRollup",
};

let app: FakeApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/**
 * The permission GitHub requires before it delivers each event to an app (GitHub's "Webhook
 * events and payloads": the "Availability" and permission notes of each event).
 */
const DELIVERY_NEEDS: Record<string, string> = {
  pull_request: "pull_requests",
  pull_request_review: "pull_requests",
  issue_comment: "issues",
  push: "contents",
  check_run: "checks",
  check_suite: "checks",
  status: "statuses",
  merge_group: "merge_queues",
  membership: "members",
  team: "members",
  deployment_protection_rule: "deployments",
};

describe("app.yml", () => {
  it("subscribes to exactly the events the app handles", () => {
    expect([...manifest.default_events].sort()).toEqual(handledEvents());
  });

  it("asks for the permission GitHub needs to deliver each of those events", () => {
    for (const event of handledEvents()) {
      const needed = DELIVERY_NEEDS[event];
      expect(needed, `no delivery rule known for ${event}`).toBeDefined();
      expect(manifest.default_permissions[needed!], `${event} needs ${needed}`).toBeDefined();
    }
  });

  it("asks for exactly the permissions the app's calls need: with only those, nothing is refused, and each is used", async () => {
    app = await startFakeApp();
    const s = new Scenario(app);
    const installation = app.fake.state.installations.get(app.installationId)!;
    installation.permissions = { ...manifest.default_permissions };
    app.fake.state.setTeam("acme", "devops", ["olga"]);
    const policy = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
roles:
  developer: { members: [dev1], grants: { author: ["*"] } }
  devops: { members: ["@acme/devops"], grants: { approve: [pipeline], merge: ["*"] } }
require:
  - { name: DevOps approval, categories: [pipeline] }
  - { name: CI passed, categories: [pipeline], when: { not: { checks_passed: [ci/build] } }, roles: [devops] }
notify: { violations: [devops] }
`;
    s.repository({ ".github/rolegate.yml": policy, "src/a.ts": "a\n" }, { dev1: "write", olga: "write", root: "admin" });
    // Judge (and ask for reviews), change the policy (admins), merge on command, report a forged status.
    const pr = s.pullRequest("dev1", { ".github/workflows/ci.yml": "x\n" });
    await s.opened(pr);
    const policyPr = s.pullRequest("dev1", { ".github/rolegate.yml": `${policy}# tidy\n` });
    await s.opened(policyPr);
    s.approve(pr, "olga");
    await s.comment(pr, "olga", "/rolegate merge");
    expect(app.fake.state.merges).toHaveLength(1);
    await s.push("main", { "src/a.ts": "direct\n" }, "dev1");
    // A deployment waiting on rolegate's protection rule.
    const run = app.fake.state.addWorkflowRun({ owner: "acme", repo: "app", headSha: s.head(pr), headBranch: "main", actor: "olga" });
    await app.deliver(
      "deployment_protection_rule",
      deploymentProtectionRuleEvent(app.fake, { owner: "acme", repo: "app", runId: run.id, environment: "production" }),
    );
    expect(app.fake.state.deploymentReviews).toHaveLength(1);

    const refused = app.fake.calls.filter((c) => c.status === 403);
    expect(refused.map((c) => `${c.method} ${c.path}`)).toEqual([]);
    const used = new Set<string>();
    for (const call of app.fake.calls) {
      const route = fakeGitHubRoutes.find((r) => r.method === call.method && r.template === call.route);
      for (const [name] of route?.perms ?? []) if (name in manifest.default_permissions) used.add(name);
    }
    for (const name of Object.keys(manifest.default_permissions)) {
      if (name in NOT_A_ROUTE) continue;
      expect(used, `app.yml asks for ${name}, which no call of these flows needs`).toContain(name);
    }
  });
});
