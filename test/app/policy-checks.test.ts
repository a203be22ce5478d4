import { describe, expect, it } from "vitest";
import { mayNameCheck, namesSomeCheck, recordPolicyChecks } from "../../src/app/policy-checks.js";
import { failedVerdict, type Verdict } from "../../src/core/verdict.js";
import { checkNamesIn } from "../../src/github/checks-passed.js";
import { MemoryStore, type SharedStore } from "../../src/github/store.js";
import { policyOf } from "../helpers/policy.js";

// Time budget: milliseconds. Which CI results may re-judge which pull requests.

const POLICY = `version: 1
categories:
  app: { paths: ["src/**"] }
roles:
  dev:
    members: [dev1]
    grants:
      author: ["*"]
      approve: [{ category: app, when: { any: [{ checks_passed: [build] }, { not: { checks_passed: [lint] } }] } }]
    denies: { merge: [{ category: app, when: { not: { checks_passed: [security] } } }] }
require:
  - name: Release
    categories: [app]
    when: { all: [{ checks_passed: [e2e] }, { target_branch: [main] }] }
`;

const repo = { owner: "acme", repo: "app" };
const judged = (yaml?: string): Verdict => ({ ...failedVerdict("x"), kind: yaml ? "evaluated" : "no-policy", ...(yaml ? { policy: policyOf(yaml) } : {}) });

describe("checkNamesIn", () => {
  it("finds names in grants, denies and requirements, however deep", () => {
    expect([...checkNamesIn(policyOf(POLICY))].sort()).toEqual(["build", "e2e", "lint", "security"]);
  });
});

describe("which CI results may re-judge", () => {
  it("any, while nothing is known about the repository", async () => {
    const store = new MemoryStore();
    expect(await mayNameCheck(store, repo, ["anything"])).toBe(true);
    expect(await mayNameCheck(store, repo, ["anything"], "main")).toBe(true);
    expect(await namesSomeCheck(store, repo)).toBe(true);
  });

  it("those a judged base branch's policy names; a base not judged yet may name any", async () => {
    const store = new MemoryStore();
    await recordPolicyChecks(store, repo, "main", judged(POLICY));
    await recordPolicyChecks(store, repo, "legacy", judged());
    expect(await mayNameCheck(store, repo, ["e2e"], "main")).toBe(true);
    expect(await mayNameCheck(store, repo, ["deploy"], "main")).toBe(false);
    expect(await mayNameCheck(store, repo, ["build"], "legacy")).toBe(false);
    expect(await mayNameCheck(store, repo, ["deploy"], "release")).toBe(true);
    // Without a base (a status), any judged branch's names.
    expect(await mayNameCheck(store, repo, ["security"])).toBe(true);
    expect(await mayNameCheck(store, repo, ["deploy"])).toBe(false);
    expect(await namesSomeCheck(store, repo)).toBe(true);
  });

  it("none from a repository whose policies name no check, and nothing learnt from a failed judgement", async () => {
    const store = new MemoryStore();
    await recordPolicyChecks(store, repo, "main", judged());
    await recordPolicyChecks(store, repo, "main", failedVerdict("could not read"));
    expect(await namesSomeCheck(store, repo)).toBe(false);
    expect(await mayNameCheck(store, repo, ["build"])).toBe(false);
  });

  it("any, when the store does not answer", async () => {
    const broken = {
      get: async () => {
        throw new Error("down");
      },
      set: async () => {
        throw new Error("down");
      },
    } as unknown as SharedStore;
    await recordPolicyChecks(broken, repo, "main", judged());
    expect(await mayNameCheck(broken, repo, ["build"], "main")).toBe(true);
    expect(await namesSomeCheck(broken, repo)).toBe(true);
  });
});
