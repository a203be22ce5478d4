import { buildMatrix } from "../../core/matrix.js";
import type { Policy } from "../../core/policy/types.js";
import { html } from "../../core/render/escape.js";
import { emptyTeams, type TeamData } from "../../core/state.js";
import { EXPLORER_SCRIPT, EXPLORER_SCRIPT_SHA256 } from "../browser-script.generated.js";
import { explorerData } from "../data.js";
import { assertInlineSafe, jsonForScript } from "../embed.js";
import { principalsOf } from "../principals.js";
import { comparisonSection, type Comparison } from "./comparison.js";
import { matrixSection } from "./matrix.js";
import { rolesSection } from "./roles.js";
import { EXPLORER_CSS } from "./styles.js";
import { whoCanSection } from "./who-can.js";

export interface ExplorerPageInput {
  /** The policy as the CLI loaded it (its `extends` chain applied). */
  policy: Policy;
  /** The plain value that model was built from (`LoadedPolicy.parsed.value`); embedded as data. */
  value: unknown;
  /** Offline team membership from `--teams`; without it every team the policy names is unresolved. */
  teams?: TeamData;
  /** The clock the page judges by. */
  now: Date;
  comparison?: Comparison;
}

/**
 * The policy explorer: one self-contained HTML file (no network, no external script, style or
 * font). The matrix, role list and diff are plain HTML; the filters and the "who can do this?"
 * box are run by an inlined script, the pure core bundled for the browser, which rebuilds the
 * model from the embedded policy value. A Content-Security-Policy allows that one script (by
 * its hash) and nothing else, so even an escaping mistake could not run injected code.
 */
export function renderExplorerPage(input: ExplorerPageInput): string {
  const { policy } = input;
  const teams = input.teams ?? emptyTeams();
  const data = explorerData(policy.file, input.value, policy, input.now, input.teams);
  const script = assertInlineSafe(EXPLORER_SCRIPT, "the explorer script");
  const matrix = buildMatrix(policy);
  const logins = principalsOf(policy, teams).filter((p) => p.kind === "user");
  const unresolved = [...policy.teams].filter((t) => !teams.members.has(t));
  const teamNote = input.teams
    ? unresolved.length > 0
      ? `Teams missing from the teams file (unresolved, so every login is judged not allowed): ${unresolved.map((t) => `@${t}`).join(", ")}.`
      : "Team membership from the teams file."
    : policy.teams.size > 0
      ? "No teams file: the teams the policy names are unresolved, so the who-can box judges every login not allowed, as rolegate explain does (rolegate explore --teams FILE gives membership)."
      : "";
  const csp = `default-src 'none'; script-src 'sha256-${EXPLORER_SCRIPT_SHA256}'; style-src 'unsafe-inline'; img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rolegate policy explorer: ${html(policy.file)}</title>
<style>${EXPLORER_CSS}</style>
</head>
<body>
<header>
<h1>rolegate policy explorer</h1>
<p><code>${html(policy.file)}</code>: ${policy.roles.size} roles, ${policy.categories.length} categories (and the built-in policy and other), ${policy.environments.length} environments. Judged as of ${html(input.now.toISOString())}.</p>
${teamNote ? `<p class="note" id="team-note">${html(teamNote)}</p>` : ""}
<nav><a href="#matrix">Permission matrix</a><a href="#who-can">Who can do this?</a><a href="#roles">Roles and inheritance</a>${input.comparison ? `<a href="#diff">Comparison</a>` : ""}</nav>
<noscript><p>The filters and the who-can box need JavaScript; the tables are complete without it.</p></noscript>
</header>
<main>
${matrixSection(policy, matrix, logins)}
${whoCanSection(policy)}
${rolesSection(policy)}
${input.comparison ? comparisonSection(policy.file, input.comparison) : ""}
</main>
<script type="application/json" id="rolegate-data">${jsonForScript(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}
