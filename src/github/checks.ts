import type { Result } from "../core/evaluate.js";
import { CHECK_NAME } from "../core/names.js";
import { verdictMarkdown } from "../core/render/check.js";
import type { Verdict } from "../core/verdict.js";
import type { GitHubApi, RepoRef } from "./api.js";
/** GitHub accepts at most 50 annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50;
const MAX_ANNOTATIONS = 500;

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

/**
 * One annotation per file that breaks a rule or needs an approval (not on deleted paths or
 * rename origins), saying everything about it. One per file, not one per finding, keeps a
 * pull request of up to 100 files within two check-run requests (50 annotations each).
 */
export function annotationsFor(result: Result | undefined): Annotation[] {
  if (!result) return [];
  const annotatable = new Set(result.files.filter((f) => f.status !== "removed" && f.renamedTo === undefined).map((f) => f.path));
  const findings = new Map<string, { level: "warning" | "failure"; title: string; message: string }[]>();
  const add = (path: string, level: "warning" | "failure", title: string, message: string) => {
    if (!annotatable.has(path)) return;
    const list = findings.get(path);
    if (list) list.push({ level, title, message });
    else findings.set(path, [{ level, title, message }]);
  };
  for (const v of result.violations) add(v.path, "failure", `${v.user} may not ${v.action} this file`, v.reason);
  for (const r of result.requirements) {
    if (r.satisfied) continue;
    const who =
      r.eligible
        .map((e) => (e === "*" ? "anyone with write access" : e))
        .slice(0, 10)
        .join(", ") || "nobody";
    for (const path of r.selected) add(path, "warning", `Needs approval: ${r.name}`, `${r.approvals.have}/${r.approvals.need} approvals. Can approve: ${who}`);
  }
  const out: Annotation[] = [];
  for (const [path, list] of findings) {
    const first = list[0]!;
    out.push({
      path,
      start_line: 1,
      end_line: 1,
      annotation_level: list.some((f) => f.level === "failure") ? "failure" : "warning",
      title: (list.length === 1 ? first.title : `${first.title} (and ${list.length - 1} more)`).slice(0, 255),
      message: list.length === 1 ? first.message : list.map((f) => `${f.title}: ${f.message}`).join("\n"),
    });
  }
  return out.slice(0, MAX_ANNOTATIONS);
}

/**
 * Posts the `rolegate` check run on the judged head commit: created complete with the
 * first 50 annotations, then updated with the rest, 50 at a time.
 */
export async function postCheckRun(api: GitHubApi, repo: RepoRef, verdict: Verdict, detailsUrl?: string): Promise<number> {
  if (!verdict.headSha) throw new Error("no head commit to post the check on");
  const annotations = annotationsFor(verdict.result);
  const summary = verdictMarkdown(verdict);
  const output = (batch: Annotation[]) => ({
    title: verdict.title.slice(0, 250),
    summary,
    ...(batch.length ? { annotations: batch } : {}),
  });
  const created = await api.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: repo.owner,
    repo: repo.repo,
    name: CHECK_NAME,
    head_sha: verdict.headSha,
    status: "completed",
    conclusion: verdict.conclusion,
    completed_at: new Date().toISOString(),
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
    output: output(annotations.slice(0, ANNOTATIONS_PER_REQUEST)),
  });
  const id = (created.data as { id: number }).id;
  for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    await api.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      owner: repo.owner,
      repo: repo.repo,
      check_run_id: id,
      output: output(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST)),
    });
  }
  return id;
}
