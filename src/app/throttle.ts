import { LOCAL_GROUPS } from "./local-limits.js";

/**
 * Octokit options for every client the app makes: rolegate's own retry layer
 * (src/github/resilient.ts) retries within a stated budget, so the client does not retry; Probot's
 * throttling (@octokit/plugin-throttling, shared through Redis when REDIS_URL is set) still
 * spaces writes as GitHub asks, with two corrections:
 *
 * - It is keyed by installation, as GitHub's limits are: the Octokit Probot makes for a webhook
 *   event carries no throttle id, so every installation would queue behind one another.
 * - GraphQL *queries* are reads. The plugin spaces every POST at least 1 s apart per id, and
 *   GraphQL is always a POST, so each evaluation (one query, then one check run) would wait a
 *   second between the two. GitHub's secondary limits ask for that spacing between mutative
 *   requests; GraphQL queries are limited by points, and rolegate sends no mutations. A query
 *   still counts towards the plugin's concurrency limit.
 *
 * The plugin offers no option for the second point; it does accept its own `retryLimiter`, which
 * receives each request's options before the plugin picks its queues, so that is where a query is
 * routed past the write queue (test/app/throttle.test.ts pins this to the plugin's behaviour).
 * That limiter only exists to retry after a rate limit, and rolegate's handlers never ask the
 * plugin to retry (its own layer does, within a budget), so a direct call replaces the plugin's
 * unlimited Bottleneck queue there: the same behaviour for less work per request.
 */
export interface ThrottledOptions {
  throttle?: Record<string, unknown>;
  auth?: { installationId?: number | string };
}

/** A stand-in for the plugin's per-id write queue: runs the job at once. */
const UNSPACED = { key: () => ({ schedule: <T>(_options: unknown, job: () => Promise<T>) => job() }) };

export function withRolegateThrottling<T extends ThrottledOptions>(options: T): T & { retry: { enabled: false } } {
  const installation = options.auth?.installationId;
  return {
    ...options,
    retry: { enabled: false },
    throttle: {
      // Without Redis the plugin's queues live in this process: lighter ones do the same job.
      ...(options.throttle?.connection === undefined ? LOCAL_GROUPS : {}),
      ...(options.throttle ?? {}),
      ...(installation !== undefined ? { id: `installation-${installation}` } : {}),
      retryLimiter: DIRECT_QUERIES_UNSPACED,
      onRateLimit: () => false,
      onSecondaryRateLimit: () => false,
    },
  };
}

/** Whether a request is a GraphQL query (no mutation anywhere in the document). */
export function isGraphQLQuery(options: { method?: string; url?: string; query?: unknown; body?: unknown }): boolean {
  if (options.method !== "POST" || !/\/graphql$/.test(new URL(options.url ?? "", "http://github.test").pathname)) return false;
  const query = options.query ?? (options.body as { query?: unknown } | undefined)?.query;
  return typeof query === "string" && !/\bmutation\b/.test(query);
}

type Scheduled = (state: Record<string, unknown>, request: unknown, options: Parameters<typeof isGraphQLQuery>[0]) => Promise<unknown>;

/** Stands in for the plugin's retry queue: runs each request at once, a GraphQL query without the write queue. */
const DIRECT_QUERIES_UNSPACED = {
  schedule: (job: Scheduled, state: Record<string, unknown>, request: unknown, options: Parameters<typeof isGraphQLQuery>[0]) =>
    job(isGraphQLQuery(options) ? { ...state, write: UNSPACED } : state, request, options),
  // The plugin registers its retry handler here; with handlers that never retry it would have nothing to do.
  on: () => undefined,
};
