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
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class MemoryStore implements SharedStore {
  private readonly values = new Map<string, { value: string; expires: number }>();

  async get(key: string): Promise<string | undefined> {
    const e = this.values.get(key);
    if (!e) return undefined;
    if (e.expires <= Date.now()) {
      this.values.delete(key);
      return undefined;
    }
    return e.value;
  }
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.values.set(key, { value, expires: Date.now() + ttlMs });
    if (this.values.size > 100_000) this.values.delete(this.values.keys().next().value!);
  }
  async del(key: string): Promise<void> {
    this.values.delete(key);
  }
  async acquire(key: string, token: string, ttlMs: number): Promise<boolean> {
    if ((await this.get(key)) !== undefined) return false;
    await this.set(key, token, ttlMs);
    return true;
  }
  async release(key: string, token: string): Promise<void> {
    if ((await this.get(key)) === token) this.values.delete(key);
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

/**
 * One evaluation per pull request at a time across every replica. An event that finds the
 * lock taken leaves a "dirty" mark and waits: the holder re-runs when it sees the mark, so the
 * last evaluation always reads the newest state; if the holder dies, its lock expires and the
 * waiter runs the evaluation itself. A stale evaluation can never be the last word.
 */
export async function runExclusive(
  store: SharedStore,
  key: string,
  task: () => Promise<void>,
  opts: LockOptions,
  onError: (e: unknown) => void,
): Promise<void> {
  const lock = `lock:${key}`;
  const dirty = `dirty:${key}`;
  const token = randomUUID();
  await store.set(dirty, token, opts.ttlMs * 2);
  const deadline = Date.now() + opts.ttlMs * 2 + 5_000;
  while (Date.now() < deadline) {
    if (await store.acquire(lock, token, opts.ttlMs)) {
      try {
        // Consume the mark before each run; a mark left during the run asks for another.
        while ((await store.get(dirty)) !== undefined) {
          await store.del(dirty);
          try {
            await task();
          } catch (e) {
            onError(e);
          }
          await store.set(lock, token, opts.ttlMs); // still ours: extend for the next run
        }
      } finally {
        await store.release(lock, token);
      }
      // A mark set between the last check and the release is picked up by its own waiter.
      return;
    }
    if ((await store.get(dirty)) === undefined) return; // the holder took our request
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
  onError(new Error(`gave up waiting for the evaluation lock of ${key}`));
}
