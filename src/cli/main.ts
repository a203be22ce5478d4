import { parseArgs } from "node:util";
import { asksForHelp, type Parsed } from "./args.js";
import { COMMANDS } from "./command-table.js";
import { renderHelp } from "./help/render.js";
import { EXIT, InputError, type CliIo } from "./io.js";
import { packageVersion } from "./version.js";

const SYNOPSES = Object.entries(COMMANDS).map(([name, c]) => ({ name, rest: c.help.usage.slice(name.length).trimStart(), summary: c.help.summary }));
const NAME_WIDTH = Math.max(...SYNOPSES.map((s) => s.name.length));

export const USAGE = `rolegate: role-based access control for pull requests

Usage:
${SYNOPSES.map((s) => `  rolegate ${s.name.padEnd(NAME_WIDTH)} ${s.rest}`).join("\n")}
  rolegate help COMMAND        (or rolegate COMMAND --help): the command's flags and an example
  rolegate --version

Commands:
${SYNOPSES.map((s) => `  ${s.name.padEnd(NAME_WIDTH)}  ${s.summary}`).join("\n")}

Parents (extends): preset:NAME comes with rolegate; OWNER/REPO:PATH and .github are read from
  --extends-root DIR (holding DIR/OWNER/REPO/...), with --repo OWNER/REPO naming this repository.
Exit codes: 0 ok/allowed/met, 1 not allowed/not met, 2 bad input.
`;

function unknownCommand(io: CliIo, name: string): number {
  io.stderr(`rolegate: unknown command "${name}"\n\n${USAGE}`);
  return EXIT.badInput;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || (name === "help" && rest.length === 0)) {
    io.stdout(USAGE);
    return name === undefined ? EXIT.badInput : EXIT.ok;
  }
  if (name === "--version" || name === "-V") {
    io.stdout(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  if (name === "help") {
    const topic = rest[0]!;
    const command = Object.hasOwn(COMMANDS, topic) ? COMMANDS[topic] : undefined;
    if (!command) return unknownCommand(io, topic);
    io.stdout(renderHelp(topic, command.help));
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) return unknownCommand(io, name);
  // Help wins over everything else on the line, even flags that are missing or wrong.
  if (asksForHelp(rest)) {
    io.stdout(renderHelp(name, command.help));
    return EXIT.ok;
  }
  try {
    const { options, run } = await command.load();
    const parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true }) as Parsed;
    return await run(io, parsed);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`rolegate ${name}: ${e.message}\n${e.details.map((d) => d + "\n").join("")}`);
      return EXIT.badInput;
    }
    const code = (e as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      io.stderr(`rolegate ${name}: ${(e as Error).message}\n  (rolegate help ${name} lists the flags)\n`);
      return EXIT.badInput;
    }
    // Never let a crash look like a verdict: report it and exit non-zero.
    io.stderr(`rolegate ${name}: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.badInput;
  }
}
