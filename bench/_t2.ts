import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { loadPolicy } from "../src/core/policy/load.js";
import { Classifier } from "../src/core/classify.js";
import * as S from "./lib/scenario.js";
const require = createRequire(import.meta.url);
const Codeowners = require("codeowners");
for (const g of [30, 300, 3000]) {
  const specs = S.globSpecs(g);
  const dir = mkdtempSync(join(tmpdir(), "co-"));
  writeFileSync(join(dir, "CODEOWNERS"), S.codeownersText(specs));
  const policy = loadPolicy("p.yml", S.policyYaml(specs), S.NOW).policy!;
  for (const n of [1000, 3000, 10000]) {
    const files = S.changedFiles(n);
    const paths = files.map(f => f.path);
    let t = performance.now();
    const co = new Codeowners(dir);
    const tc = performance.now() - t;
    t = performance.now();
    let owned = 0;
    for (const p of paths) if (co.getOwner(p).length) owned++;
    const tg = performance.now() - t;
    const c = new Classifier(policy);
    c.classify(files, "main");
    t = performance.now();
    const cl = c.classify(files, "main");
    const tcl = performance.now() - t;
    const other = cl.filter(f => f.categories.length === 1 && f.categories[0] === "other" && f.environments.length === 0).length;
    console.log(g, n, "co construct", tc.toFixed(1), "getOwner", tg.toFixed(1), "owned", owned, "| rolegate classify", tcl.toFixed(1), "unowned", other, "counted", cl.length);
  }
}
