import { ProbotOctokit, run } from "probot";
import { rolegateApp } from "./app.js";
import { readSettings } from "./config.js";
import { storeFor } from "./redis-store.js";

/**
 * `npm start`: check the environment first, so a missing or malformed setting stops
 * start-up with one line naming it; then hand over to Probot's server.
 */
const checked = readSettings(process.env);
if (!checked.ok) {
  process.stderr.write(`rolegate: ${checked.error}\n`);
  process.exit(1);
}
const { settings } = checked;
process.env.PRIVATE_KEY = settings.privateKey;
delete process.env.PRIVATE_KEY_PATH;
// rolegate's own retry layer (src/github/resilient.ts) retries within a stated budget, so the
// client must not retry on its own; throttling still spaces writes as GitHub asks.
// Throttling is keyed by installation, as GitHub's limits are: one busy organisation does not
// queue behind another.
const Octokit = ProbotOctokit.defaults((options: { throttle?: object; auth?: { installationId?: number | string } }) => ({
  ...options,
  retry: { enabled: false },
  throttle: {
    ...(options.throttle ?? {}),
    ...(options.auth?.installationId !== undefined ? { id: `installation-${options.auth.installationId}` } : {}),
    onRateLimit: () => false,
    onSecondaryRateLimit: () => false,
  },
}));
// With REDIS_URL, Probot's throttling shares one rate-limit budget per installation across
// replicas (it reads REDIS_URL itself), and rolegate shares its caches and locks there too.
const store = storeFor(settings.redisUrl);
await run(
  rolegateApp({ mergeMethod: settings.mergeMethod, appId: settings.appId, store, redis: settings.redisUrl !== undefined, lock: { ttlMs: settings.lockTtlMs, pollMs: 25 } }),
  { env: process.env as never, Octokit: Octokit as typeof ProbotOctokit },
);
