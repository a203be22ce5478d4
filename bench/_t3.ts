import { loadPolicy } from "../src/core/policy/load.js";
import { Classifier } from "../src/core/classify.js";
import { evaluate } from "../src/core/evaluate.js";
import * as S from "./lib/scenario.js";
const g = Number(process.argv[2] ?? 300), n = Number(process.argv[3] ?? 3000), reps = Number(process.argv[4] ?? 10);
const policy = loadPolicy("p.yml", S.policyYaml(S.globSpecs(g)), S.NOW).policy!;
const st = S.changeState(S.changedFiles(n));
const c = new Classifier(policy);
const cl: number[] = [], ev: number[] = [];
for (let i = 0; i < reps; i++) {
  let t = performance.now(); c.classify(st.files, "main"); cl.push(performance.now() - t);
  t = performance.now(); evaluate(policy, st, c); ev.push(performance.now() - t);
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!.toFixed(1);
console.log(g, n, "classify", med(cl), "evaluate", med(ev));
