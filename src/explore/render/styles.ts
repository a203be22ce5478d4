/** The page's whole style sheet: system fonts only, nothing fetched. */
export const EXPLORER_CSS = `
:root{color-scheme:light;--line:#d0d7de;--muted:#57606a;--yes:#e6f4ea;--no:#fce8e6;--partial:#fef7e0;--accent:#0969da}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:14px;line-height:1.45;margin:0;color:#1f2328;background:#fff}
header{padding:1rem 2rem;border-bottom:1px solid var(--line);background:#f6f8fa}
header h1{margin:0 0 .25rem;font-size:1.4rem}
header p{margin:0;color:var(--muted)}
nav{display:flex;gap:1rem;margin-top:.5rem}
nav a{color:var(--accent);text-decoration:none}
main{padding:0 2rem 2rem;max-width:120rem}
h2{margin-top:2rem;padding-bottom:.3rem;border-bottom:1px solid var(--line);font-size:1.2rem}
h3{margin:1.2rem 0 .4rem;font-size:1rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em;background:#f6f8fa;padding:0 .2em;border-radius:3px}
table{border-collapse:collapse;margin:.3rem 0 1rem}
th,td{border:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
thead th{background:#f6f8fa}
td.yes{background:var(--yes)}td.no{background:var(--no)}td.partial{background:var(--partial)}
tr.gain td{background:var(--yes)}tr.loss td{background:var(--no)}tr.partial td{background:var(--partial)}
tr.weakens td{background:var(--no)}tr.strengthens td{background:var(--yes)}
small,.description,.note{color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center;margin:.6rem 0;padding:.6rem .8rem;border:1px solid var(--line);border-radius:6px;background:#f6f8fa}
.filters label{display:flex;gap:.4rem;align-items:center;font-weight:600}
input,select{font:inherit;padding:.2rem .4rem;border:1px solid var(--line);border-radius:4px;background:#fff}
.status{min-height:1.4em;margin:.3rem 0}
.verdicts{list-style:none;padding:0;margin:.3rem 0}
.verdicts>li{border:1px solid var(--line);border-radius:6px;padding:.4rem .7rem;margin:.3rem 0}
.verdicts>li.allowed{border-left:4px solid #1a7f37}.verdicts>li.refused{border-left:4px solid #cf222e}
.verdicts .who{font-weight:600}.verdicts .kind{color:var(--muted);font-size:.9em;margin-left:.4rem}
.verdicts ol{margin:.3rem 0 0;padding-left:1.4rem;color:#3d444d}
.graph{overflow-x:auto;border:1px solid var(--line);border-radius:6px;padding:.4rem;background:#fbfcfd}
.role-graph rect{fill:#ddf4ff;stroke:#0969da;stroke-width:1.2}
.role-graph text{font-size:13px;text-anchor:middle;dominant-baseline:central;fill:#1f2328}
.role-graph line{stroke:#57606a;stroke-width:1.4}
.role-graph marker path{fill:#57606a}
dl.roles dt{font-weight:600;margin-top:.5rem}dl.roles dd{margin-left:1.2rem}
[hidden]{display:none!important}
`;
