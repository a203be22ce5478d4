import type { Result } from "../core/evaluate.js";
import type { GitHubApi, RepoRef } from "./api.js";
import type { Judgement } from "./judge.js";

export const CHECK_NAME = "rolegate";
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

/** Annotations on files that need an approval or break a rule (not on deleted paths or rename origins). */
export function annotationsFor(result: Result | undefined): Annotation[] {
  if (!result) return [];
  const annotatable = new Set(result.files.filter((f) => f.status !== "removed" && f.renamedTo === undefined).map((f) => f.path));
  const out: Annotation[] = [];
  for (const v of result.violations) {
    if (annotatable.has(v.path)) out.push({ path: v.path, start_line: 1, end_line: 1, annotation_level: "failure", title: `${v.user} may not ${v.action} this file`, message: v.reason });
  }
  for (const r of result.requirements) {
    if (r.satisfied) continue;
    const who = r.eligible.map((e) => (e === "*" ? "anyone with write access" : e)).slice(0, 10).join(", ") || "nobody";
    for (const path of r.selected) {
      if (annotatable.has(path)) out.push({ path, start_line: 1, end_line: 1, annotation_level: "warning", title: `Needs approval: ${r.name}`, message: `${r.approvals.have}/${r.approvals.need} approvals. Can approve: ${who}` });
    }
  }
  return out.slice(0, MAX_ANNOTATIONS);
}

/**
 * Posts the `rolegate` check run on the judged head commit: created complete with the
 * first 50 annotations, then updated with the rest, 50 at a time.
 */
export async function postCheckRun(api: GitHubApi, repo: RepoRef, judgement: Judgement, detailsUrl?: string): Promise<number> {
  if (!judgement.headSha) throw new Error("no head commit to post the check on");
  const annotations = annotationsFor(judgement.result);
  const output = (batch: Annotation[]) => ({ title: judgement.title.slice(0, 250), summary: judgement.summary, ...(batch.length ? { annotations: batch } : {}) });
  const created = await api.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: repo.owner,
    repo: repo.repo,
    name: CHECK_NAME,
    head_sha: judgement.headSha,
    status: "completed",
    conclusion: judgement.conclusion,
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
