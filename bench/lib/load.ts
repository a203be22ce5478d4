/**
 * Section 4: webhook throughput and latency of the running app.
 *
 * This process runs the fake GitHub (test/fake-github, `validate: false`). The app runs as a
 * child process (`node dist/app/main.js`, as `npm start` does) and a second child process,
 * bench/load-generator.mjs, sends signed deliveries to it on 127.0.0.1 at a fixed rate.
 * Latency is delivery sent → the check run arriving at the fake; the app's own
 * "evaluated pull request" log lines give its `ms` too.
 */
import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { startFakeGitHub, type FakeGitHub } from "../../test/fake-github/index.js";
import { globSpecs, policyYaml, teamMembers } from "./scenario.js";
import { ms, section, summarize, table } from "./stats.js";

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
  throughput: number;
  latency: ReturnType<typeof summarize> & { p99: number };
  response: ReturnType<typeof summarize> & { p99: number };
  logMs: ReturnType<typeof summarize> & { p99: number };
  failed: number;
  appCpu: number;
  fakeCpu: number;
  genCpu: number;
  rssPeakMb: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function p99(samples: number[]) {
  const s = summarize(samples);
  const sorted = [...samples].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1);
  return { ...s, p99: sorted.length ? sorted[Math.max(0, i)]! : NaN };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
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
  port: number;
  logMs: { at: number; ms: number }[];
  warnings: string[];
  errors: number;
  rssPeakKb: () => number;
  stop: () => Promise<void>;
}

async function startApp(label: string, entry: string, fake: FakeGitHub, keyPath: string): Promise<RunningApp> {
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      APP_ID: String(APP_ID),
      PRIVATE_KEY_PATH: keyPath,
      WEBHOOK_SECRET: SECRET,
      GHE_HOST: new URL(fake.url).host,
      GHE_PROTOCOL: "http",
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const app: RunningApp = {
    child,
    port,
    logMs: [],
    warnings: [],
    errors: 0,
    rssPeakKb: () => statusKb(child.pid!, "VmHWM"),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
  let early = "";
  const onLine = (line: string) => {
    if (early.length < 4000) early += line + "\n";
    if (!line.startsWith("{")) return;
    try {
      const j = JSON.parse(line) as { msg?: string; ms?: number; level?: number; err?: { message?: string } };
      if (j.msg === "evaluated pull request" && typeof j.ms === "number") app.logMs.push({ at: now(), ms: j.ms });
      else if ((j.level ?? 0) >= 50) app.errors++;
      if ((j.level ?? 0) >= 40 && app.warnings.length < 5) app.warnings.push(`${j.msg ?? ""}${j.err?.message ? `: ${j.err.message}` : ""}`.slice(0, 300));
    } catch {
      /* not a log line */
    }
  };
  createInterface({ input: child.stdout! }).on("line", onLine);
  createInterface({ input: child.stderr! }).on("line", onLine);
  const until = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited during start-up:\n${early}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: "GET" });
      if (res.status > 0) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) {
      await app.stop();
      throw new Error(`${label} did not listen within 20 s:\n${early}`);
    }
    await sleep(100);
  }
  return app;
}

function generate(url: string, rate: number, deliveries: Delivery[], deadlineMs: number): Promise<GeneratorResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(ROOT, "bench", "load-generator.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let answered = false;
    child.once("message", (m) => {
      answered = true;
      resolve(m as GeneratorResult);
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (!answered) reject(new Error(`the load generator exited with ${code}`));
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
      const reviewed = k % 2 === 0;
      s.addPullRequest({
        owner,
        repo: "app",
        number: k,
        author: "dev-1",
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
    const reviewed = number % 2 === 0;
    const event = reviewed ? "pull_request_review" : "pull_request";
    const payload: Record<string, unknown> = {
      action: reviewed ? "submitted" : number % 4 === 1 ? "opened" : "synchronize",
      number,
      pull_request: pr,
      repository,
      installation: { id: installationId(i) },
      sender: { login: reviewed ? "olga" : "dev-1", type: "User" },
    };
    if (reviewed) payload.review = { id: 1_000_000 + n, user: { login: "olga", type: "User" }, state: "approved", commit_id: head, submitted_at: new Date().toISOString() };
    out.push({ id: `${tag}-${n}`, event, body: JSON.stringify(payload), key: `${owner}/app@${head}` });
  }
  return out;
}

async function phase(label: string, name: string, app: RunningApp, fake: FakeGitHub, posted: Map<string, number>, list: Delivery[], rate: number, drainMs: number): Promise<PhaseStats> {
  fake.resetCalls();
  const cpuApp0 = cpuSeconds(app.child.pid!);
  const cpuFake0 = process.cpuUsage();
  const logFrom = app.logMs.length;
  let rssMax = 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, statusKb(app.child.pid!, "VmRSS"))), 200);
  // Keep the fake's call log from growing without bound during the phase.
  const trim = setInterval(() => fake.resetCalls(), 1000);
  const t0 = now();
  const gen = await generate(`http://127.0.0.1:${app.port}/api/github/webhooks`, rate, list, (list.length / rate) * 1000 + 60_000);
  // Wait (bounded) for the check runs of every delivery the app accepted.
  const until = now() + drainMs;
  while (now() < until && list.some((d) => !posted.has(d.key))) await sleep(50);
  const wall = (now() - t0) / 1000;
  clearInterval(sampler);
  clearInterval(trim);
  const cpuFake = process.cpuUsage(cpuFake0);
  const byId = new Map(gen.results.map((r) => [r.id, r]));
  const latency: number[] = [];
  const response: number[] = [];
  let failed = 0;
  let lastPosted = 0;
  for (const d of list) {
    const r = byId.get(d.id)!;
    if (r.status < 200 || r.status >= 300) failed++;
    else response.push(r.answeredAt - r.sentAt);
    const at = posted.get(d.key);
    if (at !== undefined && Number.isFinite(r.sentAt)) {
      latency.push(at - r.sentAt);
      lastPosted = Math.max(lastPosted, at);
    }
  }
  const firstSent = Math.min(...gen.results.map((r) => r.sentAt).filter(Number.isFinite));
  const logMs = app.logMs.slice(logFrom).map((x) => x.ms);
  return {
    app: label,
    phase: name,
    events: list.length,
    rate,
    evaluated: latency.length,
    throughput: latency.length / ((lastPosted - firstSent) / 1000),
    latency: p99(latency),
    response: p99(response),
    logMs: p99(logMs),
    failed,
    appCpu: (cpuSeconds(app.child.pid!) - cpuApp0) / wall,
    fakeCpu: (cpuFake.user + cpuFake.system) / 1e6 / wall,
    genCpu: gen.cpuMs / 1000 / wall,
    rssPeakMb: Math.max(rssMax, app.rssPeakKb()) / 1024,
  };
}

export async function loadSection(opts: { quick: boolean; build: boolean }): Promise<LoadResult> {
  if (opts.build) {
    process.stderr.write("  load: npm run build\n");
    const b = spawnSync("npm", ["run", "build"], { cwd: ROOT, encoding: "utf8" });
    if (b.status !== 0) {
      const text = section("4. Webhook throughput and latency", `Skipped: \`npm run build\` failed:\n\n\`\`\`\n${(b.stdout + b.stderr).slice(-2000)}\n\`\`\``);
      return { text, summary: ["Section 4 skipped: the build failed"] };
    }
  }
  const installations = opts.quick ? 150 : 600;
  const rate = opts.quick ? 100 : 200;
  const measured = opts.quick ? 500 : 2000;
  const coldRate = opts.quick ? 50 : 60;
  const perRun = Math.ceil(measured / installations) + 1;

  const keys = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  const dir = mkdtempSync(join(tmpdir(), "rolegate-bench-app-"));
  const keyPath = join(dir, "app.pem");
  writeFileSync(keyPath, keys.privateKey);
  const fake = await startFakeGitHub({ validate: false, appPublicKey: keys.publicKey, preload: true });
  const stats: PhaseStats[] = [];
  const notes: string[] = [];
  try {
    process.stderr.write(`  load: setting up ${installations} installations\n`);
    const world = setUpWorld(fake, installations, perRun * 2);
    // When did the check run for each head commit arrive? (First one counts.)
    const posted = new Map<string, number>();
    const runs = fake.state.checkRuns;
    const push = runs.push.bind(runs);
    runs.push = (...items) => {
      const t = now();
      for (const r of items) {
        const key = `${r.owner}/${r.repo}@${r.headSha}`;
        if (!posted.has(key)) posted.set(key, t);
      }
      return push(...items);
    };

    const variants = [
      { label: "shipped: node dist/app/main.js (throttling on)", entry: join(ROOT, "dist", "app", "main.js") },
      { label: "diagnostic: same app, Octokit throttling off", entry: join(ROOT, "bench", "app-unthrottled.mjs") },
    ];
    for (const v of variants) {
      process.stderr.write(`  load: ${v.label}\n`);
      const app = await startApp(v.label, v.entry, fake, keyPath);
      try {
        const cold = deliveries(fake, world, installations, `cold-${stats.length}`);
        stats.push(await phase(v.label, `cold: 1 event per installation`, app, fake, posted, cold, coldRate, 60_000));
        const warm = deliveries(fake, world, measured, `warm-${stats.length}`);
        stats.push(await phase(v.label, `warm: ${measured} events`, app, fake, posted, warm, rate, 60_000));
        const rssPeak = app.rssPeakKb() / 1024;
        notes.push(`${v.label}: peak RSS (VmHWM) ${rssPeak.toFixed(0)} MB over the whole run; ${app.errors} error log lines${app.warnings.length ? `; first warnings: ${app.warnings.map((w) => JSON.stringify(w)).join(", ")}` : ""}.`);
      } finally {
        await app.stop();
      }
    }
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const rows = stats.map((s) => [
    s.app.split(":")[0]!,
    s.phase,
    `${s.rate}/s`,
    `${s.evaluated}/${s.events}${s.failed ? ` (${s.failed} failed)` : ""}`,
    `${s.throughput.toFixed(0)}/s`,
    `${ms(s.latency.median)} / ${ms(s.latency.p90)} / ${ms(s.latency.p99)} / ${ms(s.latency.max)}`,
    `${ms(s.logMs.median)} / ${ms(s.logMs.p99)}`,
    `${ms(s.response.median)} / ${ms(s.response.p99)}`,
    `${(s.appCpu * 100).toFixed(0)}% / ${(s.fakeCpu * 100).toFixed(0)}% / ${(s.genCpu * 100).toFixed(0)}%`,
    `${s.rssPeakMb.toFixed(0)} MB`,
  ]);
  const text = section(
    "4. Webhook throughput and latency of the running app",
    table(["app", "phase", "offered", "evaluated", "evaluated/s", "delivery → check run p50 / p90 / p99 / max", "app log `ms` p50 / p99", "webhook answer p50 / p99", "CPU app / fake / load gen", "app peak RSS"], rows),
    [
      `${installations} installations (one organisation and repository each, the 300-glob 50-role policy, 15 teams); every delivery is for a different pull request of 10 files; deliveries go round robin over the installations. Half are \`pull_request\` opened/synchronize without approval (\`action_required\`, so the app also requests reviews), half \`pull_request_review\` submitted by a DevOps engineer (\`success\`).`,
      `The load generator (bench/load-generator.mjs, a second process) sends signed deliveries on 127.0.0.1 at a fixed rate (open loop) over a keep-alive pool; the fake GitHub (validate: false) runs in the bench process, the app in a third. All three share the machine's cores.`,
      "delivery → check run: from sending the delivery to the fake receiving `POST /check-runs` for that pull request's head commit. evaluated/s: check runs posted ÷ (last check run − first delivery). app log `ms`: the app's own \"evaluated pull request\" line (judge + post). webhook answer: the app answers a delivery after its handler finished (including the review request).",
      "cold: the first event of each installation (installation token, team members, write access and the policy are fetched and parsed). warm: caches filled.",
      "Probot's throttling plugin (@octokit/plugin-throttling) runs every write **and every GraphQL query** (a POST) through a per-installation queue at most one per second (GitHub's secondary rate limits). An evaluation makes a GraphQL query and then posts the check run, so with throttling on every evaluation waits about 1 s between the two, whatever the load; it is also why the load is spread over many installations (one event per installation every " +
        `${(installations / rate).toFixed(0)} s). The diagnostic run starts bench/app-unthrottled.mjs: the same built app with Octokit throttling disabled, to show the app's own cost; it is not how rolegate ships.`,
      ...notes,
    ],
  );
  const warm = stats.filter((s) => s.phase.startsWith("warm"));
  const summary = warm.map(
    (s) =>
      `${s.app}: ${s.throughput.toFixed(0)} evaluated events/s at ${s.rate}/s offered (target ≥ 200: ${s.throughput >= 195 && s.evaluated === s.events ? "met" : "MISSED"}), delivery → check run p99 ${ms(s.latency.p99)} (target < 250 ms: ${s.latency.p99 < 250 ? "met" : "MISSED"}), peak RSS ${s.rssPeakMb.toFixed(0)} MB`,
  );
  return { text, summary };
}
