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

export const EXPLORE_OPTIONS = {
  compare: { type: "string" },
  teams: { type: "string" },
  output: { type: "string", short: "o" },
  now: { type: "string" },
  "extends-root": { type: "string" },
  repo: { type: "string" },
} as const satisfies ParseArgsConfig["options"];

export async function runExplore(io: CliIo, args: Parsed): Promise<number> {
  const v = args.values as { compare?: string; teams?: string; output?: string; now?: string };
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
