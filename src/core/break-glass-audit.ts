import { BREAK_GLASS_LABEL } from "./break-glass.js";
import { notifyMentions } from "./notify.js";
import { fenced } from "./render/escape.js";
import type { Verdict } from "./verdict.js";

/** The pull request an override was made on, as the front end knows it. */
export interface OverriddenPullRequest {
  number: number;
  /** Its web address, when known. */
  url?: string;
}

export interface AuditIssue {
  title: string;
  body: string;
  labels: string[];
}

/** One line of text: requirement names come from the policy, but a line break would still bend the list. */
const line = (text: string) => text.replace(/[\r\n]+/g, " ");

/**
 * The audit issue an override opens: the pull request, who broke the glass, when, their reason,
 * the requirements that were not met, the head it applies to, the policy and its blob SHA, and a
 * mention of the `notify: violations` roles' members. Undefined when the verdict has no override.
 * The reason is shown in a fenced block, so that nothing in it renders or mentions anyone.
 */
export function breakGlassAuditIssue(verdict: Verdict, pullRequest: OverriddenPullRequest): AuditIssue | undefined {
  const o = verdict.override;
  if (!o) return undefined;
  const mentions = notifyMentions(verdict.policy);
  const result = verdict.result;
  const unmet = o.requirements.map((name) => {
    const r = result?.requirements.find((q) => q.name === name);
    return r ? `- ${line(name)} (${r.approvals.have} of ${r.approvals.need} approvals)` : `- ${line(name)}`;
  });
  const policy = verdict.source
    ? `\`${line(verdict.source.file)}\`${verdict.source.fromOrg ? " (organisation default)" : ""}, blob ${verdict.source.sha ?? "SHA unknown"}`
    : "unknown";
  const body = [
    `@${o.by} broke the glass on #${pullRequest.number}: rolegate's check concluded \`success\` although requirements were not met.`,
    "",
    `- **Pull request:** #${pullRequest.number}${pullRequest.url ? ` (${pullRequest.url})` : ""}`,
    `- **Overridden by:** @${o.by}`,
    `- **When:** ${o.at}`,
    `- **Head commit:** ${o.headSha ?? verdict.headSha ?? "unknown"} (a later push voids the override)`,
    `- **Policy:** ${policy}`,
    "",
    "**Requirements not met, overridden:**",
    ...unmet,
    "",
    "**Reason given:**",
    "",
    fenced(o.reason),
    "",
    mentions.length > 0 ? `Notifying: ${mentions.join(" ")}` : "No `notify: violations` roles are set in the policy, so nobody is notified.",
  ].join("\n");
  return { title: `rolegate: @${o.by} broke the glass on #${pullRequest.number}`, body, labels: [BREAK_GLASS_LABEL] };
}
