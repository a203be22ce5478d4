import { buildMatrix } from "../../core/matrix.js";
import { matrixCsv, matrixJson, matrixMarkdown } from "../../core/render/matrix.js";
import { renderExplorerPage } from "../../explore/render/page.js";
import { parseNow } from "../context.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import { extendsOptions, findPolicy, loadUsable } from "../policy-source.js";
import type { Parsed } from "../args.js";

export async function runMatrix(io: CliIo, args: Parsed): Promise<number> {
  const format = (args.values.format as string | undefined) ?? "markdown";
  if (!["markdown", "json", "csv", "html"].includes(format)) throw new InputError(`--format: "${format}" is not one of markdown, json, csv, html`);
  const source = findPolicy(io.cwd, args.positionals[0]);
  if (!source) throw new InputError("no policy file: expected .github/rolegate.yml (or .yaml) in this repository");
  const now = parseNow(args.values.now as string | undefined);
  const { policy, loaded } = await loadUsable(io.cwd, source, now, extendsOptions(args.values));
  const m = buildMatrix(policy);
  if (format === "json") io.stdout(JSON.stringify(matrixJson(m), null, 2) + "\n");
  else if (format === "csv") io.stdout(matrixCsv(m));
  // The HTML matrix is the policy explorer page: the same cells, with filters and the who-can box.
  else if (format === "html") io.stdout(renderExplorerPage({ policy, value: loaded.parsed!.value, now }));
  else io.stdout(matrixMarkdown(m));
  return EXIT.ok;
}
