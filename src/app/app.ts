import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from "probot";
import type { LockOptions, SharedStore } from "../github/store.js";
import { DEFAULT_BUDGET, type RetryBudget } from "../github/resilient.js";
import { handlerContext } from "./handlers/context.js";
import { HANDLERS } from "./handlers/index.js";
import { httpHandler } from "./http.js";
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
}

/** The Probot application: events → gather → pure core → check run, issues, comments. */
export function rolegateApp(options: RolegateAppOptions = {}): ApplicationFunction {
  return (app: Probot, appOptions?: ApplicationFunctionOptions) => {
    const service = options.service ?? new RolegateService(app.log, () => new Date(), { store: options.store, lock: options.lock });
    const h = handlerContext(app, service, { mergeMethod: options.mergeMethod, appId: options.appId, budget: options.retryBudget ?? DEFAULT_BUDGET });
    for (const register of HANDLERS) register(h);
    // GET /healthz and /metrics, when running under Probot's server (not when loaded bare in tests).
    try {
      appOptions?.addHandler?.(httpHandler(app, service, options.redis ?? false));
    } catch (e) {
      if ((e as Error).message !== "No server instance") throw e;
    }
  };
}

export default rolegateApp();
