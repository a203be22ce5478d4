// Diagnostic variants of the app for section 4 of `npm run bench`. It starts the built app
// exactly as dist/app/main.js does, except for Octokit's throttling (BENCH_THROTTLE):
//
//   per-installation  throttling on, keyed by installation. Probot creates the Octokit of a
//                     webhook event without a throttle `id` (octokit-auth-probot's
//                     "event-octokit" path), so in dist/app/main.js every installation shares
//                     one queue ("no-id"): one write or GraphQL query per second for the whole
//                     app. This variant sets the id from the event's installation, which is
//                     what GitHub's limits (per installation) need.
//   off               no throttling at all: rolegate's own cost.
//
// rolegate does not ship like either; they show what the shipped configuration costs.
import { ProbotOctokit, run } from "probot";
import { rolegateApp } from "../dist/app/app.js";
import { readSettings } from "../dist/app/config.js";

const mode = process.env.BENCH_THROTTLE;
if (mode !== "per-installation" && mode !== "off") {
  process.stderr.write(`bench/app-variant.mjs: BENCH_THROTTLE must be per-installation or off, not ${mode}\n`);
  process.exit(1);
}
const checked = readSettings(process.env);
if (!checked.ok) {
  process.stderr.write(`rolegate (bench variant): ${checked.error}\n`);
  process.exit(1);
}
const { settings } = checked;
process.env.PRIVATE_KEY = settings.privateKey;
delete process.env.PRIVATE_KEY_PATH;
const Octokit = ProbotOctokit.defaults((options) => {
  if (mode === "off") return { ...options, retry: { enabled: false }, throttle: { enabled: false } };
  const installation = options.auth?.installationId;
  return {
    ...options,
    retry: { enabled: false },
    throttle: { ...(options.throttle ?? {}), ...(installation !== undefined ? { id: String(installation) } : {}), onRateLimit: () => false, onSecondaryRateLimit: () => false },
  };
});
// The same options main.js passes (the shared store only exists in newer builds).
const storeFor = (await import("../dist/app/redis-store.js").catch(() => ({}))).storeFor;
const store = storeFor?.(settings.redisUrl);
const options = { mergeMethod: settings.mergeMethod, appId: settings.appId, ...(store ? { store, redis: settings.redisUrl !== undefined, lock: { ttlMs: settings.lockTtlMs, pollMs: 25 } } : {}) };
await run(rolegateApp(options), { env: process.env, Octokit });
