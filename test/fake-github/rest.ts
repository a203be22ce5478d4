/**
 * REST handlers. Each route's template is spelled exactly as in GitHub's OpenAPI
 * description, so the server can look handlers up by the matched operation.
 */
import { describeCommit, mergeGraphPull, pullCommits } from "./git-ops.js";
import {
  actorLogin,
  appIdOf,
  bodyObject,
  errorReply,
  hasAccess,
  hasPermission,
  intParam,
  notFound,
  paged,
  pageReply,
  str,
  unprocessable,
  withIssue,
  withPull,
  withRepo,
  type Ctx,
  type Reply,
  type RouteDef,
} from "./rest-kit.js";
import { gitRoutes } from "./rest-git.js";
import { statusRoutes } from "./rest-statuses.js";
import { actionsRoutes } from "./rest-actions.js";
import type { CheckConclusion, CheckRunRecord, CheckStatus, PermissionLevel, PullRequestRecord, RepoPermission, RepoRecord } from "./state.js";
import { snapshotOf } from "./state.js";
import {
  appJson,
  checkRunJson,
  collaboratorJson,
  contentFileJson,
  directoryEntryJson,
  fileJson,
  installationJson,
  issueCommentJson,
  issueJson,
  labelJson,
  permissionInfo,
  pullJson,
  repoJson,
  reviewJson,
  teamFullJson,
  userJson,
} from "./views.js";
import { commitRestJson } from "./views-git.js";

export { actorLogin, appIdOf, errorReply, hasPermission, permissionsOf, type Auth, type Ctx, type Reply, type RouteDef } from "./rest-kit.js";

// -- check runs ---------------------------------------------------------------

const CONCLUSIONS = new Set(["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"]);

function applyCheckRunBody(ctx: Ctx, run: CheckRunRecord, body: Record<string, unknown>, creating: boolean): Reply | undefined {
  const conclusion = str(body["conclusion"]);
  const status = str(body["status"]) as CheckStatus | undefined;
  if (conclusion !== undefined && !CONCLUSIONS.has(conclusion)) return unprocessable(ctx, "Invalid request.");
  if (conclusion === "stale") return unprocessable(ctx, "Invalid request.\n\nConclusion can't be stale.");
  if (status === "completed" && conclusion === undefined && (creating || run.conclusion === null)) {
    return unprocessable(ctx, "Invalid request.\n\nConclusion is required when status is completed.");
  }
  if (body["completed_at"] !== undefined && conclusion === undefined && run.conclusion === null) {
    return unprocessable(ctx, "Invalid request.\n\nConclusion is required when completed_at is given.");
  }
  const now = ctx.state.timestamp();
  if (typeof body["name"] === "string") run.name = body["name"];
  if (typeof body["details_url"] === "string") run.detailsUrl = body["details_url"];
  if (typeof body["external_id"] === "string") run.externalId = body["external_id"];
  if (typeof body["started_at"] === "string") run.startedAt = body["started_at"];
  if (conclusion !== undefined) {
    run.conclusion = conclusion as CheckConclusion;
    run.status = "completed";
    run.completedAt = str(body["completed_at"]) ?? now;
  } else if (status !== undefined) {
    run.status = status;
    if (status !== "completed") {
      run.conclusion = null;
      run.completedAt = null;
    }
  }
  const output = body["output"];
  if (output && typeof output === "object") {
    const o = output as Record<string, unknown>;
    if ("title" in o) run.output.title = str(o["title"]) ?? null;
    if ("summary" in o) run.output.summary = str(o["summary"]) ?? null;
    if ("text" in o) run.output.text = str(o["text"]) ?? null;
    // GitHub appends annotations and images across updates.
    if (Array.isArray(o["annotations"])) run.output.annotations.push(...(o["annotations"] as CheckRunRecord["output"]["annotations"]));
    if (Array.isArray(o["images"])) run.output.images.push(...o["images"]);
  }
  if (Array.isArray(body["actions"])) run.actions = [...body["actions"]];
  run.history.push({ at: now, action: creating ? "created" : "updated", request: structuredClone(body), snapshot: snapshotOf(run) });
  return undefined;
}

function createCheckRun(ctx: Ctx, repo: RepoRecord): Reply {
  const body = bodyObject(ctx);
  const appId = appIdOf(ctx.auth);
  if (appId === undefined) return errorReply(403, "You must authenticate via a GitHub App.", ctx.docUrl);
  const name = str(body["name"]);
  const headSha = str(body["head_sha"]);
  if (!name) return unprocessable(ctx, 'Invalid request.\n\n"name" wasn\'t supplied.');
  if (!headSha) return unprocessable(ctx, 'Invalid request.\n\n"head_sha" wasn\'t supplied.');
  if (!repo.knownShas.has(headSha)) return unprocessable(ctx, `No commit found for SHA: ${headSha}`);
  const state = ctx.state;
  const id = state.id();
  const now = state.timestamp();
  const run: CheckRunRecord = {
    id,
    nodeId: Buffer.from(`08:CheckRun${id}`).toString("base64"),
    owner: repo.owner,
    repo: repo.name,
    name,
    headSha,
    appId,
    status: "queued",
    conclusion: null,
    startedAt: now,
    completedAt: null,
    detailsUrl: null,
    externalId: null,
    output: { title: null, summary: null, text: null, annotations: [], images: [] },
    actions: [],
    checkSuiteId: state.checkSuiteId(repo.owner, repo.name, appId, headSha),
    history: [],
  };
  const err = applyCheckRunBody(ctx, run, body, true);
  if (err) return err;
  state.checkRuns.push(run);
  return { status: 201, body: checkRunJson(state, ctx.urls, run) };
}

function findRun(ctx: Ctx, repo: RepoRecord): CheckRunRecord | undefined {
  const id = intParam(ctx, "check_run_id");
  return ctx.state.checkRuns.find((c) => c.id === id && c.owner.toLowerCase() === repo.owner.toLowerCase() && c.repo.toLowerCase() === repo.name.toLowerCase());
}

function listCheckRunsForRef(ctx: Ctx, repo: RepoRecord): Reply {
  const ref = ctx.params["ref"] ?? "";
  if (!ctx.state.refExists(repo, ref)) return unprocessable(ctx, `No commit found for SHA: ${ref}`);
  const sha = ctx.state.resolveSha(repo, ref);
  const checkName = ctx.query.get("check_name");
  const status = ctx.query.get("status");
  const appId = ctx.query.get("app_id");
  const filter = ctx.query.get("filter") ?? "latest";
  let runs = ctx.state
    .checkRunsFor(repo.owner, repo.name, { headSha: sha })
    .filter((r) => (checkName === null || r.name === checkName) && (status === null || r.status === status) && (appId === null || String(r.appId) === appId));
  if (filter === "latest") {
    const latest = new Map<string, CheckRunRecord>();
    for (const r of runs) {
      const k = `${r.appId}\0${r.name}`;
      const prev = latest.get(k);
      if (!prev || prev.id < r.id) latest.set(k, r);
    }
    runs = [...latest.values()];
  }
  runs.sort((a, b) => b.id - a.id);
  const page = paged(ctx, runs);
  return {
    status: 200,
    body: { total_count: runs.length, check_runs: page.items.map((r) => checkRunJson(ctx.state, ctx.urls, r)) },
    headers: page.headers,
  };
}

// -- contents -------------------------------------------------------------------

function getContents(ctx: Ctx, repo: RepoRecord): Reply {
  const ref = ctx.query.get("ref") ?? repo.defaultBranch;
  if (!ctx.state.refExists(repo, ref)) return errorReply(404, `No commit found for the ref ${ref}`, ctx.docUrl);
  const path = (ctx.params["path"] ?? "").replace(/^\/+|\/+$/g, "");
  const tree = ctx.state.treeAt(repo, ref) ?? new Map<string, string>();
  const text = tree.get(path);
  const accept = String(ctx.headers["accept"] ?? "");
  if (text !== undefined) {
    if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) return { status: 200, raw: text, contentType: "text/plain; charset=utf-8" };
    return { status: 200, body: contentFileJson(ctx.urls, repo, ref, path, text) };
  }
  // directory listing: direct children of `path`
  const prefix = path === "" ? "" : `${path}/`;
  const entries = new Map<string, { kind: "file" | "dir"; text?: string }>();
  for (const [p, t] of tree) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash < 0) entries.set(`${prefix}${rest}`, { kind: "file", text: t });
    else entries.set(`${prefix}${rest.slice(0, slash)}`, { kind: "dir" });
  }
  if (entries.size === 0) return notFound(ctx);
  const list = [...entries.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([p, e]) => directoryEntryJson(ctx.urls, repo, ref, p, e.kind, e.text));
  return { status: 200, body: list };
}

// -- routes ---------------------------------------------------------------------

const READ = "read" as const;
const WRITE = "write" as const;

export const routes: RouteDef[] = [
  // app authentication
  {
    method: "GET",
    template: "/app",
    auth: "jwt",
    handler: (ctx) => {
      const app = ctx.auth.kind === "jwt" ? ctx.state.apps.get(ctx.auth.appId) : undefined;
      return app ? { status: 200, body: appJson(ctx.state, ctx.urls, app) } : notFound(ctx);
    },
  },
  {
    method: "GET",
    template: "/app/installations",
    auth: "jwt",
    handler: (ctx) => {
      const appId = appIdOf(ctx.auth);
      const list = [...ctx.state.installations.values()].filter((i) => i.appId === appId);
      return pageReply(ctx, list, (i) => installationJson(ctx.state, ctx.urls, i));
    },
  },
  {
    method: "GET",
    template: "/app/installations/{installation_id}",
    auth: "jwt",
    handler: (ctx) => {
      const inst = ctx.state.installations.get(intParam(ctx, "installation_id"));
      if (!inst || inst.appId !== appIdOf(ctx.auth)) return notFound(ctx);
      return { status: 200, body: installationJson(ctx.state, ctx.urls, inst) };
    },
  },
  {
    method: "POST",
    template: "/app/installations/{installation_id}/access_tokens",
    auth: "jwt",
    handler: (ctx) => {
      const inst = ctx.state.installations.get(intParam(ctx, "installation_id"));
      if (!inst || inst.appId !== appIdOf(ctx.auth)) return notFound(ctx);
      const body = bodyObject(ctx);
      let permissions = { ...inst.permissions };
      const requested = body["permissions"];
      if (requested && typeof requested === "object") {
        const wanted = requested as Record<string, PermissionLevel>;
        for (const [name, level] of Object.entries(wanted)) {
          if (!hasPermission(inst.permissions, [[name, level]])) {
            return unprocessable(ctx, `The permissions requested are not granted to this installation.`);
          }
        }
        permissions = { ...wanted };
      }
      const token = ctx.state.issueToken(inst.id, permissions);
      return {
        status: 201,
        body: {
          token: token.token,
          expires_at: token.expiresAt,
          permissions: token.permissions,
          repository_selection: "selected",
        },
      };
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/installation",
    auth: "jwt",
    handler: withRepo((ctx, repo) => {
      const inst = repo.installationId !== null ? ctx.state.installations.get(repo.installationId) : undefined;
      if (!inst || inst.appId !== appIdOf(ctx.auth)) return notFound(ctx);
      return { status: 200, body: installationJson(ctx.state, ctx.urls, inst) };
    }),
  },
  ...(["/orgs/{org}/installation", "/users/{username}/installation"] as const).map(
    (template): RouteDef => ({
      method: "GET",
      template,
      auth: "jwt",
      handler: (ctx) => {
        const account = (ctx.params["org"] ?? ctx.params["username"] ?? "").toLowerCase();
        const inst = [...ctx.state.installations.values()].find((i) => i.account.toLowerCase() === account && i.appId === appIdOf(ctx.auth));
        return inst ? { status: 200, body: installationJson(ctx.state, ctx.urls, inst) } : notFound(ctx);
      },
    }),
  ),
  {
    method: "GET",
    template: "/installation/repositories",
    handler: (ctx) => {
      const instId = ctx.auth.kind === "installation" ? ctx.auth.token.installationId : undefined;
      if (instId === undefined) return errorReply(403, "This endpoint requires an installation access token.", ctx.docUrl);
      const repos = [...ctx.state.repos.values()].filter((r) => r.installationId === instId);
      const page = paged(ctx, repos);
      return {
        status: 200,
        body: { total_count: repos.length, repository_selection: "selected", repositories: page.items.map((r) => repoJson(ctx.state, ctx.urls, r)) },
        headers: page.headers,
      };
    },
  },
  {
    method: "GET",
    template: "/rate_limit",
    handler: (ctx) => {
      const view = (r: { limit: number; remaining: number; resetAt: number }, resource: string) => ({
        limit: r.limit,
        remaining: r.remaining,
        reset: r.resetAt,
        used: r.limit - r.remaining,
        resource,
      });
      const core = view(ctx.state.rateLimit.core, "core");
      return { status: 200, body: { resources: { core, graphql: view(ctx.state.rateLimit.graphql, "graphql") }, rate: core } };
    },
  },

  // repositories and contents
  {
    method: "GET",
    template: "/repos/{owner}/{repo}",
    perms: [["metadata", READ]],
    handler: withRepo((ctx, repo) => ({ status: 200, body: repoJson(ctx.state, ctx.urls, repo, true) })),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/branches/{branch}",
    perms: [["contents", READ]],
    handler: withRepo((ctx, repo) => {
      const name = ctx.params["branch"] ?? "";
      const sha = repo.branches.get(name);
      if (!sha) return errorReply(404, "Branch not found", ctx.docUrl);
      const api = `${ctx.urls.api}/repos/${repo.owner}/${repo.name}`;
      const commit = commitRestJson(ctx.state, ctx.urls, repo, describeCommit(ctx.state, repo, sha));
      return {
        status: 200,
        body: {
          name,
          commit,
          _links: { self: `${api}/branches/${encodeURIComponent(name)}`, html: `${ctx.urls.web}/${repo.owner}/${repo.name}/tree/${name}` },
          protected: false,
          protection: { enabled: false, required_status_checks: { enforcement_level: "off", contexts: [], checks: [] } },
          protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`,
        },
      };
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/contents/{path}",
    perms: [["contents", READ]],
    handler: withRepo(getContents),
  },

  // pull requests
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/pulls",
    perms: [["pull_requests", READ]],
    handler: withRepo((ctx, repo) => {
      const state = ctx.query.get("state") ?? "open";
      const base = ctx.query.get("base");
      const head = ctx.query.get("head");
      const direction = ctx.query.get("direction") ?? "desc";
      const list = [...repo.issues.values()]
        .filter((i): i is PullRequestRecord => !!i.pull)
        .filter((p) => state === "all" || p.state === state)
        .filter((p) => base === null || p.pull.base.ref === base)
        .filter((p) => head === null || `${p.pull.head.repo.split("/")[0]}:${p.pull.head.ref}`.toLowerCase() === head.toLowerCase())
        .sort((a, b) => (direction === "asc" ? a.number - b.number : b.number - a.number));
      return pageReply(ctx, list, (p) => pullJson(ctx.state, ctx.urls, repo, p, false));
    }),
  },
  {
    // GitHub lists the pull requests a commit belongs to: merged ones whose merge commit it is,
    // and open ones whose head it is (closed unmerged ones too when the commit is their head).
    method: "GET",
    template: "/repos/{owner}/{repo}/commits/{commit_sha}/pulls",
    perms: [["pull_requests", READ]],
    handler: withRepo((ctx, repo) => {
      const sha = ctx.params["commit_sha"] ?? "";
      const list = [...repo.issues.values()]
        .filter((i): i is PullRequestRecord => !!i.pull)
        .filter((p) => p.pull.head.sha === sha || p.pull.mergeCommitSha === sha)
        .sort((a, b) => b.number - a.number);
      return pageReply(ctx, list, (p) => pullJson(ctx.state, ctx.urls, repo, p, false));
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/pulls/{pull_number}",
    perms: [["pull_requests", READ]],
    handler: withPull((ctx, repo, pr) => ({ status: 200, body: pullJson(ctx.state, ctx.urls, repo, pr, true) })),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/pulls/{pull_number}/files",
    perms: [["pull_requests", READ]],
    // GitHub lists at most 3000 files for a pull request.
    handler: withPull((ctx, repo, pr) => pageReply(ctx, pr.pull.files, (f) => fileJson(ctx.urls, repo, pr.pull.head.sha, f), ctx.state.limits.pullFiles)),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    perms: [["pull_requests", READ]],
    handler: withPull((ctx, repo, pr) =>
      pageReply(
        ctx,
        pr.pull.reviews.filter((r) => r.state !== "PENDING"),
        (r) => reviewJson(ctx.state, ctx.urls, repo, pr, r),
      ),
    ),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/pulls/{pull_number}/commits",
    perms: [["pull_requests", READ]],
    // GitHub lists at most 250 commits for a pull request.
    handler: withPull((ctx, repo, pr) =>
      pageReply(ctx, pullCommits(ctx.state, repo, pr), (c) => commitRestJson(ctx.state, ctx.urls, repo, c), ctx.state.limits.pullCommits),
    ),
  },
  {
    method: "PUT",
    template: "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
    perms: [["contents", WRITE]],
    handler: withPull((ctx, repo, pr) => {
      const body = bodyObject(ctx);
      const p = pr.pull;
      if (pr.state !== "open" || p.merged) return errorReply(405, "Pull Request is not mergeable", ctx.docUrl);
      if (p.draft) return errorReply(405, "Pull Request is still a draft", ctx.docUrl);
      if (p.mergeable === false) return errorReply(405, "Pull Request is not mergeable", ctx.docUrl);
      // A branch with a merge queue takes changes only through the queue (enqueuePullRequest).
      if (repo.mergeQueues.has(p.base.ref)) {
        return errorReply(405, "Repository rule violations found\n\nChanges must be made through the merge queue", ctx.docUrl);
      }
      const expected = str(body["sha"]);
      if (expected !== undefined && expected !== p.head.sha) {
        return errorReply(409, "Head branch was modified. Review and try the merge again.", ctx.docUrl);
      }
      const state = ctx.state;
      const by = actorLogin(state, ctx.auth);
      const method = str(body["merge_method"]) ?? "merge";
      // A pull request built on the commit graph gets a real merge, squash or rebase commit.
      const sha = repo.commits.has(p.head.sha) ? mergeGraphPull(state, repo, pr, method, by) : state.fakeSha(`merge:${repo.owner}/${repo.name}#${pr.number}`);
      const now = state.timestamp();
      p.merged = true;
      p.mergedAt = now;
      p.mergedBy = by;
      p.mergeCommitSha = sha;
      pr.state = "closed";
      pr.closedAt = now;
      pr.updatedAt = now;
      repo.branches.set(p.base.ref, sha);
      repo.knownShas.add(sha);
      p.timeline.push({
        __typename: "MergedEvent",
        createdAt: now,
        actor: { __typename: by.endsWith("[bot]") ? "Bot" : "User", login: by.replace(/\[bot\]$/, "") },
        commit: { __typename: "Commit", oid: sha },
        mergeRefName: p.base.ref,
      });
      state.merges.push({ owner: repo.owner, repo: repo.name, number: pr.number, sha, method, by, at: now, request: structuredClone(body) });
      return { status: 200, body: { sha, merged: true, message: "Pull Request successfully merged" } };
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
    perms: [["pull_requests", READ]],
    handler: withPull((ctx, repo, pr) => ({
      status: 200,
      body: {
        users: pr.pull.requestedReviewers.map((l) => userJson(ctx.state, ctx.urls, l)),
        teams: (pullJson(ctx.state, ctx.urls, repo, pr, false)["requested_teams"] as unknown[]) ?? [],
      },
    })),
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
    perms: [["pull_requests", WRITE]],
    handler: withPull((ctx, repo, pr) => {
      const body = bodyObject(ctx);
      const reviewers = Array.isArray(body["reviewers"]) ? (body["reviewers"] as unknown[]).map(String) : [];
      const teams = Array.isArray(body["team_reviewers"]) ? (body["team_reviewers"] as unknown[]).map(String) : [];
      if (reviewers.length === 0 && teams.length === 0) {
        return unprocessable(ctx, "Invalid request.\n\nreviewers or team_reviewers must be supplied.");
      }
      if (reviewers.some((r) => r.toLowerCase() === pr.author.toLowerCase())) {
        return unprocessable(ctx, "Review cannot be requested from pull request author.");
      }
      const strangers = [...reviewers.filter((r) => !hasAccess(ctx, repo, r)), ...teams.filter((t) => !ctx.state.findTeam(repo.owner, t))];
      if (strangers.length > 0) {
        return unprocessable(
          ctx,
          `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.owner}/${repo.name} repository.`,
        );
      }
      const p = pr.pull;
      for (const r of reviewers) if (!p.requestedReviewers.some((x) => x.toLowerCase() === r.toLowerCase())) p.requestedReviewers.push(r);
      for (const t of teams) if (!p.requestedTeams.includes(t.toLowerCase())) p.requestedTeams.push(t.toLowerCase());
      const now = ctx.state.timestamp();
      const by = actorLogin(ctx.state, ctx.auth);
      for (const r of reviewers) {
        p.timeline.push({ __typename: "ReviewRequestedEvent", createdAt: now, requestedReviewer: { __typename: "User", login: r } });
      }
      ctx.state.reviewRequests.push({ owner: repo.owner, repo: repo.name, number: pr.number, reviewers, teamReviewers: teams, by, at: now });
      return { status: 201, body: pullJson(ctx.state, ctx.urls, repo, pr, false) };
    }),
  },

  // check runs
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/check-runs",
    perms: [["checks", WRITE]],
    appOnly: true,
    handler: withRepo(createCheckRun),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/check-runs/{check_run_id}",
    perms: [["checks", READ]],
    handler: withRepo((ctx, repo) => {
      const run = findRun(ctx, repo);
      return run ? { status: 200, body: checkRunJson(ctx.state, ctx.urls, run) } : notFound(ctx);
    }),
  },
  {
    method: "PATCH",
    template: "/repos/{owner}/{repo}/check-runs/{check_run_id}",
    perms: [["checks", WRITE]],
    appOnly: true,
    handler: withRepo((ctx, repo) => {
      const run = findRun(ctx, repo);
      if (!run) return notFound(ctx);
      if (appIdOf(ctx.auth) !== run.appId) return errorReply(403, "Resource not accessible by integration", ctx.docUrl);
      const err = applyCheckRunBody(ctx, run, bodyObject(ctx), false);
      return err ?? { status: 200, body: checkRunJson(ctx.state, ctx.urls, run) };
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
    perms: [["checks", READ]],
    handler: withRepo((ctx, repo) => {
      const run = findRun(ctx, repo);
      if (!run) return notFound(ctx);
      return pageReply(ctx, run.output.annotations, (a) => ({
        path: a.path,
        start_line: a.start_line,
        end_line: a.end_line,
        start_column: a.start_column ?? null,
        end_column: a.end_column ?? null,
        annotation_level: a.annotation_level,
        title: a.title ?? null,
        message: a.message,
        raw_details: a.raw_details ?? null,
        blob_href: `${ctx.urls.web}/${repo.owner}/${repo.name}/blob/${run.headSha}/${a.path}`,
      }));
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/commits/{ref}/check-runs",
    perms: [["checks", READ]],
    handler: withRepo(listCheckRunsForRef),
  },

  // teams
  {
    method: "GET",
    template: "/orgs/{org}/teams/{team_slug}/memberships/{username}",
    perms: [["members", READ]],
    handler: (ctx) => {
      const team = ctx.state.findTeam(ctx.params["org"] ?? "", ctx.params["team_slug"] ?? "");
      const member = team?.members.get((ctx.params["username"] ?? "").toLowerCase());
      if (!team || !member) return notFound(ctx);
      return {
        status: 200,
        body: {
          url: `${ctx.urls.api}/organizations/1/team/${team.id}/memberships/${member.login}`,
          role: member.role,
          state: "active",
        },
      };
    },
  },
  {
    method: "GET",
    template: "/orgs/{org}/teams/{team_slug}",
    perms: [["members", READ]],
    handler: (ctx) => {
      const team = ctx.state.findTeam(ctx.params["org"] ?? "", ctx.params["team_slug"] ?? "");
      return team ? { status: 200, body: teamFullJson(ctx.state, ctx.urls, team) } : notFound(ctx);
    },
  },
  {
    method: "GET",
    template: "/orgs/{org}/teams/{team_slug}/members",
    perms: [["members", READ]],
    handler: (ctx) => {
      const team = ctx.state.findTeam(ctx.params["org"] ?? "", ctx.params["team_slug"] ?? "");
      if (!team) return notFound(ctx);
      const role = ctx.query.get("role") ?? "all";
      const members = [...team.members.values()].filter((m) => role === "all" || m.role === role);
      return pageReply(ctx, members, (m) => userJson(ctx.state, ctx.urls, m.login));
    },
  },

  // collaborators
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/collaborators/{username}/permission",
    perms: [["metadata", READ]],
    handler: withRepo((ctx, repo) => {
      const login = ctx.params["username"] ?? "";
      const entry = repo.permissions.get(login.toLowerCase());
      const permission: RepoPermission = entry?.permission ?? (repo.private ? "none" : "read");
      return {
        status: 200,
        body: {
          permission: permissionInfo(permission).legacy,
          role_name: permission,
          user: collaboratorJson(ctx.state, ctx.urls, entry?.login ?? login, permission),
        },
      };
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/collaborators",
    perms: [["metadata", READ]],
    handler: withRepo((ctx, repo) => {
      const filter = ctx.query.get("permission");
      const list = [...repo.permissions.values()]
        .filter((p) => p.permission !== "none")
        .filter((p) => filter === null || permissionInfo(p.permission).hash[filter] === true);
      return pageReply(ctx, list, (p) => collaboratorJson(ctx.state, ctx.urls, p.login, p.permission));
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/collaborators/{username}",
    perms: [["metadata", READ]],
    handler: withRepo((ctx, repo) => (hasAccess(ctx, repo, ctx.params["username"] ?? "") ? { status: 204 } : notFound(ctx))),
  },

  // issues, comments, labels
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/issues",
    perms: [["issues", WRITE]],
    handler: withRepo((ctx, repo) => {
      const body = bodyObject(ctx);
      const title = body["title"];
      if (title === undefined || title === null || title === "") return unprocessable(ctx, 'Invalid request.\n\n"title" wasn\'t supplied.');
      const labels = Array.isArray(body["labels"])
        ? (body["labels"] as unknown[]).map((l) => (typeof l === "object" && l ? String((l as { name?: unknown }).name) : String(l)))
        : [];
      const issue = ctx.state.addIssue({
        owner: repo.owner,
        repo: repo.name,
        title: String(title),
        body: str(body["body"]) ?? null,
        author: actorLogin(ctx.state, ctx.auth),
        labels,
        assignees: Array.isArray(body["assignees"]) ? (body["assignees"] as unknown[]).map(String) : [],
      });
      return { status: 201, body: issueJson(ctx.state, ctx.urls, repo, issue) };
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/issues",
    perms: [["issues", READ]],
    handler: withRepo((ctx, repo) => {
      const state = ctx.query.get("state") ?? "open";
      const labels = (ctx.query.get("labels") ?? "")
        .split(",")
        .map((l) => l.trim().toLowerCase())
        .filter(Boolean);
      const creator = ctx.query.get("creator");
      const direction = ctx.query.get("direction") ?? "desc";
      // Like GitHub, the issues list includes pull requests (they carry a `pull_request` key).
      const list = [...repo.issues.values()]
        .filter((i) => state === "all" || i.state === state)
        .filter((i) => labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)))
        .filter((i) => creator === null || i.author.toLowerCase() === creator.toLowerCase())
        .sort((a, b) => (direction === "asc" ? a.number - b.number : b.number - a.number));
      return pageReply(ctx, list, (i) => issueJson(ctx.state, ctx.urls, repo, i));
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/issues/{issue_number}",
    perms: [
      ["issues", READ],
      ["pull_requests", READ],
    ],
    handler: withIssue((ctx, repo, issue) => ({ status: 200, body: issueJson(ctx.state, ctx.urls, repo, issue) })),
  },
  {
    method: "PATCH",
    template: "/repos/{owner}/{repo}/issues/{issue_number}",
    perms: [
      ["issues", WRITE],
      ["pull_requests", WRITE],
    ],
    handler: withIssue((ctx, repo, issue) => {
      const body = bodyObject(ctx);
      const now = ctx.state.timestamp();
      if (body["title"] !== undefined && body["title"] !== null) issue.title = String(body["title"]);
      if ("body" in body) issue.body = str(body["body"]) ?? null;
      if (body["state"] === "open" || body["state"] === "closed") {
        if (issue.state !== body["state"]) issue.closedAt = body["state"] === "closed" ? now : null;
        issue.state = body["state"];
        issue.stateReason = str(body["state_reason"]) ?? (body["state"] === "closed" ? "completed" : "reopened");
      }
      if (Array.isArray(body["labels"])) {
        issue.labels = (body["labels"] as unknown[]).map(
          (l) => ctx.state.label(repo, typeof l === "object" && l ? String((l as { name?: unknown }).name) : String(l)).name,
        );
      }
      if (Array.isArray(body["assignees"])) issue.assignees = (body["assignees"] as unknown[]).map(String);
      issue.updatedAt = now;
      return { status: 200, body: issueJson(ctx.state, ctx.urls, repo, issue) };
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    perms: [
      ["issues", READ],
      ["pull_requests", READ],
    ],
    handler: withIssue((ctx, repo, issue) => pageReply(ctx, issue.comments, (c) => issueCommentJson(ctx.state, ctx.urls, repo, issue, c))),
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    perms: [
      ["issues", WRITE],
      ["pull_requests", WRITE],
    ],
    handler: withIssue((ctx, repo, issue) => {
      const text = str(bodyObject(ctx)["body"]);
      if (text === undefined) return unprocessable(ctx, 'Invalid request.\n\n"body" wasn\'t supplied.');
      const now = ctx.state.timestamp();
      const comment = { id: ctx.state.id(), body: text, user: actorLogin(ctx.state, ctx.auth), createdAt: now, updatedAt: now };
      issue.comments.push(comment);
      issue.updatedAt = now;
      return { status: 201, body: issueCommentJson(ctx.state, ctx.urls, repo, issue, comment) };
    }),
  },
  {
    method: "PATCH",
    template: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    perms: [
      ["issues", WRITE],
      ["pull_requests", WRITE],
    ],
    handler: withRepo((ctx, repo) => {
      const id = intParam(ctx, "comment_id");
      for (const issue of repo.issues.values()) {
        const comment = issue.comments.find((c) => c.id === id);
        if (!comment) continue;
        const text = str(bodyObject(ctx)["body"]);
        if (text === undefined) return unprocessable(ctx, 'Invalid request.\n\n"body" wasn\'t supplied.');
        comment.body = text;
        comment.updatedAt = ctx.state.timestamp();
        return { status: 200, body: issueCommentJson(ctx.state, ctx.urls, repo, issue, comment) };
      }
      return notFound(ctx);
    }),
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    perms: [
      ["issues", WRITE],
      ["pull_requests", WRITE],
    ],
    handler: withIssue((ctx, repo, issue) => {
      const body = ctx.body;
      const rawList = Array.isArray(body) ? body : Array.isArray(bodyObject(ctx)["labels"]) ? (bodyObject(ctx)["labels"] as unknown[]) : undefined;
      if (!rawList || rawList.length === 0) return unprocessable(ctx, "Invalid request.\n\nNo labels were supplied.");
      const now = ctx.state.timestamp();
      for (const raw of rawList) {
        const name = typeof raw === "object" && raw ? String((raw as { name?: unknown }).name) : String(raw);
        const label = ctx.state.label(repo, name);
        if (issue.labels.some((l) => l.toLowerCase() === label.name.toLowerCase())) continue;
        issue.labels.push(label.name);
        issue.pull?.timeline.push({
          __typename: "LabeledEvent",
          createdAt: now,
          label: { __typename: "Label", name: label.name, color: label.color },
          actor: { __typename: "Bot", login: actorLogin(ctx.state, ctx.auth).replace(/\[bot\]$/, "") },
        });
      }
      issue.updatedAt = now;
      return { status: 200, body: issue.labels.map((n) => labelJson(ctx.urls, repo, ctx.state.label(repo, n))) };
    }),
  },
  {
    method: "DELETE",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
    perms: [
      ["issues", WRITE],
      ["pull_requests", WRITE],
    ],
    handler: withIssue((ctx, repo, issue) => {
      const name = (ctx.params["name"] ?? "").toLowerCase();
      const idx = issue.labels.findIndex((l) => l.toLowerCase() === name);
      if (idx < 0) return errorReply(404, "Label does not exist", ctx.docUrl);
      const [removed] = issue.labels.splice(idx, 1);
      issue.pull?.timeline.push({
        __typename: "UnlabeledEvent",
        createdAt: ctx.state.timestamp(),
        label: { __typename: "Label", name: removed ?? name },
      });
      return { status: 200, body: issue.labels.map((n) => labelJson(ctx.urls, repo, ctx.state.label(repo, n))) };
    }),
  },
  ...gitRoutes,
  ...statusRoutes,
  ...actionsRoutes,
];
