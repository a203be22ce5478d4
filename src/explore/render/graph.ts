import { html } from "../../core/render/escape.js";
import type { Policy } from "../../core/policy/types.js";

export interface GraphNode {
  role: string;
  /** 0 for a role that inherits nothing; else one more than the deepest role it inherits. */
  depth: number;
  x: number;
  y: number;
  width: number;
}

export interface RoleGraph {
  nodes: GraphNode[];
  /** `from` inherits `to`. */
  edges: { from: string; to: string }[];
  width: number;
  height: number;
}

const BOX_HEIGHT = 34;
const ROW_GAP = 56;
const COLUMN_GAP = 24;
const MARGIN = 12;
/** An estimate of a character's width in the page's sans-serif at 14px; boxes only need to be wide enough. */
const CHAR_WIDTH = 8;

/** Depth of every role, iteratively (a policy that loaded has no cycle, but a cycle must not hang the page). */
function depths(policy: Policy): Map<string, number> {
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  for (const start of policy.roles.keys()) {
    const stack = [start];
    while (stack.length > 0) {
      const name = stack[stack.length - 1]!;
      if (depth.has(name)) {
        stack.pop();
        continue;
      }
      visiting.add(name);
      const pending = policy.roles.get(name)!.inherits.filter((p) => !depth.has(p) && !visiting.has(p));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      const parents = policy.roles.get(name)!.inherits.map((p) => depth.get(p) ?? 0);
      depth.set(name, parents.length === 0 ? 0 : 1 + Math.max(...parents));
      visiting.delete(name);
      stack.pop();
    }
  }
  return depth;
}

/**
 * Roles laid out in rows by inheritance depth, the roles that inherit nothing on top; within a
 * row, roles sit near the roles they inherit (ordered by the mean position of those), which keeps
 * arrows short and mostly uncrossed in the usual tree-like policies.
 */
export function layoutRoleGraph(policy: Policy): RoleGraph {
  const depth = depths(policy);
  const rows: string[][] = [];
  for (const role of policy.roles.keys()) (rows[depth.get(role)!] ??= []).push(role);
  const order = new Map<string, number>();
  for (const row of rows) {
    if (!row) continue;
    const key = (role: string) => {
      const parents = policy.roles.get(role)!.inherits.map((p) => order.get(p) ?? 0);
      return parents.length === 0 ? 0 : parents.reduce((a, b) => a + b, 0) / parents.length;
    };
    const keyed = row.map((role, i) => ({ role, i, k: key(role) }));
    keyed.sort((a, b) => a.k - b.k || a.i - b.i);
    for (const [i, { role }] of keyed.entries()) order.set(role, (i + 0.5) / keyed.length);
    row.splice(0, row.length, ...keyed.map((x) => x.role));
  }
  const boxWidth = (role: string) => Math.max(96, role.length * CHAR_WIDTH + 24);
  const rowWidth = (row: string[]) => row.reduce((sum, r) => sum + boxWidth(r), 0) + COLUMN_GAP * Math.max(0, row.length - 1);
  const width = Math.max(200, ...rows.map((row) => (row ? rowWidth(row) : 0))) + 2 * MARGIN;
  const nodes: GraphNode[] = [];
  rows.forEach((row, d) => {
    if (!row) return;
    let x = (width - rowWidth(row)) / 2;
    for (const role of row) {
      nodes.push({ role, depth: d, x, y: MARGIN + d * (BOX_HEIGHT + ROW_GAP), width: boxWidth(role) });
      x += boxWidth(role) + COLUMN_GAP;
    }
  });
  const edges = [...policy.roles.values()].flatMap((r) => r.inherits.map((to) => ({ from: r.name, to })));
  return { nodes, edges, width, height: MARGIN * 2 + rows.length * BOX_HEIGHT + Math.max(0, rows.length - 1) * ROW_GAP };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The graph as inline SVG: a box per role, an arrow from each role to each role it inherits. */
export function roleGraphSvg(policy: Policy): string {
  const g = layoutRoleGraph(policy);
  const at = new Map(g.nodes.map((n) => [n.role, n]));
  const edges = g.edges.map(({ from, to }) => {
    const a = at.get(from)!;
    const b = at.get(to)!;
    // From the inheriting role's top edge to the inherited role's bottom edge.
    const [x1, y1, x2, y2] = [a.x + a.width / 2, a.y, b.x + b.width / 2, b.y + BOX_HEIGHT];
    return `<line class="inherits" data-from="${html(from)}" data-to="${html(to)}" x1="${round(x1)}" y1="${round(y1)}" x2="${round(x2)}" y2="${round(y2)}" marker-end="url(#rolegate-arrow)"><title>${html(from)} inherits ${html(to)}</title></line>`;
  });
  const nodes = g.nodes.map((n) => {
    const description = policy.roles.get(n.role)!.description;
    const title = description ? `${n.role}: ${description}` : n.role;
    return `<g class="role-node" data-role="${html(n.role)}"><title>${html(title)}</title><rect x="${round(n.x)}" y="${round(n.y)}" width="${round(n.width)}" height="${BOX_HEIGHT}" rx="6"></rect><text x="${round(n.x + n.width / 2)}" y="${round(n.y + BOX_HEIGHT / 2)}">${html(n.role)}</text></g>`;
  });
  return `<svg class="role-graph" role="img" aria-label="Role inheritance: an arrow points from a role to the role it inherits" width="${round(g.width)}" height="${round(g.height)}" viewBox="0 0 ${round(g.width)} ${round(g.height)}">
<defs><marker id="rolegate-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"></path></marker></defs>
${edges.join("\n")}
${nodes.join("\n")}
</svg>`;
}
