import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pullRequestEvent, pushEvent } from "../fake-github/webhooks.js";
import { BASELINE, OWN, REDEFINES } from "../fixtures/baseline.js";
import { startFakeApp, type FakeApp } from "../helpers/fake-app.js";

// Time budget: about 3 s. The organisation's enforced baseline, through the app in-process against the strict fake GitHub.

let app: FakeApp;
beforeEach(async () => {
  app = await startFakeApp();
  const s = app.fake.state;
  s.addRepo({ owner: "acme", name: ".github", defaultBranch: "main", visibility: "private" });
  s.addRepo({ owner: "acme", name: "app", defaultBranch: "main" });
  s.setTeam("acme", "security", ["sec1"]);
  for (const login of ["dev1", "dev2", "sec1"]) s.setPermission("acme", "app", login, "write");
});
afterEach(() => app.close());

const check = (sha: string) => app.fake.state.checkRunsFor("acme", "app", { headSha: sha, name: "rolegate" }).at(-1);

/** A secrets change by dev1 approved by dev2, judged by `own` at the base. */
async function secretsChange(own: string): Promise<string> {
  const s = app.fake.state;
  const base = s.commit("acme", "app", { branch: "main", files: { ".github/rolegate.yml": own, "secrets/key.txt": "old\n" }, author: "lead" });
  const head = s.commit("acme", "app", { branch: "rotate", parents: [base], changes: { "secrets/key.txt": "new\n" }, author: "dev1" });
  s.addPullRequest({ owner: "acme", repo: "app", number: 7, author: "dev1", base: { ref: "main" }, head: { ref: "rotate", sha: head } });
  s.addReview("acme", "app", 7, { user: "dev2", state: "APPROVED", commit_id: head });
  await app.deliver("pull_request", pullRequestEvent(app.fake, { owner: "acme", repo: "app", number: 7, action: "opened" }));
  return head;
}

describe("an enforced organisation baseline in the app", () => {
  it("binds a repository with its own policy: the baseline's requirement applies", async () => {
    app.fake.state.commit("acme", ".github", { branch: "main", files: { ".github/rolegate.yml": BASELINE(true) }, author: "lead" });
    const head = await secretsChange(OWN);
    const run = check(head);
    expect(run).toMatchObject({ conclusion: "action_required" });
    expect(run?.output?.summary).toContain("Secrets need the security contact");
  });

  it("a locked key redefined by the repository fails the check with an error naming both files", async () => {
    app.fake.state.commit("acme", ".github", { branch: "main", files: { ".github/rolegate.yml": BASELINE(true) }, author: "lead" });
    const head = await secretsChange(REDEFINES);
    const run = check(head);
    expect(run).toMatchObject({ conclusion: "failure" });
    expect(run?.output?.summary).toMatch(
      /\.github\/rolegate\.yml:6:3: error: "roles\.security-contact" is locked by the enforced organisation baseline acme\/\.github:\.github\/rolegate\.yml and may not be redefined/,
    );
  });

  it("an organisation default that does not enforce binds nothing; a push that enforces it re-judges at once", async () => {
    const s = app.fake.state;
    s.commit("acme", ".github", { branch: "main", files: { ".github/rolegate.yml": BASELINE(false) }, author: "lead" });
    const head = await secretsChange(OWN);
    expect(check(head)).toMatchObject({ conclusion: "success" });

    const before = s.repo("acme", ".github").branches.get("main")!;
    s.commit("acme", ".github", { branch: "main", changes: { ".github/rolegate.yml": BASELINE(true) }, author: "lead" });
    await app.deliver("push", pushEvent(app.fake, { owner: "acme", repo: ".github", ref: "main", before, pusher: "lead" }));
    expect(check(head)).toMatchObject({ conclusion: "action_required" });
  });
});
