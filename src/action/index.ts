// The Action's entry point: all logic lives in run.ts. Anything it did not catch fails the step
// with the error, never a silent pass.
import * as core from "@actions/core";
import { run } from "./run.js";

try {
  await run();
} catch (e) {
  core.setOutput("conclusion", "failure");
  core.setFailed(`rolegate failed: ${e instanceof Error ? e.message : String(e)}`);
}
