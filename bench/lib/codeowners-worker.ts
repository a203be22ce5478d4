/**
 * The baseline, in its own process so its memory (the `ignore` package caches every path it
 * tested, per pattern) cannot slow down rolegate's measurements: resolves every counted path
 * of a change with `codeowners`' getOwner against an equivalent CODEOWNERS file.
 */
import { createRequire } from "node:module";
import { changedFiles, countedPaths } from "./scenario.js";

const require = createRequire(import.meta.url);
const Codeowners = require("codeowners") as new (dir: string) => { getOwner(path: string): string[] };

export interface BaselineJob {
  dir: string;
  files: number;
  /** Above this estimated time for one full run, measure a stride sample and scale up. */
  fullRunLimitMs: number;
  sampleSize: number;
  budgetMs: number;
  minRuns: number;
  maxRuns: number;
}

export interface BaselineResult {
  construct: number[];
  resolve: number[];
  /** Paths resolved per run, and how many the change counts (equal unless sampled). */
  resolved: number;
  counted: number;
  stride: number;
  owners: string[];
}

function run(job: BaselineJob): BaselineResult {
  const all = countedPaths(changedFiles(job.files));
  // Warm-up on a slice, which also estimates what a full run costs.
  const probe = all.slice(0, Math.min(500, all.length));
  let t = performance.now();
  const warm = new Codeowners(job.dir);
  for (const p of probe) warm.getOwner(p);
  const estimate = ((performance.now() - t) * all.length) / probe.length;
  const stride = estimate > job.fullRunLimitMs ? Math.ceil(all.length / job.sampleSize) : 1;
  const paths = stride === 1 ? all : all.filter((_, i) => i % stride === 0);
  const construct: number[] = [];
  const resolve: number[] = [];
  let owners: string[] = [];
  const start = performance.now();
  while (resolve.length < job.maxRuns && (resolve.length < job.minRuns || performance.now() - start < job.budgetMs)) {
    // A fresh instance per run, as a tool judging one pull request would have: the package
    // caches answers per path, and a new pull request brings new paths.
    t = performance.now();
    const co = new Codeowners(job.dir);
    construct.push(performance.now() - t);
    t = performance.now();
    owners = paths.map((p) => co.getOwner(p).join(" "));
    resolve.push(performance.now() - t);
  }
  return { construct, resolve, resolved: paths.length, counted: all.length, stride, owners };
}

process.once("message", (job: BaselineJob) => {
  process.send!(run(job), () => process.exit(0));
});
