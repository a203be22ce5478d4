import type { Context, Probot } from "probot";
import type { GitHubApi, RepoRef } from "../../github/api.js";
import { withNativeJson, type OctokitLike } from "../../github/native-json.js";
import { resilient, type RetryBudget } from "../../github/resilient.js";
import type { PullRequestTarget, RolegateService } from "../service.js";

/** What every event handler works with. */
export interface HandlerContext {
  app: Probot;
  service: RolegateService;
  mergeMethod: "merge" | "squash" | "rebase";
  /** This app's ID: a `rolegate` check or status from anyone else is reported as forged. */
  appId?: number;
  /** The API client of an event: every call retried on transient faults within a budget, then failed. */
  apiOf(context: Context): GitHubApi;
  /** Registers a handler that runs once per delivery (GitHub may deliver an event twice). */
  on(events: string | string[], handler: (context: any) => Promise<void>): void;
}

export function installationOf(context: Context): string {
  return String((context.payload as { installation?: { id?: number } }).installation?.id ?? "none");
}

export interface PrRef {
  number: number;
  base: { ref: string };
  head?: { sha: string };
}

/** The pull request an event is about, as the service judges it. */
export function targetOf(context: Context, pr: PrRef): PullRequestTarget {
  return {
    repo: context.repo() as RepoRef,
    number: pr.number,
    baseRef: pr.base.ref,
    headSha: pr.head?.sha,
    installation: installationOf(context),
    deliveryId: context.id,
  };
}

export function handlerContext(
  app: Probot,
  service: RolegateService,
  options: { mergeMethod?: HandlerContext["mergeMethod"]; appId?: number; budget: RetryBudget },
): HandlerContext {
  const apiOf = (context: Context): GitHubApi =>
    resilient(service.metrics.instrument(withNativeJson(context.octokit as unknown as OctokitLike), installationOf(context)), options.budget);
  const on = (events: string | string[], handler: (context: any) => Promise<void>) =>
    app.on(events as never, async (context: Context) => {
      if (await service.handledBefore(context.id)) return;
      const action = (context.payload as { action?: string }).action;
      const event = `${context.name}${action ? `.${action}` : ""}`;
      try {
        await handler(context);
        await service.markHandled(context.id);
        service.metrics.events.inc({ event, outcome: "ok" });
      } catch (e) {
        service.metrics.events.inc({ event, outcome: "error" });
        throw e;
      }
    });
  return { app, service, mergeMethod: options.mergeMethod ?? "merge", appId: options.appId, apiOf, on };
}
