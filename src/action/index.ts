// The Action's entry point: all logic lives in run.ts.
import { run } from "./run.js";

await run();
