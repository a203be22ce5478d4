import { describe, expect, it } from "vitest";
import { loadComposed, parseExtends, type ExtendsRef, type ParentReader, type PolicyText } from "../../src/core/policy/compose.js";
import { NOW } from "../helpers/policy.js";

// Time budget: under a second; parents come from an in-memory map.

function reader(files: Record<string, string>, seen: string[] = []): ParentReader {
  return async (ref: ExtendsRef) => {
    seen.push(ref.key);
    const text = files[ref.key];
    return text === undefined ? { error: "404 Not Found" } : { file: ref.key, text };
  };
}

const ORG = `version: 1
locked: [roles.security-contact, options.stale_approvals]
categories:
  secrets: { paths: ["**/*.sops.yaml"] }
  pipeline: { paths: [".github/workflows/**"] }
roles:
  security-contact:
    members: [dana]
    grants: { approve: [secrets, policy] }
  devops:
    members: [org-ops]
    grants: { approve: [pipeline] }
require:
  - name: Org security review
    categories: [secrets, policy]
    roles: [security-contact]
options: { stale_approvals: dismiss, author_can_approve: false }
`;

const child = (body: string): PolicyText => ({ file: ".github/rolegate.yml", text: `version: 1\nextends: .github\n${body}` });

describe("extends", () => {
  it("parses the three forms and rejects others", () => {
    expect(parseExtends(".github", "Acme")).toMatchObject({ kind: "org", key: "acme/.github:.github/rolegate.yml" });
    expect(parseExtends("acme/base:policies/base.yml")).toMatchObject({ kind: "repo", owner: "acme", repo: "base", path: "policies/base.yml" });
    expect(parseExtends("preset:minimal")).toMatchObject({ kind: "preset", name: "minimal" });
    expect(parseExtends("../x.yml")).toHaveProperty("error");
    expect(parseExtends("acme/base:../../etc/passwd")).toHaveProperty("error");
  });

  it("merges by name (the child wins), concatenates require parent first, merges options key by key", async () => {
    const r = await loadComposed(
      child(`roles:
  devops:
    members: [repo-ops]
    grants: { approve: [pipeline] }
require:
  - name: Repo pipeline review
    categories: [pipeline]
options: { author_can_approve: true }
`),
      reader({ "acme/.github:.github/rolegate.yml": ORG }),
      NOW,
      { owner: "acme", repo: "app" },
    );
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = r.policy!;
    expect(p.roles.get("devops")!.members.map((m) => m.id)).toEqual(["repo-ops"]);
    expect(p.roles.get("security-contact")!.members.map((m) => m.id)).toEqual(["dana"]);
    expect(p.requirements.map((q) => q.name)).toEqual(["Org security review", "Repo pipeline review"]);
    expect(p.options).toMatchObject({ staleApprovals: "dismiss", authorCanApprove: true });
    expect(p.categories.map((c) => c.name)).toEqual(["secrets", "pipeline"]);
    expect(r.chain).toEqual([".github/rolegate.yml", "acme/.github:.github/rolegate.yml"]);
  });

  it("a child that redefines a locked key is an error at the child's key", async () => {
    const r = await loadComposed(
      child(`roles:
  security-contact:
    members: [mallory]
    grants: { approve: ["*"] }
`),
      reader({ "acme/.github:.github/rolegate.yml": ORG }),
      NOW,
      { owner: "acme", repo: "app" },
    );
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: "error", code: "locked", file: ".github/rolegate.yml", line: 4, col: 3 })]);
    expect(r.diagnostics[0]!.message).toContain("roles.security-contact");
    const opt = await loadComposed(child("options: { stale_approvals: keep }\n"), reader({ "acme/.github:.github/rolegate.yml": ORG }), NOW, { owner: "acme" });
    expect(opt.diagnostics.map((d) => d.code)).toEqual(["locked"]);
  });

  it("follows presets and repository paths, and marks an in-repository parent as a policy file", async () => {
    const base = "version: 1\nroles:\n  maintainer: { members: [m], grants: { approve: [policy] } }\nrequire: [{ categories: [policy] }]\n";
    const r = await loadComposed(
      { file: ".github/rolegate.yml", text: "version: 1\nextends: acme/app:config/base.yml\n" },
      reader({ "acme/app:config/base.yml": base }),
      NOW,
      { owner: "acme", repo: "app" },
    );
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.policy!.policyPaths).toEqual(["config/base.yml"]);
    const other = await loadComposed(
      { file: ".github/rolegate.yml", text: "version: 1\nextends: acme/shared:base.yml\n" },
      reader({ "acme/shared:base.yml": base }),
      NOW,
      { owner: "acme", repo: "app" },
    );
    expect(other.policy!.policyPaths).toEqual([]);
  });

  it("reports a cycle naming the chain", async () => {
    const files = {
      "acme/a:p.yml": "version: 1\nextends: acme/b:p.yml\n",
      "acme/b:p.yml": "version: 1\nextends: acme/a:p.yml\n",
    };
    const r = await loadComposed({ file: ".github/rolegate.yml", text: "version: 1\nextends: acme/a:p.yml\n" }, reader(files), NOW);
    expect(r.policy).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: "extends-cycle", file: "acme/b:p.yml", line: 2 });
    expect(r.diagnostics[0]!.message).toContain("acme/a:p.yml -> acme/b:p.yml -> acme/a:p.yml");
  });

  it("stops after 5 parents", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 8; i++) files[`acme/r${i}:p.yml`] = `version: 1\nextends: acme/r${i + 1}:p.yml\n`;
    const seen: string[] = [];
    const r = await loadComposed({ file: "x.yml", text: "version: 1\nextends: acme/r0:p.yml\n" }, reader(files, seen), NOW);
    expect(r.diagnostics[0]!.code).toBe("extends-depth");
    expect(seen.length).toBe(5);
    // Exactly five parents is fine.
    const ok: Record<string, string> = {};
    for (let i = 0; i < 4; i++) ok[`acme/r${i}:p.yml`] = `version: 1\nextends: acme/r${i + 1}:p.yml\n`;
    ok["acme/r4:p.yml"] = "version: 1\n";
    const r5 = await loadComposed({ file: "x.yml", text: "version: 1\nextends: acme/r0:p.yml\n" }, reader(ok), NOW);
    expect(r5.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("an unreadable parent is an error naming it and why", async () => {
    const r = await loadComposed(child(""), reader({}), NOW, { owner: "acme" });
    expect(r.policy).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: "extends-unreadable", file: ".github/rolegate.yml", line: 2, col: 10 });
    expect(r.diagnostics[0]!.message).toContain("404 Not Found");
  });

  it("names the parent file in findings about what the parent defines", async () => {
    const parent = "version: 1\nroles:\n  r:\n    members: [a]\n    inherits: [ghost]\n";
    const r = await loadComposed({ file: "child.yml", text: "version: 1\nextends: preset:base\n" }, reader({ "preset:base": parent }), NOW);
    expect(r.diagnostics[0]).toMatchObject({ code: "unknown-role", file: "preset:base", line: 5 });
  });

  it("a schema error in the parent names the parent", async () => {
    const r = await loadComposed({ file: "child.yml", text: "version: 1\nextends: preset:base\n" }, reader({ "preset:base": "version: 1\nrolez: {}\n" }), NOW);
    expect(r.diagnostics[0]).toMatchObject({ code: "schema", file: "preset:base", line: 2, col: 1 });
  });
});

describe("an enforced organisation baseline", () => {
  const BASELINE: PolicyText = { file: "acme/.github:.github/rolegate.yml", text: `${ORG.replace("version: 1\n", "version: 1\nenforce: true\n")}` };
  const repoPolicy = (body: string): PolicyText => ({ file: ".github/rolegate.yml", text: `version: 1\n${body}` });
  const OWN = `roles:
  developer:
    members: [dev1]
    grants: { author: ["*"] }
`;

  it("binds a repository with its own policy: composed as its root parent", async () => {
    const r = await loadComposed(repoPolicy(OWN), reader({}), NOW, { owner: "acme", repo: "app", baseline: BASELINE });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.chain).toEqual([".github/rolegate.yml", "acme/.github:.github/rolegate.yml"]);
    expect(r.baseline).toBe("acme/.github:.github/rolegate.yml");
    expect(r.policy!.requirements.map((q) => q.name)).toEqual(["Org security review"]);
    expect([...r.policy!.roles.keys()]).toEqual(["security-contact", "devops", "developer"]);
    // `enforce` speaks of the baseline, not of the repository's composed policy.
    expect(r.policy!.enforce).toBe(false);
  });

  it("its locked keys cannot be redefined there: an error naming both files", async () => {
    const r = await loadComposed(repoPolicy(`roles:\n  security-contact:\n    members: [mallory]\n    grants: { approve: ["*"] }\n`), reader({}), NOW, {
      owner: "acme",
      repo: "app",
      baseline: BASELINE,
    });
    expect(r.policy).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: "error", code: "locked", file: ".github/rolegate.yml", line: 3, col: 3 })]);
    expect(r.diagnostics[0]!.message).toBe(
      '"roles.security-contact" is locked by the enforced organisation baseline acme/.github:.github/rolegate.yml and may not be redefined',
    );
  });

  it("without enforce: true it changes nothing", async () => {
    const r = await loadComposed(repoPolicy(OWN), reader({}), NOW, { owner: "acme", repo: "app", baseline: { ...BASELINE, text: ORG } });
    expect(r.chain).toEqual([".github/rolegate.yml"]);
    expect(r.baseline).toBeUndefined();
    expect(r.policy!.requirements).toEqual([]);
  });

  it("stays the root above an explicit other parent, whose redefinitions of locked keys are errors too", async () => {
    const preset = "version: 1\nroles:\n  maintainer: { members: [m], grants: { approve: [policy] } }\n";
    const r = await loadComposed(repoPolicy(`extends: preset:base\n${OWN}`), reader({ "preset:base": preset }), NOW, {
      owner: "acme",
      repo: "app",
      baseline: BASELINE,
    });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.chain).toEqual([".github/rolegate.yml", "preset:base", "acme/.github:.github/rolegate.yml"]);
    const rogue = "version: 1\noptions: { stale_approvals: keep }\n";
    const bad = await loadComposed(repoPolicy(`extends: preset:rogue\n${OWN}`), reader({ "preset:rogue": rogue }), NOW, {
      owner: "acme",
      repo: "app",
      baseline: BASELINE,
    });
    expect(bad.diagnostics).toEqual([expect.objectContaining({ code: "locked", file: "preset:rogue", line: 2 })]);
  });

  it("is not added twice when the chain reaches it, nor applied to itself", async () => {
    const seen: string[] = [];
    const viaExtends = await loadComposed(repoPolicy(`extends: .github\n${OWN}`), reader({ "acme/.github:.github/rolegate.yml": BASELINE.text }, seen), NOW, {
      owner: "acme",
      repo: "app",
      baseline: BASELINE,
    });
    expect(viaExtends.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(viaExtends.chain).toEqual([".github/rolegate.yml", "acme/.github:.github/rolegate.yml"]);
    expect(seen).toEqual(["acme/.github:.github/rolegate.yml"]);
    const itself = await loadComposed({ file: ".github/rolegate.yml", text: BASELINE.text }, reader({}), NOW, {
      owner: "acme",
      repo: ".github",
      baseline: BASELINE,
    });
    expect(itself.chain).toEqual([".github/rolegate.yml"]);
    expect(itself.policy!.enforce).toBe(true);
  });

  it("follows the baseline's own parents, and a parent shared with the repository is no cycle", async () => {
    const shared = 'version: 1\ncategories:\n  docs: { paths: ["docs/**"] }\n';
    const baseline = { ...BASELINE, text: BASELINE.text.replace("version: 1\n", "version: 1\nextends: preset:shared\n") };
    const r = await loadComposed(repoPolicy(`extends: preset:shared\n${OWN}`), reader({ "preset:shared": shared }), NOW, {
      owner: "acme",
      repo: "app",
      baseline,
    });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.chain).toEqual([".github/rolegate.yml", "preset:shared", "acme/.github:.github/rolegate.yml", "preset:shared"]);
  });

  it("fails closed when the baseline cannot be parsed, naming it", async () => {
    const r = await loadComposed(repoPolicy(OWN), reader({}), NOW, {
      owner: "acme",
      repo: "app",
      baseline: { ...BASELINE, text: "version: 1\nenforce: yes please\n" },
    });
    expect(r.policy).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ severity: "error", file: "acme/.github:.github/rolegate.yml", line: 2 });
  });

  it("counts toward the depth limit", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 4; i++) files[`acme/r${i}:p.yml`] = `version: 1\nextends: acme/r${i + 1}:p.yml\n`;
    files["acme/r4:p.yml"] = "version: 1\n";
    const r = await loadComposed(repoPolicy("extends: acme/r0:p.yml\n"), reader(files), NOW, { owner: "acme", repo: "app", baseline: BASELINE });
    expect(r.diagnostics[0]).toMatchObject({ code: "extends-depth", file: "acme/r4:p.yml" });
    expect(r.diagnostics[0]!.message).toContain("with the enforced organisation baseline");
  });
});
