import type { Member, Policy } from "../../core/policy/types.js";
import { html } from "../../core/render/escape.js";
import { roleGraphSvg } from "./graph.js";

function memberText(m: Member): string {
  const limits = [
    m.environments ? `in ${m.environments.join(", ")}` : "",
    m.paths ? `for ${m.paths.map((g) => g.source).join(", ")}` : "",
    m.expires ? `until ${m.expires}` : "",
  ];
  const said = limits.filter((l) => l !== "");
  return said.length > 0 ? `${m.display} (${said.join("; ")})` : m.display;
}

/** The inheritance graph and, for each role, what it is and who holds it directly. */
export function rolesSection(policy: Policy): string {
  const items = [...policy.roles.values()].map((r) => {
    const facts = [
      r.inherits.length > 0 ? `inherits ${r.inherits.join(", ")}` : "",
      r.members.length > 0 ? `members: ${r.members.map(memberText).join(", ")}` : "no members of its own",
    ].filter((f) => f !== "");
    return `<dt data-role="${html(r.name)}">${html(r.name)}</dt>
<dd>${r.description ? `${html(r.description)}<br>` : ""}<small>${html(facts.join("; "))}</small></dd>`;
  });
  return `<section id="roles">
<h2>Roles and inheritance</h2>
<p>An arrow points from a role to the role it inherits: a role has everything the roles it inherits have, grants and denies alike.</p>
<div class="graph">${roleGraphSvg(policy)}</div>
<dl class="roles">
${items.join("\n")}
</dl>
</section>`;
}
