import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { examplePayload, probotWith, serve, world, worldPayload, type World } from "../helpers/github-world.js";

// Time budget: about 2 s. nock answers api.github.com; nothing leaves the machine.

const POLICY = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
  infrastructure: { paths: ["**/*.tf"] }
roles:
  developer:
    members: [dev1, dev2, "@acme/developers"]
    grants: { author: ["*"] }
  devops-engineer:
    inherits: [developer]
    members: ["@acme/devops"]
    grants: { approve: [pipeline, infrastructure, policy], merge: ["*"] }
require:
  - name: DevOps approval
    categories: [pipeline, infrastructure, policy]
`;

/** A realistic payload from @octokit/webhooks-examples, pointed at the world's pull request. */
function prPayload(w: World, name = "pull_request", action = "opened", extra: (p: any) => void = () => {}) {
  const p = worldPayload(w, name, action);
  extra(p);
  return { id: `delivery-${Math.random()}`, name, payload: p } as any;
}

/** An issue_comment.created delivery on the world's pull request. */
function commentEvent(w: World, login: string, body: string, id: string) {
  const p = examplePayload("issue_comment", "created");
  p.installation = { id: 42 };
  p.repository.name = w.repo;
  p.repository.owner.login = w.owner;
  p.issue.number = w.pr.number;
  p.issue.pull_request = { url: "x" };
  p.comment.body = body;
  p.comment.user = { login, type: "User" };
  return { id, name: "issue_comment", payload: p } as any;
}

function pipelineWorld(overrides: Parameters<typeof world>[0] = {}): World {
  return world({
    trees: { base000: { ".github/rolegate.yml": POLICY } },
    teams: { "acme/devops": ["olga", "omar"], "acme/developers": ["dev3"] },
    permissions: { dev1: "write", dev2: "write", dev3: "write", olga: "write", omar: "write" },
    ...overrides,
    pr: { files: [{ filename: ".github/workflows/deploy.yml", status: "modified" }], ...(overrides.pr ?? {}) },
  });
}

const lastCheck = (w: World) => w.checkRuns.filter((c) => !c.patch).at(-1);

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("the rolegate check run", () => {
  it("passes a pipeline change approved by a DevOps engineer", async () => {
    const w = pipelineWorld({ pr: { reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }] } });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w, "pull_request_review", "submitted"));
    const check = lastCheck(w);
    expect(check).toMatchObject({
      name: "rolegate",
      head_sha: "head111",
      status: "completed",
      conclusion: "success",
      output: { title: "All requirements met" },
    });
    expect(check.output.summary).toContain("| ✅ | DevOps approval | 1 | 1/1 | olga |");
    expect(check.output.summary).toMatch(/\| pipeline \| 0 \| `\.github\/workflows\/deploy\.yml` \| DevOps approval \|/);
    expect(check.output.summary).toContain("#### pipeline");
  });

  it("waits when only a developer approved, and names who can approve", async () => {
    const w = pipelineWorld({ pr: { reviews: [{ user: "dev2", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }] } });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w));
    const check = lastCheck(w);
    expect(check.conclusion).toBe("action_required");
    expect(check.output.title).toBe("Waiting for approval: 1 of 1 requirement not met");
    // Teams are named, not their members: a check must not publish a team's roster (docs/app.md).
    expect(check.output.summary).toContain("| ⏳ | DevOps approval | 1 | 0/1 | — | @acme/devops |");
    expect(check.output.annotations[0]).toMatchObject({
      path: ".github/workflows/deploy.yml",
      annotation_level: "warning",
      title: "Needs approval: DevOps approval",
    });
    // Eligible reviewers are asked once, never the author.
    expect(w.reviewRequests).toEqual([{ reviewers: [], team_reviewers: ["devops"] }]);
    await probot.receive(prPayload(w, "pull_request", "labeled"));
    expect(w.reviewRequests).toHaveLength(1);
  });

  it("judges a pull request that weakens the policy by the base policy, and shows the diff", async () => {
    const weakened = POLICY.replace('grants: { author: ["*"] }', 'grants: { author: ["*"], approve: [pipeline, infrastructure, policy] }');
    const w = pipelineWorld({
      trees: { base000: { ".github/rolegate.yml": POLICY }, head111: { ".github/rolegate.yml": weakened } },
      pr: {
        files: [{ filename: ".github/rolegate.yml", status: "modified" }],
        reviews: [{ user: "dev2", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }],
      },
    });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w, "pull_request", "synchronize"));
    const check = lastCheck(w);
    expect(check.conclusion).toBe("action_required");
    expect(check.output.summary).toContain("### This pull request changes the policy");
    expect(check.output.summary).toContain("dev2 gains approve on pipeline at levels 0-5");
    expect(check.output.summary).toContain("@acme/developers gains approve on policy at levels 0-5");
  });

  it("shows a narrowed category and a deleted requirement as weakenings in the check", async () => {
    const narrowed = POLICY.replace('infrastructure: { paths: ["**/*.tf"] }', 'infrastructure: { paths: ["modules/**/*.tf"] }');
    const w = pipelineWorld({
      trees: { base000: { ".github/rolegate.yml": POLICY }, head111: { ".github/rolegate.yml": narrowed } },
      pr: {
        files: [
          { filename: ".github/rolegate.yml", status: "modified" },
          { filename: "main.tf", status: "modified" },
        ],
      },
    });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w, "pull_request", "synchronize"));
    const summary = lastCheck(w).output.summary as string;
    expect(summary).toContain("**1 change weakens protection** (marked 🔻)");
    expect(summary).toMatch(
      /🔻 weakens: category infrastructure: globs removed: `\*\*\/\*\.tf`; globs added: `modules\/\*\*\/\*\.tf`; `main\.tf` leaves infrastructure/,
    );
    expect(summary).not.toContain("no permission changes");
  });

  it("re-judges under the new base branch's policy after a base-branch switch", async () => {
    const lax = 'version: 1\nroles:\n  dev: { members: [dev1, dev2], grants: { author: ["*"] } }\nrequire: [{ categories: [policy] }]\n';
    const w = pipelineWorld({
      tips: { main: "base000", sandbox: "sand000" },
      trees: { base000: { ".github/rolegate.yml": POLICY }, sand000: { ".github/rolegate.yml": lax } },
      pr: { base: "sandbox" },
    });
    serve(w);
    const { probot } = probotWith();
    // The payload still names the old base; rolegate reads the real one and its policy.
    await probot.receive(
      prPayload(w, "pull_request", "edited", (p) => {
        p.pull_request.base.ref = "main";
        p.changes = { base: { ref: { from: "main" }, sha: { from: "base000" } } };
      }),
    );
    expect(lastCheck(w).conclusion).toBe("success");
    expect(lastCheck(w).output.summary).toContain("target `sandbox`");
  });

  it("stops counting a dismissed approval", async () => {
    const w = pipelineWorld({
      pr: {
        reviews: [{ user: "olga", state: "DISMISSED", commit: "head111", at: "2026-11-20T10:00:00Z" }],
      },
    });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w, "pull_request_review", "dismissed"));
    expect(lastCheck(w).conclusion).toBe("action_required");
  });

  it("does not count an approval given before a retarget of the base branch", async () => {
    const w = pipelineWorld({
      pr: { reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }], baseChanges: ["2026-11-21T09:00:00Z"] },
    });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w));
    expect(lastCheck(w).conclusion).toBe("action_required");
  });

  it("fails closed, naming the team and why, when a team cannot be read", async () => {
    const w = pipelineWorld({
      teams: { "acme/devops": 403, "acme/developers": [] },
      pr: { reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }] },
    });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w));
    const check = lastCheck(w);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("Could not fully evaluate this change");
    expect(check.output.summary).toContain(
      "team @acme/devops could not be resolved (HTTP 403: Resource not accessible by integration (the team does not exist, or the app lacks the organization permission members:read))",
    );
  });

  it("reports a GraphQL error as failure, never success", async () => {
    const w = pipelineWorld();
    // Registered first, so it answers before the world's GraphQL route.
    nock("https://api.github.com")
      .post("/graphql")
      .reply(200, { errors: [{ message: "Something went wrong" }] });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w));
    const check = lastCheck(w);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("Something went wrong");
  });
});

describe("policy tests in pull requests", () => {
  const TESTS = (conclusion: string) => `version: 1
teams: { acme/devops: [olga], acme/developers: [] }
cases:
  - name: developers cannot approve pipelines
    files: [.github/workflows/x.yml]
    author: dev1
    approved_by: [dev2]
    expect: { conclusion: ${conclusion} }
`;
  it("fails the check when a policy change breaks a policy test, naming the case", async () => {
    const open = POLICY.replace('grants: { author: ["*"] }', 'grants: { author: ["*"], approve: [pipeline] }');
    const w = pipelineWorld({
      trees: { base000: { ".github/rolegate.yml": POLICY }, head111: { ".github/rolegate.yml": open, ".github/rolegate.tests.yml": TESTS("action_required") } },
      pr: {
        files: [{ filename: ".github/rolegate.yml", status: "modified" }],
        reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }],
      },
    });
    serve(w);
    await probotWith().probot.receive(prPayload(w));
    const check = lastCheck(w);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("Policy tests fail");
    expect(check.output.summary).toContain('policy test "developers cannot approve pipelines" fails: conclusion: expected action_required, got success');
  });

  it("passes when the tests hold", async () => {
    const w = pipelineWorld({
      trees: {
        base000: { ".github/rolegate.yml": POLICY },
        head111: { ".github/rolegate.yml": POLICY, ".github/rolegate.tests.yml": TESTS("action_required") },
      },
      // The tests file is in the built-in policy category, so it needs the DevOps approval too.
      pr: {
        files: [{ filename: ".github/rolegate.tests.yml", status: "added" }],
        reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }],
      },
    });
    serve(w);
    await probotWith().probot.receive(prPayload(w));
    expect(lastCheck(w).conclusion).toBe("success");
    expect(lastCheck(w).output.summary).toContain("all 1 policy tests pass");
  });
});

describe("merges", () => {
  it("opens a violation issue after a merge by someone not allowed to merge", async () => {
    const w = pipelineWorld({
      trees: { base000: { ".github/rolegate.yml": POLICY + "notify: { violations: [devops-engineer] }\n" } },
      pr: { state: "MERGED", mergedBy: "dev2", reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }] },
    });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(
      prPayload(w, "pull_request", "closed", (p) => {
        p.pull_request.merged = true;
        p.pull_request.merged_by = { login: "dev2" };
        p.pull_request.base.sha = "base000";
      }),
    );
    expect(w.issues).toHaveLength(1);
    expect(w.issues[0].labels).toEqual(["rolegate-violation"]);
    expect(w.issues[0].title).toBe("rolegate: pull request #7 merged by dev2 in breach of the policy");
    expect(w.issues[0].body).toContain("dev2 may not merge `.github/workflows/deploy.yml`");
    expect(w.issues[0].body).toContain("**Head commit:** head111");
    expect(w.issues[0].body).toContain("Notifying: @acme/devops");
  });

  it("opens no issue after a merge by someone allowed to merge a passing change", async () => {
    const w = pipelineWorld({
      pr: { state: "MERGED", mergedBy: "omar", reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }] },
    });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(
      prPayload(w, "pull_request", "closed", (p) => {
        p.pull_request.merged = true;
        p.pull_request.merged_by = { login: "omar" };
        p.pull_request.base.sha = "base000";
      }),
    );
    expect(w.issues).toEqual([]);
  });

  it("/rolegate merge merges for an allowed user on success, and refuses others with the reason", async () => {
    const w = pipelineWorld({ pr: { reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }] } });
    serve(w);
    const { probot } = probotWith();
    const comment = (login: string) => commentEvent(w, login, "/rolegate merge", `c-${login}`);
    await probot.receive(comment("dev2"));
    expect(w.merges).toEqual([]);
    expect(w.comments.at(-1).body).toContain("@dev2 you may not merge this pull request");
    await probot.receive(comment("omar"));
    expect(w.merges).toEqual([{ sha: "head111", merge_method: "merge" }]);
    expect(w.comments.at(-1).body).toContain("Merged by rolegate for @omar");
  });
});

describe("merging never trusts a cached membership", () => {
  it("/rolegate merge re-reads team membership: a member removed since the last check cannot merge", async () => {
    const w = pipelineWorld({ pr: { reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }] } });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w)); // caches acme/devops = [olga, omar]
    expect(lastCheck(w).conclusion).toBe("success");
    w.teams["acme/devops"] = ["olga"]; // omar leaves the team
    await probot.receive(commentEvent(w, "omar", "/rolegate merge", "fresh-merge"));
    expect(w.merges).toEqual([]);
    expect(w.comments.at(-1).body).toContain("@omar you may not merge this pull request");
  });
});

describe("API budget", () => {
  it.each([10, 100])("re-judges a %i-file pull request on a review with at most 3 calls (2) once caches are warm", async (count) => {
    const files = Array.from({ length: count }, (_, i) => ({ filename: `infra/m${i}.tf`, status: "modified" }));
    const w = pipelineWorld({ pr: { files, reviews: [{ user: "dev2", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }] } });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w)); // cold: fills the team and policy caches
    w.calls.length = 0;
    w.pr.reviews.push({ user: "olga", state: "APPROVED", commit: "head111", at: "2026-11-20T11:00:00Z" });
    await probot.receive(prPayload(w, "pull_request_review", "submitted"));
    expect(lastCheck(w).conclusion).toBe("success");
    // The files come with the pull request query (at most 100, no rename): two calls.
    expect(w.calls).toEqual(["POST /graphql", "POST /repos/acme/app/check-runs"]);
  });

  it("re-judges a 100-file pull request still waiting for approval with at most 3 calls once caches are warm", async () => {
    const files = Array.from({ length: 100 }, (_, i) => ({ filename: `infra/m${i}.tf`, status: "modified" }));
    const w = pipelineWorld({ pr: { files } });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w)); // cold, and asks eligible people to review (once)
    w.calls.length = 0;
    w.pr.reviews.push({ user: "dev2", state: "APPROVED", commit: "head111", at: "2026-11-20T11:00:00Z" });
    await probot.receive(prPayload(w, "pull_request_review", "submitted"));
    expect(lastCheck(w).conclusion).toBe("action_required");
    // One annotation per file: 100 files take the check run and one more batch of 50.
    expect(w.calls).toEqual(["POST /graphql", "POST /repos/acme/app/check-runs", expect.stringMatching(/^PATCH \/repos\/acme\/app\/check-runs\/\d+$/)]);
  });

  it.each([
    ["a rename (GraphQL does not say where it came from)", [{ filename: "infra/new.tf", status: "renamed", previous_filename: "secrets/old.tf" }]],
    ["more than 100 files", Array.from({ length: 101 }, (_, i) => ({ filename: `infra/m${i}.tf`, status: "modified" }))],
  ])("reads the REST file list for %s", async (_why, files) => {
    const w = pipelineWorld({ pr: { files, reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }] } });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w, "pull_request_review", "submitted"));
    expect(w.calls).toContain("GET /repos/acme/app/pulls/7/files");
    const judged = lastCheck(w).output.summary as string;
    expect(judged).toContain(files.length > 100 ? "101 changed paths" : "2 changed paths");
  });
});

describe("policy text", () => {
  it("is left out of the query once known, and read by its SHA once when the base policy changes", async () => {
    const w = pipelineWorld({ pr: { reviews: [{ user: "dev2", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }] } });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w));
    await probot.receive(prPayload(w, "pull_request_review", "submitted"));
    expect(w.graphqlVariables.filter((v) => "withText" in v).map((v) => v.withText)).toEqual([true, false]);
    expect(lastCheck(w).conclusion).toBe("action_required");
    // The base branch moves to a policy where developers may approve pipelines.
    w.trees.base001 = {
      ".github/rolegate.yml": POLICY.replace(
        'members: [dev1, dev2, "@acme/developers"]\n    grants: { author: ["*"] }',
        'members: [dev1, dev2, "@acme/developers"]\n    grants: { author: ["*"], approve: [pipeline] }',
      ),
    };
    w.tips.main = "base001";
    w.calls.length = 0;
    await probot.receive(prPayload(w, "pull_request_review", "submitted"));
    expect(w.calls.filter((c) => c === "POST /graphql")).toHaveLength(2);
    expect(lastCheck(w).conclusion).toBe("success");
  });
});

describe("other events", () => {
  it("judges a repository without a policy by the organisation default in its .github repository", async () => {
    const w = pipelineWorld({
      trees: {},
      otherRepos: { "acme/.github": { ".github/rolegate.yml": POLICY } },
      pr: { reviews: [{ user: "dev2", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }] },
    });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w));
    const check = lastCheck(w);
    expect(check.conclusion).toBe("action_required");
    expect(check.output.summary).toContain("policy `acme/.github:.github/rolegate.yml` (organisation default)");
  });

  it("is neutral, saying it counts as passing, when neither the repository nor the organisation has a policy", async () => {
    const w = pipelineWorld({ trees: {} });
    serve(w);
    const { probot } = probotWith();
    await probot.receive(prPayload(w));
    expect(lastCheck(w)).toMatchObject({ conclusion: "neutral", output: { title: "No rolegate policy" } });
    expect(lastCheck(w).output.summary).toContain("GitHub counts a neutral check as passing");
  });

  it("re-judges on the re-run button, finding the pull request by commit when the payload lists none", async () => {
    const w = pipelineWorld({ pr: { reviews: [{ user: "olga", state: "APPROVED", commit: "head111", at: "2026-11-20T10:00:00Z" }] } });
    serve(w);
    const { probot } = probotWith();
    const p = examplePayload("check_run", "rerequested");
    p.action = "rerequested";
    p.installation = { id: 42 };
    p.repository.name = w.repo;
    p.repository.owner.login = w.owner;
    p.check_run.name = "rolegate";
    p.check_run.head_sha = "head111";
    p.check_run.pull_requests = [];
    await probot.receive({ id: "r1", name: "check_run", payload: p } as any);
    expect(w.calls).toContain("GET /repos/acme/app/commits/head111/pulls");
    expect(lastCheck(w)).toMatchObject({ head_sha: "head111", conclusion: "success" });
  });
});
