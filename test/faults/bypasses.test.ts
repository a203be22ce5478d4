import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RolegateService } from "../../src/app/service.js";
import { probotWith, serve, silentLog, world, type World } from "../helpers/github-world.js";
import { Probot, ProbotOctokit } from "probot";
import { generateKeyPairSync } from "node:crypto";
import { rolegateApp } from "../../src/app/app.js";

// Time budget: about 2 s. The known ways approval gates are bypassed, each judged by the app.

const POLICY = `version: 1
categories:
  infrastructure: { paths: ["k8s/**", "**/*.tf"] }
environments:
  production: { level: 5, paths: ["envs/prod/**"] }
roles:
  developer:
    members: [dev1, dev2, carol]
    grants: { author: ["*"] }
  devops:
    inherits: [developer]
    members: [olga, { user: carol, environments: [production], expires: "2026-01-31" }]
    grants: { approve: [infrastructure, policy], merge: ["*"] }
require:
  - name: DevOps approval
    categories: [infrastructure, policy]
`;

const at = "2026-11-20T10:00:00Z";
function pr(w: Partial<World["pr"]>, extra: Parameters<typeof world>[0] = {}) {
  return world({
    trees: { base000: { ".github/rolegate.yml": POLICY } },
    ...extra,
    pr: { files: [{ filename: "k8s/deploy.yaml", status: "modified" }], ...w },
  });
}
function event(w: World, name = "pull_request", action = "synchronize", payload: object = {}) {
  return {
    id: `e-${Math.random()}`,
    name,
    payload: {
      action,
      installation: { id: 42 },
      repository: { name: w.repo, owner: { login: w.owner }, full_name: `${w.owner}/${w.repo}` },
      pull_request: { number: w.pr.number, state: "open", base: { ref: w.pr.base }, head: { sha: w.pr.head } },
      ...payload,
    },
  } as any;
}
const last = (w: World) => w.checkRuns.filter((c) => !c.patch).at(-1);

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("known bypasses", () => {
  it("pushing after approval: the approval on the earlier commit no longer counts", async () => {
    const w = pr({ head: "head222", reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at }] });
    serve(w);
    await probotWith().probot.receive(event(w));
    expect(last(w)).toMatchObject({ head_sha: "head222", conclusion: "action_required" });
  });

  it("a rename out of the guarded folder still needs the guarded folder's approval", async () => {
    const w = pr({ files: [{ filename: "attic/deploy.yaml", previous_filename: "k8s/deploy.yaml", status: "renamed" }] });
    serve(w);
    await probotWith().probot.receive(event(w));
    expect(last(w).conclusion).toBe("action_required");
    expect(last(w).output.summary).toContain("(renamed to `attic/deploy.yaml`)");
  });

  it("deleting a guarded file needs the approval too", async () => {
    const w = pr({ files: [{ filename: "k8s/deploy.yaml", status: "removed" }] });
    serve(w);
    await probotWith().probot.receive(event(w));
    expect(last(w).conclusion).toBe("action_required");
  });

  it("an approval from a user who also committed to the pull request does not count", async () => {
    const w = pr({
      commits: [
        { author: "dev1", committer: "dev1" },
        { author: "olga", committer: "olga" },
      ],
      reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at }],
    });
    serve(w);
    await probotWith().probot.receive(event(w));
    expect(last(w).conclusion).toBe("action_required");
  });

  it("a scoped or expired membership does not count", async () => {
    // carol is devops only in production and only until 2026-01-31.
    const w = pr({ files: [{ filename: "envs/prod/main.tf", status: "modified" }], reviews: [{ user: "carol", state: "APPROVED", commit: "head111", at }] });
    serve(w);
    await probotWith().probot.receive(event(w));
    expect(last(w).conclusion).toBe("action_required");
  });

  it("changing the policy in the same pull request does not change how it is judged", async () => {
    const open = POLICY.replace('grants: { author: ["*"] }', 'grants: { author: ["*"], approve: ["*"] }');
    const w = pr(
      {
        files: [
          { filename: ".github/rolegate.yml", status: "modified" },
          { filename: "k8s/deploy.yaml", status: "modified" },
        ],
        reviews: [{ user: "dev2", state: "APPROVED", commit: "head111", at }],
      },
      { trees: { base000: { ".github/rolegate.yml": POLICY }, head111: { ".github/rolegate.yml": open } } },
    );
    serve(w);
    await probotWith().probot.receive(event(w));
    expect(last(w).conclusion).toBe("action_required");
    expect(last(w).output.summary).toContain("dev2 gains approve on infrastructure");
  });

  it("retargeting to a branch with a weaker policy after approval: judged by the new base's policy, old approvals void", async () => {
    const weak = 'version: 1\nroles:\n  dev: { members: [dev1, dev2], grants: { author: ["*"] } }\nrequire: [{ categories: [policy] }]\n';
    const w = pr(
      { base: "weak", reviews: [{ user: "dev2", state: "APPROVED", commit: "head111", at }], baseChanges: ["2026-11-21T00:00:00Z"] },
      { tips: { main: "base000", weak: "weak000" }, trees: { base000: { ".github/rolegate.yml": POLICY }, weak000: { ".github/rolegate.yml": weak } } },
    );
    serve(w);
    await probotWith().probot.receive(event(w, "pull_request", "edited"));
    // The weak branch asks for nothing here, so it passes: but it is judged by that branch's
    // policy, shown as the target, and the pre-retarget approval is not what made it pass.
    expect(last(w).output.summary).toContain("target `weak`");
    expect(last(w).output.summary).not.toContain("| ✅ | DevOps approval");
  });
});

describe("forged checks", () => {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const app = () => {
    const probot = new Probot({
      appId: 1,
      privateKey,
      log: silentLog,
      Octokit: ProbotOctokit.defaults((o: object) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })),
    });
    probot.load(rolegateApp({ service: new RolegateService(silentLog), appId: 1 }));
    return probot;
  };

  it("reports a check run named rolegate from another app as a violation", async () => {
    const w = pr({});
    serve(w);
    const payload = { check_run: { name: "rolegate", head_sha: "head111", app: { id: 999, slug: "impostor" }, pull_requests: [] } };
    await app().receive(event(w, "check_run", "created", payload));
    expect(w.issues).toHaveLength(1);
    expect(w.issues[0].title).toBe('rolegate: a check run named "rolegate" from impostor on head111');
    expect(w.issues[0].labels).toEqual(["rolegate-violation"]);
  });

  it("ignores its own check runs", async () => {
    const w = pr({});
    serve(w);
    await app().receive(
      event(w, "check_run", "created", { check_run: { name: "rolegate", head_sha: "head111", app: { id: 1, slug: "rolegate" }, pull_requests: [] } }),
    );
    expect(w.issues).toEqual([]);
  });

  it("reports a commit status named rolegate", async () => {
    const w = pr({});
    serve(w);
    await app().receive(event(w, "status", "created", { context: "rolegate", sha: "head111", state: "success", sender: { login: "mallory" } }));
    expect(w.issues[0].title).toBe('rolegate: a commit status named "rolegate" from mallory on head111');
  });
});
