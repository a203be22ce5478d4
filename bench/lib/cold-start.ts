/**
 * Section 5: cold processes, as a user or a workflow starts them. Every figure is the median of
 * several fresh processes, wall clock from spawning to exit (for the Action: to its first API
 * request), the variants of one table interleaved round by round so that a disturbance on the
 * shared machine hits them alike.
 *
 *   a. `rolegate check --files …` (3,000 files, the 300-glob policy of section 1) against a
 *      command built on the `codeowners` package resolving the same 3,000 paths, whole process
 *      to whole process; with the variants that show what the bundle and the V8 budget bring.
 *   b. The Action's bundle (dist-action/index.mjs): process start to its first request to a
 *      local HTTP server standing in for GitHub.
 *   c. `rolegate --help` and `--version`, against Node's own start (`node -e 0`).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { changedPaths, codeownersText, globSpecs, policyYaml, teamMembers } from "./scenario.js";
import { ms, section, spread, summarize, table, type Summary } from "./stats.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FILES = 3000;
const GLOBS = 300;

export interface ColdStartResult {
  text: string;
  summary: string[];
}

/** CPU time (user + system, ms) of this process's finished children, from /proc (Linux); undefined elsewhere. */
const childCpu = (() => {
  if (!existsSync("/proc/self/stat")) return () => undefined;
  let hz = 100;
  try {
    hz = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    /* the usual Linux value */
  }
  return () => {
    // After the command name (which may hold spaces) comes field 3; cutime and cstime are fields 16 and 17.
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / hz;
  };
})();

interface Variant {
  name: string;
  argv: string[];
  cwd: string;
}

interface Timed {
  wall: Summary;
  cpu?: Summary;
  /** stdout of the last run, to check the work was done. */
  stdout: string;
  status: number | null;
}

/** Runs each variant once per round (after one untimed round that warms the file cache). */
function timeRounds(variants: readonly Variant[], rounds: number): Map<string, Timed> {
  const walls = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const cpus = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const last = new Map<string, { stdout: string; status: number | null }>();
  for (let round = 0; round <= rounds; round++) {
    for (const v of variants) {
      const cpuBefore = childCpu();
      const t = performance.now();
      const r = spawnSync(process.execPath, v.argv, { cwd: v.cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: "" } });
      const wall = performance.now() - t;
      const cpuAfter = childCpu();
      if (r.error) throw r.error;
      last.set(v.name, { stdout: r.stdout, status: r.status });
      if (round === 0) continue;
      walls.get(v.name)!.push(wall);
      if (cpuBefore !== undefined && cpuAfter !== undefined) cpus.get(v.name)!.push(cpuAfter - cpuBefore);
    }
  }
  return new Map(
    variants.map((v) => {
      const c = cpus.get(v.name)!;
      return [v.name, { wall: summarize(walls.get(v.name)!), cpu: c.length ? summarize(c) : undefined, ...last.get(v.name)! }];
    }),
  );
}

/** The V8 flag bin/rolegate.js sets, read from it so the variants cannot drift from what ships. */
function shippedV8Flags(): string {
  const m = /setFlagsFromString\("([^"]+)"\)/.exec(readFileSync(join(ROOT, "bin", "rolegate.js"), "utf8"));
  return m?.[1] ?? "";
}

/** Does codeowners' owner for a path match a category or environment rolegate found (or both found none)? */
function agreement(rolegateJson: string, codeownersOut: string): { agree: number; compared: number } {
  const files = (JSON.parse(rolegateJson) as { files: { path: string; categories: string[]; environments?: string[] }[] }).files;
  const owners = new Map(
    codeownersOut
      .trim()
      .split("\n")
      .map((line) => {
        const [path, owner = ""] = line.split(" ");
        return [path!, owner.replace(/^@acme\//, "")];
      }),
  );
  let agree = 0;
  for (const f of files) {
    const tags = new Set([...f.categories.filter((c) => c !== "other" && c !== "policy"), ...(f.environments ?? []).map((e) => `env-${e}`)]);
    const owner = owners.get(f.path) ?? "";
    if (owner === "" ? tags.size === 0 : tags.has(owner)) agree++;
  }
  return { agree, compared: files.length };
}

function checkAgainstCodeowners(dir: string, rounds: number): { text: string; summary: string[] } {
  const specs = globSpecs(GLOBS);
  writeFileSync(join(dir, "rolegate.yml"), policyYaml(specs));
  writeFileSync(join(dir, "CODEOWNERS"), codeownersText(specs));
  writeFileSync(join(dir, "teams.yml"), [...teamMembers()].map(([team, logins]) => `${team}: [${logins.join(", ")}]`).join("\n") + "\n");
  const files = changedPaths(FILES).join(",");
  const context = ["--teams", "teams.yml", "--author", "ops-lead", "--approved-by", "olga,dora,sec-1,sam", "--now", "2026-11-23T12:00:00Z", "--format", "json"];
  const checkArgs = ["check", "rolegate.yml", "--files", files, ...context];
  // Loads a CLI module directly: the variants without the bundle or without the V8 flag.
  writeFileSync(
    join(dir, "variant.mjs"),
    `const [entry, flags, ...args] = process.argv.slice(2);
if (flags) (await import("node:v8")).setFlagsFromString(flags);
const { main } = await import(entry);
process.exitCode = await main(args, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd(), env: process.env });
`,
  );
  const bundle = pathToFileURL(join(ROOT, "dist", "cli-bundle", "rolegate.mjs")).href;
  const unbundled = pathToFileURL(join(ROOT, "dist", "cli", "main.js")).href;
  const flags = shippedV8Flags();
  const SHIPPED = "rolegate check, as shipped (bin/rolegate.js: the bundle, V8 flag)";
  const CODEOWNERS = "codeowners package, same 3,000 paths (bench/lib/codeowners-cli.cjs)";
  const variants: Variant[] = [
    { name: SHIPPED, argv: [join(ROOT, "bin", "rolegate.js"), ...checkArgs], cwd: dir },
    { name: "rolegate check, the bundle without the V8 flag", argv: ["variant.mjs", bundle, "", ...checkArgs], cwd: dir },
    { name: "rolegate check, unbundled (dist/cli/main.js) with the V8 flag", argv: ["variant.mjs", unbundled, flags, ...checkArgs], cwd: dir },
    { name: CODEOWNERS, argv: [join(import.meta.dirname, "codeowners-cli.cjs"), "--files", files], cwd: dir },
    { name: "node -e 0 (Node's own start and exit)", argv: ["-e", "0"], cwd: dir },
  ];
  const timed = timeRounds(variants, rounds);
  const shipped = timed.get(SHIPPED)!;
  const baseline = timed.get(CODEOWNERS)!;
  for (const [name, t] of timed) if (t.status !== 0 && !name.startsWith("rolegate check")) throw new Error(`${name} exited with ${t.status}`);
  // The check concludes action_required (exit 1): the approvals do not cover every requirement.
  for (const [name, t] of timed)
    if (name.startsWith("rolegate check") && (t.status !== 1 || JSON.parse(t.stdout).files.length !== FILES))
      throw new Error(`${name} did not judge the change`);
  const { agree, compared } = agreement(shipped.stdout, baseline.stdout);
  const speedup = baseline.wall.median / shipped.wall.median;
  // CPU time hardly depends on what else the machine runs: the same ratio, less disturbed.
  const cpuSpeedup = shipped.cpu && baseline.cpu ? baseline.cpu.median / shipped.cpu.median : undefined;
  const rows = variants.map((v) => {
    const t = timed.get(v.name)!;
    return [v.name, `${spread(t.wall)} n=${t.wall.n}`, t.cpu ? ms(t.cpu.median) : "–", `${(baseline.wall.median / t.wall.median).toFixed(1)}×`];
  });
  const text = section(
    `5a. Whole process: rolegate check vs the codeowners package, ${FILES.toLocaleString("en")} files × ${GLOBS} globs`,
    table(["process", "wall: median (p10–p90)", "CPU median", "codeowners ÷ this"], rows),
    [
      "Wall clock from spawning the process to its exit, median over n rounds after one untimed round; in each round every process runs once, in this order. CPU = user + system time of the process (all its threads), from /proc, 10 ms resolution.",
      `rolegate check: \`rolegate check rolegate.yml --files <${FILES.toLocaleString("en")} paths> ${context.join(" ")}\` in a folder without git: read and validate the 300-glob, 50-role policy, read the teams file, judge the change, print the JSON result (exit 1: approvals missing).`,
      `codeowners: \`node bench/lib/codeowners-cli.cjs --files <the same paths>\` in the same folder: \`new Codeowners(cwd)\` reads the CODEOWNERS file with the same ${GLOBS} globs, then \`getOwner\` for every path, one line each on stdout. It judges nothing; rolegate also finds every category and environment and judges the change.`,
      `The two agree on ${agree} of ${compared} paths (codeowners' owner is a category or environment rolegate found, or neither found one).`,
      `The V8 flag is \`${flags}\`, set by bin/rolegate.js before any of rolegate's code is compiled.`,
    ],
  );
  return {
    text,
    summary: [
      `Whole process, ${FILES.toLocaleString("en")} files × ${GLOBS} globs: rolegate check ${ms(shipped.wall.median)}, codeowners ${ms(baseline.wall.median)}: ${speedup.toFixed(1)}× faster (target ≥ 10×): ${speedup >= 10 ? "met" : "MISSED"}${cpuSpeedup !== undefined ? `; in CPU time ${ms(shipped.cpu!.median)} vs ${ms(baseline.cpu!.median)}, ${cpuSpeedup.toFixed(1)}×` : ""}`,
    ],
  };
}

/** The Action's bundle, started as a runner starts it, until its first request reaches "GitHub". */
async function actionColdStart(dir: string, rounds: number): Promise<{ text: string; summary: string[] }> {
  const bundle = join(ROOT, "dist-action", "index.mjs");
  let firstRequest: ((at: number, what: string) => void) | undefined;
  const server = createServer((req) => {
    firstRequest?.(performance.now(), `${req.method} ${req.url}`);
    firstRequest = undefined;
    // Never answered: the process is stopped once its first request has arrived.
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const eventPath = join(dir, "event.json");
  writeFileSync(
    eventPath,
    JSON.stringify({
      action: "opened",
      number: 1,
      pull_request: { number: 1, base: { ref: "main" }, head: { sha: "a".repeat(40) } },
      repository: { name: "app", owner: { login: "acme" } },
    }),
  );
  for (const f of ["summary.md", "output.txt"]) writeFileSync(join(dir, f), "");
  const env = {
    PATH: process.env.PATH ?? "",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: "pull_request_target",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: "acme/app",
    GITHUB_API_URL: url,
    GITHUB_GRAPHQL_URL: `${url}/graphql`,
    GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
    GITHUB_OUTPUT: join(dir, "output.txt"),
    RUNNER_TEMP: dir,
    INPUT_TOKEN: "ghp_bench",
  };
  const samples: number[] = [];
  let what = "";
  try {
    for (let round = 0; round <= rounds; round++) {
      const started = performance.now();
      const child = spawn(process.execPath, [bundle], { env, stdio: "ignore" });
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      const arrived = await Promise.race([
        new Promise<number>((resolve) => {
          firstRequest = (at, request) => {
            what = request;
            resolve(at);
          };
        }),
        exited.then(() => Number.NaN),
        new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), 30_000)),
      ]);
      child.kill("SIGKILL");
      await exited;
      server.closeAllConnections();
      if (Number.isNaN(arrived)) throw new Error("the Action bundle exited or stalled before its first request");
      if (round > 0) samples.push(arrived - started);
    }
  } finally {
    firstRequest = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  const s = summarize(samples);
  const size = readFileSync(bundle).length;
  const text = section(
    "5b. The Action's cold start",
    table(["process", "spawn → first API request: median (p10–p90)"], [["node dist-action/index.mjs", `${spread(s)} n=${s.n}`]]),
    [
      `The committed bundle (${(size / 1024).toFixed(0)} KiB), with the environment a runner sets for a \`pull_request_target\` event, against a local HTTP server that records when the first request arrives (\`${what}\`) and never answers; the process is then stopped. One untimed round first.`,
    ],
  );
  return { text, summary: [`The Action bundle's cold start (spawn → first API request): ${ms(s.median)} median`] };
}

function helpStartup(dir: string, rounds: number): { text: string; summary: string[] } {
  const variants: Variant[] = [
    { name: "rolegate --help", argv: [join(ROOT, "bin", "rolegate.js"), "--help"], cwd: dir },
    { name: "rolegate --version", argv: [join(ROOT, "bin", "rolegate.js"), "--version"], cwd: dir },
    { name: "node -e 0", argv: ["-e", "0"], cwd: dir },
  ];
  const timed = timeRounds(variants, rounds);
  const floor = timed.get("node -e 0")!.wall.median;
  const help = timed.get("rolegate --help")!;
  const text = section(
    "5c. The CLI's start: --help",
    table(
      ["process", "wall: median (p10–p90)", "CPU median", "above node -e 0"],
      variants.map((v) => {
        const t = timed.get(v.name)!;
        return [v.name, `${spread(t.wall)} n=${t.wall.n}`, t.cpu ? ms(t.cpu.median) : "–", v.name === "node -e 0" ? "–" : ms(t.wall.median - floor)];
      }),
    ),
    ["bin/rolegate.js as installed; `--help` and `--version` load the command table and the help texts only (test/cli/lazy-load.test.ts checks that)."],
  );
  return { text, summary: [`rolegate --help: ${ms(help.wall.median)} median, ${ms(help.wall.median - floor)} above Node's own start`] };
}

export async function coldStartSection(opts: { quick: boolean; buildFailed?: string }): Promise<ColdStartResult> {
  if (opts.buildFailed) {
    const text = section("5. Cold processes", `Not measured: ${opts.buildFailed.split("\n")[0]}`);
    return { text, summary: ["Cold processes: not measured (the build failed)"] };
  }
  const dir = mkdtempSync(join(tmpdir(), "rolegate-bench-cold-"));
  try {
    const a = checkAgainstCodeowners(dir, opts.quick ? 3 : 9);
    process.stderr.write("  cold start: check vs codeowners done\n");
    const b = await actionColdStart(dir, opts.quick ? 5 : 15);
    process.stderr.write("  cold start: Action done\n");
    const c = helpStartup(dir, opts.quick ? 5 : 21);
    return { text: a.text + b.text + c.text, summary: [...a.summary, ...b.summary, ...c.summary] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
