import { randomUUID } from "node:crypto";
import { armedMergeDecision, armedMergeStep, type ArmedMerge } from "../core/merge-decision.js";
import type { Verdict } from "../core/verdict.js";
import type { GitHubApi } from "../github/api.js";
import { MergeRefused, mergeOrEnqueue, refusalMessage, type MergeRequest } from "../github/merge.js";
import { ArmedMerges } from "./armed-merges.js";
import { reply } from "./reply.js";
import { prKey, type PullRequestTarget, type RolegateService } from "./service.js";

/**
 * Merges (or, where the base branch has a merge queue, enqueues) for `login`, pinned to the
 * judged head, and says so on the pull request. The closed event then judges `login` as the
 * merger. Answers whether GitHub took it.
 */
export async function mergeFor(service: RolegateService, api: GitHubApi, t: PullRequestTarget, login: string, request: MergeRequest): Promise<boolean> {
  try {
    await service.rememberMerger(t, login);
    const outcome = await mergeOrEnqueue(api, t.repo, request);
    await reply(
      api,
      t,
      outcome.kind === "merged"
        ? `Merged by rolegate for @${login} (${request.method}), at ${request.headSha}.`
        : `Queued by rolegate for @${login} in the merge queue of \`${request.baseRef}\`, at ${request.headSha}: the queue merges it once its merge group passes.`,
    );
    return true;
  } catch (e) {
    await service.rememberMerger(t, undefined);
    await reply(
      api,
      t,
      e instanceof MergeRefused ? `@${login} rolegate did not merge: ${e.message}.` : `@${login} GitHub refused the merge: ${refusalMessage(e)}`,
    );
    return false;
  }
}

/** Arms a merge for `login` at the judged head, replacing an earlier arming, and says so. */
export async function armMerge(
  service: RolegateService,
  api: GitHubApi,
  t: PullRequestTarget,
  login: string,
  armedAt: { headSha: string; method: ArmedMerge["method"]; why: string },
): Promise<void> {
  const armed: ArmedMerge = { id: randomUUID(), by: login, headSha: armedAt.headSha, method: armedAt.method, at: service.now().toISOString() };
  let replaced: ArmedMerge | undefined;
  try {
    replaced = await new ArmedMerges(service.store).arm(prKey(t), armed);
  } catch (e) {
    service.log.warn({ err: e, pr: t.number }, "could not arm the merge: the shared store is unavailable");
    await reply(api, t, `@${login} rolegate could not arm the merge: its shared store is unavailable. Comment \`/rolegate merge\` again later.`);
    return;
  }
  const instead = replaced && replaced.id !== armed.id ? ` It replaces the merge @${replaced.by} armed at ${replaced.headSha}.` : "";
  await reply(api, t, `@${login} merge armed: ${armedAt.why}, if you may still merge then. A push to the pull request disarms it.${instead}`);
}

/**
 * After a re-judgement was posted: acts on the pull request's armed merge, once across
 * replicas. A new head disarms it; a `success` at the armed head judges the person who armed
 * it again, fresh, as the merger, and merges pinned to that head, or disarms the merge when
 * they lost the right to merge. Disarming is answered in a comment.
 */
export async function settleArmedMerge(service: RolegateService, api: GitHubApi, t: PullRequestTarget, verdict: Verdict): Promise<void> {
  const merges = new ArmedMerges(service.store);
  const pr = prKey(t);
  const armed = await merges.get(pr);
  if (!armed) return;
  const step = armedMergeStep(armed, verdict);
  if (step.action === "wait") return;
  const token = await merges.claim(armed);
  if (!token) return; // another replica settles it
  let settled = false;
  try {
    const disarm = async (why: string) => {
      await merges.settle(pr, armed, token);
      settled = true;
      await reply(api, t, `@${armed.by} the merge you armed at ${armed.headSha} is disarmed: ${why}. Comment \`/rolegate merge\` to arm it again.`);
    };
    if (step.action === "disarm") return await disarm(step.why);
    const asMerger = await service.judgeOrFail(api, { ...t, breakGlass: undefined, mergedBy: armed.by, fresh: true });
    const canWrite = await service.directory.hasWriteAccess(api, t.repo, armed.by, true);
    const decision = armedMergeDecision(armed, asMerger.verdict, canWrite);
    if (decision.action === "wait") return;
    if (decision.action === "disarm") return await disarm(decision.why);
    await merges.settle(pr, armed, token);
    settled = true;
    const baseRef = asMerger.verdict.targetBranch ?? t.baseRef;
    await mergeFor(service, api, t, armed.by, { number: t.number, baseRef, headSha: decision.headSha, method: armed.method });
  } finally {
    // Not settled (waiting, or a failure): a later judgement may act on it.
    if (!settled) await merges.release(armed, token);
  }
}
