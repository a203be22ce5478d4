/// <reference lib="dom" />
// The page's script (bundled by scripts/bundle-explorer.mjs, inlined by render/page.ts): it
// rebuilds the policy model from the embedded data with the same core code as the CLI, and
// runs the matrix filters and the "who can do this?" box. Text only ever goes in as text.
import { Classifier } from "../../core/classify.js";
import { policyOfData, teamsOfData, type ExplorerData } from "../data.js";
import { wireMatrixFilters } from "./matrix-filters.js";
import { wireWhoCanBox } from "./who-can-box.js";

function start(): void {
  const data = JSON.parse(document.getElementById("rolegate-data")!.textContent!) as ExplorerData;
  const policy = policyOfData(data);
  const teams = teamsOfData(data);
  const now = new Date(data.now);
  wireMatrixFilters(document, { policy, teams, now });
  wireWhoCanBox(document, { policy, classifier: new Classifier(policy), teams, now });
  document.body.dataset.ready = "true";
}

try {
  start();
} catch (e) {
  // Say so on the page rather than leave controls that silently do nothing.
  const p = document.createElement("p");
  p.className = "note";
  p.id = "script-error";
  p.textContent = `The explorer's script failed: ${(e as Error).message}`;
  document.querySelector("header")?.append(p);
}
