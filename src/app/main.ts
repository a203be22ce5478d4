import { ProbotOctokit, run } from "probot";
import { rolegateApp } from "./app.js";
import { readSettings } from "./config.js";
import { storeFor } from "./redis-store.js";
import { nodeFetch } from "../github/node-fetch.js";
import { withRolegateThrottling, type ThrottledOptions } from "./throttle.js";

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
// Requests go through node:http rather than Node's fetch (src/github/node-fetch.ts says why).
const Octokit = ProbotOctokit.defaults((options: ThrottledOptions & { request?: object }) =>
  withRolegateThrottling({ ...options, request: { ...options.request, fetch: nodeFetch } }),
);
// With REDIS_URL, Probot's throttling shares one rate-limit budget per installation across
// replicas (it reads REDIS_URL itself), and rolegate shares its caches and locks there too.
const store = storeFor(settings.redisUrl);
await run(
  rolegateApp({
    mergeMethod: settings.mergeMethod,
    appId: settings.appId,
    store,
    redis: settings.redisUrl !== undefined,
    lock: { ttlMs: settings.lockTtlMs, pollMs: 25 },
    // Plans made in memory die with the process; with Redis they outlive any replica.
    replanOnStart: settings.replanOnStart,
    scheduleEveryMs: settings.scheduleEveryMs,
    teamRosters: settings.teamRosters,
  }),
  { env: process.env as never, Octokit: Octokit as typeof ProbotOctokit },
);
