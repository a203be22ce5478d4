/**
 * Sections 1 and 2: classification + full evaluation in the pure core, against the
 * `codeowners` package resolving the same paths with the same globs.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Classifier } from "../../src/core/classify.js";
import type { Policy } from "../../src/core/policy/types.js";
import type { RolegateCore } from "./rolegate.js";
import type { BaselineJob, BaselineResult } from "./codeowners-worker.js";
import { changedFiles, changeState, codeownersText, countedPaths, globSpecs, NOW, policyYaml } from "./scenario.js";
import { contention, measure, ms, ratio, section, spread, summarize, table, type Summary } from "./stats.js";

export interface CoreOptions {
  quick: boolean;
  rolegate: RolegateCore;
}

export interface CoreCell {
  globs: number;
  files: number;
  counted: number;
  evaluate: Summary;
  classify: Summary;
  baseline: Summary;
  baselineConstruct: Summary;
  /** 1 when the baseline resolved every path; otherwise it resolved every stride-th and was scaled up. */
  stride: number;
  agree: number;
  compared: number;
  disagreements: string[];
}

export interface CompileCell {
  globs: number;
  load: Summary;
  classifier: Summary;
  baselineConstruct: Summary;
}

export interface CoreResult {
  cells: CoreCell[];
  compile: CompileCell[];
  text: string;
  target: { ratio: number; speedup: number; met: boolean; growth: { ratio: number; met: boolean }[] };
  policies: Map<number, Policy>;
}

function baseline(job: BaselineJob): Promise<BaselineResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(import.meta.dirname, "codeowners-worker.ts"), [], {
      execArgv: ["--import", "tsx", "--max-old-space-size=6144"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let answered = false;
    child.once("message", (m) => {
      answered = true;
      resolve(m as BaselineResult);
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (!answered) reject(new Error(`the codeowners worker exited with ${code}`));
    });
    child.send(job);
  });
}

/** Does the codeowners answer (the last matching line's owner) agree with rolegate's tags for the path? */
function agrees(classifier: Classifier, path: string, owner: string): boolean {
  const c = classifier.classifyPath(path, []);
  const tags = new Set([...c.categories.filter((x) => x !== "other" && x !== "policy"), ...c.environments.map((e) => `env-${e}`)]);
  return owner === "" ? tags.size === 0 : tags.has(owner.replace(/^@acme\//, ""));
}

export async function coreSection(opts: CoreOptions): Promise<CoreResult> {
  const { Classifier, evaluate, loadPolicy, formatDiagnostic } = opts.rolegate;
  const globCounts = [30, 300, 3000];
  const fileCounts = opts.quick ? [1000, 3000] : [1000, 3000, 10_000];
  const cells: CoreCell[] = [];
  const compile: CompileCell[] = [];
  const policies = new Map<number, Policy>();
  const dirs: string[] = [];
  try {
    for (const g of globCounts) {
      const specs = globSpecs(g);
      const text = policyYaml(specs);
      const loaded = loadPolicy(".github/rolegate.yml", text, NOW);
      const errors = loaded.diagnostics.filter((d) => d.severity === "error");
      if (!loaded.policy || errors.length > 0)
        throw new Error(`generated policy (${g} globs) is invalid:\n${loaded.diagnostics.map(formatDiagnostic).join("\n")}`);
      const policy = loaded.policy;
      policies.set(g, policy);
      const dir = mkdtempSync(join(tmpdir(), "rolegate-bench-codeowners-"));
      dirs.push(dir);
      writeFileSync(join(dir, "CODEOWNERS"), codeownersText(specs));

      const load = summarize(
        measure(() => loadPolicy(".github/rolegate.yml", text, NOW), { warmup: 1, minRuns: 5, maxRuns: 15, budgetMs: opts.quick ? 500 : 1500 }),
      );
      const classifierBuild = summarize(measure(() => new Classifier(policy), { warmup: 3, minRuns: 20, maxRuns: 200, budgetMs: 300 }));
      let constructs: number[] = [];

      for (const n of fileCounts) {
        const state = changeState(changedFiles(n));
        const classifier = new Classifier(policy);
        const budget = opts.quick ? 1000 : 2000;
        const evaluateRuns = measure(() => evaluate(policy, state, classifier), { warmup: 1, minRuns: 3, maxRuns: 15, budgetMs: budget });
        const classifyRuns = measure(() => classifier.classify(state.files, state.targetBranch), { warmup: 1, minRuns: 3, maxRuns: 15, budgetMs: budget / 2 });
        const base = await baseline({
          dir,
          files: n,
          fullRunLimitMs: opts.quick ? 3000 : 8000,
          sampleSize: 500,
          budgetMs: opts.quick ? 2000 : 4000,
          minRuns: opts.quick ? 1 : 3,
          maxRuns: 7,
        });
        constructs = constructs.concat(base.construct);
        const scale = base.counted / base.resolved;
        const paths = countedPaths(state.files).filter((_, i) => i % base.stride === 0);
        let agree = 0;
        const disagreements: string[] = [];
        paths.forEach((p, i) => {
          if (agrees(classifier, p, base.owners[i] ?? "")) agree++;
          else if (disagreements.length < 3)
            disagreements.push(`${p}: codeowners ${base.owners[i] || "(none)"}, rolegate ${JSON.stringify(classifier.classifyPath(p, []))}`);
        });
        cells.push({
          globs: g,
          files: n,
          counted: base.counted,
          evaluate: summarize(evaluateRuns),
          classify: summarize(classifyRuns),
          baseline: summarize(base.resolve.map((t) => t * scale)),
          baselineConstruct: summarize(base.construct),
          stride: base.stride,
          agree,
          compared: paths.length,
          disagreements,
        });
        process.stderr.write(`  core: ${n} files × ${g} globs done\n`);
      }
      compile.push({ globs: g, load, classifier: classifierBuild, baselineConstruct: summarize(constructs) });
    }
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }

  const cell = (g: number, n: number) => cells.find((c) => c.globs === g && c.files === n);
  let text = "";

  // Section 1: per pull request.
  const rows = cells.map((c) => {
    const r = c.evaluate.median / c.baseline.median;
    const compileG = compile.find((x) => x.globs === c.globs)!;
    const cold = (compileG.load.median + compileG.classifier.median + c.evaluate.median) / (c.baselineConstruct.median + c.baseline.median);
    return [
      `${c.files.toLocaleString("en")} × ${c.globs.toLocaleString("en")}`,
      `${spread(c.evaluate)} n=${c.evaluate.n}`,
      `${spread(c.classify)} n=${c.classify.n}`,
      `${c.stride > 1 ? "≈" : ""}${spread(c.baseline)} n=${c.baseline.n}${c.stride > 1 ? ` (1/${c.stride} of paths, scaled)` : ""}`,
      `${ratio(c.evaluate.median, c.baseline.median)} (${(1 / r).toFixed(1)}× faster)`,
      ratio(cold, 1),
      `${c.agree}/${c.compared}`,
    ];
  });
  const notes1 = [
    "Times are per pull request: median (p10–p90) over n timed runs after a warm-up run, wall clock, one process.",
    `rolegate code measured: ${opts.rolegate.description}.`,
    "rolegate evaluate = `evaluate(policy, state, classifier)` with a compiled policy and a reused Classifier: classification of every counted path plus the full judgement (50 roles, 8 requirements, 100 reviews by 60 people, 15 teams, eligible-approver lists). The app builds a new Classifier per evaluation: add the `new Classifier` time of the table below.",
    "codeowners = `new Codeowners(dir)` (untimed, fresh per run, since the package caches per path) then `getOwner(path)` for every counted path, in a separate process; it only finds the last matching line's owner and judges nothing.",
    'ratio = rolegate evaluate ÷ codeowners, medians; "with compile" = (loadPolicy + new Classifier + evaluate) ÷ (new Codeowners + getOwner for every path).',
    "agree = counted paths where codeowners' owner is one of the categories/environments rolegate found (or both found none): the two resolve the same globs the same way.",
    "≈: one full codeowners run was estimated to take longer than the limit, so it resolved every k-th path and the time was multiplied by k.",
  ];
  for (const c of cells) for (const d of c.disagreements) notes1.push(`disagreement (${c.files}×${c.globs}): ${d}`);
  notes1.push(
    `CPU time ÷ wall time of rolegate's timed runs: ${(contention.cpuMs / contention.wallMs).toFixed(2)} (about 1 when the bench had a core to itself; well under 1 means another process took the CPU and the times are pessimistic).`,
  );
  text += section(
    "1. Classification + full evaluation vs codeowners (per pull request)",
    table(
      ["files × globs", "rolegate evaluate", "rolegate classify only", "codeowners getOwner, every path", "rolegate ÷ codeowners", "with compile", "agree"],
      rows,
    ),
    notes1,
  );
  text += section(
    "1b. Compile once per policy",
    table(
      ["globs", "loadPolicy (YAML, schema, model, lint)", "new Classifier", "new Codeowners (read + parse)"],
      compile.map((c) => [
        c.globs.toLocaleString("en"),
        `${spread(c.load)} n=${c.load.n}`,
        `${spread(c.classifier)} n=${c.classifier.n}`,
        `${spread(c.baselineConstruct)} n=${c.baselineConstruct.n}`,
      ]),
    ),
    ["The policies also carry 88 member path scopes (2 per team role), the same at every size; the CODEOWNERS files have exactly the listed number of lines."],
  );

  // Section 2: growth.
  const growth: string[][] = [];
  const targetGrowth: { ratio: number; met: boolean }[] = [];
  for (const g of globCounts) {
    const a = cell(g, fileCounts[0]!);
    const b = cell(g, fileCounts[fileCounts.length - 1]!);
    if (a && b)
      growth.push([
        `files ×${b.files / a.files} (${a.files.toLocaleString("en")} → ${b.files.toLocaleString("en")})`,
        `${g.toLocaleString("en")} globs`,
        `${ratio(b.evaluate.median, a.evaluate.median)}×`,
        `${ratio(b.baseline.median, a.baseline.median)}×`,
        "–",
      ]);
  }
  for (let i = 0; i + 1 < globCounts.length; i++) {
    for (const n of fileCounts) {
      const a = cell(globCounts[i]!, n);
      const b = cell(globCounts[i + 1]!, n);
      if (!a || !b) continue;
      const r = b.evaluate.median / a.evaluate.median;
      targetGrowth.push({ ratio: r, met: r < 3 });
      growth.push([
        `globs ×10 (${a.globs.toLocaleString("en")} → ${b.globs.toLocaleString("en")})`,
        `${n.toLocaleString("en")} files`,
        `${ratio(b.evaluate.median, a.evaluate.median)}×`,
        `${ratio(b.baseline.median, a.baseline.median)}×`,
        r < 3 ? "< 3×: met" : "< 3×: MISSED",
      ]);
    }
  }
  {
    const a = cell(globCounts[0]!, fileCounts[0]!);
    const b = cell(globCounts[1]!, fileCounts[fileCounts.length - 1]!);
    const c2 = cell(globCounts[1]!, fileCounts[0]!);
    const d = cell(globCounts[2]!, fileCounts[fileCounts.length - 1]!);
    if (a && b)
      growth.push([
        `both ×10 (${a.files}×${a.globs} → ${b.files}×${b.globs})`,
        "",
        `${ratio(b.evaluate.median, a.evaluate.median)}×`,
        `${ratio(b.baseline.median, a.baseline.median)}×`,
        "–",
      ]);
    if (c2 && d)
      growth.push([
        `both ×10 (${c2.files}×${c2.globs} → ${d.files}×${d.globs})`,
        "",
        `${ratio(d.evaluate.median, c2.evaluate.median)}×`,
        `${ratio(d.baseline.median, c2.baseline.median)}×`,
        "–",
      ]);
  }
  text += section("2. Growth (ratios of medians from section 1)", table(["growth", "at", "rolegate evaluate", "codeowners", "target (rolegate)"], growth), [
    "Linear in files is expected for both; the target is that 10× more globs cost rolegate less than 3× the time.",
  ]);

  const t = cell(300, 3000)!;
  const r = t.evaluate.median / t.baseline.median;
  return { cells, compile, text, target: { ratio: r, speedup: 1 / r, met: 1 / r >= 20, growth: targetGrowth }, policies };
}

export { ms };
