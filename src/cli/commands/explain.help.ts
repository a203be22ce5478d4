import { CONTEXT_FLAGS } from "../help/context-flags.js";
import { EXTENDS_FLAGS } from "../help/policy-flags.js";
import type { CommandHelp } from "../help/render.js";

export const explainHelp: CommandHelp = {
  summary: "may this user do this action on this path, and why",
  usage: "explain [POLICY] --user LOGIN --action ACTION (--path PATH | --environment NAME) [context flags] [--format text|json]",
  flags: [
    ["--user LOGIN", "who asks (required)"],
    ["--action ACTION", "author, approve, merge, ... (required)"],
    ["--path PATH", "a file path in the repository (required, except for --action deploy)"],
    ["--environment NAME", "with --action deploy: the environment (a policy environment, or a GitHub environment it maps)"],
    ["--format text|json", "text: the decision and its reasons (default); json: `{allowed, reasons}`"],
    ...CONTEXT_FLAGS,
    ...EXTENDS_FLAGS,
  ],
  example: "rolegate explain --user alice --action approve --path k8s/prod/deploy.yaml --teams teams.yml",
};
