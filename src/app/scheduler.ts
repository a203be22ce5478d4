import type { Probot } from "probot";
import type { GitHubApi } from "../github/api.js";
import { appInstallations } from "../github/listing.js";
import { withNativeJson, type OctokitLike } from "../github/native-json.js";
import { resilient, type RetryBudget } from "../github/resilient.js";
import { rejudgeOpen, repositoriesOf } from "./rejudge.js";
import type { RolegateService } from "./service.js";

/** An installation's API client, as the scheduler and the start-up planning need one outside any event. */
export function installationApi(app: Probot, budget: RetryBudget): (installation: string) => Promise<GitHubApi> {
  return async (installation) => resilient(withNativeJson((await app.auth(Number(installation))) as unknown as OctokitLike), budget);
}

/**
 * Judges planned pull requests when they are due (time windows opening or closing, memberships
 * expiring), polling the shared store; every replica polls, and each item is claimed once.
 */
export function startScheduler(service: RolegateService, apiFor: (installation: string) => Promise<GitHubApi>, everyMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    service
      .runDueJudgements(apiFor)
      .catch((e) => service.log.error({ err: e }, "planned judgements failed"))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * A replica whose plans live only in its memory lost them when it stopped: judge every open
 * pull request of every installation once at start, which plans their next moments again.
 */
export async function replanEverything(
  app: Probot,
  service: RolegateService,
  apiFor: (installation: string) => Promise<GitHubApi>,
  budget: RetryBudget,
): Promise<number> {
  const appApi = resilient(withNativeJson((await app.auth()) as unknown as OctokitLike), budget);
  let count = 0;
  for await (const installation of appInstallations(appApi)) {
    const api = await apiFor(String(installation.id));
    count += await rejudgeOpen(service, api, String(installation.id), repositoriesOf(api));
  }
  return count;
}
