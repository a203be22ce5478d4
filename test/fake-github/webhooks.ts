/**
 * Webhook payloads as GitHub sends them, built from the fake's records so ids,
 * repository, installation and users agree with what the API answers. Parts the
 * fake does not model start from @octokit/webhooks-examples; the test suite
 * checks every builder against GitHub's webhook schemas (x-webhooks).
 */
import examples from "@octokit/webhooks-examples";
import { diffTrees } from "./diff.js";
import { describeCommit } from "./git-ops.js";
import { commitsBetween, fullMessage, type CommitRecord } from "./graph.js";
import { mergeGroupOf } from "./merge-queue.js";
import type { FakeGitHubState, PullRequestRecord, RepoRecord } from "./state.js";
import { combinedState, latestStatuses } from "./statuses.js";
import { checkRunJson, issueCommentJson, issueJson, pullJson, pullRequestsAt, repoJson, reviewJson, teamJson, userJson, type Urls } from "./views.js";
import { workflowRunJson } from "./views-git.js";

type J = Record<string, unknown>;

/** What the builders need of a running fake (a FakeGitHub fits). */
export interface WebhookSource {
  readonly state: FakeGitHubState;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** url + "/api/v3" */
  readonly apiUrl: string;
}

function urlsOf(fake: WebhookSource): Urls {
  return { api: fake.apiUrl, web: fake.url };
}

/** A copy of GitHub's example payload for the event and action (for parts the fake does not model). */
export function examplePayload(name: string, action?: string): J {
  const group = (examples as unknown as Array<{ name: string; examples: Array<{ action?: string }> }>).find((e) => e.name === name);
  if (!group) throw new Error(`fake GitHub: no webhook example for ${name}`);
  const example = group.examples.find((x) => action === undefined || x.action === action) ?? group.examples[0];
  return structuredClone(example) as J;
}

function organizationJson(fake: WebhookSource, login: string): J {
  const u = userJson(fake.state, urlsOf(fake), login, "Organization");
  const api = `${fake.apiUrl}/orgs/${login}`;
  return {
    login,
    id: u["id"],
    node_id: u["node_id"],
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: u["avatar_url"],
    description: null,
  };
}

/** installation, organization, repository and sender, as every repository event carries them. */
function envelope(fake: WebhookSource, repo: RepoRecord, sender: string): J {
  const out: J = {
    repository: repoJson(fake.state, urlsOf(fake), repo, true),
    sender: userJson(fake.state, urlsOf(fake), sender),
  };
  if (repo.ownerType === "Organization") out["organization"] = organizationJson(fake, repo.owner);
  if (repo.installationId !== null)
    out["installation"] = { id: repo.installationId, node_id: Buffer.from(`Installation${repo.installationId}`).toString("base64") };
  return out;
}

/** The installation the fake's app has on an organization (for events without a repository). */
function orgInstallation(fake: WebhookSource, org: string): J | undefined {
  const inst = [...fake.state.installations.values()].find((i) => i.account.toLowerCase() === org.toLowerCase() && i.appId === fake.state.appId);
  return inst ? { id: inst.id, node_id: Buffer.from(`Installation${inst.id}`).toString("base64") } : undefined;
}

function pusherOf(fake: WebhookSource, login: string): J {
  return { name: login, email: fake.state.noreplyEmail(login) };
}

function pushCommitJson(fake: WebhookSource, repo: RepoRecord, c: CommitRecord): J {
  const parent = repo.commits.get(c.parents[0] ?? "");
  const changes = diffTrees(parent?.tree ?? new Map(), c.tree);
  const who = (g: CommitRecord["author"]) => ({ name: g.name, email: g.email, ...(g.login ? { username: g.login } : {}), date: g.date });
  return {
    id: c.sha,
    tree_id: c.treeSha,
    distinct: true,
    message: fullMessage(c),
    timestamp: c.committer.date,
    url: `${fake.url}/${repo.owner}/${repo.name}/commit/${c.sha}`,
    author: who(c.author),
    committer: who(c.committer),
    added: changes.filter((f) => f.status === "added" || f.status === "renamed").map((f) => f.filename),
    removed: [
      ...changes.filter((f) => f.status === "removed").map((f) => f.filename),
      ...changes.filter((f) => f.status === "renamed").map((f) => f.previous_filename ?? ""),
    ],
    modified: changes.filter((f) => f.status === "modified").map((f) => f.filename),
  };
}

const ZERO = "0".repeat(40);

/**
 * `push`: a branch (or tag) moved from `before` to `after` (default: its current tip).
 * `before` all zeros is a created ref, `after` all zeros a deleted one; a non-descendant is forced.
 */
export function pushEvent(fake: WebhookSource, input: { owner: string; repo: string; ref: string; before: string; after?: string; pusher: string }): J {
  const repo = fake.state.repo(input.owner, input.repo);
  const ref = input.ref.startsWith("refs/") ? input.ref : `refs/heads/${input.ref}`;
  const after = input.after ?? fake.state.resolveRef(repo, ref)?.sha ?? ZERO;
  const created = input.before === ZERO;
  const deleted = after === ZERO;
  const commits = deleted ? [] : commitsBetween(repo.commits, created ? undefined : input.before, after).slice(-20);
  const forced = !created && !deleted && !commitsBetween(repo.commits, undefined, after).some((c) => c.sha === input.before);
  const repository = repoJson(fake.state, urlsOf(fake), repo, true);
  // push payloads give the repository's times as Unix seconds, and its default branch as `master_branch` too
  repository["created_at"] = Math.floor(Date.parse(repo.createdAt) / 1000);
  repository["pushed_at"] = Math.floor(fake.state.now().getTime() / 1000);
  repository["master_branch"] = repo.defaultBranch;
  return {
    ...envelope(fake, repo, input.pusher),
    ref,
    before: input.before,
    after,
    created,
    deleted,
    forced,
    base_ref: null,
    compare: `${fake.url}/${repo.owner}/${repo.name}/compare/${input.before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: commits.map((c) => pushCommitJson(fake, repo, c)),
    head_commit: deleted ? null : pushCommitJson(fake, repo, describeCommit(fake.state, repo, after)),
    pusher: pusherOf(fake, input.pusher),
    repository,
  };
}

/** `membership` added/removed: `member` joined or left team `org/team`. */
export function membershipEvent(fake: WebhookSource, input: { org: string; team: string; member: string; action: "added" | "removed"; sender: string }): J {
  const team = fake.state.findTeam(input.org, input.team);
  if (!team) throw new Error(`fake GitHub: no team ${input.org}/${input.team}`);
  const installation = orgInstallation(fake, input.org);
  return {
    action: input.action,
    scope: "team",
    member: userJson(fake.state, urlsOf(fake), input.member),
    sender: userJson(fake.state, urlsOf(fake), input.sender),
    team: teamJson(urlsOf(fake), team),
    organization: organizationJson(fake, input.org),
    ...(installation ? { installation } : {}),
  };
}

/** `team` edited / added_to_repository / removed_from_repository / deleted. */
export function teamEvent(
  fake: WebhookSource,
  input: {
    org: string;
    team: string;
    action: "edited" | "added_to_repository" | "removed_from_repository" | "deleted";
    sender: string;
    /** the repository added or removed (and, for any action, shown as `repository`) */
    repo?: string;
    /** for `edited`: what changed, e.g. `{ privacy: { from: "closed" } }` */
    changes?: J;
  },
): J {
  const team = fake.state.findTeam(input.org, input.team);
  if (!team) throw new Error(`fake GitHub: no team ${input.org}/${input.team}`);
  const installation = orgInstallation(fake, input.org);
  const out: J = {
    action: input.action,
    team: teamJson(urlsOf(fake), team),
    organization: organizationJson(fake, input.org),
    sender: userJson(fake.state, urlsOf(fake), input.sender),
    ...(installation ? { installation } : {}),
  };
  if (input.action === "edited") out["changes"] = input.changes ?? {};
  if (input.repo) {
    const repository = repoJson(fake.state, urlsOf(fake), fake.state.repo(input.org, input.repo), true);
    repository["permissions"] = { admin: false, maintain: false, push: true, triage: true, pull: true };
    out["repository"] = repository;
  }
  return out;
}

function checkSuiteJson(
  fake: WebhookSource,
  repo: RepoRecord,
  appId: number,
  headSha: string,
  runs: ReturnType<FakeGitHubState["checkRunsFor"]>,
  action?: string,
): J {
  const base = examplePayload("check_suite", action ?? "completed")["check_suite"] as J;
  const app = fake.state.apps.get(appId);
  const id = fake.state.checkSuiteId(repo.owner, repo.name, appId, headSha);
  const completed = runs.length > 0 && runs.every((r) => r.status === "completed");
  const conclusions = runs.map((r) => r.conclusion);
  const conclusion = !completed ? null : conclusions.includes("failure") ? "failure" : conclusions.includes("action_required") ? "action_required" : "success";
  const branch = [...repo.branches].find(([, sha]) => sha === headSha)?.[0] ?? null;
  const head = describeCommit(fake.state, repo, headSha);
  const api = `${fake.apiUrl}/repos/${repo.owner}/${repo.name}`;
  const pulls = pullRequestsAt(urlsOf(fake), repo, headSha);
  return {
    ...base,
    id,
    node_id: Buffer.from(`CheckSuite${id}`).toString("base64"),
    head_branch: branch,
    head_sha: headSha,
    status: completed ? "completed" : runs.length > 0 ? "in_progress" : "queued",
    conclusion,
    url: `${api}/check-suites/${id}`,
    before: head.parents[0] ?? ZERO,
    after: headSha,
    pull_requests: pulls,
    app: app
      ? { ...(base["app"] as J), id: app.id, slug: app.slug, name: app.name, owner: userJson(fake.state, urlsOf(fake), app.owner, "Organization") }
      : base["app"],
    latest_check_runs_count: runs.length,
    check_runs_url: `${api}/check-suites/${id}/check-runs`,
    head_commit: {
      id: headSha,
      tree_id: head.treeSha,
      message: fullMessage(head),
      timestamp: head.committer.date,
      author: { name: head.author.name, email: head.author.email },
      committer: { name: head.committer.name, email: head.committer.email },
    },
  };
}

/** `check_run` completed / rerequested / created for a stored check run. */
export function checkRunEvent(
  fake: WebhookSource,
  input: { owner: string; repo: string; checkRunId: number; action: "completed" | "rerequested" | "created"; sender: string },
): J {
  const repo = fake.state.repo(input.owner, input.repo);
  const run = fake.state.checkRuns.find((r) => r.id === input.checkRunId);
  if (!run) throw new Error(`fake GitHub: no check run ${input.checkRunId}`);
  const siblings = fake.state.checkRunsFor(repo.owner, repo.name, { headSha: run.headSha, appId: run.appId });
  const json = checkRunJson(fake.state, urlsOf(fake), run);
  return {
    action: input.action,
    check_run: { ...json, check_suite: checkSuiteJson(fake, repo, run.appId, run.headSha, siblings) },
    ...envelope(fake, repo, input.sender),
  };
}

/** `check_suite` completed / requested for an app's suite on a commit. */
export function checkSuiteEvent(
  fake: WebhookSource,
  input: { owner: string; repo: string; headSha: string; appId?: number; action: "completed" | "requested" | "rerequested"; sender: string },
): J {
  const repo = fake.state.repo(input.owner, input.repo);
  const appId = input.appId ?? fake.state.appId;
  const runs = fake.state.checkRunsFor(repo.owner, repo.name, { headSha: input.headSha, appId });
  return { action: input.action, check_suite: checkSuiteJson(fake, repo, appId, input.headSha, runs, input.action), ...envelope(fake, repo, input.sender) };
}

/** `status` for a stored commit status (see state.addStatus or POST /statuses/{sha}). */
export function statusEvent(fake: WebhookSource, input: { owner: string; repo: string; statusId: number }): J {
  const repo = fake.state.repo(input.owner, input.repo);
  const s = repo.statuses.find((x) => x.id === input.statusId);
  if (!s) throw new Error(`fake GitHub: no status ${input.statusId} in ${input.owner}/${input.repo}`);
  const commit = describeCommit(fake.state, repo, s.sha);
  const api = `${fake.apiUrl}/repos/${repo.owner}/${repo.name}`;
  const who = (g: CommitRecord["author"]) => (g.login ? userJson(fake.state, urlsOf(fake), g.login) : null);
  return {
    id: s.id,
    sha: s.sha,
    name: `${repo.owner}/${repo.name}`,
    target_url: s.targetUrl,
    avatar_url: userJson(fake.state, urlsOf(fake), s.creator)["avatar_url"],
    context: s.context,
    description: s.description,
    state: s.state,
    commit: {
      sha: s.sha,
      node_id: Buffer.from(`06:Commit${s.sha}`).toString("base64"),
      url: `${api}/commits/${s.sha}`,
      html_url: `${fake.url}/${repo.owner}/${repo.name}/commit/${s.sha}`,
      comments_url: `${api}/commits/${s.sha}/comments`,
      commit: {
        author: { name: commit.author.name, email: commit.author.email, date: commit.author.date },
        committer: { name: commit.committer.name, email: commit.committer.email, date: commit.committer.date },
        message: fullMessage(commit),
        url: `${api}/git/commits/${s.sha}`,
        comment_count: 0,
        tree: { sha: commit.treeSha, url: `${api}/git/trees/${commit.treeSha}` },
        verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
      },
      author: who(commit.author),
      committer: who(commit.committer),
      parents: commit.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${fake.url}/${repo.owner}/${repo.name}/commit/${p}` })),
    },
    branches: [...repo.branches]
      .filter(([, sha]) => sha === s.sha)
      .map(([name]) => ({ name, commit: { sha: s.sha, url: `${api}/commits/${s.sha}` }, protected: false })),
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    ...envelope(fake, repo, s.creator),
  };
}

/** The combined status GitHub would show for the status's commit (handy next to statusEvent). */
export function combinedStatusOf(fake: WebhookSource, owner: string, repo: string, sha: string): string {
  return combinedState(latestStatuses(fake.state.repo(owner, repo), sha));
}

/**
 * `merge_group` checks_requested for the queue entry of pull request `number`: its head
 * commit is the entry's merge group commit, which holds every entry ahead of it too.
 */
export function mergeGroupEvent(fake: WebhookSource, input: { owner: string; repo: string; number: number; sender?: string }): J & { pullRequests: number[] } {
  const repo = fake.state.repo(input.owner, input.repo);
  const group = mergeGroupOf(repo, input.number);
  const head = describeCommit(fake.state, repo, group.entry.headSha);
  const payload: J = {
    action: "checks_requested",
    merge_group: {
      head_sha: group.entry.headSha,
      head_ref: `refs/heads/${group.entry.headRef}`,
      base_sha: group.entry.baseSha,
      base_ref: `refs/heads/${group.queue.branch}`,
      head_commit: {
        id: head.sha,
        tree_id: head.treeSha,
        message: fullMessage(head),
        timestamp: head.committer.date,
        author: { name: head.author.name, email: head.author.email },
        committer: { name: head.committer.name, email: head.committer.email },
      },
    },
    ...envelope(fake, repo, input.sender ?? "github-merge-queue[bot]"),
  };
  // Not part of GitHub's payload: the pull requests the group holds, oldest entry first.
  Object.defineProperty(payload, "pullRequests", { value: group.entries.map((e) => e.number), enumerable: false });
  return payload as J & { pullRequests: number[] };
}

/** `deployment_protection_rule` requested: a workflow run waits on `environment` for the app's answer. */
export function deploymentProtectionRuleEvent(
  fake: WebhookSource,
  input: { owner: string; repo: string; runId: number; environment: string; event?: string; ref?: string; creator?: string; sender?: string },
): J {
  const repo = fake.state.repo(input.owner, input.repo);
  const run = fake.state.workflowRuns.get(input.runId);
  if (!run) throw new Error(`fake GitHub: no workflow run ${input.runId}`);
  const urls = urlsOf(fake);
  const api = `${fake.apiUrl}/repos/${repo.owner}/${repo.name}`;
  const id = fake.state.id();
  const creator = input.creator ?? run.triggeringActor;
  const now = fake.state.timestamp();
  const pulls = run.pullRequests.flatMap((n) => {
    const pr = fake.state.findPullRequest(repo.owner, repo.name, n);
    return pr ? [pullJson(fake.state, urls, repo, pr, true)] : [];
  });
  const githubActions = fake.state.apps.get(15368);
  return {
    action: "requested",
    environment: input.environment,
    event: input.event ?? run.event,
    deployment_callback_url: `${api}/actions/runs/${run.id}/deployment_protection_rule`,
    deployment: {
      url: `${api}/deployments/${id}`,
      id,
      node_id: Buffer.from(`Deployment${id}`).toString("base64"),
      sha: run.headSha,
      ref: input.ref ?? run.headBranch ?? run.headSha,
      task: "deploy",
      payload: {},
      original_environment: input.environment,
      environment: input.environment,
      description: null,
      creator: userJson(fake.state, urls, creator),
      created_at: now,
      updated_at: now,
      statuses_url: `${api}/deployments/${id}/statuses`,
      repository_url: api,
      transient_environment: false,
      production_environment: false,
      performed_via_github_app: githubActions
        ? {
            id: githubActions.id,
            slug: githubActions.slug,
            node_id: Buffer.from(`App${githubActions.id}`).toString("base64"),
            owner: userJson(fake.state, urls, githubActions.owner, "Organization"),
            name: githubActions.name,
            description: null,
            external_url: `${fake.url}/features/actions`,
            html_url: `${fake.url}/apps/${githubActions.slug}`,
            created_at: "2018-07-30T09:30:17Z",
            updated_at: "2019-12-10T19:04:12Z",
            permissions: githubActions.permissions,
            events: githubActions.events,
          }
        : null,
    },
    pull_requests: pulls,
    ...envelope(fake, repo, input.sender ?? creator),
  };
}

/** `workflow_run` completed for a stored run. */
export function workflowRunEvent(
  fake: WebhookSource,
  input: { owner: string; repo: string; runId: number; action?: "completed" | "requested" | "in_progress" },
): J {
  const repo = fake.state.repo(input.owner, input.repo);
  const run = fake.state.workflowRuns.get(input.runId);
  if (!run) throw new Error(`fake GitHub: no workflow run ${input.runId}`);
  const example = examplePayload("workflow_run", "completed");
  const api = `${fake.apiUrl}/repos/${repo.owner}/${repo.name}`;
  const workflowRun = workflowRunJson(fake.state, urlsOf(fake), repo, run, true);
  const exampleRun = example["workflow_run"] as J;
  return {
    action: input.action ?? "completed",
    workflow: {
      ...(example["workflow"] as J),
      id: run.workflowId,
      node_id: Buffer.from(`Workflow${run.workflowId}`).toString("base64"),
      name: run.name,
      path: run.path,
      url: `${api}/actions/workflows/${run.workflowId}`,
      html_url: `${fake.url}/${repo.owner}/${repo.name}/blob/${repo.defaultBranch}/${run.path}`,
      badge_url: `${fake.url}/${repo.owner}/${repo.name}/workflows/${encodeURIComponent(run.name)}/badge.svg`,
    },
    workflow_run: { ...exampleRun, ...workflowRun, referenced_workflows: [] },
    ...envelope(fake, repo, run.triggeringActor),
  };
}

/** `issue_comment` created on a pull request (or issue) for a stored comment; its author may be a Bot. */
export function issueCommentEvent(
  fake: WebhookSource,
  input: { owner: string; repo: string; number: number; commentId: number; action?: "created" | "edited" | "deleted" },
): J {
  const repo = fake.state.repo(input.owner, input.repo);
  const issue = repo.issues.get(input.number);
  const comment = issue?.comments.find((c) => c.id === input.commentId);
  if (!issue || !comment) throw new Error(`fake GitHub: no comment ${input.commentId} on ${input.owner}/${input.repo}#${input.number}`);
  const urls = urlsOf(fake);
  const issueJsonForHook = issueJson(fake.state, urls, repo, issue);
  return {
    action: input.action ?? "created",
    issue: { ...issueJsonForHook, performed_via_github_app: null, reactions: emptyReactions(`${issueJsonForHook["url"]}/reactions`) },
    comment: {
      ...issueCommentJson(fake.state, urls, repo, issue, comment),
      performed_via_github_app: null,
      reactions: emptyReactions(`${fake.apiUrl}/repos/${repo.owner}/${repo.name}/issues/comments/${comment.id}/reactions`),
    },
    ...envelope(fake, repo, comment.user),
  };
}

function emptyReactions(url: string): J {
  return { url, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
}

/** `pull_request` (opened, synchronize, closed, ...) for a stored pull request. */
export function pullRequestEvent(
  fake: WebhookSource,
  input: { owner: string; repo: string; number: number; action?: string; sender?: string; before?: string },
): J {
  const repo = fake.state.repo(input.owner, input.repo);
  const pr = fake.state.pullRequest(input.owner, input.repo, input.number);
  const out: J = {
    action: input.action ?? "opened",
    number: pr.number,
    pull_request: pullJson(fake.state, urlsOf(fake), repo, pr, true),
    ...envelope(fake, repo, input.sender ?? pr.author),
  };
  if (out["action"] === "synchronize") {
    out["before"] = input.before ?? describeCommit(fake.state, repo, pr.pull.head.sha).parents[0] ?? ZERO;
    out["after"] = pr.pull.head.sha;
  }
  return out;
}

/** `pull_request_review` submitted for a stored review. */
export function pullRequestReviewEvent(
  fake: WebhookSource,
  input: { owner: string; repo: string; number: number; reviewId: number; action?: "submitted" | "dismissed" | "edited" },
): J {
  const repo = fake.state.repo(input.owner, input.repo);
  const pr = fake.state.pullRequest(input.owner, input.repo, input.number) as PullRequestRecord;
  const review = pr.pull.reviews.find((r) => r.id === input.reviewId);
  if (!review) throw new Error(`fake GitHub: no review ${input.reviewId} on ${input.owner}/${input.repo}#${input.number}`);
  const urls = urlsOf(fake);
  const state = review.state.toLowerCase();
  return {
    action: input.action ?? "submitted",
    review: { ...reviewJson(fake.state, urls, repo, pr, review), state: state === "changes_requested" ? "changes_requested" : state },
    pull_request: pullJson(fake.state, urls, repo, pr, false),
    ...envelope(fake, repo, review.user),
  };
}
