import { formatDiagnostic } from "../../core/diagnostics.js";
import { judgeChange } from "../../core/judge-change.js";
import { verdictMarkdown } from "../../core/render/check.js";
import { verdictJson, verdictText } from "../../core/render/result.js";
import { passes } from "../../core/verdict.js";
import type { Parsed } from "../args.js";
import { gatherCheck } from "../check-inputs.js";
import { EXIT, InputError, type CliIo } from "../io.js";

/** `rolegate check`: gather the change from git and flags, judge it with the core, print the verdict. */
export async function runCheck(io: CliIo, args: Parsed): Promise<number> {
  const format = (args.values.format as string | undefined) ?? "text";
  if (!["text", "markdown", "json"].includes(format)) throw new InputError(`--format: "${format}" is not one of text, markdown, json`);
  const verdict = judgeChange(await gatherCheck(io.cwd, args));
  // Offline, a policy with errors is bad input (exit 2), as the CLI contract says.
  if (verdict.kind === "invalid-policy") throw new InputError(`invalid policy ${verdict.source?.file ?? ""}`, verdict.diagnostics.map(formatDiagnostic));
  if (format === "json") io.stdout(`${JSON.stringify(verdictJson(verdict), null, 2)}\n`);
  else if (format === "markdown") io.stdout(`${verdictMarkdown(verdict)}\n`);
  else io.stdout(verdictText(verdict));
  return passes(verdict.conclusion) ? EXIT.ok : EXIT.notAllowed;
}
