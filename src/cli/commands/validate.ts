import { formatDiagnostic, hasErrors } from "../../core/diagnostics.js";
import { parseNow } from "../context.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import { extendsOptions, findPolicy, loadWithParents } from "../policy-source.js";
import type { Parsed } from "../args.js";
import { plural } from "../../core/words.js";

export async function runValidate(io: CliIo, args: Parsed): Promise<number> {
  const now = parseNow(args.values.now as string | undefined);
  const source = findPolicy(io.cwd, args.positionals[0]);
  if (!source) throw new InputError("no policy file: expected .github/rolegate.yml (or .yaml) in this repository");
  const { diagnostics } = await loadWithParents(io.cwd, source, now, extendsOptions(args.values));
  const failed = hasErrors(diagnostics);
  if (args.values.format === "json") {
    io.stdout(JSON.stringify({ file: source.file, valid: !failed, diagnostics }, null, 2) + "\n");
  } else {
    for (const d of diagnostics) io.stdout(formatDiagnostic(d) + "\n");
    if (!failed) io.stdout(`${source.file}: valid${diagnostics.length > 0 ? ` (${plural(diagnostics.length, "warning")})` : ""}\n`);
  }
  return failed ? EXIT.badInput : EXIT.ok;
}
