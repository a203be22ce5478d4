import * as core from "@actions/core";
import { Octokit } from "@octokit/rest";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resultJson } from "../core/render/result.js";
import { statusOf, type GitHubApi, type RepoRef } from "../github/api.js";
import { postCheckRun } from "../github/checks.js";
import { Directory } from "../github/directory.js";
import { failedJudgement, judgePullRequest, type Judgement } from "../github/judge.js";
import { PolicyLoader } from "../github/policy.js";
import { resilient } from "../github/resilient.js";

const SUPPORTED = ["pull_request", "pull_request_target", "pull_request_review", "merge_group"];

interface Inputs {
  token: string;
  policyPath: string;
  postCheck: boolean;
  failOn: "action_required" | "failure";
}

function readInputs(): Inputs {
  const failOn = core.getInput("fail-on") || "action_required";
  if (failOn !== "action_required" && failOn !== "failure") throw new Error(`input fail-on must be action_required or failure, not "${failOn}"`);
  const postCheck = (core.getInput("post-check") || "true").toLowerCase();
  if (postCheck !== "true" && postCheck !== "false") throw new Error(`input post-check must be true or false, not "${postCheck}"`);
  const token = core.getInput("token");
  if (!token) throw new Error("input token is empty: pass ${{ github.token }} or a token with org read for team roles");
  return { token, policyPath: core.getInput("policy-path") || ".github/rolegate.yml", postCheck: postCheck === "true", failOn };
}

/** Which pull requests an event is about. */
function pullRequestsOf(event: string, payload: any): { number: number; baseRef: string; headSha?: string }[] {
  if (event === "merge_group") {
    const group = payload.merge_group;
    const base = String(group.base_ref).replace(/^refs\/heads\//, "");
    return [...String(group.head_ref).matchAll(/pr-(\d+)-/g)].map((m) => ({ number: Number(m[1]), baseRef: base }));
  }
  const pr = payload.pull_request;
  return [{ number: pr.number, baseRef: pr.base.ref, headSha: pr.head?.sha }];
}

/**
 * The Action: the same judgement as the app, for teams that add a workflow instead.
 * It reads only the API (the policy from the base branch's tip), never the checked-out
 * pull request, so a pull request cannot edit its own gate.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let inputs: Inputs;
  try {
    inputs = readInputs();
  } catch (e) {
    core.setFailed((e as Error).message);
    return;
  }
  const event = env.GITHUB_EVENT_NAME ?? "";
  if (!SUPPORTED.includes(event)) {
    core.setOutput("conclusion", "failure");
    core.setFailed(`rolegate runs on ${SUPPORTED.join(", ")} events, not "${event}"`);
    return;
  }
  const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH ?? "", "utf8"));
  const [owner, name] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const repo: RepoRef = { owner: owner!, repo: name! };
  const octokit = new Octokit({ auth: inputs.token, baseUrl: env.GITHUB_API_URL ?? "https://api.github.com", userAgent: "rolegate-action" });
  const api = resilient(octokit as unknown as GitHubApi);
  const deps = { directory: new Directory(), policies: new PolicyLoader(new URL("../policies/", import.meta.url).pathname), now: () => new Date() };

  const judgements: Judgement[] = [];
  for (const pr of pullRequestsOf(event, payload)) {
    try {
      judgements.push(await judgePullRequest(api, deps, repo, pr.number, pr.baseRef, "action", { policyPath: inputs.policyPath }));
    } catch (e) {
      judgements.push(failedJudgement(`rolegate could not read pull request #${pr.number}`, e, pr.headSha));
    }
  }
  const j = combine(event, payload, judgements);

  for (const d of j.diagnostics ?? []) {
    const props = { file: d.file, startLine: d.line, startColumn: d.col, title: "rolegate policy" };
    if (d.severity === "error") core.error(d.message, props);
    else core.warning(d.message, props);
  }
  await core.summary.addRaw(j.summary, true).write();
  const reportDir = env.RUNNER_TEMP ?? ".";
  mkdirSync(reportDir, { recursive: true });
  const reportPath = join(reportDir, "rolegate-report.json");
  writeFileSync(reportPath, JSON.stringify(j.result ? resultJson(j.result) : { conclusion: j.conclusion, title: j.title }, null, 2));
  const unmet = j.result?.requirements.filter((r) => !r.satisfied) ?? [];
  core.setOutput("conclusion", j.conclusion);
  core.setOutput("required-roles", [...new Set(unmet.flatMap((r) => r.roles ?? []))].join(","));
  core.setOutput("missing-approvals", String(unmet.reduce((n, r) => n + Math.max(0, r.approvals.need - r.approvals.have), 0)));
  core.setOutput("report", reportPath);

  if (inputs.postCheck && j.headSha) {
    try {
      await postCheckRun(api, repo, j);
    } catch (e) {
      const status = statusOf(e);
      if (status === 403 || status === 404) {
        core.warning(
          `rolegate could not post its check run (HTTP ${status}): the token cannot write checks, as on a pull request from a fork with a read-only token. The verdict is in this job's summary and outcome; use pull_request_target (see docs/action.md) to post the check.`,
        );
      } else throw e;
    }
  }
  const fails = j.conclusion === "failure" || (inputs.failOn === "action_required" && j.conclusion === "action_required");
  if (fails) core.setFailed(`rolegate: ${j.conclusion}: ${j.title}`);
  else core.info(`rolegate: ${j.conclusion}: ${j.title}`);
}

function combine(event: string, payload: any, list: Judgement[]): Judgement {
  if (event !== "merge_group") return list[0] ?? failedJudgement("no pull request in the event", undefined);
  const head = payload.merge_group.head_sha as string;
  if (list.length === 0) return failedJudgement("cannot tell which pull requests are in the merge group", undefined, head);
  const ok = list.every((j) => j.conclusion === "success" || j.conclusion === "neutral");
  return {
    headSha: head,
    conclusion: ok ? "success" : "failure",
    title: ok ? "Every pull request in the merge group passes" : "A pull request in the merge group does not pass",
    summary: list.map((j) => j.summary).join("\n\n---\n\n"),
  };
}
