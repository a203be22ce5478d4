/**
 * A CPU profile of one scenario, taken in-process with the inspector (what `node --cpu-prof`
 * records), summarised by self time and by inclusive time per function.
 */
import { writeFileSync } from "node:fs";
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
  return `${name} ${file}:${f.lineNumber + 1}`;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  self: { fn: string; ms: number; share: number }[];
  inclusive: { fn: string; ms: number; share: number }[];
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

  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const node = byId.get(id)!;
    const own = label(node.callFrame);
    self.set(own, (self.get(own) ?? 0) + dt);
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
    inclusive: ranked(inclusive, (fn) => / src\//.test(fn)),
  };
}
