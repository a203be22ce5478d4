import { readFileSync } from "node:fs";

export interface AppSettings {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  logLevel: string;
  port: number;
  host?: string;
  gheHost?: string;
  gheProtocol: "http" | "https";
  mergeMethod: "merge" | "squash" | "rebase";
  redisUrl?: string;
  /** How long a per-pull-request lock outlives a replica that died holding it. */
  lockTtlMs: number;
  /** Judge every open pull request at start (default: without Redis, whose plans outlive a replica). */
  replanOnStart: boolean;
  /** How often planned judgements are polled, in milliseconds (0: never). */
  scheduleEveryMs: number;
  /** Whose team members a check may name: nobody's (default) or those of visible teams, never secret ones. */
  teamRosters: "none" | "visible";
}

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

/**
 * Reads and checks the app's environment. Returns one line naming the first bad setting,
 * so start-up stops with a message a person can act on instead of a stack trace.
 */
export function readSettings(env: NodeJS.ProcessEnv): { ok: true; settings: AppSettings } | { ok: false; error: string } {
  const fail = (error: string) => ({ ok: false as const, error });
  if (!env.APP_ID) return fail("APP_ID is missing: set it to your GitHub App's ID");
  if (!/^[1-9][0-9]*$/.test(env.APP_ID)) return fail(`APP_ID must be a positive whole number, not "${env.APP_ID}"`);
  let key = env.PRIVATE_KEY;
  if (!key && env.PRIVATE_KEY_PATH) {
    try {
      key = readFileSync(env.PRIVATE_KEY_PATH, "utf8");
    } catch (e) {
      return fail(`PRIVATE_KEY_PATH cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): ${env.PRIVATE_KEY_PATH}`);
    }
  }
  if (!key) return fail("PRIVATE_KEY or PRIVATE_KEY_PATH is missing: give the app's private key (PEM)");
  if (!key.includes("-----BEGIN")) {
    // Probot accepts a base64-encoded key for single-line environments.
    const decoded = Buffer.from(key, "base64").toString("utf8");
    if (decoded.includes("-----BEGIN")) key = decoded;
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----/.test(key)) {
    return fail(`${env.PRIVATE_KEY ? "PRIVATE_KEY" : "PRIVATE_KEY_PATH"} does not hold a PEM private key (-----BEGIN … PRIVATE KEY-----)`);
  }
  if (!env.WEBHOOK_SECRET) return fail("WEBHOOK_SECRET is missing: set it to the webhook secret of your GitHub App");
  const logLevel = env.LOG_LEVEL ?? "info";
  if (!LEVELS.includes(logLevel)) return fail(`LOG_LEVEL must be one of ${LEVELS.join(", ")}, not "${logLevel}"`);
  const port = env.PORT === undefined ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`PORT must be a port number, not "${env.PORT}"`);
  if (env.GHE_HOST !== undefined && !/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(env.GHE_HOST))
    return fail(`GHE_HOST must be a host name (and optional :port) without a scheme, not "${env.GHE_HOST}"`);
  const gheProtocol = env.GHE_PROTOCOL ?? "https";
  if (gheProtocol !== "http" && gheProtocol !== "https") return fail(`GHE_PROTOCOL must be http or https, not "${gheProtocol}"`);
  const mergeMethod = env.ROLEGATE_MERGE_METHOD ?? "merge";
  if (mergeMethod !== "merge" && mergeMethod !== "squash" && mergeMethod !== "rebase")
    return fail(`ROLEGATE_MERGE_METHOD must be merge, squash or rebase, not "${mergeMethod}"`);
  if (env.REDIS_URL !== undefined && !/^rediss?:\/\//.test(env.REDIS_URL)) return fail(`REDIS_URL must start with redis:// or rediss://`);
  const lockTtlMs = env.ROLEGATE_LOCK_TTL_MS === undefined ? 30_000 : Number(env.ROLEGATE_LOCK_TTL_MS);
  if (!Number.isInteger(lockTtlMs) || lockTtlMs < 500)
    return fail(`ROLEGATE_LOCK_TTL_MS must be a whole number of milliseconds (at least 500), not "${env.ROLEGATE_LOCK_TTL_MS}"`);
  const replan = env.ROLEGATE_REPLAN_ON_START ?? (env.REDIS_URL === undefined ? "true" : "false");
  if (replan !== "true" && replan !== "false") return fail(`ROLEGATE_REPLAN_ON_START must be true or false, not "${replan}"`);
  const scheduleEveryMs = env.ROLEGATE_SCHEDULE_EVERY_MS === undefined ? 30_000 : Number(env.ROLEGATE_SCHEDULE_EVERY_MS);
  if (!Number.isInteger(scheduleEveryMs) || scheduleEveryMs < 0)
    return fail(`ROLEGATE_SCHEDULE_EVERY_MS must be a whole number of milliseconds, not "${env.ROLEGATE_SCHEDULE_EVERY_MS}"`);
  const teamRosters = env.ROLEGATE_TEAM_ROSTERS ?? "none";
  if (teamRosters !== "none" && teamRosters !== "visible") return fail(`ROLEGATE_TEAM_ROSTERS must be none or visible, not "${teamRosters}"`);
  return {
    ok: true,
    settings: {
      appId: Number(env.APP_ID),
      privateKey: key,
      webhookSecret: env.WEBHOOK_SECRET,
      logLevel,
      port,
      host: env.HOST,
      gheHost: env.GHE_HOST,
      gheProtocol,
      mergeMethod,
      redisUrl: env.REDIS_URL,
      lockTtlMs,
      replanOnStart: replan === "true",
      teamRosters,
      scheduleEveryMs,
    },
  };
}
