import type { ParseArgsConfig } from "node:util";

/** A subcommand's arguments after `node:util` parseArgs: its flags by name and its positionals. */
export type Parsed = { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };

/** The flags a subcommand accepts, in parseArgs form. */
export type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

/** Flags every policy-reading subcommand takes: output format, and where `extends` parents live. */
export const POLICY_FLAGS = { format: { type: "string" }, "extends-root": { type: "string" }, repo: { type: "string" } } as const satisfies FlagOptions;

/**
 * Does the user ask for help? `--help` or `-h` anywhere before a `--` terminator. Checked before
 * the other flags are parsed, so help works even when they are missing or wrong.
 */
export function asksForHelp(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === "--") return false;
    if (arg === "--help" || arg === "-h") return true;
  }
  return false;
}
