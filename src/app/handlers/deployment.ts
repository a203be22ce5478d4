import type { RepoRef } from "../../github/api.js";
import { answerProtectionRule, judgeDeployment, runOfCallback } from "../../github/deployments.js";
import type { HandlerContext } from "./context.js";
import { installationOf } from "./context.js";

/**
 * GitHub asks rolegate's custom deployment protection rule whether a workflow run may deploy to
 * an environment: judge the deployer by the default branch's policy and approve or reject through
 * the callback, with the reason chain.
 */
export function onDeploymentProtectionRule(h: HandlerContext): void {
  h.on("deployment_protection_rule.requested", async (context) => {
    const payload = context.payload as {
      environment?: string;
      deployment_callback_url?: string;
      ref?: string;
      deployment?: { creator?: { login?: string } | null; ref?: string } | null;
    };
    const repo = context.repo() as RepoRef;
    const environment = payload.environment;
    const runId = payload.deployment_callback_url ? runOfCallback(payload.deployment_callback_url, repo) : undefined;
    if (!environment || runId === undefined) {
      // Nowhere to answer: the deployment keeps waiting, which refuses it until someone looks.
      h.service.log.error(
        { repository: `${repo.owner}/${repo.repo}`, callback: payload.deployment_callback_url },
        "deployment protection rule request without an environment or a callback for this repository's workflow run: not answered",
      );
      return;
    }
    const api = h.apiOf(context);
    const review = await judgeDeployment(
      api,
      { directory: h.service.directory, policies: h.service.policies, now: h.service.now },
      {
        repo,
        installation: installationOf(context),
        environment,
        callbackUrl: payload.deployment_callback_url!,
        creator: payload.deployment?.creator?.login,
        ref: payload.deployment?.ref ?? payload.ref,
      },
      runId,
    );
    await answerProtectionRule(api, repo, runId, environment, review);
    h.service.log.info({ repository: `${repo.owner}/${repo.repo}`, run: runId, environment, state: review.state }, "answered a deployment protection rule");
  });
}
