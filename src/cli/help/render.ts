/** What `rolegate COMMAND --help` prints: kept next to each command, rendered one way. */
export interface CommandHelp {
  /** One line: what the command is for. */
  summary: string;
  /** The synopsis after `rolegate `. */
  usage: string;
  /** Every flag the command accepts, as [flag and its value, one-line meaning]. */
  flags: readonly (readonly [string, string])[];
  /** One command line a user could run as is. */
  example: string;
}

const HELP_FLAG = ["-h, --help", "print this help and exit"] as const;

/** Usage, every flag on its own line, one example. */
export function renderHelp(name: string, help: CommandHelp): string {
  const flags = [...help.flags, HELP_FLAG];
  const width = Math.max(...flags.map(([flag]) => flag.length));
  return [
    `rolegate ${name}: ${help.summary}`,
    "",
    "Usage:",
    `  rolegate ${help.usage}`,
    "",
    "Flags:",
    ...flags.map(([flag, meaning]) => `  ${flag.padEnd(width)}  ${meaning}`),
    "",
    "Example:",
    `  ${help.example}`,
    "",
  ].join("\n");
}

/** The long flag names a help lists (`--format`, `--output`, ...), for checking it against the parser's options. */
export function documentedFlags(help: CommandHelp): string[] {
  return help.flags.flatMap(([flag]) => [...flag.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!));
}
