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

/** What the plugin needs of a group: a limiter per throttle id. */
interface Group {
  key(id?: string): { schedule(...args: unknown[]): Promise<unknown> };
}

/** The plugin's rules for each of its groups (its own ids and limits, so the shared state is the plugin's). */
const RULES = {
  global: { id: "octokit-global", maxConcurrent: 10 },
  auth: { id: "octokit-auth", maxConcurrent: 1 },
  search: { id: "octokit-search", maxConcurrent: 1, minTime: 2000 },
  write: { id: "octokit-write", maxConcurrent: 1, minTime: 1000 },
  notifications: { id: "octokit-notifications", maxConcurrent: 1, minTime: 3000 },
} as const;

type GroupName = keyof typeof RULES;

interface SharedConnection {
  client?: { status?: string };
}

let failover: { connection: unknown; groups: Record<GroupName, Group> } | undefined;

/**
 * The plugin's groups shared through Redis, each falling back to the in-process ones while Redis
 * is not connected. Rate limiting is a courtesy to GitHub; the gate is not: a Redis outage must
 * never stop rolegate from posting a verdict (a stale success would stay), so requests go on,
 * spaced per replica, until Redis is back.
 */
function failoverGroups(connection: SharedConnection, Bottleneck: { Group: new (options: object) => Group }, timeout: unknown): Record<GroupName, Group> {
  if (failover?.connection === connection) return failover.groups;
  const up = () => connection.client?.status === "ready";
  const groups = {} as Record<GroupName, Group>;
  for (const name of Object.keys(RULES) as GroupName[]) {
    const shared = new Bottleneck.Group({ ...RULES[name], connection, ...(timeout !== undefined ? { timeout } : {}) });
    const local = LOCAL_GROUPS[name];
    groups[name] = {
      key: (id) => ({
        schedule: (...args: unknown[]) =>
          up() ? shared.key(id).schedule(...args) : (local.key(id).schedule as (...a: unknown[]) => Promise<unknown>)(...args),
      }),
    };
  }
  failover = { connection, groups };
  return groups;
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
      // With Redis they are shared, and fall back to those while Redis is down.
      ...(options.throttle?.connection !== undefined
        ? failoverGroups(options.throttle.connection as SharedConnection, options.throttle.Bottleneck as never, options.throttle.timeout)
        : {}),
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
