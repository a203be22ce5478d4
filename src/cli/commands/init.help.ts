import type { CommandHelp } from "../help/render.js";

export const initHelp: CommandHelp = {
  summary: "propose .github/rolegate.yml and its tests for this repository, from its tree, a preset and CODEOWNERS",
  usage: "init [--preset NAME] [--dry-run] [--now ISO8601]",
  flags: [
    ["--preset NAME", "the preset whose roles to take (default: platform; see policies/)"],
    ["--dry-run", "print both files on stdout (the summary on stderr) and write nothing"],
    ["--now ISO8601", "the clock for review dates and lint (default: now)"],
  ],
  example: "rolegate init --dry-run",
};
