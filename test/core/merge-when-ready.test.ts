import { describe, expect, it } from "vitest";
import { judgeChange } from "../../src/core/judge-change.js";
import { armedMergeDecision, armedMergeStep, mergeCommandDecision, type ArmedMerge } from "../../src/core/merge-decision.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import type { ChangeState } from "../../src/core/state.js";
import type { Verdict } from "../../src/core/verdict.js";
import { approved, files, NOW, state } from "../helpers/policy.js";

// Time budget: well under a second; pure core, no I/O.

const POLICY = `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
roles:
  developer:
    members: [dev1, dev2]
    grants: { author: ["*"] }
  devops:
    members: [olga, omar]
    grants: { approve: [pipeline], merge: ["*"] }
require:
  - name: DevOps approval
    categories: [pipeline]
    roles: [devops]
`;

const HEAD = "a".repeat(40);

function verdict(change: Partial<ChangeState> = {}, policy = POLICY): Verdict {
  const loaded = loadPolicy(".github/rolegate.yml", policy, NOW);
  return judgeChange({
    base: { kind: "loaded", source: { file: ".github/rolegate.yml", fromOrg: false }, loaded },
    state: state({ files: files(".github/workflows/deploy.yml"), author: "dev1", headSha: HEAD, ...change }),
  });
}

const waiting = (mergedBy?: string) => verdict({ mergedBy });
const passing = (mergedBy?: string, headSha = HEAD) => verdict({ mergedBy, headSha, reviews: [approved("olga")] });
const armed: ArmedMerge = { id: "arm-1", by: "omar", headSha: HEAD, method: "squash", at: NOW.toISOString() };

describe("/rolegate merge", () => {
  it("merges at once on a clean success, pinned to the judged head", () => {
    expect(mergeCommandDecision(passing("omar"), { login: "omar", canWrite: true })).toEqual({ action: "merge", headSha: HEAD });
  });

  it("arms on a pull request not yet success, for someone allowed to merge", () => {
    const d = mergeCommandDecision(waiting("omar"), { login: "omar", canWrite: true });
    expect(d).toMatchObject({ action: "arm", headSha: HEAD });
    expect(d.action === "arm" && d.why).toContain(`the check is \`action_required\``);
  });

  it("refuses whoever may not merge: no write access, or the policy's merge refuses them, even before success", () => {
    expect(mergeCommandDecision(waiting("omar"), { login: "omar", canWrite: false })).toEqual({
      action: "refuse",
      why: "you have no write access to this repository, so rolegate will not merge for you.",
    });
    const dev = mergeCommandDecision(waiting("dev2"), { login: "dev2", canWrite: true });
    expect(dev.action).toBe("refuse");
    expect(dev.action === "refuse" && dev.why).toContain("you may not merge this pull request");
  });

  it("arms nothing without a policy (neutral) or without a known head", () => {
    const none = judgeChange({ base: { kind: "none" }, state: state({ files: files("a.txt"), headSha: HEAD }) });
    expect(mergeCommandDecision(none, { login: "omar", canWrite: true }).action).toBe("refuse");
    expect(mergeCommandDecision({ ...waiting("omar"), headSha: undefined }, { login: "omar", canWrite: true }).action).toBe("refuse");
  });
});

describe("an armed merge", () => {
  it("waits while the armed head is not success", () => {
    expect(armedMergeStep(armed, waiting())).toEqual({ action: "wait" });
  });

  it("asks for the armer's own judgement at a success of the armed head", () => {
    expect(armedMergeStep(armed, passing())).toEqual({ action: "judge-as-merger" });
  });

  it("is disarmed by a new head, whatever its conclusion", () => {
    const moved = "b".repeat(40);
    expect(armedMergeStep(armed, passing(undefined, moved))).toEqual({
      action: "disarm",
      why: `a new head commit (${moved}) was pushed after the merge was armed at ${HEAD}`,
    });
    expect(armedMergeStep(armed, verdict({ headSha: moved })).action).toBe("disarm");
    expect(armedMergeDecision(armed, passing("omar", moved), true).action).toBe("disarm");
  });

  it("merges when the armer, judged fresh as the merger, may still merge", () => {
    expect(armedMergeDecision(armed, passing("omar"), true)).toEqual({ action: "merge", headSha: HEAD });
  });

  it("is disarmed when the armer lost the right to merge: write access, or the policy's merge", () => {
    expect(armedMergeDecision(armed, passing("omar"), false)).toEqual({
      action: "disarm",
      why: "you have no write access to this repository, so rolegate will not merge for you.",
    });
    const demoted = POLICY.replace("members: [olga, omar]", "members: [olga]");
    const d = armedMergeDecision(armed, verdict({ mergedBy: "omar", reviews: [approved("olga")] }, demoted), true);
    expect(d.action).toBe("disarm");
    expect(d.action === "disarm" && d.why).toContain("you may not merge this pull request");
  });

  it("waits when the armer's own judgement is not success for another reason", () => {
    expect(armedMergeDecision(armed, waiting("omar"), true)).toMatchObject({ action: "wait" });
  });
});
