import { describe, expect, it } from "vitest";
import { LocalGroup } from "../../src/app/local-limits.js";

// Time budget: well under a second. A virtual clock: sleeping advances it, nothing waits.

function virtualClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe("in-process throttling groups", () => {
  it("start one id's jobs at least minTime apart, one at a time, in order; other ids do not wait", async () => {
    const clock = virtualClock();
    const writes = new LocalGroup({ maxConcurrent: 1, minTime: 1000 }, 120_000, clock.now, clock.sleep);
    const started: string[] = [];
    const job = (name: string) => async () => void started.push(`${name}@${clock.now()}`);
    await Promise.all([
      writes.key("a").schedule({}, job("a1")),
      writes.key("a").schedule({}, job("a2")),
      writes.key("b").schedule({}, job("b1")),
      writes.key("a").schedule({}, job("a3")),
    ]);
    const a = started.filter((s) => s.startsWith("a"));
    expect(a.map((s) => s.split("@")[0])).toEqual(["a1", "a2", "a3"]);
    const times = a.map((s) => Number(s.split("@")[1]));
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1000);
    expect(started).toContain("b1@0");
  });

  it("run at most maxConcurrent jobs of one id at once, passing arguments and results through", async () => {
    const group = new LocalGroup({ maxConcurrent: 2 });
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const job = (n: number) =>
      new Promise<number>((done) => {
        running++;
        most = Math.max(most, running);
        releases.push(() => {
          running--;
          done(n * 10);
        });
      });
    const results = [1, 2, 3, 4, 5].map((n) => group.key("x").schedule({}, job, n));
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      releases.shift()?.();
    }
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50]);
    expect(most).toBe(2);
  });

  it("a failing job frees its slot and reports its error", async () => {
    const group = new LocalGroup({ maxConcurrent: 1 });
    await expect(
      group.key("x").schedule({}, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await group.key("x").schedule({}, async () => "next")).toBe("next");
  });
});
