import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CODEOWNERS_CANDIDATES } from "../cli/commands/import.js";
import { InputError } from "../cli/io.js";

// The one place init reaches the CODEOWNERS importer (it is moving to src/import/codeowners/).
export { importCodeowners, SCHEMA_LINE, STRICTER_KINDS, type CodeownersImport } from "../import/codeowners/index.js";

/** GitHub ignores a CODEOWNERS file over 3 MB, and so does `rolegate import codeowners`. */
const MAX_BYTES = 3 * 1024 * 1024;

export interface CodeownersFile {
  /** Repository-relative: `.github/CODEOWNERS`, `CODEOWNERS` or `docs/CODEOWNERS`. */
  file: string;
  text: string;
}

/** The CODEOWNERS file GitHub would use (the first of its three places), or undefined when there is none. */
export function findCodeowners(root: string): CodeownersFile | undefined {
  const file = CODEOWNERS_CANDIDATES.find((c) => existsSync(join(root, c)));
  if (file === undefined) return undefined;
  try {
    if (statSync(join(root, file)).size > MAX_BYTES) throw new InputError(`${file}:1:1: error: CODEOWNERS file is larger than 3 MB, which GitHub ignores`);
    return { file, text: readFileSync(join(root, file), "utf8") };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}:1:1: error: cannot read CODEOWNERS file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
