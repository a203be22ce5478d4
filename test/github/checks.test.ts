import { describe, expect, it } from "vitest";
import { annotationsFor } from "../../src/github/checks.js";
import { approved, files, judge, policyOf, teams } from "../helpers/policy.js";

// Time budget: well under a second; pure.

const POLICY = policyOf(`
version: 1
categories:
  infrastructure: { paths: ["**/*.tf"] }
  secrets: { paths: ["**/secrets/**"] }
roles:
  developer: { members: [dev1], grants: { author: [infrastructure] } }
  devops: { members: [ops1], grants: { author: [secrets], approve: [infrastructure, secrets] } }
  security: { members: [sec1], grants: { approve: [secrets] } }
require:
  - { name: DevOps review, categories: [infrastructure, secrets], roles: [devops] }
  - { name: Security review, categories: [secrets], roles: [security] }
`);

describe("check-run annotations", () => {
  it("say everything about a file in one annotation: failure when it breaks a rule", () => {
    const r = judge(POLICY, { files: files("infra/secrets/db.tf", "infra/main.tf", "old.tf"), author: "dev1", teams: teams({}) });
    const byPath = new Map(annotationsFor(r).map((a) => [a.path, a]));
    expect(annotationsFor(r)).toHaveLength(3);
    // secrets/db.tf: the author may not author secrets, and two requirements wait on it.
    expect(byPath.get("infra/secrets/db.tf")).toMatchObject({ annotation_level: "failure", title: "dev1 may not author this file (and 2 more)" });
    expect(byPath.get("infra/secrets/db.tf")!.message.split("\n")).toEqual([
      expect.stringMatching(/^dev1 may not author this file: /),
      expect.stringMatching(/^Needs approval: DevOps review: 0\/1 approvals\. Can approve: ops1$/),
      expect.stringMatching(/^Needs approval: Security review: 0\/1 approvals\. Can approve: sec1$/),
    ]);
    expect(byPath.get("infra/main.tf")).toMatchObject({
      annotation_level: "warning",
      title: "Needs approval: DevOps review",
      message: "0/1 approvals. Can approve: ops1",
    });
  });

  it("leave out files that need nothing more", () => {
    const r = judge(POLICY, { files: files("infra/main.tf", "README.md"), author: "dev1", reviews: [approved("ops1")], teams: teams({}) });
    expect(annotationsFor(r)).toEqual([]);
  });
});
