import type { DeployRow, Matrix } from "../matrix.js";
import { cell, csv, html } from "./escape.js";

const NOT_ENFORCED = "not enforced: anyone may, unless denied";

/** The row label of an environment's `deploy` row. */
function deployLabel(row: DeployRow): string {
  return `deploy to ${row.environment} (level ${row.level})`;
}

export function matrixMarkdown(m: Matrix): string {
  const out: string[] = [];
  for (const block of m.blocks) {
    out.push(`#### ${cell(block.category)}`, "");
    out.push(`| Action | ${m.roles.map(cell).join(" | ")} |`);
    out.push(`|---|${m.roles.map(() => "---").join("|")}|`);
    for (const row of block.rows) {
      const name = row.enforced ? row.action : `${row.action} (${NOT_ENFORCED})`;
      out.push(`| ${cell(name)} | ${row.cells.map(cell).join(" | ")} |`);
    }
    out.push("");
  }
  if (m.deployments.length > 0) {
    out.push("#### Deployments", "");
    out.push(`| Environment | ${m.roles.map(cell).join(" | ")} |`);
    out.push(`|---|${m.roles.map(() => "---").join("|")}|`);
    for (const row of m.deployments) out.push(`| ${cell(deployLabel(row))} | ${row.cells.map(cell).join(" | ")} |`);
    out.push("");
  }
  return out.join("\n");
}

export function matrixJson(m: Matrix): unknown {
  return {
    roles: m.roles,
    categories: m.blocks.map((b) => ({
      category: b.category,
      actions: b.rows.map((r) => ({ action: r.action, enforced: r.enforced, roles: Object.fromEntries(m.roles.map((role, i) => [role, r.cells[i]])) })),
    })),
    environments: m.deployments.map((d) => ({
      environment: d.environment,
      level: d.level,
      action: "deploy",
      roles: Object.fromEntries(m.roles.map((role, i) => [role, d.cells[i]])),
    })),
  };
}

export function matrixCsv(m: Matrix): string {
  const lines = [["category", "action", "enforced", ...m.roles].map(csv).join(",")];
  for (const b of m.blocks) for (const r of b.rows) lines.push([b.category, r.action, String(r.enforced), ...r.cells].map(csv).join(","));
  // Deployments are closed unless granted, so their rows are always enforced.
  for (const d of m.deployments) lines.push([`environment:${d.environment}`, "deploy", "true", ...d.cells].map(csv).join(","));
  return lines.join("\n") + "\n";
}

export function matrixHtml(m: Matrix): string {
  const head = `<tr><th>Action</th>${m.roles.map((r) => `<th>${html(r)}</th>`).join("")}</tr>`;
  const blocks = m.blocks.map((b) => {
    const rows = b.rows.map((r) => {
      const name = r.enforced ? html(r.action) : `${html(r.action)} <small>(${NOT_ENFORCED})</small>`;
      const cells = r.cells.map((c) => `<td class="${c === "No" ? "no" : c === "Yes" ? "yes" : "partial"}">${html(c)}</td>`).join("");
      return `<tr><th scope="row">${name}</th>${cells}</tr>`;
    });
    return `<h2>${html(b.category)}</h2>\n<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table>`;
  });
  if (m.deployments.length > 0) {
    const rows = m.deployments.map((d) => {
      const cells = d.cells.map((c) => `<td class="${c === "No" ? "no" : c === "Yes" ? "yes" : "partial"}">${html(c)}</td>`).join("");
      return `<tr><th scope="row">${html(deployLabel(d))}</th>${cells}</tr>`;
    });
    blocks.push(`<h2>Deployments</h2>\n<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rolegate permission matrix</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;margin-bottom:1.5rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}.yes{background:#e6f4ea}.no{background:#fce8e6}.partial{background:#fef7e0}</style>
</head><body>
<h1>rolegate permission matrix</h1>
${blocks.join("\n")}
</body></html>
`;
}
