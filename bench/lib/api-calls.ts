/** Section 3: GitHub API calls per event (runs bench/lib/api-calls-worker.ts in a child process). */
import { fork } from "node:child_process";
import { join } from "node:path";
import type { CallCount } from "./api-calls-worker.js";
import { ms, section, table } from "./stats.js";

export async function apiCallsSection(opts: { quick: boolean }): Promise<{ text: string; counts: CallCount[] }> {
  const sizes = opts.quick ? [10, 100] : [10, 100, 3000];
  const counts = await new Promise<CallCount[]>((resolve, reject) => {
    const child = fork(join(import.meta.dirname, "api-calls-worker.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let answered = false;
    child.once("message", (m) => {
      answered = true;
      resolve(m as CallCount[]);
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (!answered) reject(new Error(`the API-call worker exited with ${code}`));
    });
    child.send(sizes);
  });
  const breakdown = (c: CallCount) =>
    Object.entries(c.byKind)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
  const rows: string[][] = [];
  for (const c of counts.filter((x) => x.cache === "cold")) {
    const warm = counts.find((x) => x.cache === "warm" && x.event === c.event && x.files === c.files)!;
    rows.push([
      c.event,
      c.files.toLocaleString("en"),
      c.conclusion ?? "–",
      String(c.total),
      String(warm.total),
      breakdown(c),
      breakdown(warm),
      `${ms(c.ms)} / ${ms(warm.ms)}`,
    ]);
  }
  const text = section(
    "3. GitHub API calls per event",
    table(["event", "files", "check", "cold", "warm", "cold: calls", "warm: calls", "time cold / warm"], rows),
    [
      "Counted with nock through `world` and `serve` from test/helpers/github-world.ts and a Probot built as its `probotWith` builds it (retries and throttling off); events delivered with `probot.receive`. The installation token request is counted too.",
      "cold = a new app (empty caches, no installation token); warm = the same event delivered again to the same app right after.",
      "Policy: 300 globs, 50 roles, 15 teams; 4 reviews (one by a user outside the policy, whose write access is looked up). GitHub lists 100 files per page (3,000 at most) and takes 50 annotations per request (rolegate posts at most 500).",
      "Time is wall clock through nock in one process, for orientation only.",
    ],
  );
  return { text, counts };
}
