import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CHECK_NAME } from "../src/core/names.js";

// Time budget: well under a second. The shipped example workflows (docs/examples/), read as
// GitHub reads them: no trigger of a workflow that judges may run a definition the pull request
// controls, and the gate is a job, not a check name.

const ROOT = join(import.meta.dirname, "..");
const workflow = (name: string) => parse(readFileSync(join(ROOT, "docs/examples", name), "utf8"));

/**
 * Whose copy of the workflow file GitHub runs for each trigger (GitHub's "Events that trigger
 * workflows": GITHUB_SHA/GITHUB_REF per event). `pull_request` and `merge_group` run the pull
 * request's (or the merge group's) copy, unless the workflow is required by a ruleset, which runs
 * it from its protected repository.
 */
const DEFINITION: Record<string, "base branch" | "default branch" | "pull request" | "pushed commit"> = {
  pull_request_target: "base branch",
  workflow_run: "default branch",
  issue_comment: "default branch",
  schedule: "default branch",
  pull_request: "pull request",
  pull_request_review: "pull request",
  pull_request_review_comment: "pull request",
  merge_group: "pull request",
  push: "pushed commit",
};
/** The events a ruleset's required workflow runs on; it then runs the protected repository's copy. */
const REQUIRED_WORKFLOW_EVENTS = ["pull_request", "pull_request_target", "merge_group"];

const triggers = (w: { on: Record<string, unknown> }) => Object.keys(w.on);
const steps = (w: { jobs: Record<string, { steps: Record<string, unknown>[] }> }) => Object.values(w.jobs).flatMap((j) => j.steps);

describe("the shipped example workflows", () => {
  it("the repository setup: every trigger runs the base or default branch's definition", () => {
    for (const name of ["rolegate-repository.yml", "rolegate-rejudge.yml"]) {
      for (const event of triggers(workflow(name))) expect(DEFINITION[event], `${name}: ${event}`).toMatch(/^(base|default) branch$/);
    }
  });

  it("the gate as a ruleset's required workflow: only events a required workflow runs, from the protected repository", () => {
    const gate = workflow("rolegate-gate.yml");
    for (const event of triggers(gate)) expect(REQUIRED_WORKFLOW_EVENTS, event).toContain(event);
    // The gate is the job's outcome; its check posts nothing that could stand in for it.
    const action = steps(gate).find((s) => String(s.uses).startsWith("rolegate/rolegate@"));
    expect((action?.with as Record<string, string> | undefined)?.["post-check"]).toBe("false");
  });

  it("no judging job is named like the check, and none checks out or runs the pull request", () => {
    for (const name of ["rolegate-gate.yml", "rolegate-repository.yml"]) {
      const w = workflow(name);
      for (const job of Object.values(w.jobs) as { name: string }[]) expect(job.name).not.toBe(CHECK_NAME);
      expect(steps(w).some((s) => String(s.uses ?? "").startsWith("actions/checkout"))).toBe(false);
      expect(steps(w).every((s) => s.run === undefined)).toBe(true);
    }
  });

  it("the review signal, which a pull request can edit, holds no rights, no secrets and no code", () => {
    const text = readFileSync(join(ROOT, "docs/examples/rolegate-review-signal.yml"), "utf8");
    const signal = parse(text);
    expect(triggers(signal)).toEqual(["pull_request_review"]);
    expect(signal.permissions).toEqual({});
    expect(text).not.toMatch(/secrets\./);
    expect(steps(signal).every((s) => s.uses === undefined)).toBe(true);
    // The workflows that listen for it name it exactly.
    expect(workflow("rolegate-rejudge.yml").on.workflow_run.workflows).toEqual([signal.name]);
    expect(workflow("rolegate-repository.yml").on.workflow_run.workflows).toEqual([signal.name]);
    expect(workflow("rolegate-rejudge.yml").jobs.rerun.steps[0].run).toContain(`--workflow "${workflow("rolegate-gate.yml").name}"`);
  });

  it("the README shows the gate exactly as shipped", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain(readFileSync(join(ROOT, "docs/examples/rolegate-gate.yml"), "utf8").trim());
  });
});
