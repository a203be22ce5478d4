import { brokenRules } from "../../core/after-the-fact.js";
import { openViolationIssue } from "../violations.js";
import type { HandlerContext } from "./context.js";
import { targetOf } from "./context.js";

/** A merged pull request, judged by the policy it merged under with its merger: a breach opens a violation issue. */
export function onMerged(h: HandlerContext): void {
  h.on("pull_request.closed", async (context) => {
    const pr = context.payload.pull_request;
    if (!pr.merged) return;
    const t = targetOf(context, pr);
    const merger = (await h.service.mergerOf(t)) ?? pr.merged_by?.login;
    if (!merger) return;
    const api = h.apiOf(context);
    const { verdict } = await h.service.judgeOrFail(api, { ...t, mergedBy: merger, policyRevision: pr.base.sha }, "rolegate could not judge this merge");
    const rules = brokenRules(verdict);
    if (rules.length === 0) return;
    await openViolationIssue(
      api,
      t.repo,
      {
        kind: "merge",
        who: merger,
        what: `pull request #${t.number}`,
        rules,
        headSha: pr.head.sha,
        policySha: verdict.source?.sha,
        policyFile: verdict.source?.file,
      },
      verdict.policy,
    );
  });
}
