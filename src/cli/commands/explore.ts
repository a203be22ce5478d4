import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ParseArgsConfig } from "node:util";
import { diffPolicies } from "../../core/diff.js";
import { policyChanges } from "../../core/policy-changes.js";
import { renderExplorerPage } from "../../explore/render/page.js";
import { parseNow } from "../context.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import { extendsOptions, findPolicy, loadUsable, type PolicySource } from "../policy-source.js";
import { readTeamsFile } from "../teams.js";
import type { Parsed } from "../args.js";

export const EXPLORE_HELP = `Usage: rolegate explore [POLICY] [--compare OTHER_POLICY] [--teams FILE] [--output FILE] [--now ISO8601]

Writes the policy explorer: one self-contained HTML page (no network, nothing fetched) with the
permission matrix (filter it by role, by a user's roles, by category and by level), a "who can
do this?" box that judges a typed path and action as \`rolegate explain\` does, with the same
reasons, and the role inheritance graph.

  POLICY                  the policy (default: .github/rolegate.yml or .yaml in this repository)
  --compare OTHER_POLICY  also show who gains or loses what going from OTHER_POLICY to POLICY
  --teams FILE            team membership, a YAML map org/team: [login, ...]; without it the
                          teams the policy names are unresolved and every login is judged not allowed
  --output FILE, -o FILE  write the page there (default: stdout)
  --now ISO8601           the clock for membership expiry and time windows (default: now)
  --extends-root DIR, --repo OWNER/REPO   read parent policies offline, as every command does

Exit codes: 0 written, 2 bad input (unreadable or invalid policy, bad teams file, cannot write).
`;

export const EXPLORE_OPTIONS = {
  compare: { type: "string" },
  teams: { type: "string" },
  output: { type: "string", short: "o" },
  now: { type: "string" },
  "extends-root": { type: "string" },
  repo: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

export async function runExplore(io: CliIo, args: Parsed): Promise<number> {
  const v = args.values as { compare?: string; teams?: string; output?: string; now?: string; help?: boolean };
  if (v.help) {
    io.stdout(EXPLORE_HELP);
    return EXIT.ok;
  }
  if (args.positionals.length > 1) throw new InputError("usage: rolegate explore [POLICY] [--compare OTHER_POLICY] [--teams FILE] [--output FILE]");
  const now = parseNow(v.now);
  const teams = v.teams !== undefined ? readTeamsFile(io.cwd, v.teams) : undefined;
  const opts = extendsOptions(args.values);
  const source = findPolicy(io.cwd, args.positionals[0]);
  if (!source) throw new InputError("no policy file: expected .github/rolegate.yml (or .yaml) in this repository");
  const load = async (s: PolicySource) => {
    const { policy, loaded } = await loadUsable(io.cwd, s, now, opts);
    return { policy, value: loaded.parsed!.value };
  };
  const { policy, value } = await load(source);
  let comparison: Parameters<typeof renderExplorerPage>[0]["comparison"];
  if (v.compare !== undefined) {
    const other = findPolicy(io.cwd, v.compare)!;
    const before = (await load(other)).policy;
    comparison = { file: other.file, permissions: diffPolicies(before, policy, now, teams), changes: policyChanges(before, policy) };
  }
  const page = renderExplorerPage({ policy, value, teams, now, comparison });
  if (v.output === undefined) {
    io.stdout(page);
    return EXIT.ok;
  }
  try {
    mkdirSync(dirname(resolve(io.cwd, v.output)), { recursive: true });
    writeFileSync(resolve(io.cwd, v.output), page);
  } catch (e) {
    throw new InputError(`${v.output}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  io.stderr(`wrote ${v.output}\n`);
  return EXIT.ok;
}
