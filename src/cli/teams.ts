import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseDocument } from "yaml";
import { InputError } from "./io.js";
import { emptyTeams, type TeamData } from "../core/state.js";

/** `--teams FILE`: a YAML map `org/team: [login, ...]`. A malformed file is bad input (exit 2). */
export function readTeamsFile(cwd: string, path: string | undefined): TeamData {
  const teams = emptyTeams();
  if (path === undefined) return teams;
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), "utf8");
  } catch (e) {
    throw new InputError(`${path}:1:1: error: cannot read teams file: ${(e as Error).message}`);
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    throw new InputError(`${path}:${pos.line}:${pos.col}: error: ${e.message.split("\n")[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(`${path}:1:1: error: ${(e as Error).message}`);
  }
  if (value === null || value === undefined) return teams;
  if (typeof value !== "object" || Array.isArray(value)) throw new InputError(`${path}:1:1: error: teams file must map "org/team" to a list of logins`);
  for (const [key, members] of Object.entries(value as Record<string, unknown>)) {
    const team = key.replace(/^@/, "").toLowerCase();
    if (!/^[a-z0-9][a-z0-9_.-]*\/[a-z0-9_.-]+$/.test(team)) throw new InputError(`${path}:1:1: error: "${key}" is not a team name (org/team)`);
    const list = members ?? [];
    if (!Array.isArray(list) || list.some((m) => typeof m !== "string")) {
      throw new InputError(`${path}:1:1: error: team "${key}" must list logins as strings`);
    }
    teams.members.set(team, new Set((list as string[]).map((m) => m.toLowerCase())));
  }
  return teams;
}

/**
 * Marks every team the policy names that the teams data lacks as unresolved, saying how to
 * give it offline; evaluation then fails closed, naming the team and the fix.
 */
export function withUnresolvedTeams(teams: TeamData, policyTeams: Iterable<string>, teamsPath: string | undefined): TeamData {
  for (const team of policyTeams) {
    if (teams.members.has(team) || teams.errors.has(team)) continue;
    teams.errors.set(
      team,
      teamsPath === undefined
        ? "offline, team members come from --teams FILE (a YAML map `org/team: [login, ...]`), and none was given"
        : `${teamsPath} has no entry for it; add \`${team}: [login, ...]\` to it`,
    );
  }
  return teams;
}
