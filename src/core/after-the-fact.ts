import { formatDiagnostic } from "./diagnostics.js";
import { judgeChange, type BasePolicyInput } from "./judge-change.js";
import type { TeamData } from "./state.js";
import type { Verdict } from "./verdict.js";

/**
 * The rules a change broke once it landed (a merge, or a direct push): every violation, every
 * requirement that was not met, every blocking review, and anything that kept the change from
 * being judged. An invalid policy is itself reported: a landing that cannot be judged is never
 * silently accepted. Empty when nothing was broken (or no policy applies).
 */
export function brokenRules(v: Verdict): string[] {
  if (v.kind === "no-policy") return [];
  if (v.kind === "invalid-policy") {
    return [`the policy ${v.source?.file ?? ""} is invalid, so this could not be judged: ${v.diagnostics.map(formatDiagnostic).join("; ")}`];
  }
  const r = v.result;
  return [
    ...(r?.violations ?? []).map((x) => `${x.user} may not ${x.action}${x.path ? ` \`${x.path}\`` : ""}: ${x.reason}`),
    // A requirement set aside by break glass was overridden in the open (its audit issue records it), not broken.
    ...(r?.requirements ?? [])
      .filter((q) => !q.satisfied && !v.override?.requirements.includes(q.name))
      .map((q) => `requirement not met: ${q.name} (${q.approvals.have}/${q.approvals.need} approvals)`),
    ...(r?.blocking ?? []).map((b) => `landed despite a blocking review: ${b.reason}`),
    ...v.errors,
  ];
}

export interface DirectPush {
  paths: string[];
  pusher: string;
  branch: string;
  headSha: string;
  now: Date;
  teams: TeamData;
}

/**
 * A push straight to a branch, judged as a pull request with no review that the pusher both
 * authored and merged, by the policy from before the push.
 */
export function judgePush(base: BasePolicyInput, push: DirectPush): Verdict {
  return judgeChange({
    base,
    state: {
      files: push.paths.map((path) => ({ path, status: "modified" })),
      filesComplete: true,
      author: push.pusher,
      committers: [push.pusher],
      reviews: [],
      checksPassed: [],
      labels: [],
      targetBranch: push.branch,
      draft: false,
      mergedBy: push.pusher,
      admins: [],
      writers: new Set(),
      teams: push.teams,
      now: push.now,
      headSha: push.headSha,
    },
  });
}
