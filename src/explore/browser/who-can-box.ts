/// <reference lib="dom" />
import { whoCan, type WhoCanContext, type WhoCanEntry } from "../who-can.js";

function entryItem(doc: Document, e: WhoCanEntry): HTMLLIElement {
  const li = doc.createElement("li");
  li.className = e.allowed ? "allowed" : "refused";
  li.dataset.kind = e.kind;
  const who = doc.createElement("span");
  who.className = "who";
  who.textContent = e.name;
  const kind = doc.createElement("span");
  kind.className = "kind";
  kind.textContent = e.kind === "team" ? "team" : e.kind === "user" ? "login" : "";
  const reasons = doc.createElement("ol");
  reasons.className = "reasons";
  for (const r of e.reasons) {
    const item = doc.createElement("li");
    item.textContent = r;
    reasons.append(item);
  }
  li.append(who, kind, reasons);
  return li;
}

/** The "who can do this?" box: a path, an action and a target branch in; everyone judged, with reasons, out. */
export function wireWhoCanBox(doc: Document, c: WhoCanContext): void {
  const path = doc.getElementById("who-path") as HTMLInputElement;
  const action = doc.getElementById("who-action") as HTMLSelectElement;
  const branch = doc.getElementById("who-branch") as HTMLInputElement;
  const fileLine = doc.getElementById("who-file")!;
  const note = doc.getElementById("who-note")!;
  const allowed = doc.getElementById("who-allowed")!;
  const refused = doc.getElementById("who-not-allowed")!;
  const refusedCount = doc.getElementById("who-not-allowed-count")!;

  const update = () => {
    allowed.replaceChildren();
    refused.replaceChildren();
    refusedCount.textContent = "0";
    note.hidden = true;
    // The path is judged exactly as typed (as `explain --path` takes it); only an empty box asks for one.
    if (path.value === "") {
      fileLine.textContent = "Type a path to see who may take the action on it.";
      return;
    }
    const answer = whoCan(c, { path: path.value, action: action.value, targetBranch: branch.value || "main" });
    const f = answer.file;
    fileLine.textContent = `${f.path}: ${f.categories.join(", ")}; level ${f.level}${f.environments.length > 0 ? ` (${f.environments.join(", ")})` : ""}.`;
    if (answer.unresolved.length > 0) {
      note.hidden = false;
      note.textContent = `Team membership is unknown for ${answer.unresolved.map((u) => `@${u.team}`).join(", ")}: every login is judged not allowed (as rolegate explain does), and each team by its own roles.`;
    }
    for (const e of answer.allowed) allowed.append(entryItem(doc, e));
    if (answer.allowed.length === 0) {
      const li = doc.createElement("li");
      li.className = "nobody";
      li.textContent = "Nobody the policy names.";
      allowed.append(li);
    }
    for (const e of answer.notAllowed) refused.append(entryItem(doc, e));
    refusedCount.textContent = String(answer.notAllowed.length);
  };
  path.addEventListener("input", update);
  branch.addEventListener("input", update);
  action.addEventListener("change", update);
  doc.getElementById("who-form")!.addEventListener("submit", (e) => e.preventDefault());
  update();
}
