import { EXTENDS_FLAGS, NOW_FLAG } from "../help/policy-flags.js";
import type { CommandHelp } from "../help/render.js";

export const validateHelp: CommandHelp = {
  summary: "check a policy against the schema and lint it",
  usage: "validate [POLICY] [--now ISO8601] [--format text|json]",
  flags: [["--format text|json", "text: `file:line:col: error|warning: message` lines (default); json: one document"], NOW_FLAG, ...EXTENDS_FLAGS],
  example: "rolegate validate .github/rolegate.yml",
};
