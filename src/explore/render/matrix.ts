import type { Matrix } from "../../core/matrix.js";
import type { Policy } from "../../core/policy/types.js";
import { html } from "../../core/render/escape.js";
import { cellClass } from "../level-cell.js";
import type { Principal } from "../principals.js";

const NOT_ENFORCED = "not enforced: anyone may, unless denied";

function option(value: string, label: string): string {
  return `<option value="${html(value)}">${html(label)}</option>`;
}

/** The filter controls; the page's script makes them work, and without it the full matrix shows. */
function filters(policy: Policy, m: Matrix, logins: Principal[]): string {
  const levelLabel = (level: number) => {
    const names = policy.environments.filter((e) => e.level === level).map((e) => e.name);
    return level === 0 ? "0 (no environment)" : names.length > 0 ? `${level} (${names.join(", ")})` : String(level);
  };
  return `<form class="filters" id="matrix-filters" autocomplete="off">
<label>Role <select id="filter-role">${option("", "All roles")}${m.roles.map((r) => option(r, r)).join("")}</select></label>
<label>User <input id="filter-user" type="search" list="known-logins" placeholder="a login" spellcheck="false"></label>
<datalist id="known-logins">${logins.map((p) => option(p.display, p.display)).join("")}</datalist>
<label>Category <select id="filter-category">${option("", "All categories")}${m.blocks.map((b) => option(b.category, b.category)).join("")}</select></label>
<label>Level <select id="filter-level">${option("", "All levels")}${[0, 1, 2, 3, 4, 5].map((l) => option(String(l), levelLabel(l))).join("")}</select></label>
</form>
<p id="user-status" class="status" aria-live="polite"></p>`;
}

/** One block per category, a row per action, a column per role: the cells of `rolegate matrix`. */
export function matrixSection(policy: Policy, m: Matrix, logins: Principal[]): string {
  const descriptions = new Map(policy.categories.map((c) => [c.name, c.description]));
  const head = `<tr><th scope="col">Action</th>${m.roles
    .map((r) => {
      const description = policy.roles.get(r)?.description;
      return `<th scope="col" data-role="${html(r)}"${description ? ` title="${html(description)}"` : ""}>${html(r)}</th>`;
    })
    .join("")}</tr>`;
  const blocks = m.blocks.map((b) => {
    const rows = b.rows.map((row) => {
      const name = row.enforced ? html(row.action) : `${html(row.action)} <small>(${NOT_ENFORCED})</small>`;
      const cells = row.cells
        .map(
          (text, i) =>
            `<td class="${cellClass(text)}" data-role="${html(m.roles[i]!)}" data-action="${html(row.action)}" data-category="${html(b.category)}">${html(text)}</td>`,
        )
        .join("");
      return `<tr><th scope="row">${name}</th>${cells}</tr>`;
    });
    const description =
      descriptions.get(b.category) ??
      (b.category === "policy" ? "The policy files themselves." : b.category === "other" ? "Files in no other category." : undefined);
    return `<section class="matrix-block" data-category="${html(b.category)}">
<h3>${html(b.category)}</h3>${description ? `\n<p class="description">${html(description)}</p>` : ""}
<table>
<thead>${head}</thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
</section>`;
  });
  return `<section id="matrix">
<h2>Permission matrix</h2>
<p>What each role may do, after inheritance and denies, in the words of <code>rolegate matrix</code>. Filter by role, by a user's roles, by category, or see the cells as they apply at one level.</p>
${filters(policy, m, logins)}
${blocks.join("\n")}
</section>`;
}
