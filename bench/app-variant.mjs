// A diagnostic variant of the app for section 4 of `npm run bench`: the built app exactly as
// dist/app/main.js starts it, except that Octokit's throttling is off (BENCH_THROTTLE=off), to
// show rolegate's own cost. rolegate does not ship like this.
import { ProbotOctokit, run } from "probot";
import { rolegateApp } from "../dist/app/app.js";
import { readSettings } from "../dist/app/config.js";

const mode = process.env.BENCH_THROTTLE;
if (mode !== "off") {
  process.stderr.write(`bench/app-variant.mjs: BENCH_THROTTLE must be off, not ${mode}\n`);
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
const Octokit = ProbotOctokit.defaults((options) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } }));
// The same options main.js passes (the shared store only exists in newer builds).
const storeFor = (await import("../dist/app/redis-store.js").catch(() => ({}))).storeFor;
const store = storeFor?.(settings.redisUrl);
const options = {
  mergeMethod: settings.mergeMethod,
  appId: settings.appId,
  ...(store ? { store, redis: settings.redisUrl !== undefined, lock: { ttlMs: settings.lockTtlMs, pollMs: 25 } } : {}),
};
await run(rolegateApp(options), { env: process.env, Octokit });
