import { EXTENDS_FLAGS, NOW_FLAG } from "../help/policy-flags.js";
import type { CommandHelp } from "../help/render.js";

export const diffHelp: CommandHelp = {
  summary: "who gains or loses which action on which category and level",
  usage: "diff OLD_POLICY NEW_POLICY [--teams FILE] [--target-branch BRANCH] [--format text|markdown|json]",
  flags: [
    ["--format text|markdown|json", "the report's format (default text)"],
    ["--teams FILE", "team membership, to name people instead of teams: a YAML map `org/team: [login, ...]`"],
    ["--target-branch BRANCH", "the branch example paths are classified on, for environments chosen by branch (default main)"],
    NOW_FLAG,
    ...EXTENDS_FLAGS,
  ],
  example: "rolegate diff old-policy.yml .github/rolegate.yml --format markdown",
};
