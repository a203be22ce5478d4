import { parseArgs, type ParseArgsConfig } from "node:util";
import { CONTEXT_OPTIONS } from "./context.js";
import { EXIT, InputError, type CliIo } from "./io.js";
import { runCheck } from "./commands/check.js";
import { runDiff } from "./commands/diff.js";
import { runExplain } from "./commands/explain.js";
import { EXPLORE_OPTIONS, runExplore } from "./commands/explore.js";
import { runImport } from "./commands/import.js";
import { runMatrix } from "./commands/matrix.js";
import { runTest } from "./commands/test.js";
import { runValidate } from "./commands/validate.js";

import type { Parsed } from "./args.js";
type Command = { options: NonNullable<ParseArgsConfig["options"]>; run: (io: CliIo, args: Parsed) => Promise<number> };

const format = { format: { type: "string" }, "extends-root": { type: "string" }, repo: { type: "string" } } as const;

const COMMANDS: Record<string, Command> = {
  validate: { options: { ...format, now: { type: "string" } }, run: runValidate },
  matrix: { options: { ...format, now: { type: "string" } }, run: runMatrix },
  explain: {
    options: { ...format, ...CONTEXT_OPTIONS, user: { type: "string" }, action: { type: "string" }, path: { type: "string" }, environment: { type: "string" } },
    run: runExplain,
  },
  check: {
    options: {
      ...format,
      ...CONTEXT_OPTIONS,
      base: { type: "string" },
      head: { type: "string" },
      files: { type: "string" },
      "break-glass-by": { type: "string" },
      reason: { type: "string" },
    },
    run: runCheck,
  },
  diff: { options: { ...format, teams: { type: "string" }, now: { type: "string" }, "target-branch": { type: "string" } }, run: runDiff },
  test: { options: { ...format, now: { type: "string" } }, run: runTest },
  import: { options: { output: { type: "string", short: "o" } }, run: runImport },
  explore: { options: EXPLORE_OPTIONS, run: runExplore },
};

export const USAGE = `rolegate: role-based access control for pull requests

Usage:
  rolegate validate [POLICY] [--now ISO8601] [--format text|json]
  rolegate matrix   [POLICY] [--format markdown|json|csv|html]
  rolegate explain  [POLICY] --user LOGIN --action ACTION --path PATH [context]
  rolegate explain  [POLICY] --user LOGIN --action deploy --environment NAME [context]
  rolegate check    [POLICY] (--base REV [--head REV] | --files P1,P2) [context] [--format text|markdown|json]
                    [--break-glass-by LOGIN --reason TEXT]   (override unmet requirements, as /rolegate break-glass)
  rolegate diff     OLD_POLICY NEW_POLICY [--teams FILE] [--format text|markdown|json]
  rolegate test     [TESTS_FILE] [POLICY] [--format text|json]   (default .github/rolegate.tests.yml)
  rolegate import   codeowners [FILE] [--output PATH]   (a starting policy, never looser than CODEOWNERS)

Parents (extends): preset:NAME comes with rolegate; OWNER/REPO:PATH and .github are read from
  --extends-root DIR (holding DIR/OWNER/REPO/...), with --repo OWNER/REPO naming this repository.
  An organisation default there (DIR/OWNER/.github/.github/rolegate.yml) with enforce: true binds
  the policy too, as its root parent.

Context: --author L --approved-by L1,L2 --stale-approved-by L1,L2 --changes-requested-by L1,L2
         --committers L1,L2 --merged-by L --admins L1,L2 --target-branch B --label L (repeatable)
         --draft --now ISO8601 --teams FILE
Exit codes: 0 ok/allowed/met, 1 not allowed/not met, 2 bad input.
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(USAGE);
    return name === undefined ? EXIT.badInput : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`rolegate: unknown command "${name}"\n\n${USAGE}`);
    return EXIT.badInput;
  }
  try {
    const parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true }) as Parsed;
    return await command.run(io, parsed);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`rolegate ${name}: ${e.message}\n${e.details.map((d) => d + "\n").join("")}`);
      return EXIT.badInput;
    }
    const code = (e as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      io.stderr(`rolegate ${name}: ${(e as Error).message}\n`);
      return EXIT.badInput;
    }
    // Never let a crash look like a verdict: report it and exit non-zero.
    io.stderr(`rolegate ${name}: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.badInput;
  }
}
