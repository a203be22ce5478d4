/** A command's parsed arguments (node:util parseArgs), as every command receives them. */
export type Parsed = { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
