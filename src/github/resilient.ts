import type { GitHubApi } from "./api.js";

export interface RetryBudget {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** Longest total wait across retries of one request; a longer `retry-after` fails at once. */
  maxWaitMs: number;
  /** Abort an attempt that takes longer than this. */
  attemptTimeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const DEFAULT_BUDGET: RetryBudget = { maxAttempts: 3, maxWaitMs: 10_000, attemptTimeoutMs: 15_000 };

type ErrorLike = {
  status?: number;
  name?: string;
  message?: string;
  code?: string;
  response?: { headers?: Record<string, string | undefined> };
  cause?: unknown;
};

function header(e: ErrorLike, name: string): string | undefined {
  return e.response?.headers?.[name];
}

/**
 * How long to wait before retrying, or undefined when the error is final. Transient:
 * server errors, lost connections, timeouts, and rate limits (429, or 403 with
 * `retry-after` or an exhausted `x-ratelimit-remaining`).
 */
export function retryDelay(error: unknown, attempt: number, nowMs: number): number | undefined {
  const e = error as ErrorLike;
  const status = e.status;
  const backoff = 250 * 2 ** attempt;
  if (status === undefined || status === 0) {
    // GraphQL errors inside a 200 answer are final; network failures are not.
    if (e.name === "GraphqlResponseError" || Array.isArray((e as { errors?: unknown }).errors)) return undefined;
    return backoff;
  }
  if (status >= 500 && status !== 501) return backoff;
  const rateLimited = status === 429 || (status === 403 && (header(e, "retry-after") !== undefined || header(e, "x-ratelimit-remaining") === "0"));
  if (!rateLimited) return undefined;
  const retryAfter = header(e, "retry-after");
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const reset = header(e, "x-ratelimit-reset");
  if (reset !== undefined && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - nowMs);
  return 60_000;
}

class BudgetExhausted extends Error {
  constructor(
    readonly last: unknown,
    why: string,
  ) {
    const l = last as ErrorLike & { response?: { data?: { message?: string } } };
    super(`${why} (${l.status ? `HTTP ${l.status}: ` : ""}${l.response?.data?.message ?? l.message ?? String(last)})`);
    (this as ErrorLike).status = l.status;
  }
}

async function attempt<T>(budget: RetryBudget, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const sleep = budget.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const now = budget.now ?? Date.now;
  let waited = 0;
  for (let n = 0; ; n++) {
    try {
      return await run(AbortSignal.timeout(budget.attemptTimeoutMs));
    } catch (e) {
      const delay = retryDelay(e, n, now());
      if (delay === undefined) throw e;
      if (n + 1 >= budget.maxAttempts) throw new BudgetExhausted(e, `gave up after ${n + 1} attempts`);
      if (waited + delay > budget.maxWaitMs) throw new BudgetExhausted(e, `GitHub asked to wait ${Math.ceil(delay / 1000)} s, beyond the retry budget`);
      waited += delay;
      await sleep(delay);
    }
  }
}

/**
 * Wraps a client so every request and query is retried on transient faults within a
 * bounded budget, then fails with the last error. Failures always surface: the caller
 * turns them into a `failure` check, never a silent pass.
 */
export function resilient(api: GitHubApi, budget: RetryBudget = DEFAULT_BUDGET): GitHubApi {
  return {
    request: (route, params = {}) =>
      attempt(budget, (signal) => api.request(route, { ...params, request: { ...((params as { request?: object }).request ?? {}), signal } })),
    graphql: (query, params = {}) =>
      attempt(budget, (signal) => api.graphql(query, { ...params, request: { ...((params as { request?: object }).request ?? {}), signal } })),
  };
}
