import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { probotWith, serve, world, worldPayload, type World } from "../helpers/github-world.js";

// Time budget: about 1 s. Changes that landed (a direct push, a merge), judged after the fact by
// the core's evaluator; nock answers api.github.com.

const POLICY = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
roles:
  developer:
    members: [dev1, dev2]
    grants: { author: ["*"] }
  devops-engineer:
    inherits: [developer]
    members: [olga]
    grants: { approve: [pipeline, policy], merge: [pipeline, policy] }
require:
  - name: DevOps approval
    categories: [pipeline, policy]
notify: { violations: [devops-engineer] }
`;

function pushEvent(w: World, pusher: string, paths: string[], before = "base000", after = "pushed222") {
  const p = worldPayload(w, "push", "");
  delete p.action;
  p.ref = "refs/heads/main";
  p.before = before;
  p.after = after;
  p.deleted = false;
  p.repository.default_branch = "main";
  p.sender = { login: pusher, type: "User" };
  p.pusher = { name: pusher };
  p.commits = [{ id: after, added: [], modified: paths, removed: [] }];
  return { id: `push-${Math.random()}`, name: "push", payload: p } as any;
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("a direct push to a protected default branch", () => {
  it("is judged by the policy from before the push: a guarded change with no review opens a violation issue", async () => {
    const w = world({ trees: { base000: { ".github/rolegate.yml": POLICY } } });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(pushEvent(w, "dev2", [".github/workflows/deploy.yml"]));
    expect(w.issues).toHaveLength(1);
    expect(w.issues[0].title).toBe("rolegate: dev2 pushed guarded changes without a pull request");
    expect(w.issues[0].body).toContain("dev2 may not merge `.github/workflows/deploy.yml`");
    expect(w.issues[0].body).toContain("requirement not met: DevOps approval (0/1 approvals)");
    expect(w.issues[0].body).toContain("Notifying: @olga");
  });

  it("fails closed when the policy before the push is invalid: the push is reported, never silently accepted", async () => {
    const w = world({ trees: { base000: { ".github/rolegate.yml": "version: 1\nroles:\n  a: { inherits: [ghost], members: [x] }\n" } } });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(pushEvent(w, "dev2", ["src/app.ts"]));
    expect(w.issues).toHaveLength(1);
    expect(w.issues[0].body).toMatch(/the policy \.github\/rolegate\.yml is invalid, so this could not be judged: .*unknown role "ghost"/);
  });

  it("opens nothing for a push that came from a merged pull request, or to an unprotected branch", async () => {
    const w = world({ trees: { base000: { ".github/rolegate.yml": POLICY } }, mergedCommits: ["pushed222"] });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(pushEvent(w, "dev2", [".github/workflows/deploy.yml"]));
    w.protectedBranches = [];
    await probot.receive(pushEvent(w, "dev2", [".github/workflows/deploy.yml"], "base000", "pushed333"));
    expect(w.issues).toEqual([]);
  });

  it("opens nothing when the pusher may merge and nothing guarded changed", async () => {
    const w = world({ trees: { base000: { ".github/rolegate.yml": POLICY } } });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(pushEvent(w, "olga", ["README.md"]));
    expect(w.issues).toEqual([]);
  });
});
