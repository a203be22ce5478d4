import { describeChange, diffPolicies } from "../../core/diff.js";
import { describePolicyChange, policyChanges } from "../../core/policy-changes.js";
import { cell } from "../../core/render/escape.js";
import type { Parsed } from "../args.js";
import { parseNow } from "../context.js";
import { treePaths } from "../git.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import { extendsOptions, findPolicy, loadUsable } from "../policy-source.js";
import { readTeamsFile } from "../teams.js";

/** Paths of the repository the command runs in, as examples of what moves; none outside a repository. */
function examplePaths(cwd: string): string[] {
  try {
    return treePaths(cwd, "HEAD");
  } catch {
    return [];
  }
}

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
  const permissions = diffPolicies(before, after, now, teams);
  const changes = policyChanges(before, after, examplePaths(io.cwd), (args.values["target-branch"] as string | undefined) ?? "main");
  if (format === "json") {
    const json = { changed: permissions.length + changes.length > 0, permissions: permissions.map((c) => ({ ...c, summary: describeChange(c) })), changes };
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  } else if (format === "markdown") {
    const lines: string[] = [];
    if (changes.length > 0)
      lines.push(
        "| Effect | Kind | Name | Detail |",
        "|---|---|---|---|",
        ...changes.map((c) => `| ${c.effect} | ${c.kind} | ${cell(c.name)} | ${cell(c.detail)} |`),
        "",
      );
    if (permissions.length > 0) {
      lines.push("| Who | Change | Action | Category | Levels |", "|---|---|---|---|---|");
      lines.push(
        ...permissions.map((c) => `| ${cell(c.principal)} | ${c.before} → ${c.after} | ${cell(c.action)} | ${cell(c.category)} | ${c.levels.join(", ")} |`),
      );
    }
    io.stdout(lines.length === 0 ? "No permission changes.\n" : `${lines.join("\n")}\n`);
  } else {
    const lines = [...changes.map(describePolicyChange), ...permissions.map(describeChange)];
    io.stdout(lines.length === 0 ? "No permission changes.\n" : `${lines.join("\n")}\n`);
  }
  return EXIT.ok;
}
