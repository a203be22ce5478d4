import { EXTENDS_FLAGS, NOW_FLAG } from "../help/policy-flags.js";
import type { CommandHelp } from "../help/render.js";

export const matrixHelp: CommandHelp = {
  summary: "print the permission matrix: one block per category, one column per role",
  usage: "matrix [POLICY] [--format markdown|json|csv|html]",
  flags: [["--format markdown|json|csv|html", "the table's format (default markdown)"], NOW_FLAG, ...EXTENDS_FLAGS],
  example: "rolegate matrix --format markdown > ROLES.md",
};
