import { randomUUID } from "node:crypto";

/**
 * What replicas share: short-lived values (team membership, write access) and per-pull-request
 * locks. In one process it lives in memory; with REDIS_URL it lives in Redis, so N stateless
 * replicas behave as one.
 */
export interface SharedStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Take the lock if free; true when taken. It expires after ttlMs if its holder dies. */
  acquire(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Release the lock only if this token still holds it. */
  release(key: string, token: string): Promise<void>;
  /** Extend the lock only if this token still holds it; false when it was lost (expired, or taken by another). */
  extend(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Plan work for a moment (ms since the epoch); planning the same id again moves it. */
  schedule(id: string, at: number, value: string): Promise<void>;
  /** Planned work due by `now`, earliest first. */
  due(now: number, limit: number): Promise<{ id: string; value: string; at: number }[]>;
  unschedule(id: string): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class MemoryStore implements SharedStore {
  private readonly values = new Map<string, { value: string; expires: number }>();

  // Reads and writes are synchronous inside, so that acquire, release and extend are atomic as
  // Redis makes them: no other caller runs between their check and their write.
  private read(key: string): string | undefined {
    const e = this.values.get(key);
    if (!e) return undefined;
    if (e.expires <= Date.now()) {
      this.values.delete(key);
      return undefined;
    }
    return e.value;
  }
  private write(key: string, value: string, ttlMs: number): void {
    this.values.set(key, { value, expires: Date.now() + ttlMs });
    if (this.values.size > 100_000) this.values.delete(this.values.keys().next().value!);
  }
  async get(key: string): Promise<string | undefined> {
    return this.read(key);
  }
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.write(key, value, ttlMs);
  }
  async del(key: string): Promise<void> {
    this.values.delete(key);
  }
  async acquire(key: string, token: string, ttlMs: number): Promise<boolean> {
    if (this.read(key) !== undefined) return false;
    this.write(key, token, ttlMs);
    return true;
  }
  async release(key: string, token: string): Promise<void> {
    if (this.read(key) === token) this.values.delete(key);
  }
  async extend(key: string, token: string, ttlMs: number): Promise<boolean> {
    if (this.read(key) !== token) return false;
    this.write(key, token, ttlMs);
    return true;
  }
  private readonly planned = new Map<string, { at: number; value: string }>();
  async schedule(id: string, at: number, value: string): Promise<void> {
    this.planned.set(id, { at, value });
  }
  async due(now: number, limit: number): Promise<{ id: string; value: string; at: number }[]> {
    return [...this.planned]
      .filter(([, p]) => p.at <= now)
      .sort(([, a], [, b]) => a.at - b.at)
      .slice(0, limit)
      .map(([id, p]) => ({ id, ...p }));
  }
  async unschedule(id: string): Promise<void> {
    this.planned.delete(id);
  }
  async ping(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

export interface LockOptions {
  /** How long a lock outlives a holder that died (and the longest one evaluation may take). */
  ttlMs: number;
  pollMs: number;
}

/** The shared store did not answer: the caller must still judge, and never leave a stale success. */
export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`the shared store is unavailable (${(cause as Error)?.message ?? String(cause)})`, { cause });
  }
}

/** Whether the lock is still this holder's, checked (and extended) just before it acts. */
export type LockState = "held" | "lost" | "unknown";

export interface LockGuard {
  /** "lost": another holder has it, act on nothing; "unknown": the store did not answer. */
  check(): Promise<LockState>;
}

async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new StoreUnavailable(e);
  }
}

/**
 * One evaluation per pull request at a time across every replica. An event that finds the
 * lock taken leaves a "dirty" mark and waits: the holder re-runs when it sees the mark, so the
 * last evaluation always reads the newest state; if the holder dies, its lock expires and the
 * waiter runs the evaluation itself. The lock is fenced: it is extended and released only with
 * its token, and the task checks it still holds the lock before it posts, so an evaluation
 * that outlived its lock posts nothing. Throws `StoreUnavailable` when the store fails.
 */
export async function runExclusive(
  store: SharedStore,
  key: string,
  task: (guard: LockGuard) => Promise<void>,
  opts: LockOptions,
  onError: (e: unknown) => void,
): Promise<void> {
  const lock = `lock:${key}`;
  const dirty = `dirty:${key}`;
  const token = randomUUID();
  const guard: LockGuard = {
    check: async () => {
      try {
        return (await store.extend(lock, token, opts.ttlMs)) ? "held" : "lost";
      } catch {
        return "unknown";
      }
    },
  };
  await storeCall(() => store.set(dirty, token, opts.ttlMs * 2));
  const deadline = Date.now() + opts.ttlMs * 2 + 5_000;
  while (Date.now() < deadline) {
    if (await storeCall(() => store.acquire(lock, token, opts.ttlMs))) {
      let lost = false;
      try {
        // Consume the mark before each run; a mark left during the run asks for another.
        while ((await storeCall(() => store.get(dirty))) !== undefined) {
          await storeCall(() => store.del(dirty));
          try {
            await task(guard);
          } catch (e) {
            if (e instanceof StoreUnavailable) throw e;
            onError(e);
          }
          // Still ours? Then extend it for the next run. A lost lock means this run may have
          // posted nothing: ask for another evaluation and queue for the lock like any waiter.
          if (!(await storeCall(() => store.extend(lock, token, opts.ttlMs)))) {
            lost = true;
            await storeCall(() => store.set(dirty, token, opts.ttlMs * 2));
            break;
          }
        }
      } finally {
        if (!lost) await store.release(lock, token).catch(() => {});
      }
      // A mark set between the last check and the release is picked up by its own waiter.
      if (!lost) return;
      continue;
    }
    if ((await storeCall(() => store.get(dirty))) === undefined) return; // the holder took our request
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
  onError(new Error(`gave up waiting for the evaluation lock of ${key}`));
}
