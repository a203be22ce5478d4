import { describeChange, diffPolicies } from "../../core/diff.js";
import { parseNow } from "../context.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import { extendsOptions, findPolicy, loadUsable } from "../policy-source.js";
import { readTeamsFile } from "../teams.js";
import type { Parsed } from "../args.js";

export async function runDiff(io: CliIo, args: Parsed): Promise<number> {
  const [oldPath, newPath] = args.positionals;
  if (oldPath === undefined || newPath === undefined || args.positionals.length > 2) throw new InputError("usage: rolegate diff OLD_POLICY NEW_POLICY");
  const format = (args.values.format as string | undefined) ?? "text";
  if (!["text", "markdown", "json"].includes(format)) throw new InputError(`--format: "${format}" is not one of text, markdown, json`);
  const now = parseNow(args.values.now as string | undefined);
  const teams = args.values.teams !== undefined ? readTeamsFile(io.cwd, args.values.teams as string) : undefined;
  const opts = extendsOptions(args.values);
  const before = (await loadUsable(io.cwd, findPolicy(io.cwd, oldPath)!, now, opts)).policy;
  const after = (await loadUsable(io.cwd, findPolicy(io.cwd, newPath)!, now, opts)).policy;
  const changes = diffPolicies(before, after, now, teams);
  if (format === "json") {
    io.stdout(JSON.stringify({ changed: changes.length > 0, changes: changes.map((c) => ({ ...c, summary: describeChange(c) })) }, null, 2) + "\n");
  } else if (format === "markdown") {
    io.stdout(
      changes.length === 0
        ? "No permission changes.\n"
        : `| Who | Change | Action | Category | Levels |\n|---|---|---|---|---|\n${changes.map((c) => `| ${c.principal} | ${c.before} → ${c.after} | ${c.action} | ${c.category} | ${c.levels.join(", ")} |`).join("\n")}\n`,
    );
  } else {
    io.stdout(changes.length === 0 ? "No permission changes.\n" : changes.map((c) => describeChange(c)).join("\n") + "\n");
  }
  return EXIT.ok;
}
