import { EXTENDS_FLAGS, NOW_FLAG } from "../help/policy-flags.js";
import type { CommandHelp } from "../help/render.js";

export const testHelp: CommandHelp = {
  summary: "run the policy's declarative test cases",
  usage: "test [TESTS_FILE] [POLICY] [--format text|json]   (default .github/rolegate.tests.yml)",
  flags: [["--format text|json", "text: PASS/FAIL per case with what differs (default); json: one document"], NOW_FLAG, ...EXTENDS_FLAGS],
  example: "rolegate test .github/rolegate.tests.yml .github/rolegate.yml",
};
