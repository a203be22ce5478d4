import { POLICY_FLAGS, type FlagOptions, type Parsed } from "./args.js";
import { checkHelp } from "./commands/check.help.js";
import { diffHelp } from "./commands/diff.help.js";
import { explainHelp } from "./commands/explain.help.js";
import { exploreHelp } from "./commands/explore.help.js";
import { importHelp } from "./commands/import.help.js";
import { initHelp } from "./commands/init.help.js";
import { matrixHelp } from "./commands/matrix.help.js";
import { testHelp } from "./commands/test.help.js";
import { validateHelp } from "./commands/validate.help.js";
import type { CommandHelp } from "./help/render.js";
import type { CliIo } from "./io.js";

/** What a subcommand needs to run: its flags and its code, loaded only when it runs. */
export interface LoadedCommand {
  options: FlagOptions;
  run: (io: CliIo, args: Parsed) => Promise<number>;
}

export interface Command {
  help: CommandHelp;
  /** Imports the command on demand, so `--help`, `--version` and `validate` never load git, the evaluator or the importer. */
  load(): Promise<LoadedCommand>;
}

const NOW = { now: { type: "string" } } as const;

/** The flags explain and check share live with the code that reads them; `own` are the command's own string flags. */
const contextOptions = async (...own: string[]): Promise<FlagOptions> => ({
  ...POLICY_FLAGS,
  ...(await import("./context.js")).CONTEXT_OPTIONS,
  ...Object.fromEntries(own.map((name) => [name, { type: "string" as const }])),
});

/** Every subcommand. A new one brings its help file and its entry here. */
export const COMMANDS: Record<string, Command> = {
  validate: {
    help: validateHelp,
    load: async () => ({ options: { ...POLICY_FLAGS, ...NOW }, run: (await import("./commands/validate.js")).runValidate }),
  },
  matrix: {
    help: matrixHelp,
    load: async () => ({ options: { ...POLICY_FLAGS, ...NOW }, run: (await import("./commands/matrix.js")).runMatrix }),
  },
  explain: {
    help: explainHelp,
    load: async () => ({ options: await contextOptions("user", "action", "path", "environment"), run: (await import("./commands/explain.js")).runExplain }),
  },
  check: {
    help: checkHelp,
    load: async () => ({
      options: await contextOptions("base", "head", "files", "break-glass-by", "reason"),
      run: (await import("./commands/check.js")).runCheck,
    }),
  },
  diff: {
    help: diffHelp,
    load: async () => ({
      options: { ...POLICY_FLAGS, ...NOW, teams: { type: "string" }, "target-branch": { type: "string" } },
      run: (await import("./commands/diff.js")).runDiff,
    }),
  },
  test: {
    help: testHelp,
    load: async () => ({ options: { ...POLICY_FLAGS, ...NOW }, run: (await import("./commands/test.js")).runTest }),
  },
  import: {
    help: importHelp,
    load: async () => ({ options: { output: { type: "string", short: "o" } }, run: (await import("./commands/import.js")).runImport }),
  },
  explore: {
    help: exploreHelp,
    load: async () => {
      const m = await import("./commands/explore.js");
      return { options: m.EXPLORE_OPTIONS, run: m.runExplore };
    },
  },
  init: {
    help: initHelp,
    load: async () => {
      const m = await import("./commands/init.js");
      return { options: m.INIT_OPTIONS, run: m.runInit };
    },
  },
};
