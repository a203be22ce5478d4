import { notifyMentions } from "../core/notify.js";
import type { Policy } from "../core/policy/types.js";
import type { GitHubApi, RepoRef } from "../github/api.js";

export const VIOLATION_LABEL = "rolegate-violation";

export interface ViolationReport {
  kind: "merge" | "push" | "forgery" | "break-glass";
  who: string;
  what: string;
  rules: string[];
  headSha: string;
  policySha?: string;
  policyFile?: string;
}

// The core decides whom violations notify (break-glass audit issues mention the same people).
export { notifyMentions };

/** Opens one `rolegate-violation` issue with the evidence. */
export async function openViolationIssue(api: GitHubApi, repo: RepoRef, report: ViolationReport, policy: Policy | undefined): Promise<number> {
  const mentions = notifyMentions(policy);
  const title = {
    merge: `rolegate: ${report.what} merged by ${report.who} in breach of the policy`,
    push: `rolegate: ${report.who} pushed guarded changes without a pull request`,
    forgery: `rolegate: ${report.what} named "rolegate" from ${report.who} on ${report.headSha.slice(0, 12)}`,
    "break-glass": `rolegate: ${report.who} tried to break the glass on ${report.what} without the right`,
  }[report.kind];
  const body = [
    {
      merge: "rolegate found a merge that its policy does not allow.",
      push: "rolegate found a direct push that its policy does not allow.",
      forgery: "rolegate found a check it did not post, under its name.",
      "break-glass": "rolegate refused a break-glass request that its policy does not allow; nothing was overridden.",
    }[report.kind],
    "",
    `- **Who:** @${report.who}`,
    `- **What:** ${report.what}`,
    `- **Head commit:** ${report.headSha}`,
    `- **Policy:** ${report.policyFile ?? ".github/rolegate.yml"}${report.policySha ? ` at ${report.policySha}` : ""}`,
    "",
    "**Rules broken:**",
    ...report.rules.slice(0, 50).map((r) => `- ${r}`),
    ...(report.rules.length > 50 ? [`- … and ${report.rules.length - 50} more`] : []),
    "",
    mentions.length > 0 ? `Notifying: ${mentions.join(" ")}` : "No `notify: violations` roles are set in the policy.",
  ].join("\n");
  const res = await api.request("POST /repos/{owner}/{repo}/issues", {
    owner: repo.owner,
    repo: repo.repo,
    title: title.slice(0, 250),
    body,
    labels: [VIOLATION_LABEL],
  });
  return (res.data as { number: number }).number;
}
