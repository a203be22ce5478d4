/** Timing, summary statistics and plain-text tables for the benchmark. */

export interface Summary {
  n: number;
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
}

/** Linear-interpolated quantile of sorted samples. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), p10: quantile(s, 0.1), p90: quantile(s, 0.9), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

/**
 * Runs `fn` after `warmup` untimed runs until `minRuns` are done and `budgetMs` is spent,
 * or `maxRuns` are done. Returns the wall-clock time of every timed run, in ms.
 */
export function measure(fn: () => unknown, opts: { warmup?: number; minRuns?: number; maxRuns?: number; budgetMs?: number }): number[] {
  const { warmup = 1, minRuns = 3, maxRuns = 15, budgetMs = 3000 } = opts;
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  const start = performance.now();
  const cpu = process.cpuUsage();
  while (out.length < maxRuns && (out.length < minRuns || performance.now() - start < budgetMs)) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  contention.cpuMs += (used.user + used.system) / 1000;
  contention.wallMs += performance.now() - start;
  return out;
}

/**
 * CPU time this process used during timed runs, and the wall time they took. A ratio well
 * under 1 means the benchmark waited for a core (another process was busy): the times are
 * then pessimistic.
 */
export const contention = { cpuMs: 0, wallMs: 0 };

export function ms(v: number): string {
  if (!Number.isFinite(v)) return "–";
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

/** `median (p10–p90)` */
export function spread(s: Summary, fmt: (v: number) => string = ms): string {
  return s.n === 1 ? `${fmt(s.median)} (1 run)` : `${fmt(s.median)} (${fmt(s.p10)}–${fmt(s.p90)})`;
}

export function ratio(a: number, b: number): string {
  const r = a / b;
  if (!Number.isFinite(r)) return "–";
  return r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toFixed(3);
}

/** A GitHub-flavoured markdown table, padded so it reads well in a terminal too. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

/** Prints a section heading, its table and notes; returns the same text for the summary. */
export function section(title: string, body: string, notes: string[] = []): string {
  const text = `\n## ${title}\n\n${body}\n${notes.length ? "\n" + notes.map((n) => `- ${n}`).join("\n") + "\n" : ""}`;
  process.stdout.write(text);
  return text;
}
