/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Policy } from "../../core/policy/types.js";
import type { TeamData } from "../../core/state.js";
import { cellAtLevel, cellClass } from "../level-cell.js";
import { rolesHeldBy } from "../principals.js";

export interface FilterContext {
  policy: Policy;
  teams: TeamData;
  now: Date;
}

function control<T extends HTMLElement>(doc: Document, id: string): T {
  const el = doc.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** Role, user, category and level filters over the server-rendered matrix. */
export function wireMatrixFilters(doc: Document, c: FilterContext): void {
  const role = control<HTMLSelectElement>(doc, "filter-role");
  const user = control<HTMLInputElement>(doc, "filter-user");
  const category = control<HTMLSelectElement>(doc, "filter-category");
  const level = control<HTMLSelectElement>(doc, "filter-level");
  const status = control<HTMLElement>(doc, "user-status");
  const cells = [...doc.querySelectorAll<HTMLTableCellElement>("#matrix td[data-role]")];
  // The cells for all levels, as rendered, to go back to.
  const allLevels = new Map(cells.map((td) => [td, td.textContent ?? ""]));

  const update = () => {
    let shown: Set<string> | undefined = role.value ? new Set([role.value]) : undefined;
    const login = user.value.trim().replace(/^@/, "");
    status.textContent = "";
    if (login !== "") {
      const held = rolesHeldBy(c.policy, login, c.teams, c.now);
      const names = new Set(held.map((h) => h.role));
      shown = shown ? new Set([...shown].filter((r) => names.has(r))) : names;
      status.textContent =
        held.length === 0
          ? `${login} holds no role in this policy${c.policy.teams.size > 0 && c.teams.members.size === 0 ? " (team membership unknown: no teams file)" : ""}.`
          : `${login} holds ${held.map((h) => `${h.role} (${[h.how, ...h.limits].join("; ")})`).join(", ")}.`;
    }
    for (const el of doc.querySelectorAll<HTMLElement>("#matrix [data-role]")) el.hidden = shown !== undefined && !shown.has(el.dataset.role!);
    for (const block of doc.querySelectorAll<HTMLElement>("#matrix section[data-category]"))
      block.hidden = category.value !== "" && block.dataset.category !== category.value;
    const at = level.value === "" ? undefined : Number(level.value);
    for (const td of cells) {
      const text = at === undefined ? allLevels.get(td)! : cellAtLevel(c.policy, td.dataset.role!, td.dataset.action!, td.dataset.category!, at);
      td.textContent = text;
      td.className = cellClass(text);
    }
  };
  for (const el of [role, category, level]) el.addEventListener("change", update);
  user.addEventListener("input", update);
  doc.getElementById("matrix-filters")!.addEventListener("submit", (e) => e.preventDefault());
  update();
}
