/**
 * REST projections of the fake's records, shaped like GitHub's responses (the
 * test suite checks them against the OpenAPI response schemas).
 */
import type {
  AppRecord,
  CheckRunRecord,
  FakeGitHubState,
  InstallationRecord,
  IssueCommentRecord,
  IssueRecord,
  LabelRecord,
  PullFileRecord,
  PullRequestRecord,
  PullReviewRecord,
  RepoPermission,
  RepoRecord,
  TeamRecord,
} from "./state.js";
import { gitBlobSha } from "./state.js";

export interface Urls {
  /** REST base, e.g. http://127.0.0.1:1234/api/v3 */
  api: string;
  /** web base, e.g. http://127.0.0.1:1234 */
  web: string;
}

type J = Record<string, unknown>;

const EPOCH = "2020-01-01T00:00:00Z";

function nodeId(type: string, id: number): string {
  return Buffer.from(`04:${type}${id}`).toString("base64");
}

export function userJson(state: FakeGitHubState, urls: Urls, login: string, type?: "User" | "Bot" | "Organization"): J {
  const id = state.userId(login);
  const kind = type ?? (login.endsWith("[bot]") ? "Bot" : "User");
  const u = `${urls.api}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId(kind, id),
    avatar_url: `${urls.web}/avatars/u/${id}`,
    gravatar_id: "",
    url: u,
    html_url: kind === "Bot" ? `${urls.web}/apps/${login.replace(/\[bot\]$/, "")}` : `${urls.web}/${login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: kind,
    user_view_type: "public",
    site_admin: false,
  };
}

export function repoJson(state: FakeGitHubState, urls: Urls, repo: RepoRecord | { owner: string; name: string }, full = false): J {
  const rec = "id" in repo ? repo : state.findRepo(repo.owner, repo.name);
  const owner = rec?.owner ?? repo.owner;
  const name = rec?.name ?? repo.name;
  const id = rec?.id ?? state.userId(`repo:${owner}/${name}`);
  const u = `${urls.api}/repos/${owner}/${name}`;
  const openIssues = rec ? [...rec.issues.values()].filter((i) => i.state === "open").length : 0;
  const out: J = {
    id,
    node_id: rec?.nodeId ?? nodeId("Repository", id),
    name,
    full_name: `${owner}/${name}`,
    private: rec?.private ?? false,
    owner: userJson(state, urls, owner, rec?.ownerType ?? "User"),
    html_url: `${urls.web}/${owner}/${name}`,
    description: rec?.description ?? null,
    fork: !rec,
    url: u,
    archive_url: `${u}/{archive_format}{/ref}`,
    assignees_url: `${u}/assignees{/user}`,
    blobs_url: `${u}/git/blobs{/sha}`,
    branches_url: `${u}/branches{/branch}`,
    collaborators_url: `${u}/collaborators{/collaborator}`,
    comments_url: `${u}/comments{/number}`,
    commits_url: `${u}/commits{/sha}`,
    compare_url: `${u}/compare/{base}...{head}`,
    contents_url: `${u}/contents/{+path}`,
    contributors_url: `${u}/contributors`,
    deployments_url: `${u}/deployments`,
    downloads_url: `${u}/downloads`,
    events_url: `${u}/events`,
    forks_url: `${u}/forks`,
    git_commits_url: `${u}/git/commits{/sha}`,
    git_refs_url: `${u}/git/refs{/sha}`,
    git_tags_url: `${u}/git/tags{/sha}`,
    git_url: `git://${new URL(urls.web).host}/${owner}/${name}.git`,
    issue_comment_url: `${u}/issues/comments{/number}`,
    issue_events_url: `${u}/issues/events{/number}`,
    issues_url: `${u}/issues{/number}`,
    keys_url: `${u}/keys{/key_id}`,
    labels_url: `${u}/labels{/name}`,
    languages_url: `${u}/languages`,
    merges_url: `${u}/merges`,
    milestones_url: `${u}/milestones{/number}`,
    notifications_url: `${u}/notifications{?since,all,participating}`,
    pulls_url: `${u}/pulls{/number}`,
    releases_url: `${u}/releases{/id}`,
    ssh_url: `git@${new URL(urls.web).hostname}:${owner}/${name}.git`,
    stargazers_url: `${u}/stargazers`,
    statuses_url: `${u}/statuses/{sha}`,
    subscribers_url: `${u}/subscribers`,
    subscription_url: `${u}/subscription`,
    tags_url: `${u}/tags`,
    teams_url: `${u}/teams`,
    trees_url: `${u}/git/trees{/sha}`,
    clone_url: `${urls.web}/${owner}/${name}.git`,
    mirror_url: null,
    hooks_url: `${u}/hooks`,
    svn_url: `${urls.web}/${owner}/${name}`,
    homepage: null,
    language: null,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: 1,
    default_branch: rec?.defaultBranch ?? "main",
    open_issues_count: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: rec?.visibility ?? (rec?.private ? "private" : "public"),
    pushed_at: rec?.createdAt ?? EPOCH,
    created_at: rec?.createdAt ?? EPOCH,
    updated_at: rec?.createdAt ?? EPOCH,
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
  };
  if (full) {
    out["network_count"] = 0;
    out["subscribers_count"] = 0;
  }
  return out;
}

export function labelJson(urls: Urls, repo: RepoRecord, label: LabelRecord): J {
  return {
    id: label.id,
    node_id: nodeId("Label", label.id),
    url: `${urls.api}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  };
}

export function authorAssociation(state: FakeGitHubState, repo: RepoRecord, login: string): string {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return "OWNER";
  const perm = repo.permissions.get(login.toLowerCase());
  for (const team of state.teams.values()) {
    if (team.org.toLowerCase() === repo.owner.toLowerCase() && team.members.has(login.toLowerCase())) return "MEMBER";
  }
  if (perm && perm.permission !== "none") return "COLLABORATOR";
  return "CONTRIBUTOR";
}

function issueLabels(state: FakeGitHubState, urls: Urls, repo: RepoRecord, issue: IssueRecord): J[] {
  return issue.labels.map((name) => labelJson(urls, repo, state.label(repo, name)));
}

export function issueJson(state: FakeGitHubState, urls: Urls, repo: RepoRecord, issue: IssueRecord): J {
  const u = `${urls.api}/repos/${repo.owner}/${repo.name}/issues/${issue.number}`;
  const out: J = {
    id: issue.id,
    node_id: issue.nodeId,
    url: u,
    repository_url: `${urls.api}/repos/${repo.owner}/${repo.name}`,
    labels_url: `${u}/labels{/name}`,
    comments_url: `${u}/comments`,
    events_url: `${u}/events`,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/${issue.pull ? "pull" : "issues"}/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: userJson(state, urls, issue.author),
    labels: issueLabels(state, urls, repo, issue),
    assignee: issue.assignees[0] ? userJson(state, urls, issue.assignees[0]) : null,
    assignees: issue.assignees.map((a) => userJson(state, urls, a)),
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: issue.comments.length,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    author_association: authorAssociation(state, repo, issue.author),
  };
  if (issue.pull) {
    const pu = `${urls.web}/${repo.owner}/${repo.name}/pull/${issue.number}`;
    out["pull_request"] = {
      url: `${urls.api}/repos/${repo.owner}/${repo.name}/pulls/${issue.number}`,
      html_url: pu,
      diff_url: `${pu}.diff`,
      patch_url: `${pu}.patch`,
      merged_at: issue.pull.mergedAt,
    };
    out["draft"] = issue.pull.draft;
  }
  return out;
}

export function issueCommentJson(state: FakeGitHubState, urls: Urls, repo: RepoRecord, issue: IssueRecord, c: IssueCommentRecord): J {
  return {
    id: c.id,
    node_id: nodeId("IssueComment", c.id),
    url: `${urls.api}/repos/${repo.owner}/${repo.name}/issues/comments/${c.id}`,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/${issue.pull ? "pull" : "issues"}/${issue.number}#issuecomment-${c.id}`,
    issue_url: `${urls.api}/repos/${repo.owner}/${repo.name}/issues/${issue.number}`,
    body: c.body,
    user: userJson(state, urls, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: authorAssociation(state, repo, c.user),
  };
}

function branchRef(state: FakeGitHubState, urls: Urls, repoFullName: string, ref: string, sha: string): J {
  const [owner = "", name = ""] = repoFullName.split("/");
  return {
    label: `${owner}:${ref}`,
    ref,
    sha,
    user: userJson(state, urls, owner, state.findRepo(owner, name)?.ownerType ?? "User"),
    repo: repoJson(state, urls, { owner, name }),
  };
}

/** `full` = the single-PR shape (GET /pulls/{n}); otherwise the list item shape. */
export function pullJson(state: FakeGitHubState, urls: Urls, repo: RepoRecord, pr: PullRequestRecord, full: boolean): J {
  const p = pr.pull;
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const u = `${api}/pulls/${pr.number}`;
  const html = `${urls.web}/${repo.owner}/${repo.name}/pull/${pr.number}`;
  const out: J = {
    url: u,
    id: pr.id,
    node_id: pr.nodeId,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${u}/commits`,
    review_comments_url: `${u}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${p.head.sha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(state, urls, pr.author),
    body: pr.body,
    labels: issueLabels(state, urls, repo, pr),
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    assignee: pr.assignees[0] ? userJson(state, urls, pr.assignees[0]) : null,
    assignees: pr.assignees.map((a) => userJson(state, urls, a)),
    requested_reviewers: p.requestedReviewers.map((r) => userJson(state, urls, r)),
    requested_teams: p.requestedTeams.map((slug) => teamJsonBySlug(state, urls, repo.owner, slug)),
    head: branchRef(state, urls, p.head.repo, p.head.ref, p.head.sha),
    base: branchRef(state, urls, `${repo.owner}/${repo.name}`, p.base.ref, p.base.sha),
    _links: {
      self: { href: u },
      html: { href: html },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${u}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${u}/commits` },
      statuses: { href: `${api}/statuses/${p.head.sha}` },
    },
    author_association: authorAssociation(state, repo, pr.author),
    auto_merge: null,
    draft: p.draft,
  };
  if (full) {
    Object.assign(out, {
      merged: p.merged,
      mergeable: pr.state === "open" ? p.mergeable : null,
      rebaseable: pr.state === "open" ? p.mergeable : null,
      mergeable_state: p.draft ? "draft" : p.mergeable === null ? "unknown" : p.mergeable ? "clean" : "dirty",
      merged_by: p.mergedBy ? userJson(state, urls, p.mergedBy) : null,
      comments: pr.comments.length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: p.commits.length,
      additions: p.files.reduce((n, f) => n + f.additions, 0),
      deletions: p.files.reduce((n, f) => n + f.deletions, 0),
      changed_files: p.files.length,
    });
  }
  return out;
}

function teamJsonBySlug(state: FakeGitHubState, urls: Urls, org: string, slug: string): J {
  const team = state.findTeam(org, slug) ?? { id: state.userId(`team:${org}/${slug}`), org, slug, name: slug, privacy: "closed" as const };
  return teamJson(urls, team);
}

export function teamJson(urls: Urls, team: TeamRecord | { id: number; org: string; slug: string; name: string; privacy: "secret" | "closed" }): J {
  const u = `${urls.api}/organizations/1/team/${team.id}`;
  return {
    id: team.id,
    node_id: nodeId("Team", team.id),
    url: u,
    html_url: `${urls.web}/orgs/${team.org}/teams/${team.slug}`,
    name: team.name,
    slug: team.slug,
    description: null,
    privacy: team.privacy,
    notification_setting: "notifications_enabled",
    permission: "pull",
    members_url: `${u}/members{/member}`,
    repositories_url: `${u}/repos`,
    parent: null,
    type: "organization",
  };
}

/** GET /orgs/{org}/teams/{team_slug}: the team with counts and its organization. */
export function teamFullJson(state: FakeGitHubState, urls: Urls, team: TeamRecord): J {
  const org = userJson(state, urls, team.org, "Organization");
  const orgApi = `${urls.api}/orgs/${team.org}`;
  return {
    ...teamJson(urls, team),
    members_count: team.members.size,
    repos_count: [...state.repos.values()].filter((r) => r.owner.toLowerCase() === team.org.toLowerCase()).length,
    created_at: EPOCH,
    updated_at: EPOCH,
    organization: {
      login: team.org,
      id: org["id"],
      node_id: org["node_id"],
      url: orgApi,
      repos_url: `${orgApi}/repos`,
      events_url: `${orgApi}/events`,
      hooks_url: `${orgApi}/hooks`,
      issues_url: `${orgApi}/issues`,
      members_url: `${orgApi}/members{/member}`,
      public_members_url: `${orgApi}/public_members{/member}`,
      avatar_url: org["avatar_url"],
      description: null,
      html_url: `${urls.web}/${team.org}`,
      has_organization_projects: true,
      has_repository_projects: true,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      type: "Organization",
      created_at: EPOCH,
      updated_at: EPOCH,
      archived_at: null,
    },
  };
}

export function fileJson(urls: Urls, repo: RepoRecord, headSha: string, f: PullFileRecord): J {
  const enc = f.filename.split("/").map(encodeURIComponent).join("/");
  const out: J = {
    sha: f.sha,
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.additions + f.deletions,
    blob_url: `${urls.web}/${repo.owner}/${repo.name}/blob/${headSha}/${enc}`,
    raw_url: `${urls.web}/${repo.owner}/${repo.name}/raw/${headSha}/${enc}`,
    contents_url: `${urls.api}/repos/${repo.owner}/${repo.name}/contents/${enc}?ref=${headSha}`,
  };
  if (f.patch !== undefined) out["patch"] = f.patch;
  if (f.previous_filename !== undefined) out["previous_filename"] = f.previous_filename;
  return out;
}

export function reviewJson(state: FakeGitHubState, urls: Urls, repo: RepoRecord, pr: PullRequestRecord, r: PullReviewRecord): J {
  const html = `${urls.web}/${repo.owner}/${repo.name}/pull/${pr.number}#pullrequestreview-${r.id}`;
  const out: J = {
    id: r.id,
    node_id: nodeId("PullRequestReview", r.id),
    user: userJson(state, urls, r.user),
    body: r.body,
    state: r.state,
    html_url: html,
    pull_request_url: `${urls.api}/repos/${repo.owner}/${repo.name}/pulls/${pr.number}`,
    author_association: authorAssociation(state, repo, r.user),
    _links: {
      html: { href: html },
      pull_request: { href: `${urls.api}/repos/${repo.owner}/${repo.name}/pulls/${pr.number}` },
    },
    commit_id: r.commit_id,
  };
  if (r.submitted_at) out["submitted_at"] = r.submitted_at;
  return out;
}

export function appJson(state: FakeGitHubState, urls: Urls, app: AppRecord): J {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId("App", app.id),
    client_id: `Iv1.fake${app.id}`,
    owner: userJson(state, urls, app.owner, "Organization"),
    name: app.name,
    description: null,
    external_url: `${urls.web}/apps/${app.slug}`,
    html_url: `${urls.web}/apps/${app.slug}`,
    created_at: EPOCH,
    updated_at: EPOCH,
    permissions: app.permissions,
    events: app.events,
    installations_count: [...state.installations.values()].filter((i) => i.appId === app.id).length,
  };
}

export function installationJson(state: FakeGitHubState, urls: Urls, inst: InstallationRecord): J {
  const app = state.apps.get(inst.appId);
  return {
    id: inst.id,
    account: userJson(state, urls, inst.account, inst.accountType),
    repository_selection: "selected",
    access_tokens_url: `${urls.api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.web}/organizations/${inst.account}/settings/installations/${inst.id}`,
    app_id: inst.appId,
    app_slug: app?.slug ?? `app-${inst.appId}`,
    target_id: state.userId(inst.account),
    target_type: inst.accountType,
    permissions: inst.permissions,
    events: app?.events ?? [],
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** The open pull requests whose head is `sha`, in the short form check runs and suites list them. */
export function pullRequestsAt(urls: Urls, repo: RepoRecord, sha: string): J[] {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const pulls: J[] = [];
  for (const issue of repo.issues.values()) {
    const p = issue.pull;
    if (!p || issue.state !== "open" || p.head.sha !== sha) continue;
    const mini = (ref: string, at: string) => ({ ref, sha: at, repo: { id: repo.id, url: api, name: repo.name } });
    pulls.push({
      id: issue.id,
      number: issue.number,
      url: `${api}/pulls/${issue.number}`,
      head: mini(p.head.ref, p.head.sha),
      base: mini(p.base.ref, p.base.sha),
    });
  }
  return pulls;
}

export function checkRunJson(state: FakeGitHubState, urls: Urls, run: CheckRunRecord): J {
  const api = `${urls.api}/repos/${run.owner}/${run.repo}`;
  const repo = state.findRepo(run.owner, run.repo);
  const app = state.apps.get(run.appId);
  const pulls = repo ? pullRequestsAt(urls, repo, run.headSha) : [];
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: run.nodeId,
    external_id: run.externalId ?? "",
    url: `${api}/check-runs/${run.id}`,
    html_url: `${urls.web}/${run.owner}/${run.repo}/runs/${run.id}`,
    details_url: run.detailsUrl ?? (app ? `${urls.web}/apps/${app.slug}` : null),
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.checkSuiteId },
    app: app ? appJson(state, urls, app) : null,
    pull_requests: pulls,
  };
}

export function contentFileJson(urls: Urls, repo: RepoRecord, ref: string, path: string, text: string): J {
  const sha = gitBlobSha(text);
  const base64 = Buffer.from(text, "utf8").toString("base64");
  const enc = path.split("/").map(encodeURIComponent).join("/");
  const self = `${urls.api}/repos/${repo.owner}/${repo.name}/contents/${enc}?ref=${encodeURIComponent(ref)}`;
  const git = `${urls.api}/repos/${repo.owner}/${repo.name}/git/blobs/${sha}`;
  const html = `${urls.web}/${repo.owner}/${repo.name}/blob/${ref}/${enc}`;
  return {
    type: "file",
    encoding: "base64",
    size: Buffer.byteLength(text, "utf8"),
    name: path.split("/").pop() ?? path,
    path,
    // GitHub wraps the base64 payload at 60 characters.
    content: (base64.match(/.{1,60}/g) ?? [""]).join("\n") + "\n",
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: `${urls.web}/${repo.owner}/${repo.name}/raw/${ref}/${enc}`,
    _links: { self, git, html },
  };
}

export function directoryEntryJson(urls: Urls, repo: RepoRecord, ref: string, path: string, kind: "file" | "dir", text?: string): J {
  const sha = kind === "file" ? gitBlobSha(text ?? "") : gitBlobSha(`tree:${ref}:${path}`);
  const enc = path.split("/").map(encodeURIComponent).join("/");
  const self = `${urls.api}/repos/${repo.owner}/${repo.name}/contents/${enc}?ref=${encodeURIComponent(ref)}`;
  const git = `${urls.api}/repos/${repo.owner}/${repo.name}/git/${kind === "file" ? "blobs" : "trees"}/${sha}`;
  const html = `${urls.web}/${repo.owner}/${repo.name}/${kind === "file" ? "blob" : "tree"}/${ref}/${enc}`;
  return {
    type: kind,
    size: kind === "file" ? Buffer.byteLength(text ?? "", "utf8") : 0,
    name: path.split("/").pop() ?? path,
    path,
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: kind === "file" ? `${urls.web}/${repo.owner}/${repo.name}/raw/${ref}/${enc}` : null,
    _links: { self, git, html },
  };
}

const ROLE_PERMISSIONS: Record<RepoPermission, { legacy: string; hash: Record<string, boolean> }> = {
  admin: { legacy: "admin", hash: { admin: true, maintain: true, push: true, triage: true, pull: true } },
  maintain: { legacy: "write", hash: { admin: false, maintain: true, push: true, triage: true, pull: true } },
  write: { legacy: "write", hash: { admin: false, maintain: false, push: true, triage: true, pull: true } },
  triage: { legacy: "read", hash: { admin: false, maintain: false, push: false, triage: true, pull: true } },
  read: { legacy: "read", hash: { admin: false, maintain: false, push: false, triage: false, pull: true } },
  none: { legacy: "none", hash: { admin: false, maintain: false, push: false, triage: false, pull: false } },
};

export function permissionInfo(p: RepoPermission): { legacy: string; hash: Record<string, boolean> } {
  return ROLE_PERMISSIONS[p];
}

export function collaboratorJson(state: FakeGitHubState, urls: Urls, login: string, permission: RepoPermission): J {
  return {
    ...userJson(state, urls, login),
    permissions: { ...ROLE_PERMISSIONS[permission].hash },
    role_name: permission,
  };
}
