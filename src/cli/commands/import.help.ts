import type { CommandHelp } from "../help/render.js";

export const importHelp: CommandHelp = {
  summary: "turn a CODEOWNERS file into a starting policy, never looser than the original",
  usage: "import codeowners [FILE] [--output PATH]   (default .github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS)",
  flags: [["-o, --output PATH", "write the policy to PATH instead of stdout (notes always go to stderr)"]],
  example: "rolegate import codeowners --output .github/rolegate.yml",
};
