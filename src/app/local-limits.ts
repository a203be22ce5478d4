/**
 * In-process stand-ins for the Bottleneck groups of @octokit/plugin-throttling, used when no
 * Redis is configured (with REDIS_URL the plugin's own groups keep their state there, shared by
 * every replica). Same rules as the plugin's groups: per throttle id, at most `maxConcurrent`
 * jobs at once, and each job starting at least `minTime` ms after the previous one started.
 * Bottleneck's general machinery (events, priorities, a store per limiter) cost about a tenth
 * of the app's CPU per evaluation under load; these do only what the plugin asks of them.
 */
export interface LimitRules {
  maxConcurrent: number;
  minTime?: number;
}

class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private nextStart = 0;
  lastUsed = 0;

  constructor(
    private readonly rules: LimitRules,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Bottleneck's `schedule(options, job, ...args)`: the options (priority, weight) do not apply here. */
  async schedule<A extends unknown[], T>(_options: unknown, job: (...args: A) => T | Promise<T>, ...args: A): Promise<T> {
    this.lastUsed = this.now();
    // A finishing job hands its slot to the first waiter, so `running` never exceeds the limit.
    if (this.running >= this.rules.maxConcurrent) await new Promise<void>((go) => this.waiting.push(go));
    else this.running++;
    try {
      const minTime = this.rules.minTime ?? 0;
      if (minTime > 0) {
        const wait = this.nextStart - this.now();
        this.nextStart = Math.max(this.now(), this.nextStart) + minTime;
        if (wait > 0) await this.sleep(wait);
      }
      return await job(...args);
    } finally {
      this.lastUsed = this.now();
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get idle(): boolean {
    return this.running === 0 && this.waiting.length === 0;
  }
}

/** A Bottleneck.Group look-alike: `key(id)` gives that id's limiter. Idle limiters are dropped after `idleMs`. */
export class LocalGroup {
  private readonly limiters = new Map<string, Limiter>();

  constructor(
    private readonly rules: LimitRules,
    private readonly idleMs = 2 * 60 * 1000,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  key(id = ""): Limiter {
    let limiter = this.limiters.get(id);
    if (!limiter) {
      if (this.limiters.size >= 1000) this.dropIdle();
      this.limiters.set(id, (limiter = new Limiter(this.rules, this.now, this.sleep)));
    }
    return limiter;
  }

  get size(): number {
    return this.limiters.size;
  }

  private dropIdle(): void {
    const before = this.now() - this.idleMs;
    for (const [id, l] of this.limiters) if (l.idle && l.lastUsed < before) this.limiters.delete(id);
  }
}

/** The plugin's groups with its rules (global 10 at once; writes 1 s apart; notifications 3 s; search 2 s; auth one at a time). */
export const LOCAL_GROUPS = {
  global: new LocalGroup({ maxConcurrent: 10 }),
  auth: new LocalGroup({ maxConcurrent: 1 }),
  write: new LocalGroup({ maxConcurrent: 1, minTime: 1000 }),
  notifications: new LocalGroup({ maxConcurrent: 1, minTime: 3000 }),
  search: new LocalGroup({ maxConcurrent: 1, minTime: 2000 }),
};
