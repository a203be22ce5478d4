import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from "probot";
import type { LockOptions, SharedStore } from "../github/store.js";
import type { TeamRosters } from "../github/directory.js";
import { DEFAULT_BUDGET, type RetryBudget } from "../github/resilient.js";
import { handlerContext } from "./handlers/context.js";
import { HANDLERS } from "./handlers/index.js";
import { httpHandler } from "./http.js";
import { installationApi, replanEverything, startScheduler } from "./scheduler.js";
import { RolegateService } from "./service.js";

export interface RolegateAppOptions {
  mergeMethod?: "merge" | "squash" | "rebase";
  /** This app's ID: a `rolegate` check or status from anyone else is reported as forged. */
  appId?: number;
  retryBudget?: RetryBudget;
  /** Shared between replicas (Redis) or in memory; used when no service is given. */
  store?: SharedStore;
  redis?: boolean;
  lock?: LockOptions;
  /** Lets tests and the scale-out work share one service (caches, serializer). */
  service?: RolegateService;
  /** How often due judgements (time windows, expiries) are polled; 0 disables. Default 30 s. */
  scheduleEveryMs?: number;
  /** Judge every open pull request at start, planning their next moments again (for a store that does not persist). */
  replanOnStart?: boolean;
  /** Whose team members a check may name as people who can approve (default: nobody's). */
  teamRosters?: TeamRosters;
}

/** The Probot application: events → gather → pure core → check run, issues, comments. */
export function rolegateApp(options: RolegateAppOptions = {}): ApplicationFunction {
  return (app: Probot, appOptions?: ApplicationFunctionOptions) => {
    const service =
      options.service ?? new RolegateService(app.log, () => new Date(), { store: options.store, lock: options.lock, teamRosters: options.teamRosters });
    const budget = options.retryBudget ?? DEFAULT_BUDGET;
    const h = handlerContext(app, service, { mergeMethod: options.mergeMethod, appId: options.appId, budget });
    for (const register of HANDLERS) register(h);
    const apiFor = installationApi(app, budget);
    if ((options.scheduleEveryMs ?? 30_000) > 0) startScheduler(service, apiFor, options.scheduleEveryMs ?? 30_000);
    if (options.replanOnStart) {
      replanEverything(app, service, apiFor, budget)
        .then((n) => service.log.info({ pull_requests: n }, "judged every open pull request at start"))
        .catch((e) => service.log.error({ err: e }, "could not judge the open pull requests at start"));
    }
    // GET /healthz and /metrics, when running under Probot's server (not when loaded bare in tests).
    try {
      appOptions?.addHandler?.(httpHandler(app, service, options.redis ?? false));
    } catch (e) {
      if ((e as Error).message !== "No server instance") throw e;
    }
  };
}

export default rolegateApp();
