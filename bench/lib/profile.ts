/**
 * A CPU profile of one scenario, taken in-process with the inspector (what `node --cpu-prof`
 * records), summarised by self time and by inclusive time per function.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = join(import.meta.dirname, "..", "..");

function label(f: CallFrame): string {
  const name = f.functionName || "(anonymous)";
  if (!f.url) return name;
  let file = f.url.replace(/^file:\/\//, "");
  file = file.startsWith(ROOT) ? relative(ROOT, file) : file.replace(/^.*node_modules\//, "node_modules/");
  // tsx strips line breaks from what it runs, so line numbers only mean something for .js files.
  return f.lineNumber > 0 ? `${name} ${file}:${f.lineNumber + 1}` : `${name} ${file}`;
}

export interface ProfileSummary {
  file: string;
  /** CPU time sampled (idle excluded). */
  totalMs: number;
  self: { fn: string; ms: number; share: number }[];
  inclusive: { fn: string; ms: number; share: number }[];
  areas: { fn: string; ms: number; share: number }[];
}

export async function profile(run: () => unknown, durationMs: number, top = 12): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  const until = performance.now() + durationMs;
  do run();
  while (performance.now() < until);
  const { profile: p } = (await session.post("Profiler.stop")) as unknown as { profile: CpuProfile };
  session.disconnect();
  const file = join(tmpdir(), `rolegate-bench-${process.pid}.cpuprofile`);
  writeFileSync(file, JSON.stringify(p));
  return summarizeProfile(p, file, top);
}

/** Where a function lives: rolegate's own code by folder, a package by name, or the runtime. */
export function areaOf(f: CallFrame): string {
  if (!f.url) return f.functionName === "(garbage collector)" ? "(garbage collector)" : f.functionName.startsWith("(") ? f.functionName : "(native)";
  const url = f.url.replace(/^file:\/\//, "");
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return "(node internals)";
  const own = /\/(?:src|dist)\/([^/]+)\//.exec(url);
  if (own && url.startsWith(ROOT)) return `rolegate ${own[1]}/`;
  return url.startsWith(ROOT) ? relative(ROOT, url) : url;
}

/** `during`: keep only samples taken at these times (ms since the profile started). */
export function summarizeProfile(p: CpuProfile, file: string, top = 12, during?: (msSinceStart: number) => boolean): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let elapsed = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    elapsed += dt;
    if (during && !during(elapsed)) return;
    const node = byId.get(id)!;
    // Time the process waited for something to do is not CPU time.
    if (node.callFrame.functionName === "(idle)") return;
    total += dt;
    const own = label(node.callFrame);
    self.set(own, (self.get(own) ?? 0) + dt);
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!.callFrame);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
    }
  });
  const ranked = (m: Map<string, number>, keep: (fn: string) => boolean) =>
    [...m]
      .filter(([fn]) => keep(fn))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, v]) => ({ fn, ms: v, share: v / total }));
  return {
    file,
    totalMs: total,
    self: ranked(self, () => true),
    // Inclusive time only for the project's own functions: that is where a fix would go.
    inclusive: ranked(inclusive, (fn) => / (src|dist)\//.test(fn)),
    areas: ranked(areas, () => true),
  };
}

export function summarizeProfileFile(file: string, top = 12, during?: (msSinceStart: number) => boolean): ProfileSummary {
  return summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, file, top, during);
}

export function profileTables(p: ProfileSummary, what: { self?: boolean; inclusive?: boolean; areas?: boolean }): string {
  const row = (x: { fn: string; share: number }) => `| ${(x.share * 100).toFixed(1)}% | \`${x.fn}\` |`;
  const out: string[] = [];
  if (what.areas) out.push("By code area (self time):\n", "| share | area |", "|---|---|", ...p.areas.map(row), "");
  if (what.self) out.push("Self time (where the CPU is):\n", "| share | function |", "|---|---|", ...p.self.map(row), "");
  if (what.inclusive)
    out.push("Inclusive time of rolegate's own functions (what a fix would change):\n", "| share | function |", "|---|---|", ...p.inclusive.map(row), "");
  return out.join("\n");
}
