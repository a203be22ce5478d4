import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { importCodeowners, STRICTER_KINDS, type ImportFinding } from "../../import/codeowners/index.js";
import { formatDiagnostic } from "../../core/diagnostics.js";
import { loadPolicy } from "../../core/policy/load.js";
import { repoRoot } from "../git.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import type { Parsed } from "../args.js";
import { plural } from "../../core/words.js";

/** Where GitHub looks for CODEOWNERS, in its order. */
export const CODEOWNERS_CANDIDATES = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

/** GitHub ignores a CODEOWNERS file over 3 MB; so does the import. */
const MAX_BYTES = 3 * 1024 * 1024;

/** Where a note points: its line, the later of two overlapping lines, or the widened line. */
function lineOf(f: ImportFinding): number | undefined {
  if ("line" in f) return f.line;
  if (f.kind === "overlap") {
    const known = f.lines.filter((l): l is number => l !== undefined);
    return f.widenedLine ?? (known.length > 0 ? Math.max(...known) : undefined);
  }
  if (f.kind === "unmatched") return f.via;
  return undefined;
}

/**
 * `rolegate import codeowners [FILE] [--output PATH]`: a starting policy that is never looser
 * than CODEOWNERS, on stdout or in PATH; the notes (where it asks for more, what it could not
 * map) go to stderr. Exit 0, or 2 when the file cannot be read.
 */
export async function runImport(io: CliIo, args: Parsed): Promise<number> {
  const [what, fileArg, ...rest] = args.positionals;
  if (what !== "codeowners") {
    throw new InputError(
      what === undefined
        ? "import needs a source: rolegate import codeowners [FILE] [--output PATH]"
        : `import: unknown source "${what}" (supported: codeowners)`,
    );
  }
  if (rest.length > 0) throw new InputError(`import codeowners takes one FILE, got also ${rest.join(" ")}`);

  let path: string;
  let display: string;
  if (fileArg !== undefined) {
    path = resolve(io.cwd, fileArg);
    display = fileArg;
  } else {
    const root = repoRoot(io.cwd);
    const found = CODEOWNERS_CANDIDATES.find((c) => existsSync(join(root, c)));
    if (!found) throw new InputError(`no CODEOWNERS file in this repository (looked for ${CODEOWNERS_CANDIDATES.join(", ")})`);
    path = join(root, found);
    display = found;
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`${display}:1:1: error: cannot read CODEOWNERS file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (Buffer.byteLength(text) > MAX_BYTES) throw new InputError(`${display}:1:1: error: CODEOWNERS file is larger than 3 MB, which GitHub ignores`);

  const imported = importCodeowners(text, { source: display });
  // Never hand out a policy that does not load (a huge file could make one too large).
  const output = args.values.output as string | undefined;
  const errors = loadPolicy(output ?? "imported.yml", imported.yaml, new Date()).diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new InputError("the imported policy does not validate, so nothing was written", errors.map(formatDiagnostic));

  if (output !== undefined) {
    try {
      mkdirSync(dirname(resolve(io.cwd, output)), { recursive: true });
      writeFileSync(resolve(io.cwd, output), imported.yaml);
    } catch (e) {
      throw new InputError(`${output}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  } else io.stdout(imported.yaml);

  imported.findings.forEach((f, i) => {
    const line = lineOf(f);
    io.stderr(`${display}${line !== undefined ? `:${line}:1` : ""}: note: ${imported.notes[i]}\n`);
  });
  const stricter = imported.findings.filter((f) => STRICTER_KINDS.has(f.kind) && f.kind !== "incomplete").length;
  const incomplete = imported.findings.some((f) => f.kind === "incomplete") ? " (or more: the analysis stopped at its work limit)" : "";
  const summary =
    stricter === 0 && !incomplete
      ? "the policy asks for exactly what CODEOWNERS asks"
      : `${plural(stricter, "place")}${incomplete} where the policy asks for more than CODEOWNERS`;
  io.stderr(`${output !== undefined ? `wrote ${output}: ` : ""}${summary}${imported.findings.length > 0 ? "; review the notes above" : ""}\n`);
  return EXIT.ok;
}
