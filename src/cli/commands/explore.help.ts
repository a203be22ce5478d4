import { EXTENDS_FLAGS, NOW_FLAG } from "../help/policy-flags.js";
import type { CommandHelp } from "../help/render.js";

export const exploreHelp: CommandHelp = {
  summary: "one self-contained HTML page: the matrix with filters, a 'who can do this?' box, the role graph",
  usage: "explore [POLICY] [--compare OTHER_POLICY] [--teams FILE] [--output FILE] [--now ISO8601]",
  flags: [
    ["--compare OTHER_POLICY", "also show who gains or loses what, and what weakens, going from OTHER_POLICY to POLICY"],
    ["--teams FILE", "team membership, a YAML map `org/team: [login, ...]`; without it every login is judged not allowed while a team is unresolved"],
    ["-o, --output FILE", "write the page there (default: stdout)"],
    NOW_FLAG,
    ...EXTENDS_FLAGS,
  ],
  example: "rolegate explore --teams teams.yml --output rolegate.html",
};
