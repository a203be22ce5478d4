import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/index.js";
import { pullRequestEvent } from "../fake-github/webhooks.js";
import { BASELINE, OWN, REDEFINES } from "../fixtures/baseline.js";
import { runActionBundle } from "../helpers/action-runner.js";

// Time budget: about 8 s. The committed Action bundle as a child process, against the strict fake
// GitHub, under the organisation's enforced baseline.

let fake: FakeGitHub;
let dir: string;
beforeEach(async () => {
  fake = await startFakeGitHub({ preload: true });
  dir = mkdtempSync(join(tmpdir(), "rolegate-action-baseline-"));
  const s = fake.state;
  s.addRepo({ owner: "acme", name: ".github", defaultBranch: "main", visibility: "private" });
  s.addRepo({ owner: "acme", name: "app", defaultBranch: "main" });
  s.setTeam("acme", "security", ["sec1"]);
  for (const login of ["dev1", "dev2", "sec1"]) s.setPermission("acme", "app", login, "write");
  // A token that can read organisation members, as the docs require for team roles.
  s.actionsTokenPermissions = { ...s.actionsTokenPermissions, members: "read" };
  s.commit("acme", ".github", { branch: "main", files: { ".github/rolegate.yml": BASELINE(true) }, author: "lead" });
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A secrets change by dev1 approved by dev2 under `own`, judged by the Action. */
function secretsChange(own: string): string {
  const s = fake.state;
  const base = s.commit("acme", "app", { branch: "main", files: { ".github/rolegate.yml": own, "secrets/key.txt": "old\n" }, author: "lead" });
  const head = s.commit("acme", "app", { branch: "rotate", parents: [base], changes: { "secrets/key.txt": "new\n" }, author: "dev1" });
  s.addPullRequest({ owner: "acme", repo: "app", number: 7, author: "dev1", base: { ref: "main" }, head: { ref: "rotate", sha: head } });
  s.addReview("acme", "app", 7, { user: "dev2", state: "APPROVED", commit_id: head });
  return head;
}

const run = (inputs: Record<string, string> = {}) =>
  runActionBundle(fake, dir, "pull_request_target", pullRequestEvent(fake, { owner: "acme", repo: "app", number: 7, action: "opened" }), inputs);

describe("the Action under an enforced organisation baseline", () => {
  it("binds a repository with its own policy where the token can read the organisation's .github", async () => {
    secretsChange(OWN);
    const r = await run();
    expect(r.outputs.conclusion).toBe("action_required");
    expect(r.outputs["required-roles"]).toBe("security-contact");
    expect(r.summary).toContain("Secrets need the security contact");
  });

  it("fails on a locked key the repository redefines, annotating it with both files named", async () => {
    secretsChange(REDEFINES);
    const r = await run();
    expect(r.status).toBe(1);
    expect(r.outputs.conclusion).toBe("failure");
    const annotation = r.stdout.split("\n").find((l) => l.startsWith("::error ") && l.includes("is locked by"));
    expect(annotation).toMatch(/file=\.github\/rolegate\.yml,line=6,col=3/);
    expect(annotation).toContain('"roles.security-contact" is locked by the enforced organisation baseline acme/.github:.github/rolegate.yml');
  });

  it("with baseline: required, fails with the reason where the token cannot see the organisation's .github", async () => {
    secretsChange(OWN);
    fake.state.actionsTokenRepository = "acme/app"; // a GITHUB_TOKEN: its own repository and public ones
    const r = await run({ baseline: "required" });
    expect(r.status).toBe(1);
    expect(r.outputs.conclusion).toBe("failure");
    expect(r.summary).toContain("cannot read the organisation baseline");
    expect(r.summary).toContain("`baseline: required` says one is expected");
  });

  it("by default (baseline: auto), judges without a baseline it cannot see, and says so", async () => {
    secretsChange(OWN);
    fake.state.actionsTokenRepository = "acme/app";
    const r = await run();
    expect(r.outputs.conclusion).toBe("success");
    expect(r.stdout).toContain("::notice::No organisation baseline was found at acme/.github:.github/rolegate.yml");
    expect(r.summary).toContain("No organisation baseline was found at acme/.github:.github/rolegate.yml");
  });

  it("fails closed when reading the organisation's .github is refused (403), whatever the input", async () => {
    secretsChange(OWN);
    fake.failNext(
      { method: "POST", path: "/graphql", query: /query RolegateBlob\(/ },
      { status: 403, body: { message: "Resource protected by organization SAML enforcement." } },
    );
    const r = await run();
    expect(r.status).toBe(1);
    expect(r.outputs.conclusion).toBe("failure");
    expect(r.summary).toContain("cannot read the organisation baseline: HTTP 403: Resource protected by organization SAML enforcement.");
  });

  it("rejects an input baseline that is neither auto nor required", async () => {
    secretsChange(OWN);
    const r = await run({ baseline: "maybe" });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('input baseline must be auto or required, not "maybe"');
  });
});
