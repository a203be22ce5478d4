/**
 * Section 4: webhook throughput and latency of the running app.
 *
 * This process runs the fake GitHub (test/fake-github, `validate: false`). The app runs as a
 * child process (`node dist/app/main.js`, as `npm start` does) and a second child process,
 * bench/load-generator.mjs, sends signed deliveries to it on 127.0.0.1 at a fixed rate.
 * Latency is delivery sent → the check run arriving at the fake; the app's own
 * "evaluated pull request" log lines give its `ms` too.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startFakeGitHub, type FakeGitHub } from "../../test/fake-github/index.js";
import { startCannedGitHub, type CannedGitHub } from "./canned-github.js";
import { appEnvironment, appKeys, freePort } from "../../test/helpers/processes.js";
import { globSpecs, policyYaml, teamMembers } from "./scenario.js";
import { profileTables, summarizeProfileFile, type ProfileSummary } from "./profile.js";
import { ms, section, table } from "./stats.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SECRET = "bench-webhook-secret";
const APP_ID = 1001;
const now = () => performance.timeOrigin + performance.now();

export interface LoadResult {
  text: string;
  summary: string[];
}

interface Delivery {
  id: string;
  event: string;
  body: string;
  key: string;
  pr: { owner: string; repo: string; number: number; installation: number };
}

interface GeneratorResult {
  results: { id: string; sentAt: number; answeredAt: number; status: number; error?: string }[];
  started: number;
  finished: number;
  cpuMs: number;
}

interface PhaseStats {
  app: string;
  phase: string;
  events: number;
  rate: number;
  evaluated: number;
  /** Check runs per second while they arrived: (evaluated − 1) ÷ (last − first check run). */
  throughput: number;
  /** evaluated ÷ (last check run − first delivery). */
  endToEnd: number;
  latency: Percentiles;
  response: Percentiles;
  logMs: Percentiles;
  windowMs: number;
  /** Check runs the fake received during the phase, by conclusion. */
  conclusions: string;
  /** When the phase ran, in ms since the app process started. */
  window: [number, number];
  failed: number;
  appCpu: number;
  fakeCpu: number;
  genCpu: number;
  /** Everything else the machine did meanwhile (other processes, the kernel). */
  otherCpu: number;
  rssPeakMb: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentiles; a delivery never evaluated counts as Infinity (slower than any). */
function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))]! : NaN);
  return { n: sorted.length, median: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}
type Percentiles = ReturnType<typeof percentiles>;

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineBusySeconds(): number {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return NaN;
  }
}

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

interface RunningApp {
  child: ChildProcess;
  /** When the process was started (about when a --cpu-prof profile starts). */
  spawnedAt: number;
  port: number;
  logMs: { at: number; ms: number }[];
  warnings: string[];
  errors: number;
  /** Reads the log lines written since the last call. */
  readLog: () => void;
  rssPeakKb: () => number;
  stop: () => Promise<void>;
}

async function startApp(
  label: string,
  entry: string,
  extraEnv: Record<string, string>,
  github: { url: string },
  keyPath: string,
  logFile: string,
  nodeArgs: string[] = [],
): Promise<RunningApp> {
  const port = await freePort();
  // The log goes to a file, as to a collector that always keeps up: a pipe this busy process
  // read late would block the app's synchronous log writes and slow it down.
  const logFd = openSync(logFile, "w");
  const spawnedAt = now();
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: ROOT,
    env: appEnvironment({ appId: APP_ID, keyPath, secret: SECRET, githubUrl: github.url, port, extra: extraEnv }),
    stdio: ["ignore", logFd, logFd],
  });
  closeSync(logFd);
  let offset = 0;
  let partial = "";
  const app: RunningApp = {
    child,
    spawnedAt,
    port,
    logMs: [],
    warnings: [],
    errors: 0,
    readLog: () => {
      const fd = openSync(logFile, "r");
      try {
        const chunk = Buffer.alloc(1 << 20);
        for (;;) {
          const n = readSync(fd, chunk, 0, chunk.length, offset);
          if (n <= 0) break;
          offset += n;
          const lines = (partial + chunk.toString("utf8", 0, n)).split("\n");
          partial = lines.pop() ?? "";
          for (const l of lines) onLine(l);
        }
      } finally {
        closeSync(fd);
      }
    },
    rssPeakKb: () => statusKb(child.pid!, "VmHWM"),
    // SIGINT: Probot's run() stops the server and exits, so --cpu-prof gets to write its profile.
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGINT");
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) {
        child.kill("SIGKILL");
        await Promise.race([exited, sleep(2000)]);
      }
    },
  };
  let early = "";
  const onLine = (line: string) => {
    if (early.length < 4000) early += line + "\n";
    if (!line.startsWith("{")) return;
    try {
      const j = JSON.parse(line) as { msg?: string; ms?: number; time?: number; level?: number; err?: { message?: string } };
      if (j.msg === "evaluated pull request" && typeof j.ms === "number") app.logMs.push({ at: j.time ?? now(), ms: j.ms });
      else if ((j.level ?? 0) >= 50) app.errors++;
      if ((j.level ?? 0) >= 40 && app.warnings.length < 5) app.warnings.push(`${j.msg ?? ""}${j.err?.message ? `: ${j.err.message}` : ""}`.slice(0, 300));
    } catch {
      /* not a log line */
    }
  };
  const until = Date.now() + 20_000;
  for (;;) {
    app.readLog();
    if (child.exitCode !== null) throw new Error(`${label} exited during start-up:\n${early}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: "GET" });
      if (res.status > 0) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) {
      await app.stop();
      app.readLog();
      throw new Error(`${label} did not listen within 20 s:\n${early}`);
    }
    await sleep(100);
  }
  return app;
}

/** API answers by status from the app's Prometheus endpoint, where the build has one. */
async function scrapeApiAnswers(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    if (res.status !== 200) return "";
    const byStatus = new Map<string, number>();
    // Route labels hold braces (`/repos/{owner}/...`), so take the status and the value separately.
    for (const line of (await res.text()).split("\n")) {
      if (!line.startsWith("rolegate_github_api_calls_total{")) continue;
      const status = /status="([^"]*)"/.exec(line)?.[1];
      const value = / (\d+(?:\.\d+)?)$/.exec(line)?.[1];
      if (status !== undefined && value !== undefined) byStatus.set(status, (byStatus.get(status) ?? 0) + Number(value));
    }
    return [...byStatus]
      .sort()
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ");
  } catch {
    return "";
  }
}

/**
 * Starts the load generator with its job and resolves once it has prepared every request;
 * `go()` then starts the clock. Handing over thousands of payloads is heavy work for this
 * process, which is also the fake GitHub: it must be done before the measurement starts.
 */
function generator(url: string, rate: number, deliveries: Delivery[], deadlineMs: number): Promise<{ go: () => Promise<GeneratorResult> }> {
  return new Promise((resolveReady, reject) => {
    const child = fork(join(ROOT, "bench", "load-generator.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let finished = false;
    let resolveDone: (r: GeneratorResult) => void = () => {};
    let rejectDone: (e: Error) => void = () => {};
    const done = new Promise<GeneratorResult>((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    child.on("message", (m: { ready?: boolean } & GeneratorResult) => {
      if (m.ready)
        return resolveReady({
          go: () => {
            child.send({ go: true });
            return done;
          },
        });
      finished = true;
      resolveDone(m);
    });
    child.once("error", (e) => {
      reject(e);
      rejectDone(e);
    });
    child.once("exit", (code) => {
      if (finished) return;
      const e = new Error(`the load generator exited with ${code}`);
      reject(e);
      rejectDone(e);
    });
    child.send({ url, secret: SECRET, rate, deliveries: deliveries.map(({ id, event, body }) => ({ id, event, body })), deadlineMs, maxSockets: 512 });
  });
}

interface World {
  installations: number;
  /** Pull requests not yet used by a phase, per installation index. */
  next: number[];
}

const sha = (s: string) => createHash("sha1").update(s).digest("hex");
const org = (i: number) => `org-${String(i).padStart(4, "0")}`;
const installationId = (i: number) => 1000 + i;
/** Half the pull requests were approved by a DevOps engineer; alternating in every phase. */
const isReviewed = (installation: number, number: number) => (installation + number) % 2 === 0;

/** Installations, each with one repository, its policy, teams, permissions and pull requests. */
function setUpWorld(fake: FakeGitHub, installations: number, prsPerRepo: number): World {
  const s = fake.state;
  const specs = globSpecs(300);
  const people = new Set<string>(["olga", "omar", "ops-lead", "ops-contractor", "sre-lead", "dba-lead", "sec-lead", "ext-1", "ext-2", "dev-1"]);
  for (let i = 0; i < 44; i++) for (const x of ["a", "b"]) people.add(`user-${String(i).padStart(2, "0")}-${x}`);
  for (const logins of teamMembers("x").values()) for (const l of logins) people.add(l);
  for (let i = 0; i < installations; i++) {
    const owner = org(i);
    s.addInstallation({ id: installationId(i), account: owner });
    s.addRepo({ owner, name: "app", installationId: installationId(i) });
    s.setFile(owner, "app", "main", ".github/rolegate.yml", policyYaml(specs, owner));
    for (const [team, logins] of teamMembers(owner)) s.setTeam(owner, team.split("/")[1]!, logins);
    for (const p of people) s.setPermission(owner, "app", p, "write");
    for (let k = 1; k <= prsPerRepo; k++) {
      const svc = `svc-${String((i * 7 + k * 13) % 1500).padStart(4, "0")}`;
      const head = sha(`${owner}/app#${k}`);
      const reviewed = isReviewed(i, k);
      s.addPullRequest({
        owner,
        repo: "app",
        number: k,
        author: "ops-lead",
        base: { ref: "main" },
        head: { ref: `change-${k}`, sha: head },
        files: [
          ...Array.from({ length: 7 }, (_, f) => ({ filename: `services/${svc}/src/api/handlers/h${k}-${f}.ts`, status: "modified" as const })),
          { filename: `services/${svc}/deploy/staging/main.tf`, status: "modified" },
          { filename: ".github/workflows/build.yml", status: "modified" },
          { filename: `docs/guide/${svc}.md`, status: "added" },
        ],
        reviews: reviewed ? [{ user: "olga", state: "APPROVED", commit_id: head, submitted_at: new Date(Date.now() - 60_000).toISOString() }] : [],
      });
    }
  }
  return { installations, next: Array.from({ length: installations }, () => 1) };
}

/** `count` deliveries, round robin over installations, each for a pull request no phase used before. */
function deliveries(fake: FakeGitHub, w: World, count: number, tag: string): Delivery[] {
  const out: Delivery[] = [];
  const repoJson = new Map<number, Record<string, unknown>>();
  for (let n = 0; n < count; n++) {
    const i = n % w.installations;
    const number = w.next[i]!++;
    const owner = org(i);
    const pr = fake.pullRequestJson(owner, "app", number);
    let repository = repoJson.get(i);
    if (!repository) repoJson.set(i, (repository = fake.repositoryJson(owner, "app")));
    const head = (pr.head as { sha: string }).sha;
    const reviewed = isReviewed(i, number);
    const event = reviewed ? "pull_request_review" : "pull_request";
    const payload: Record<string, unknown> = {
      action: reviewed ? "submitted" : n % 4 === 1 ? "synchronize" : "opened",
      number,
      pull_request: pr,
      repository,
      installation: { id: installationId(i) },
      sender: { login: reviewed ? "olga" : "ops-lead", type: "User" },
    };
    if (reviewed)
      payload.review = { id: 1_000_000 + n, user: { login: "olga", type: "User" }, state: "approved", commit_id: head, submitted_at: new Date().toISOString() };
    out.push({
      id: `${tag}-${n}`,
      event,
      body: JSON.stringify(payload),
      key: `${owner}/app@${head}`,
      pr: { owner, repo: "app", number, installation: installationId(i) },
    });
  }
  return out;
}

async function phase(
  label: string,
  name: string,
  app: RunningApp,
  fake: FakeGitHub,
  posted: Map<string, number>,
  received: Map<string, number>,
  list: Delivery[],
  rate: number,
  drainMs: number,
): Promise<PhaseStats> {
  const gen = await generator(`http://127.0.0.1:${app.port}/api/github/webhooks`, rate, list, (list.length / rate) * 1000 + 60_000);
  // Let this process (the fake) finish the hand-over and collect its garbage before the clock starts.
  await sleep(1000);
  fake.resetCalls();
  const cpuApp0 = cpuSeconds(app.child.pid!);
  const cpuFake0 = process.cpuUsage();
  const busy0 = machineBusySeconds();
  const logFrom = app.logMs.length;
  let rssMax = 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, statusKb(app.child.pid!, "VmRSS"))), 200);
  // Keep the fake's call log from growing without bound during the phase.
  const trim = setInterval(() => fake.resetCalls(), 1000);
  const t0 = now();
  const results = await gen.go();
  // Wait (bounded) for the check runs of every delivery the app accepted.
  const until = now() + drainMs;
  while (now() < until && list.some((d) => !posted.has(d.key))) await sleep(50);
  const wall = (now() - t0) / 1000;
  clearInterval(sampler);
  clearInterval(trim);
  const conclusions = new Map(received);
  received.clear();
  const cpuFake = process.cpuUsage(cpuFake0);
  const busy = machineBusySeconds() - busy0;
  const byId = new Map(results.results.map((r) => [r.id, r]));
  const latency: number[] = [];
  const response: number[] = [];
  let failed = 0;
  let evaluated = 0;
  let firstPosted = Infinity;
  let lastPosted = -Infinity;
  for (const d of list) {
    const r = byId.get(d.id)!;
    if (r.status < 200 || r.status >= 300) failed++;
    else response.push(r.answeredAt - r.sentAt);
    const at = posted.get(d.key);
    if (at !== undefined && Number.isFinite(r.sentAt)) {
      evaluated++;
      latency.push(at - r.sentAt);
      firstPosted = Math.min(firstPosted, at);
      lastPosted = Math.max(lastPosted, at);
    } else latency.push(Infinity);
  }
  app.readLog();
  const logMs = app.logMs.slice(logFrom).map((x) => x.ms);
  return {
    app: label,
    phase: name,
    events: list.length,
    rate,
    evaluated,
    // The rate at which check runs were posted: equal to the offered rate when the app keeps up.
    throughput: evaluated > 1 ? (evaluated - 1) / ((lastPosted - firstPosted) / 1000) : evaluated / wall,
    endToEnd: evaluated > 0 ? evaluated / ((lastPosted - Math.min(...results.results.map((r) => r.sentAt).filter(Number.isFinite))) / 1000) : 0,
    latency: percentiles(latency),
    response: percentiles(response),
    logMs: percentiles(logMs),
    windowMs: wall * 1000,
    conclusions: [...conclusions]
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(", "),
    window: [t0 - app.spawnedAt, t0 + wall * 1000 - app.spawnedAt],
    failed,
    appCpu: (cpuSeconds(app.child.pid!) - cpuApp0) / wall,
    fakeCpu: (cpuFake.user + cpuFake.system) / 1e6 / wall,
    genCpu: results.cpuMs / 1000 / wall,
    otherCpu: Math.max(
      0,
      busy / wall - (cpuSeconds(app.child.pid!) - cpuApp0) / wall - (cpuFake.user + cpuFake.system) / 1e6 / wall - results.cpuMs / 1000 / wall,
    ),
    rssPeakMb: Math.max(rssMax, app.rssPeakKb()) / 1024,
  };
}

/** The Node flags `npm start` passes (package.json), so the bench runs the app as it ships. */
function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start.split(/\s+/);
  return start.slice(1).filter((a) => a.startsWith("--"));
}

export async function loadSection(opts: { quick: boolean; buildFailed?: string }): Promise<LoadResult> {
  if (opts.buildFailed) {
    const text = section("4. Webhook throughput and latency", `Skipped: \`npm run build\` ${opts.buildFailed}`);
    return { text, summary: ["Section 4 skipped: the build failed"] };
  }
  const installations = opts.quick ? 150 : 600;
  // The target rate, and a lower one to see latency when the app is not overloaded.
  const rate = opts.quick ? 50 : 200;
  const measured = opts.quick ? 250 : 1600;
  const lowRate = 50;
  const lowCount = opts.quick ? 0 : 400;
  const coldRate = opts.quick ? 50 : 60;
  type Phase = { name: string; count: number; rate: number; drainMs: number };
  const phases: Phase[] = [
    { name: "cold: 1 event per installation", count: installations, rate: coldRate, drainMs: 60_000 },
    ...(lowCount ? [{ name: `warm: ${lowCount} events`, count: lowCount, rate: lowRate, drainMs: 60_000 }] : []),
    { name: `warm: ${measured} events`, count: measured, rate, drainMs: 60_000 },
  ];
  const variants: { label: string; entry: string; env: Record<string, string>; profile?: boolean; phases: Phase[] }[] = [
    { label: "shipped: node dist/app/main.js", entry: join(ROOT, "dist", "app", "main.js"), env: {}, phases },
    // Sampling costs the process about a tenth of its CPU, so the shipped app runs unprofiled and
    // this diagnostic variant carries the profiler: its numbers are pessimistic.
    { label: "variant: throttling off, profiled", entry: join(ROOT, "bench", "app-variant.mjs"), env: { BENCH_THROTTLE: "off" }, profile: true, phases },
  ];
  // Every delivery is for a pull request no earlier one used.
  const perRepo = variants.reduce((n, v) => n + v.phases.reduce((m, ph) => m + Math.ceil(ph.count / installations), 0), 0);

  const keys = appKeys();
  const dir = mkdtempSync(join(tmpdir(), "rolegate-bench-app-"));
  const keyPath = join(dir, "app.pem");
  writeFileSync(keyPath, keys.privateKey);
  const fake = await startFakeGitHub({ validate: false, appPublicKey: keys.publicKey, preload: true });
  const stats: PhaseStats[] = [];
  const notes: string[] = [];
  let appProfile: { label: string; summary: ProfileSummary } | undefined;
  let canned: CannedGitHub | undefined;
  try {
    process.stderr.write(`  load: setting up ${installations} installations\n`);
    const world = setUpWorld(fake, installations, perRepo);
    // The fake keeps one request budget for everything; GitHub keeps one per installation
    // (at least 5,000 an hour), far above what any installation uses here.
    for (const r of [fake.state.rateLimit.core, fake.state.rateLimit.graphql]) r.limit = r.remaining = 1e9;
    // When did the check run for each head commit arrive? (First one counts.)
    const posted = new Map<string, number>();
    // Check runs by conclusion, per phase.
    const received = new Map<string, number>();
    const { PULL_REQUEST_QUERY } = (await import(pathToFileURL(join(ROOT, "dist", "github", "pull-request.js")).href)) as { PULL_REQUEST_QUERY: string };
    canned = await startCannedGitHub({
      upstream: fake.url,
      pullRequestQuery: PULL_REQUEST_QUERY,
      tokenFor: (id) => fake.installationToken(id),
      onCheckRun: (owner, repo, headSha, conclusion) => {
        const key = `${owner}/${repo}@${headSha}`;
        if (!posted.has(key)) posted.set(key, now());
        received.set(conclusion, (received.get(conclusion) ?? 0) + 1);
      },
    });

    for (const v of variants) {
      process.stderr.write(`  load: ${v.label}\n`);
      let rssPeak = NaN;
      let apiAnswers = "";
      const profDir = v.profile ? mkdtempSync(join(tmpdir(), "rolegate-bench-prof-")) : undefined;
      // BENCH_APP_NODE_ARGS (e.g. --trace-gc) and BENCH_KEEP_LOGS=1 are for investigating a run.
      const extraArgs = [...startFlags(), ...(process.env.BENCH_APP_NODE_ARGS ?? "").split(/\s+/).filter(Boolean)];
      const app = await startApp(v.label, v.entry, v.env, canned, keyPath, join(dir, `app-${variants.indexOf(v)}.log`), [
        ...extraArgs,
        ...(profDir ? ["--cpu-prof", "--cpu-prof-dir", profDir] : []),
      ]);
      try {
        for (const ph of v.phases) {
          const list = deliveries(fake, world, ph.count, `${stats.length}`);
          process.stderr.write(`  load: ${ph.name}: asking the fake for ${list.length} pull requests ahead\n`);
          await canned.prefetch(list.map((d) => d.pr));
          stats.push(await phase(v.label, ph.name, app, fake, posted, received, list, ph.rate, ph.drainMs));
        }
        rssPeak = app.rssPeakKb() / 1024;
        apiAnswers = await scrapeApiAnswers(app.port);
      } finally {
        await app.stop();
        app.readLog();
      }
      notes.push(
        `${v.label}: peak RSS (VmHWM) ${rssPeak.toFixed(0)} MB over its run; GitHub API answers by status (the app's /metrics, every attempt): ${apiAnswers || "not available"}; ${app.errors} error log lines${app.warnings.length ? `; first warnings: ${app.warnings.map((w) => JSON.stringify(w)).join(", ")}` : ""}.`,
      );
      if (profDir) {
        const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
        if (file) {
          const kept = join(tmpdir(), `rolegate-bench-app-${process.pid}.cpuprofile`);
          renameSync(join(profDir, file), kept);
          const warm = stats.filter((x) => x.app === v.label && x.phase.startsWith("warm")).map((x) => x.window);
          appProfile = { label: v.label, summary: summarizeProfileFile(kept, 12, (t) => warm.some(([a, b]) => t >= a && t <= b)) };
        } else notes.push(`${v.label}: no CPU profile was written (the app did not exit cleanly).`);
        rmSync(profDir, { recursive: true, force: true });
      }
    }
  } finally {
    if (canned)
      notes.push(
        `GitHub answers: ${canned.counts.canned} from memory, ${canned.counts.passedOn} passed on to the strict fake (tokens, blobs, first team and permission reads).`,
      );
    await canned?.close();
    await fake.close();
    if (process.env.BENCH_KEEP_LOGS) process.stderr.write(`  load: app logs kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }

  const lat = (v: number, s: PhaseStats) => (Number.isFinite(v) ? ms(v) : `> ${ms(s.windowMs)}`);
  const rows = stats.map((s) => [
    s.app,
    s.phase,
    `${s.rate}/s`,
    `${s.evaluated}/${s.events}${s.failed ? ` (${s.failed} failed)` : ""}`,
    s.conclusions,
    `${s.throughput.toFixed(s.throughput < 10 ? 2 : 0)}/s / ${s.endToEnd.toFixed(s.endToEnd < 10 ? 2 : 0)}/s`,
    `${lat(s.latency.median, s)} / ${lat(s.latency.p90, s)} / ${lat(s.latency.p99, s)} / ${lat(s.latency.max, s)}`,
    `${ms(s.logMs.median)} / ${ms(s.logMs.p99)}`,
    `${ms(s.response.median)} / ${ms(s.response.p99)}`,
    `${(s.appCpu * 100).toFixed(0)}% / ${(s.fakeCpu * 100).toFixed(0)}% / ${(s.genCpu * 100).toFixed(0)}% / ${(s.otherCpu * 100).toFixed(0)}%`,
    `${s.rssPeakMb.toFixed(0)} MB`,
  ]);
  const text = section(
    "4. Webhook throughput and latency of the running app",
    table(
      [
        "app",
        "phase",
        "offered",
        "evaluated",
        "check runs",
        "evaluated/s: steady / end to end",
        "delivery → check run p50 / p90 / p99 / max",
        "app log `ms` p50 / p99",
        "webhook answer p50 / p99",
        "CPU app / fake / load gen / rest",
        "app peak RSS",
      ],
      rows,
    ),
    [
      `The strict fake's request budget is raised for the load (it keeps one for all installations; GitHub keeps one per installation, at least 5,000 an hour, far above the < 100 calls an installation makes here). ${installations} installations (one organisation and repository each, the 300-glob 50-role policy, 15 teams); every delivery is for a different pull request of 10 files (7 service files, a staging Terraform file, a workflow, a doc) by a DevOps engineer; deliveries go round robin over the installations. Half are \`pull_request\` opened/synchronize without an approval (\`action_required\`, so the app also requests reviews), half \`pull_request_review\` submitted by another DevOps engineer (\`success\`); the check runs column counts what the fake received.`,
      `The load generator (bench/load-generator.mjs, a second process) sends signed deliveries on 127.0.0.1 at a fixed rate (open loop) over a keep-alive pool; GitHub is answered in the bench process by canned answers (bench/lib/canned-github.ts: the strict fake's own answers, asked ahead of each phase and served from memory; check runs and review requests answered and recorded there), the app in a third. All three share the machine's two cores. CPU: per process, in % of one core, over the phase (100% = one core busy); rest = whatever else the machine ran meanwhile (other processes, the kernel), from /proc/stat.`,
      'delivery → check run: from sending the delivery to GitHub (the canned answers) receiving `POST /check-runs` for that pull request\'s head commit; a delivery whose check run did not arrive within the phase\'s window counts as slower than the window ("> …"). evaluated/s: steady = the rate at which check runs arrived ((evaluated − 1) ÷ (last − first check run)), which equals the offered rate when the app keeps up; end to end = evaluated ÷ (last check run − first delivery), which also counts the time to the first check run. app log `ms`: the app\'s own "evaluated pull request" line (judge + post). webhook answer: Probot answers a delivery when its handler has finished (including the review request), or 202 after 9 s.',
      "cold: the first event of each installation (installation token, 15 team member lists, write access and the policy are fetched, and the policy is parsed). warm: caches filled.",
      `Throttling (src/app/throttle.ts, as shipped): Probot's throttling plugin, keyed per installation, starts writes (the check run, a review request) at least 1 s apart per installation, as GitHub's secondary limits ask; GraphQL queries go past that write queue (they are reads; GitHub limits them by points). An installation can therefore take about one evaluation a second, and GitHub's own limit (5,000–15,000 requests an hour per installation) is lower still: the load is spread over ${installations} installations (one event per installation every ${(installations / rate).toFixed(0)} s), as an app installed in many organisations sees it. The variant (bench/app-variant.mjs) is the same built app with throttling off and a CPU profiler attached: rolegate's own cost and where it goes, not how it ships.`,
      ...notes,
    ],
  );
  let profileText = "";
  if (appProfile) {
    const p = appProfile.summary;
    profileText = [
      `\n## Profile: the app process under load (${appProfile.label}, warm phases)\n`,
      `\`node --cpu-prof\` on the app process; only the samples taken during the warm phases are counted here: ${ms(p.totalMs)} of CPU (idle excluded). The raw profile (whole run, cold phase included) is ${p.file}.\n`,
      profileTables(p, { areas: true, self: true, inclusive: true }),
    ].join("\n");
    process.stdout.write(profileText);
  }
  // Every warm phase.
  const last = stats.filter((s) => !s.phase.startsWith("cold"));
  const summary = last.map((s) => {
    const sustained = s.evaluated === s.events && s.throughput >= 0.98 * s.rate;
    const rateText = s.phase.startsWith("burst")
      ? `${s.endToEnd.toFixed(2)} evaluated events/s end to end`
      : `${s.throughput.toFixed(s.throughput < 10 ? 2 : 0)} evaluated events/s steady`;
    const head = `${s.app} (${s.phase}): ${rateText} at ${s.rate}/s offered, ${s.evaluated}/${s.events} evaluated`;
    const tail = `delivery → check run p50 ${lat(s.latency.median, s)}, p99 ${lat(s.latency.p99, s)}, peak RSS ${s.rssPeakMb.toFixed(0)} MB`;
    if (s.rate < 200 && !s.phase.startsWith("burst"))
      return `${head} (${sustained ? "kept up" : "did not keep up"}; below the target rate, for comparison), ${tail}`;
    return `${head} (target ≥ 200/s: ${sustained && s.rate >= 200 ? "met" : "MISSED"}), ${tail} (target p99 < 250 ms: ${s.latency.p99 < 250 ? "met" : "MISSED"})`;
  });
  return { text: text + profileText, summary };
}
