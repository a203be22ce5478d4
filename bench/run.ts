/**
 * `npm run bench`: rolegate's performance against the alternatives (issue 7).
 *
 *   npm run bench                       all five sections (a few minutes on 2 cores)
 *   npm run bench -- --sections 1,2     only some sections (1 and 2 always run together)
 *   npm run bench -- --quick            smaller and shorter, for trying the bench itself
 *   npm run bench -- --no-build         use the existing dist/ instead of `npm run build` first
 *
 * Prints markdown tables (paste them into docs/performance.md) and a summary of the targets.
 * Not part of `npm test`. Only loopback addresses; every loop is bounded in count and time.
 */
import { execFileSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { coreSection, type CoreResult } from "./lib/core.js";
import { profile, profileTables } from "./lib/profile.js";
import { changedFiles, changeState } from "./lib/scenario.js";
import { spawnSync } from "node:child_process";
import { loadRolegateCore } from "./lib/rolegate.js";
import { apiCallsSection } from "./lib/api-calls.js";
import { loadSection, type LoadResult } from "./lib/load.js";
import { coldStartSection } from "./lib/cold-start.js";
import { ms } from "./lib/stats.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag("--quick");
const sections = new Set((value("--sections") ?? "1,2,3,4,5").split(",").map((s) => s.trim()));
if (sections.has("2")) sections.add("1");
if (sections.has("1")) sections.add("2");

function machine(): string {
  const model = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "unknown";
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    /* keep os.cpus() */
  }
  let revision = "unknown";
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.trim() !== "");
    revision = `${head}${dirty.length ? ` + uncommitted changes to ${dirty.map((l) => l.slice(3)).join(", ")}` : ""}`;
  } catch {
    /* not a git checkout */
  }
  return [
    `- rolegate: ${revision}`,
    `- CPU: ${model}, nproc ${nproc}`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${process.version} (${process.platform} ${process.arch})`,
    `- Load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
    `- Date: ${new Date().toISOString()}${quick ? " (--quick)" : ""}`,
  ].join("\n");
}

const started = performance.now();
process.stdout.write(`# rolegate benchmark\n\n${machine()}\n`);
const summary: string[] = [];

// One build for sections 1 (which measures the built core), 4 (which runs the built app) and 5 (the built CLI).
let built = flag("--no-build") ? "skipped (--no-build)" : "";
if (!flag("--no-build") && (sections.has("1") || sections.has("4") || sections.has("5"))) {
  process.stderr.write("  npm run build\n");
  const b = spawnSync("npm", ["run", "build"], { cwd: join(import.meta.dirname, ".."), encoding: "utf8" });
  built = b.status === 0 ? "ok" : `failed:\n${(b.stdout + b.stderr).slice(-2000)}`;
  if (b.status !== 0) process.stdout.write(`\n**npm run build ${built}**\n`);
}

let core: CoreResult | undefined;
if (sections.has("1")) {
  const rolegate = await loadRolegateCore(!built.startsWith("failed"));
  core = await coreSection({ quick, rolegate });
  const { Classifier, evaluate } = rolegate;
  const t = core.target;
  summary.push(
    `3,000 files × 300 globs: rolegate evaluate ÷ codeowners = ${t.ratio.toFixed(3)} (${t.speedup.toFixed(1)}× faster; target ≥ 20×): ${t.met ? "met" : "MISSED"}`,
  );
  const cell = core.cells.find((c) => c.globs === 300 && c.files === 3000)!;
  summary.push(
    `3,000 files × 300 globs: rolegate evaluate median ${ms(cell.evaluate.median)} (issue's expectation ≈ 7 ms), codeowners ${ms(cell.baseline.median)} (issue's expectation ≈ 140 ms)`,
  );
  const missed = t.growth.filter((g) => !g.met);
  summary.push(
    `10× more globs costs rolegate ${t.growth.map((g) => `${g.ratio.toFixed(1)}×`).join(", ")} (target < 3×): ${missed.length === 0 ? "met" : `MISSED in ${missed.length} of ${t.growth.length}`}`,
  );

  // Always: the absolute time matters as much as the ratio, and the src owner needs to know what dominates.
  {
    const policy = core.policies.get(300)!;
    const state = changeState(changedFiles(3000));
    const classifier = new Classifier(policy);
    const p = await profile(() => evaluate(policy, state, classifier), quick ? 1000 : 2500);
    process.stdout.write(
      [
        "\n## Profile: rolegate evaluate, 3,000 files × 300 globs\n",
        `Sampled with the inspector's CPU profiler (what \`node --cpu-prof\` records) over ${ms(p.totalMs)} of repeated evaluations; the raw profile is ${p.file} (open it in Chrome DevTools).\n`,
        profileTables(p, { self: true, inclusive: true }),
      ].join("\n"),
    );
  }
}

if (sections.has("3")) await apiCallsSection({ quick });

let load: LoadResult | undefined;
if (sections.has("4")) {
  load = await loadSection({ quick, buildFailed: built.startsWith("failed") ? built : undefined });
  summary.push(...load.summary);
}

if (sections.has("5")) {
  const cold = await coldStartSection({ quick, buildFailed: built.startsWith("failed") ? built : undefined });
  summary.push(...cold.summary);
}

process.stdout.write(
  `\n## Targets\n\n${summary.map((s) => `- ${s}`).join("\n")}\n\nBench finished in ${ms(performance.now() - started)}; load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}.\n`,
);
