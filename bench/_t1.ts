import { loadPolicy } from "../src/core/policy/load.js";
import { Classifier } from "../src/core/classify.js";
import { evaluate } from "../src/core/evaluate.js";
import { formatDiagnostic } from "../src/core/diagnostics.js";
import * as S from "../bench/lib/scenario.js";
for (const g of [30, 300, 3000]) {
  const specs = S.globSpecs(g);
  const text = S.policyYaml(specs);
  let t = performance.now();
  const loaded = loadPolicy("p.yml", text, S.NOW);
  const tl = performance.now() - t;
  console.log(g, specs.length, new Set(specs.map(s=>s.glob)).size, "load ms", tl.toFixed(1), loaded.diagnostics.slice(0,5).map(formatDiagnostic));
  const policy = loaded.policy!;
  for (const n of [1000, 3000, 10000]) {
    const st = S.changeState(S.changedFiles(n));
    const c = new Classifier(policy);
    for (let i = 0; i < 3; i++) { t = performance.now(); const r = evaluate(policy, st, c); const te = performance.now() - t; if (i==2) console.log("  files", n, "eval ms", te.toFixed(1), r.conclusion, r.title, r.requirements.map(q=>q.name+":"+q.selected.length+":"+q.approvals.have).join(" | ")); }
  }
}
