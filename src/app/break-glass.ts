import { breakGlassAuditIssue } from "../core/break-glass-audit.js";
import { BREAK_GLASS_ACTION, type BreakGlassRequest } from "../core/break-glass.js";
import type { GitHubApi } from "../github/api.js";
import { BreakGlassOverrides } from "./overrides.js";
import { reply } from "./reply.js";
import { prKey, type PullRequestTarget, type RolegateService } from "./service.js";
import { openViolationIssue } from "./violations.js";

/** A `/rolegate break-glass REASON` comment: who wrote it, why, when, and which comment it is. */
export interface BreakGlassComment {
  request: BreakGlassRequest;
  commentId: number;
  /** The pull request's web address, for the audit issue. */
  pullRequestUrl?: string;
}

/** How long "already reported" is remembered: a refused attempt once per person and head, an audit issue once per comment. */
const REPORTED_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Takes a one-time right in the shared store; without the store, it is taken (a duplicate beats a lost record). */
async function once(service: RolegateService, key: string): Promise<boolean> {
  return service.store.acquire(key, "1", REPORTED_TTL_MS).catch(() => true);
}

/**
 * Runs `/rolegate break-glass REASON`. The commenter's roles are read fresh (anyone may comment;
 * a role removed a minute ago must not override), and the comment gives only who, why and when.
 * An override that took effect is kept for the judged head and the check is posted from it;
 * one audit issue records it. A refused attempt fails the check, is reported as a violation and
 * is not kept: the next judgement no longer sees it. Every outcome is answered in a comment.
 */
export async function runBreakGlass(service: RolegateService, api: GitHubApi, t: PullRequestTarget, comment: BreakGlassComment): Promise<void> {
  const { request } = comment;
  const by = request.by;
  const judged = await service.judgeOrFail(api, { ...t, fresh: true, breakGlass: request });
  const verdict = judged.verdict;
  const refusals = verdict.result?.violations.filter((v) => v.action === BREAK_GLASS_ACTION) ?? [];

  if (refusals.length > 0) {
    await service.evaluateAndPost(api, { ...t, fresh: true, breakGlass: request });
    const head = verdict.headSha ?? t.headSha ?? "unknown";
    let reported = "";
    if (await once(service, `break-glass-refused:${prKey(t)}:${head}:${by.toLowerCase()}`)) {
      const issue = await openViolationIssue(
        api,
        t.repo,
        {
          kind: "break-glass",
          who: by,
          what: `pull request #${t.number}`,
          rules: refusals.map((v) => `${v.user} may not break the glass${v.path ? ` on \`${v.path}\`` : ""}: ${v.reason}`),
          headSha: head,
          policySha: verdict.source?.sha,
          policyFile: verdict.source?.file,
        },
        verdict.policy,
      );
      reported = ` The attempt is reported in #${issue}.`;
    }
    const why = [...new Set(refusals.map((v) => v.reason))].slice(0, 5).map((r) => `- ${r}`);
    await reply(api, t, [`@${by} the break-glass request was refused, so nothing was overridden:${reported}`, "", ...why].join("\n"));
    return;
  }

  if (!verdict.override || !verdict.headSha) {
    await service.evaluateAndPost(api, t);
    const why = verdict.notes.filter((n) => n.includes("break-glass")).map((n) => `- ${n}`);
    await reply(
      api,
      t,
      [`@${by} the break-glass request changed nothing:`, "", ...(why.length > 0 ? why : [`- the check is \`${verdict.conclusion}\` (${verdict.title})`])].join(
        "\n",
      ),
    );
    return;
  }

  // The audit issue first: an override must never take effect without its record.
  let audit = "";
  const issue = breakGlassAuditIssue(verdict, { number: t.number, url: comment.pullRequestUrl });
  if (issue && (await once(service, `break-glass-audit:${prKey(t)}:${comment.commentId}`))) {
    const res = await api.request("POST /repos/{owner}/{repo}/issues", { owner: t.repo.owner, repo: t.repo.repo, ...issue });
    audit = ` The audit issue is #${(res.data as { number: number }).number}.`;
  }
  try {
    await new BreakGlassOverrides(service.store).keep(prKey(t), verdict.headSha, request);
  } catch (e) {
    service.log.warn({ err: e, pr: t.number }, "could not keep the break-glass override: the shared store is unavailable");
    await reply(api, t, `@${by} rolegate could not keep the override (its shared store is unavailable), so nothing was overridden.${audit} Try again later.`);
    return;
  }
  await service.evaluateAndPost(api, t);
  const list = verdict.override.requirements.map((r) => `- ${r.replace(/[\r\n]+/g, " ")}`);
  await reply(
    api,
    t,
    [
      `@${by} broke the glass at head commit ${verdict.headSha}: the check concludes \`success\` with these requirements overridden.${audit} A push to the pull request voids the override.`,
      "",
      ...list,
    ].join("\n"),
  );
}
