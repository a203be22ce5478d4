import { actionsOf } from "../../core/matrix.js";
import type { Policy } from "../../core/policy/types.js";
import { html } from "../../core/render/escape.js";

/** The form of the "who can do this?" box; the page's script answers it with the bundled core. */
export function whoCanSection(policy: Policy): string {
  const actions = actionsOf(policy)
    .map((a) => `<option value="${html(a)}">${html(a)}</option>`)
    .join("");
  return `<section id="who-can">
<h2>Who can do this?</h2>
<p>Type a path and choose an action: the page classifies the path and judges everyone the policy names exactly as <code>rolegate explain</code> does (no labels, not a draft), with the same reasons.</p>
<form class="filters" id="who-form" autocomplete="off">
<label>Path <input id="who-path" type="text" placeholder="k8s/prod/deploy.yaml" spellcheck="false" size="40"></label>
<label>Action <select id="who-action">${actions}</select></label>
<label>Target branch <input id="who-branch" type="text" value="main" spellcheck="false" size="16"></label>
</form>
<p id="who-file" class="status" aria-live="polite"></p>
<p id="who-note" class="note" hidden></p>
<h3>Allowed</h3>
<ul id="who-allowed" class="verdicts"></ul>
<details id="who-refused"><summary>Not allowed (<span id="who-not-allowed-count">0</span>)</summary>
<ul id="who-not-allowed" class="verdicts"></ul>
</details>
</section>`;
}
