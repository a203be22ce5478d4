/**
 * REST projections of the git side of the fake: commits, comparisons, trees,
 * refs, commit statuses and workflow runs, shaped like GitHub's responses.
 */
import type { WorkflowRunRecord } from "./deployments.js";
import type { FileChange } from "./diff.js";
import { gitTree } from "./git-objects.js";
import { fullMessage, type CommitRecord } from "./graph.js";
import type { FakeGitHubState, RepoRecord } from "./state.js";
import type { CommitStatusRecord } from "./statuses.js";
import { fileJson, repoJson, userJson, type Urls } from "./views.js";

type J = Record<string, unknown>;

function api(urls: Urls, repo: RepoRecord): string {
  return `${urls.api}/repos/${repo.owner}/${repo.name}`;
}

function web(urls: Urls, repo: RepoRecord): string {
  return `${urls.web}/${repo.owner}/${repo.name}`;
}

export function commitNodeId(sha: string): string {
  return Buffer.from(`06:Commit${sha}`).toString("base64");
}

/** A commit as GET /commits/{ref}, pull request commit lists and comparisons show it; `detail` adds stats and files. */
export function commitRestJson(
  state: FakeGitHubState,
  urls: Urls,
  repo: RepoRecord,
  c: CommitRecord,
  detail?: { files: readonly FileChange[]; all: readonly FileChange[] },
): J {
  const u = `${api(urls, repo)}/commits/${c.sha}`;
  const out: J = {
    url: u,
    sha: c.sha,
    node_id: commitNodeId(c.sha),
    html_url: `${web(urls, repo)}/commit/${c.sha}`,
    comments_url: `${u}/comments`,
    commit: {
      url: `${api(urls, repo)}/git/commits/${c.sha}`,
      author: { name: c.author.name, email: c.author.email, date: c.author.date },
      committer: { name: c.committer.name, email: c.committer.email, date: c.committer.date },
      message: fullMessage(c),
      comment_count: 0,
      tree: { sha: c.treeSha, url: `${api(urls, repo)}/git/trees/${c.treeSha}` },
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    // REST names the account behind the e-mail: a Bot for "renovate[bot]", null for a plain e-mail.
    author: c.author.login ? userJson(state, urls, c.author.login) : null,
    committer: c.committer.login ? userJson(state, urls, c.committer.login) : null,
    parents: c.parents.map((p) => ({ sha: p, url: `${api(urls, repo)}/commits/${p}`, html_url: `${web(urls, repo)}/commit/${p}` })),
  };
  if (detail) {
    const additions = detail.all.reduce((n, f) => n + f.additions, 0);
    const deletions = detail.all.reduce((n, f) => n + f.deletions, 0);
    out["stats"] = { total: additions + deletions, additions, deletions };
    out["files"] = detail.files.map((f) => fileJson(urls, repo, c.sha, f));
  }
  return out;
}

export function compareJson(
  state: FakeGitHubState,
  urls: Urls,
  repo: RepoRecord,
  input: {
    basehead: string;
    base: CommitRecord;
    mergeBase: CommitRecord | undefined;
    aheadBy: number;
    behindBy: number;
    commits: readonly CommitRecord[];
    files: readonly FileChange[] | undefined;
  },
): J {
  const { aheadBy, behindBy } = input;
  const status = aheadBy > 0 && behindBy > 0 ? "diverged" : aheadBy > 0 ? "ahead" : behindBy > 0 ? "behind" : "identical";
  const html = `${web(urls, repo)}/compare/${input.basehead}`;
  const out: J = {
    url: `${api(urls, repo)}/compare/${input.basehead}`,
    html_url: html,
    permalink_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    base_commit: commitRestJson(state, urls, repo, input.base),
    merge_base_commit: commitRestJson(state, urls, repo, input.mergeBase ?? input.base),
    status,
    ahead_by: aheadBy,
    behind_by: behindBy,
    total_commits: aheadBy,
    commits: input.commits.map((c) => commitRestJson(state, urls, repo, c)),
  };
  if (input.files) out["files"] = input.files.map((f) => fileJson(urls, repo, input.commits.at(-1)?.sha ?? input.base.sha, f));
  return out;
}

export function treeJson(urls: Urls, repo: RepoRecord, files: ReadonlyMap<string, string>, recursive: boolean): J {
  const tree = gitTree(files);
  const entries = recursive ? tree.entries : tree.entries.filter((e) => !e.path.includes("/"));
  return {
    sha: tree.root,
    url: `${api(urls, repo)}/git/trees/${tree.root}`,
    tree: entries.map((e) => ({
      path: e.path,
      mode: e.mode,
      type: e.type,
      sha: e.sha,
      ...(e.size !== undefined ? { size: e.size } : {}),
      url: `${api(urls, repo)}/git/${e.type === "blob" ? "blobs" : "trees"}/${e.sha}`,
    })),
    truncated: false,
  };
}

export function refJson(urls: Urls, repo: RepoRecord, ref: string, sha: string): J {
  return {
    ref,
    node_id: Buffer.from(`Ref:${repo.id}:${ref}`).toString("base64"),
    url: `${api(urls, repo)}/git/${ref}`,
    object: { type: "commit", sha, url: `${api(urls, repo)}/git/commits/${sha}` },
  };
}

export function statusJson(state: FakeGitHubState, urls: Urls, repo: RepoRecord, s: CommitStatusRecord): J {
  const creator = userJson(state, urls, s.creator);
  return {
    url: `${api(urls, repo)}/statuses/${s.sha}`,
    avatar_url: creator["avatar_url"],
    id: s.id,
    node_id: s.nodeId,
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    creator,
  };
}

export function combinedStatusJson(
  state: FakeGitHubState,
  urls: Urls,
  repo: RepoRecord,
  sha: string,
  combined: string,
  page: readonly CommitStatusRecord[],
  total: number,
): J {
  return {
    state: combined,
    statuses: page.map((s) => {
      const { creator: _creator, ...simple } = statusJson(state, urls, repo, s);
      return simple;
    }),
    sha,
    total_count: total,
    repository: repoJson(state, urls, repo),
    commit_url: `${api(urls, repo)}/commits/${sha}`,
    url: `${api(urls, repo)}/commits/${sha}/status`,
  };
}

export function workflowRunJson(state: FakeGitHubState, urls: Urls, repo: RepoRecord, run: WorkflowRunRecord, withPulls: boolean): J {
  const u = `${api(urls, repo)}/actions/runs/${run.id}`;
  const head = repo.commits.get(run.headSha);
  const mini = (ref: string, sha: string) => ({ ref, sha, repo: { id: repo.id, url: api(urls, repo), name: repo.name } });
  const pulls = withPulls
    ? run.pullRequests.flatMap((n) => {
        const p = repo.issues.get(n)?.pull;
        return p
          ? [
              {
                id: repo.issues.get(n)?.id ?? n,
                number: n,
                url: `${api(urls, repo)}/pulls/${n}`,
                head: mini(p.head.ref, p.head.sha),
                base: mini(p.base.ref, p.base.sha),
              },
            ]
          : [];
      })
    : [];
  const checkSuiteId = state.checkSuiteId(repo.owner, repo.name, 15368, run.headSha);
  return {
    id: run.id,
    name: run.name,
    node_id: run.nodeId,
    check_suite_id: checkSuiteId,
    check_suite_node_id: Buffer.from(`CheckSuite:${checkSuiteId}`).toString("base64"),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.path,
    run_number: run.runNumber,
    run_attempt: run.runAttempt,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url: u,
    html_url: `${web(urls, repo)}/actions/runs/${run.id}`,
    pull_requests: pulls,
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: userJson(state, urls, run.actor),
    triggering_actor: userJson(state, urls, run.triggeringActor),
    run_started_at: run.createdAt,
    jobs_url: `${u}/jobs`,
    logs_url: `${u}/logs`,
    check_suite_url: `${api(urls, repo)}/check-suites/${checkSuiteId}`,
    artifacts_url: `${u}/artifacts`,
    cancel_url: `${u}/cancel`,
    rerun_url: `${u}/rerun`,
    previous_attempt_url: run.runAttempt > 1 ? `${u}/attempts/${run.runAttempt - 1}` : null,
    workflow_url: `${api(urls, repo)}/actions/workflows/${run.workflowId}`,
    head_commit: {
      id: run.headSha,
      tree_id: head?.treeSha ?? run.headSha,
      message: head ? fullMessage(head) : `Commit ${run.headSha.slice(0, 7)}`,
      timestamp: head?.committer.date ?? run.createdAt,
      author: head ? { name: head.author.name, email: head.author.email } : null,
      committer: head ? { name: head.committer.name, email: head.committer.email } : null,
    },
    repository: repoJson(state, urls, repo),
    head_repository: repoJson(state, urls, repo),
    display_title: run.displayTitle,
  };
}
