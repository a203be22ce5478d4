import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitBlobSha } from "../fake-github/state.js";
import { issueCommentEvent, pullRequestEvent } from "../fake-github/webhooks.js";
import { startFakeApp, type FakeApp } from "../helpers/fake-app.js";
import { Scenario } from "../helpers/fake-scenarios.js";

// Time budget: about 3 s. `/rolegate break-glass REASON` through the app in-process against the strict fake GitHub.

const POLICY = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
roles:
  developer:
    members: [dev1, dev2]
    grants: { author: ["*"] }
  devops:
    members: ["@acme/devops"]
    grants: { approve: [pipeline], merge: ["*"] }
  security:
    members: ["@acme/security"]
    grants: { approve: [policy] }
require:
  - name: DevOps approval
    categories: [pipeline]
    roles: [devops]
break_glass: { roles: [security], reason_min_length: 12 }
notify: { violations: [security] }
`;

const REASON = "payments are down: hotfix for INC-4711";

let app: FakeApp;
let head: string;
beforeEach(async () => {
  app = await startFakeApp();
  app.fake.state.setTeam("acme", "devops", ["olga"]);
  app.fake.state.setTeam("acme", "security", ["dana"]);
  const s = new Scenario(app);
  s.repository(
    { ".github/rolegate.yml": POLICY, ".github/workflows/deploy.yml": "on: push\n" },
    { dev1: "write", dev2: "write", olga: "write", dana: "write" },
  );
  head = s.head(s.pullRequest("dev1", { ".github/workflows/deploy.yml": "on: [push]\n" }, { number: 7, branch: "hotfix" }));
});
afterEach(() => app.close());

const check = (sha: string) => app.fake.state.checkRunsFor("acme", "app", { headSha: sha, name: "rolegate" }).at(-1);
const issuesLabelled = (label: string) => [...app.fake.state.repo("acme", "app").issues.values()].filter((i) => !i.pull && i.labels.includes(label));
const replies = () => app.fake.state.pullRequest("acme", "app", 7).comments.filter((c) => c.user === "rolegate[bot]");

async function comment(user: string, body: string): Promise<void> {
  const c = app.fake.state.addComment("acme", "app", 7, { user, body });
  await app.deliver("issue_comment", issueCommentEvent(app.fake, { owner: "acme", repo: "app", number: 7, commentId: c.id }));
}

describe("break glass in the app", () => {
  it("an allowed person overrides: success titled as overridden, exactly one audit issue, and a reply", async () => {
    await app.deliver("pull_request", pullRequestEvent(app.fake, { owner: "acme", repo: "app", number: 7, action: "opened" }));
    expect(check(head)).toMatchObject({ conclusion: "action_required" });

    await comment("dana", `/rolegate break-glass ${REASON}`);
    const run = check(head);
    expect(run).toMatchObject({ conclusion: "success" });
    expect(run?.output?.title).toBe("Overridden by @dana (break glass): 1 requirement not met");
    expect(run?.output?.summary).toContain("### Break glass");

    const audits = issuesLabelled("rolegate-break-glass");
    expect(audits).toHaveLength(1);
    expect(audits[0]!.title).toBe("rolegate: @dana broke the glass on #7");
    expect(audits[0]!.body).toContain(REASON);
    expect(audits[0]!.body).toContain("- DevOps approval (0 of 1 approvals)");
    expect(audits[0]!.body).toContain(`**Head commit:** ${head}`);
    expect(audits[0]!.body).toContain("Notifying: @acme/security");
    expect(audits[0]!.body).toContain(`\`.github/rolegate.yml\`, blob ${gitBlobSha(POLICY)}`);
    expect(issuesLabelled("rolegate-violation")).toEqual([]);
    expect(app.fake.calls.filter((c) => c.status >= 400)).toEqual([]);
    expect(replies().at(-1)?.body).toContain(`@dana broke the glass at head commit ${head}`);
    expect(replies().at(-1)?.body).toContain(`The audit issue is #${audits[0]!.number}`);

    // The override stays in effect for this head: a later judgement still concludes success.
    await app.deliver("pull_request", pullRequestEvent(app.fake, { owner: "acme", repo: "app", number: 7, action: "labeled" }));
    expect(check(head)).toMatchObject({ conclusion: "success" });
    expect(issuesLabelled("rolegate-break-glass")).toHaveLength(1);
  });

  it("anyone else's attempt is a violation: the check fails, a violation issue reports it, and the reply says why", async () => {
    await comment("dana", `/rolegate break-glass ${REASON}`);
    expect(check(head)).toMatchObject({ conclusion: "success" });

    await comment("dev2", `/rolegate break-glass ${REASON}`);
    const run = check(head);
    expect(run).toMatchObject({ conclusion: "failure" });
    expect(run?.output?.title).toMatch(/^Break glass by @dev2 refused/);
    const violations = issuesLabelled("rolegate-violation");
    expect(violations).toHaveLength(1);
    expect(violations[0]!.title).toBe("rolegate: dev2 tried to break the glass on pull request #7 without the right");
    expect(violations[0]!.body).toContain("dev2 holds none of the break-glass roles (security)");
    expect(violations[0]!.body).toContain("Notifying: @acme/security");
    expect(issuesLabelled("rolegate-break-glass")).toHaveLength(1);
    expect(replies().at(-1)?.body).toContain("@dev2 the break-glass request was refused");

    // The same person again on the same head: refused again, reported once.
    await comment("dev2", `/rolegate break-glass ${REASON}`);
    expect(issuesLabelled("rolegate-violation")).toHaveLength(1);
  });

  it("a reason shorter than the policy asks is refused, even from an allowed person", async () => {
    await comment("dana", "/rolegate break-glass\nurgent");
    expect(check(head)).toMatchObject({ conclusion: "failure" });
    const violations = issuesLabelled("rolegate-violation");
    expect(violations).toHaveLength(1);
    expect(violations[0]!.body).toContain("the reason is 6 characters long; the policy asks for at least 12");
    expect(issuesLabelled("rolegate-break-glass")).toEqual([]);
  });

  it("an allowed request that has nothing to override changes nothing, opens no issue and says why", async () => {
    app.fake.state.addReview("acme", "app", 7, { user: "olga", state: "APPROVED", commit_id: head });
    await comment("dana", `/rolegate break-glass ${REASON}`);
    expect(check(head)).toMatchObject({ conclusion: "success" });
    expect(check(head)?.output?.title).not.toMatch(/Overridden/);
    expect(issuesLabelled("rolegate-break-glass")).toEqual([]);
    expect(issuesLabelled("rolegate-violation")).toEqual([]);
    expect(replies().at(-1)?.body).toContain("the break-glass request by @dana changed nothing: every requirement is met");
  });

  it("takes the reason from the rest of the comment, over several lines", async () => {
    await comment("dana", "Context first.\n/rolegate break-glass payments are down:\nhotfix for INC-4711\n");
    expect(check(head)).toMatchObject({ conclusion: "success" });
    expect(issuesLabelled("rolegate-break-glass")[0]!.body).toContain("payments are down:\nhotfix for INC-4711");
  });

  it("a later push voids the override: the next judgement of the new head is no longer success", async () => {
    await comment("dana", `/rolegate break-glass ${REASON}`);
    expect(check(head)).toMatchObject({ conclusion: "success" });
    const s = app.fake.state;
    const next = s.commit("acme", "app", { branch: "hotfix", changes: { ".github/workflows/deploy.yml": "on: [push, pull_request]\n" }, author: "dev1" });
    await app.deliver("pull_request", pullRequestEvent(app.fake, { owner: "acme", repo: "app", number: 7, action: "synchronize" }));
    expect(check(next)).toMatchObject({ conclusion: "action_required" });
    // Moving the head back does not bring the override back.
    s.moveHead("acme", "app", 7, head);
    await app.deliver("pull_request", pullRequestEvent(app.fake, { owner: "acme", repo: "app", number: 7, action: "synchronize" }));
    expect(check(head)).toMatchObject({ conclusion: "action_required" });
  });

  it("reads the commenter's team membership fresh: someone removed a moment ago cannot break the glass", async () => {
    await app.deliver("pull_request", pullRequestEvent(app.fake, { owner: "acme", repo: "app", number: 7, action: "opened" })); // caches @acme/security
    app.fake.state.setTeam("acme", "security", []);
    await comment("dana", `/rolegate break-glass ${REASON}`);
    expect(check(head)).toMatchObject({ conclusion: "failure" });
    expect(issuesLabelled("rolegate-break-glass")).toEqual([]);
  });
});
