// The Action's entry point: all logic lives in run.ts. Anything it did not catch fails the step
// with the error, never a silent pass.
import * as core from "@actions/core";
import { failedVerdict } from "../core/verdict.js";
import { run } from "./run.js";

try {
  await run();
} catch (e) {
  const crashed = failedVerdict(`rolegate failed: ${e instanceof Error ? e.message : String(e)}`);
  core.setOutput("conclusion", crashed.conclusion);
  core.setFailed(crashed.errors[0]!);
}
