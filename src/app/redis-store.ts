import { Redis } from "ioredis";
import { MemoryStore, type SharedStore } from "../github/store.js";

// Delete or extend only if the value is still ours: another replica may hold the lock after expiry.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const EXTEND = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

export class RedisStore implements SharedStore {
  readonly client: Redis;

  constructor(
    url: string,
    private readonly prefix = "rolegate:",
  ) {
    this.client = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
    this.client.on("error", () => {}); // surfaced through failing commands and /healthz, not a crash
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.prefix + key)) ?? undefined;
  }
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(this.prefix + key, value, "PX", ttlMs);
  }
  async del(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }
  async acquire(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(this.prefix + key, token, "PX", ttlMs, "NX")) === "OK";
  }
  async release(key: string, token: string): Promise<void> {
    await this.client.eval(RELEASE, 1, this.prefix + key, token);
  }
  async extend(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.client.eval(EXTEND, 1, this.prefix + key, token, String(ttlMs))) === 1;
  }
  /** Planned work: a sorted set of ids by moment, and a hash of their values. */
  async schedule(id: string, at: number, value: string): Promise<void> {
    await this.client.multi().zadd(`${this.prefix}planned`, at, id).hset(`${this.prefix}planned-values`, id, value).exec();
  }
  async due(now: number, limit: number): Promise<{ id: string; value: string; at: number }[]> {
    const flat = await this.client.zrangebyscore(`${this.prefix}planned`, 0, now, "WITHSCORES", "LIMIT", 0, limit);
    const out: { id: string; value: string; at: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const value = await this.client.hget(`${this.prefix}planned-values`, flat[i]!);
      if (value !== null) out.push({ id: flat[i]!, value, at: Number(flat[i + 1]) });
    }
    return out;
  }
  async unschedule(id: string): Promise<void> {
    await this.client.multi().zrem(`${this.prefix}planned`, id).hdel(`${this.prefix}planned-values`, id).exec();
  }
  /** Answers within a second: a health probe must not hang on a Redis that is gone. */
  async ping(): Promise<boolean> {
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 1000).unref());
    try {
      return await Promise.race([this.client.ping().then((r) => r === "PONG"), timeout]);
    } catch {
      return false;
    }
  }
  async close(): Promise<void> {
    this.client.disconnect();
  }
}

export function storeFor(redisUrl: string | undefined): SharedStore {
  return redisUrl ? new RedisStore(redisUrl) : new MemoryStore();
}
