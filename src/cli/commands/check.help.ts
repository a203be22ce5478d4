import { CONTEXT_FLAGS } from "../help/context-flags.js";
import { EXTENDS_FLAGS } from "../help/policy-flags.js";
import type { CommandHelp } from "../help/render.js";

export const checkHelp: CommandHelp = {
  summary: "judge one change as the GitHub App judges a pull request",
  usage: "check [POLICY] (--base REV [--head REV] | --files P1,P2,...) [context flags] [--format text|markdown|json]",
  flags: [
    ["--base REV", "the change is `git diff BASE...HEAD`; the policy is read from BASE"],
    ["--head REV", "the head of the change (default HEAD; needs --base)"],
    ["--files P1,P2,...", "the changed files, instead of --base"],
    ["--break-glass-by LOGIN", "the break-glass command, offline: LOGIN overrides the unmet requirements (needs --reason)"],
    ["--reason TEXT", "why the glass was broken (at least the policy's reason_min_length characters)"],
    ["--format text|markdown|json", "text (default); markdown: the check run's body; json: one document"],
    ...CONTEXT_FLAGS,
    ...EXTENDS_FLAGS,
  ],
  example: "rolegate check --base origin/main --author alice --approved-by bob --teams teams.yml",
};
