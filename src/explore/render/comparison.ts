import { describeChange, type PermissionChange } from "../../core/diff.js";
import type { PolicyChange } from "../../core/policy-changes.js";
import { html } from "../../core/render/escape.js";

export interface Comparison {
  /** The policy compared with: the "before" side; the page's own policy is the "after" side. */
  file: string;
  permissions: PermissionChange[];
  /** Category, environment, requirement, option… changes, each weakening, strengthening or reshaping. */
  changes?: PolicyChange[];
}

function levelsText(levels: number[]): string {
  return levels.length === 1 ? String(levels[0]) : `${levels[0]}–${levels[levels.length - 1]}`;
}

function permissionTable(permissions: PermissionChange[]): string {
  if (permissions.length === 0) return `<p id="diff-empty">No permission changes.</p>`;
  const rows = permissions.map(
    (c) =>
      `<tr class="${c.after === "yes" ? "gain" : c.after === "no" ? "loss" : "partial"}"><td>${html(c.principal)}</td><td>${html(c.action)}</td><td>${html(c.category)}</td><td>${levelsText(c.levels)}</td><td>${html(c.before)}</td><td>${html(c.after)}</td><td>${html(describeChange(c))}</td></tr>`,
  );
  return `<table id="diff-table">
<thead><tr><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Category</th><th scope="col">Levels</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">Change</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>`;
}

function changesTable(changes: PolicyChange[]): string {
  if (changes.length === 0) return `<p id="changes-empty">No other policy changes listed.</p>`;
  const rows = changes.map(
    (c) => `<tr class="${html(c.effect)}"><td>${html(c.kind)}</td><td>${html(c.name)}</td><td>${html(c.effect)}</td><td>${html(c.detail)}</td></tr>`,
  );
  return `<table id="changes-table">
<thead><tr><th scope="col">Kind</th><th scope="col">Name</th><th scope="col">Effect</th><th scope="col">Detail</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>`;
}

/** Who gains or loses what going from the compared policy to this one, and the other policy changes. */
export function comparisonSection(thisFile: string, comparison: Comparison): string {
  return `<section id="diff">
<h2>Compared with ${html(comparison.file)}</h2>
<p>What changes going from <code>${html(comparison.file)}</code> (before) to <code>${html(thisFile)}</code> (after).</p>
<h3>Permission changes</h3>
${permissionTable(comparison.permissions)}
<h3>Policy changes</h3>
${changesTable(comparison.changes ?? [])}
</section>`;
}
