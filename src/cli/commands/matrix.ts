import { buildMatrix } from "../../core/matrix.js";
import { matrixCsv, matrixHtml, matrixJson, matrixMarkdown } from "../../core/render/matrix.js";
import { parseNow } from "../context.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import { extendsOptions, findPolicy, loadUsable } from "../policy-source.js";
import type { Parsed } from "../args.js";

export async function runMatrix(io: CliIo, args: Parsed): Promise<number> {
  const format = (args.values.format as string | undefined) ?? "markdown";
  if (!["markdown", "json", "csv", "html"].includes(format)) throw new InputError(`--format: "${format}" is not one of markdown, json, csv, html`);
  const source = findPolicy(io.cwd, args.positionals[0]);
  if (!source) throw new InputError("no policy file: expected .github/rolegate.yml (or .yaml) in this repository");
  const { policy } = await loadUsable(io.cwd, source, parseNow(args.values.now as string | undefined), extendsOptions(args.values));
  const m = buildMatrix(policy);
  if (format === "json") io.stdout(JSON.stringify(matrixJson(m), null, 2) + "\n");
  else if (format === "csv") io.stdout(matrixCsv(m));
  else if (format === "html") io.stdout(matrixHtml(m));
  else io.stdout(matrixMarkdown(m));
  return EXIT.ok;
}
