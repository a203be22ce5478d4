import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { proposeInit, INIT_POLICY_FILE, INIT_TESTS_FILE } from "../../init/run.js";
import { initSummary } from "../../init/summary.js";
import { parseNow } from "../context.js";
import { repoRoot } from "../git.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import { POLICY_FILES as POLICY_CANDIDATES } from "../../core/names.js";
import type { Parsed } from "../args.js";

export const INIT_OPTIONS = {
  preset: { type: "string" },
  "dry-run": { type: "boolean" },
  now: { type: "string" },
} as const;

/** `rolegate init`: exit 0 when the files were proposed (and written), 2 on bad input or an existing policy. */
export async function runInit(io: CliIo, args: Parsed): Promise<number> {
  if (args.positionals.length > 0) throw new InputError(`init takes no arguments, got ${args.positionals.join(" ")}`);
  const dryRun = args.values["dry-run"] === true;
  const now = parseNow(args.values.now as string | undefined);
  const root = repoRoot(io.cwd);
  const existing = [...POLICY_CANDIDATES, INIT_TESTS_FILE].filter((f) => existsSync(join(root, f)));
  if (existing.length > 0 && !dryRun) {
    throw new InputError(
      `${existing.join(" and ")} already ${existing.length === 1 ? "exists" : "exist"}: rolegate init never overwrites a policy or its tests, so nothing was written. ` +
        "Edit the file, or move it away to start over (`rolegate init --dry-run` shows what init would propose).",
    );
  }

  const result = await proposeInit(root, args.values.preset as string | undefined, now);
  if (dryRun) {
    for (const f of existing) io.stderr(`rolegate init: note: ${f} already exists; without --dry-run init would refuse to overwrite it\n`);
    io.stdout(`# ${INIT_POLICY_FILE} (--dry-run: not written)\n${result.policy.text}---\n# ${INIT_TESTS_FILE} (--dry-run: not written)\n${result.tests.text}`);
    io.stderr(initSummary(result, false));
    return EXIT.ok;
  }
  writeNew(root, INIT_POLICY_FILE, result.policy.text);
  try {
    writeNew(root, INIT_TESTS_FILE, result.tests.text);
  } catch (e) {
    rmSync(join(root, INIT_POLICY_FILE), { force: true }); // all or nothing
    throw e;
  }
  io.stdout(initSummary(result, true));
  return EXIT.ok;
}

/** Creates a file that must not exist yet (`wx`), so not even a race can make init overwrite one. */
function writeNew(root: string, file: string, text: string): void {
  try {
    mkdirSync(join(root, ".github"), { recursive: true });
    writeFileSync(join(root, file), text, { flag: "wx" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      code === "EEXIST"
        ? `${file} already exists: rolegate init never overwrites it, so nothing was written`
        : `${file}: cannot write: ${code ?? (e as Error).message}`,
    );
  }
}
