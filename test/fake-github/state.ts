/**
 * The fake's in-memory GitHub: plain records plus helpers to set them up.
 * REST and GraphQL answers are projections of these records (see views.ts and
 * graphql-root.ts), so both APIs always agree. Tests may read and mutate the
 * records directly; the helpers only fill in defaults and keep indexes in sync.
 */
import { createHash } from "node:crypto";
import { addWorkflowRun, type AddWorkflowRunInput, type DeploymentReviewRecord, type WorkflowRunRecord } from "./deployments.js";
import { DEFAULT_PATCH_LIMITS, type PatchLimits } from "./diff.js";
import { gitBlobSha } from "./git-objects.js";
import { addPullFromGraph, createCommit, moveHead, rebasePullRequest, setFileGuard, treeOfResolved, updateBranch, type CommitInput } from "./git-ops.js";
import type { CommitGraph } from "./graph.js";
import { dequeuePullRequest, enableMergeQueue, mergeFirstEntry, type MergeQueueRecord } from "./merge-queue.js";
import { resolveRef, type ResolvedRef } from "./refs.js";
import { addStatus, type CommitStatusRecord, type StatusState } from "./statuses.js";

export { gitBlobSha };

export type RepoPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";
export type FileStatus = "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
export type CheckStatus = "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
export type CheckConclusion = "action_required" | "cancelled" | "failure" | "neutral" | "success" | "skipped" | "stale" | "timed_out";
export type PermissionLevel = "read" | "write" | "admin";
export type RepoVisibility = "public" | "private" | "internal";
/** GitHub App permission set, e.g. `{ checks: "write", pull_requests: "read" }`. */
export type AppPermissions = Record<string, PermissionLevel>;

export interface RepoRecord {
  id: number;
  nodeId: string;
  owner: string;
  name: string;
  ownerType: "Organization" | "User";
  /** true for private and internal repositories */
  private: boolean;
  visibility: RepoVisibility;
  description: string | null;
  defaultBranch: string;
  /** branch name → head SHA */
  branches: Map<string, string>;
  /** tag name → commit SHA (lightweight tags) */
  tags: Map<string, string>;
  /** commits with parents and full trees (see commit()); SHA → commit */
  commits: CommitGraph;
  /** commit statuses (POST /statuses/{sha}), oldest first */
  statuses: CommitStatusRecord[];
  /** base branch → its merge queue (enableMergeQueue) */
  mergeQueues: Map<string, MergeQueueRecord>;
  /** every commit SHA the repo knows (branch heads, PR commits, merges, addCommit) */
  knownShas: Set<string>;
  /** ref (branch name or commit SHA) → path → text */
  files: Map<string, Map<string, string>>;
  /** lower-cased login → permission */
  permissions: Map<string, { login: string; permission: RepoPermission }>;
  /** issues and pull requests share one number space, like on GitHub */
  issues: Map<number, IssueRecord>;
  /** label name (lower-cased) → label */
  labels: Map<string, LabelRecord>;
  installationId: number | null;
  createdAt: string;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  /** "" rather than null: GitHub's schema for labels on pull requests requires a string */
  description: string;
}

export interface IssueCommentRecord {
  id: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface IssueRecord {
  number: number;
  id: number;
  nodeId: string;
  title: string;
  body: string | null;
  author: string;
  state: "open" | "closed";
  stateReason: string | null;
  labels: string[];
  assignees: string[];
  comments: IssueCommentRecord[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** present when the issue is a pull request */
  pull?: PullData;
}

export interface PullRequestRecord extends IssueRecord {
  pull: PullData;
}

export interface PullFileRecord {
  filename: string;
  status: FileStatus;
  previous_filename?: string;
  additions: number;
  deletions: number;
  patch?: string;
  sha: string;
}

export interface PullCommitRecord {
  sha: string;
  /** GitHub login of the author, or null when the e-mail maps to no account */
  author: string | null;
  committer: string | null;
  /** extra `Co-authored-by:` logins, visible in GraphQL `authors` */
  coAuthors: string[];
  message: string;
  authorName: string;
  authorEmail: string;
  committerName: string;
  committerEmail: string;
  date: string;
}

export interface PullReviewRecord {
  id: number;
  user: string;
  state: ReviewState;
  commit_id: string;
  submitted_at: string | null;
  body: string;
}

/** A timeline item as GraphQL shows it; `__typename` selects the union member. */
export interface TimelineEventRecord {
  __typename: string;
  createdAt: string;
  [field: string]: unknown;
}

export interface PullData {
  base: { ref: string; sha: string };
  head: { ref: string; sha: string; repo: string };
  draft: boolean;
  files: PullFileRecord[];
  commits: PullCommitRecord[];
  reviews: PullReviewRecord[];
  merged: boolean;
  mergedBy: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  /** null = GitHub has not computed it yet */
  mergeable: boolean | null;
  requestedReviewers: string[];
  requestedTeams: string[];
  timeline: TimelineEventRecord[];
  /** true when `files` / `commits` follow from the commit graph (computed on every read) */
  fromGraph: { files: boolean; commits: boolean };
}

export interface AnnotationRecord {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunOutput {
  title: string | null;
  summary: string | null;
  text: string | null;
  annotations: AnnotationRecord[];
  images: unknown[];
}

export interface CheckRunSnapshot {
  name: string;
  headSha: string;
  appId: number;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: CheckRunOutput;
  actions: unknown[];
}

export interface CheckRunRecord extends CheckRunSnapshot {
  id: number;
  nodeId: string;
  owner: string;
  repo: string;
  checkSuiteId: number;
  /** every create/update in order, with the request body and the resulting state */
  history: Array<{ at: string; action: "created" | "updated" | "inserted"; request: unknown; snapshot: CheckRunSnapshot }>;
}

export interface TeamRecord {
  id: number;
  org: string;
  slug: string;
  name: string;
  /** "closed" teams are visible to every organization member; "secret" ones only to their members and owners */
  privacy: "secret" | "closed";
  /** lower-cased login → member */
  members: Map<string, { login: string; role: "member" | "maintainer" }>;
}

export interface AppRecord {
  id: number;
  slug: string;
  name: string;
  owner: string;
  permissions: AppPermissions;
  events: string[];
}

export interface InstallationRecord {
  id: number;
  appId: number;
  account: string;
  accountType: "Organization" | "User";
  permissions: AppPermissions;
  createdAt: string;
}

export type TokenRecord =
  | { kind: "installation"; token: string; installationId: number; appId: number; permissions: AppPermissions; expiresAt: string }
  | { kind: "user"; token: string; login: string };

export interface MergeRecord {
  owner: string;
  repo: string;
  number: number;
  sha: string;
  method: string;
  by: string;
  at: string;
  request: unknown;
}

export interface ReviewRequestRecord {
  owner: string;
  repo: string;
  number: number;
  reviewers: string[];
  teamReviewers: string[];
  by: string;
  at: string;
}

// -- inputs -----------------------------------------------------------------

export interface AddRepoInput {
  owner: string;
  name: string;
  defaultBranch?: string;
  private?: boolean;
  /** head SHA of the default branch (generated when omitted) */
  headSha?: string;
  /** installation that covers this repo; default: the fake's default installation; null: not installed */
  installationId?: number | null;
  ownerType?: "Organization" | "User";
  description?: string;
  /** default: "private" when `private` is true, else "public" */
  visibility?: RepoVisibility;
}

export interface AddPullRequestInput {
  owner: string;
  repo: string;
  /** default: next free issue/PR number */
  number?: number;
  title?: string;
  body?: string;
  author: string;
  /** base.sha defaults to the base branch's head */
  base: { ref: string; sha?: string };
  /**
   * head.repo is "owner/name" of a fork; default: same repository. When head.sha is a
   * commit made with commit() and `files` / `commits` are not given, they follow from the graph.
   */
  head: { ref: string; sha: string; repo?: string };
  draft?: boolean;
  labels?: string[];
  files?: Array<{
    filename: string;
    status?: FileStatus;
    previous_filename?: string;
    additions?: number;
    deletions?: number;
    patch?: string;
  }>;
  /** default: one commit (head.sha) by the author */
  commits?: Array<{
    sha: string;
    author?: string | null;
    committer?: string | null;
    coAuthors?: string[];
    message?: string;
    date?: string;
  }>;
  reviews?: Array<{
    id?: number;
    user: string;
    state: ReviewState;
    commit_id?: string;
    submitted_at?: string;
    body?: string;
  }>;
  state?: "open" | "closed";
  merged?: boolean;
  mergedBy?: string;
  mergeable?: boolean | null;
  requestedReviewers?: string[];
  requestedTeams?: string[];
  timeline?: TimelineEventRecord[];
  createdAt?: string;
}

export interface InsertCheckRunInput {
  owner: string;
  repo: string;
  headSha: string;
  name: string;
  /** the app that "posted" it; use another id to forge a look-alike run */
  appId: number;
  status?: CheckStatus;
  conclusion?: CheckConclusion | null;
  output?: Partial<CheckRunOutput>;
  detailsUrl?: string | null;
  externalId?: string | null;
}

export const GITHUB_ACTIONS_APP_ID = 15368;

export const DEFAULT_INSTALLATION_PERMISSIONS: AppPermissions = {
  metadata: "read",
  contents: "write",
  checks: "write",
  pull_requests: "write",
  issues: "write",
  statuses: "write",
  members: "read",
  // reading workflow runs and answering deployment protection rules
  actions: "read",
  deployments: "write",
};

/** GitHub's documented list and diff limits; tests may lower them to reach the edges cheaply. */
export interface FakeLimits {
  /** GET /pulls/{n}/files */
  pullFiles: number;
  /** GET /pulls/{n}/commits and the compare commit list without paging parameters */
  pullCommits: number;
  /** GraphQL PullRequest.commits lists this many; totalCount still counts them all */
  pullCommitsGraphQL: number;
  /** GET /compare/{basehead} files */
  compareFiles: number;
  /** statuses per SHA and context */
  statusesPerContext: number;
  patch: PatchLimits;
}

export function defaultLimits(): FakeLimits {
  return { pullFiles: 3000, pullCommits: 250, pullCommitsGraphQL: 250, compareFiles: 300, statusesPerContext: 1000, patch: { ...DEFAULT_PATCH_LIMITS } };
}

/** GITHUB_TOKEN can do repository things but cannot read organization teams. */
export const DEFAULT_ACTIONS_TOKEN_PERMISSIONS: AppPermissions = {
  metadata: "read",
  contents: "write",
  checks: "write",
  pull_requests: "write",
  issues: "write",
  statuses: "write",
};

export interface FakeStateOptions {
  appId: number;
  appSlug: string;
  installationId: number;
  now: () => Date;
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function key(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

export class FakeGitHubState {
  readonly repos = new Map<string, RepoRecord>();
  readonly checkRuns: CheckRunRecord[] = [];
  readonly teams = new Map<string, TeamRecord>();
  readonly apps = new Map<number, AppRecord>();
  readonly installations = new Map<number, InstallationRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly merges: MergeRecord[] = [];
  readonly reviewRequests: ReviewRequestRecord[] = [];
  /** GitHub Actions workflow runs (addWorkflowRun), by id */
  readonly workflowRuns = new Map<number, WorkflowRunRecord>();
  /** answers to deployment protection rules (POST .../deployment_protection_rule), in order */
  readonly deploymentReviews: DeploymentReviewRecord[] = [];
  readonly limits: FakeLimits = defaultLimits();
  /** Permissions given to tokens the fake does not know (e.g. an Action's GITHUB_TOKEN). */
  actionsTokenPermissions: AppPermissions = { ...DEFAULT_ACTIONS_TOKEN_PERMISSIONS };
  /**
   * The repository (`owner/name`) whose workflow the Actions token belongs to. Set, the token sees
   * only that repository and public ones, as a real GITHUB_TOKEN: any other answers "not found"
   * (REST 404, GraphQL NOT_FOUND). Unset, it sees every repository.
   */
  actionsTokenRepository: string | undefined = undefined;
  /** REST and GraphQL budgets; at remaining 0 requests get GitHub's rate-limit 403. */
  readonly rateLimit = {
    core: { limit: 5000, remaining: 5000, resetAt: 0 },
    graphql: { limit: 5000, remaining: 5000, resetAt: 0 },
  };
  readonly defaultInstallationId: number;
  readonly appId: number;
  readonly now: () => Date;

  private nextId = 1000;
  private userIds = new Map<string, number>();
  private shaCounter = 0;
  private suites = new Map<string, number>();

  constructor(options: FakeStateOptions) {
    this.now = options.now;
    this.appId = options.appId;
    this.defaultInstallationId = options.installationId;
    const resetAt = Math.floor(this.now().getTime() / 1000) + 3600;
    this.rateLimit.core.resetAt = resetAt;
    this.rateLimit.graphql.resetAt = resetAt;
    this.addApp({ id: options.appId, slug: options.appSlug, name: options.appSlug });
    this.addApp({ id: GITHUB_ACTIONS_APP_ID, slug: "github-actions", name: "GitHub Actions", owner: "github" });
  }

  // -- ids and clocks ---------------------------------------------------------

  id(): number {
    return this.nextId++;
  }

  timestamp(): string {
    return isoSeconds(this.now());
  }

  /** Deterministic fake commit SHA. */
  fakeSha(seed = ""): string {
    return createHash("sha1")
      .update(`fake-sha:${this.shaCounter++}:${seed}`)
      .digest("hex");
  }

  /** GitHub's no-reply address for an account: `<id>+<login>@users.noreply.github.com` (bots too). */
  noreplyEmail(login: string): string {
    return `${this.userId(login)}+${login}@users.noreply.github.com`;
  }

  userId(login: string): number {
    const k = login.toLowerCase();
    let id = this.userIds.get(k);
    if (id === undefined) {
      id = 5_000_000 + this.userIds.size + 1;
      this.userIds.set(k, id);
    }
    return id;
  }

  // -- apps, installations, tokens -------------------------------------------

  addApp(input: { id: number; slug: string; name?: string; owner?: string; permissions?: AppPermissions; events?: string[] }): AppRecord {
    const app: AppRecord = {
      id: input.id,
      slug: input.slug,
      name: input.name ?? input.slug,
      owner: input.owner ?? "rolegate-dev",
      permissions: input.permissions ?? { ...DEFAULT_INSTALLATION_PERMISSIONS },
      events: input.events ?? ["pull_request", "pull_request_review", "check_run", "check_suite"],
    };
    this.apps.set(app.id, app);
    return app;
  }

  addInstallation(input: {
    id: number;
    appId?: number;
    account: string;
    accountType?: "Organization" | "User";
    permissions?: AppPermissions;
  }): InstallationRecord {
    const inst: InstallationRecord = {
      id: input.id,
      appId: input.appId ?? this.appId,
      account: input.account,
      accountType: input.accountType ?? "Organization",
      permissions: input.permissions ?? { ...DEFAULT_INSTALLATION_PERMISSIONS },
      createdAt: this.timestamp(),
    };
    if (!this.apps.has(inst.appId)) this.addApp({ id: inst.appId, slug: `app-${inst.appId}` });
    this.installations.set(inst.id, inst);
    return inst;
  }

  /** Mints (or re-mints) the installation token `ghs_fake_<installation>`, as POST .../access_tokens does. */
  issueToken(installationId: number, permissions?: AppPermissions): TokenRecord & { kind: "installation" } {
    const inst = this.installations.get(installationId);
    if (!inst) throw new Error(`fake GitHub: no installation ${installationId}`);
    const token = `ghs_fake_${installationId}`;
    const record = {
      kind: "installation" as const,
      token,
      installationId,
      appId: inst.appId,
      permissions: permissions ?? { ...inst.permissions },
      expiresAt: isoSeconds(new Date(this.now().getTime() + 3600_000)),
    };
    this.tokens.set(token, record);
    return record;
  }

  /** A personal access token for `login` (cannot create check runs, like on GitHub). */
  addUserToken(token: string, login: string): void {
    this.tokens.set(token, { kind: "user", token, login });
  }

  // -- repositories ---------------------------------------------------------------

  addRepo(input: AddRepoInput): RepoRecord {
    const defaultBranch = input.defaultBranch ?? "main";
    const installationId = input.installationId === undefined ? this.defaultInstallationId : input.installationId;
    if (installationId !== null && !this.installations.has(installationId)) {
      this.addInstallation({ id: installationId, account: input.owner, accountType: input.ownerType ?? "Organization" });
    }
    const id = this.id();
    const headSha = input.headSha ?? this.fakeSha(`${input.owner}/${input.name}`);
    const visibility: RepoVisibility = input.visibility ?? (input.private ? "private" : "public");
    const repo: RepoRecord = {
      id,
      nodeId: Buffer.from(`010:Repository${id}`).toString("base64"),
      owner: input.owner,
      name: input.name,
      ownerType: input.ownerType ?? "Organization",
      private: visibility !== "public",
      visibility,
      description: input.description ?? null,
      defaultBranch,
      branches: new Map([[defaultBranch, headSha]]),
      tags: new Map(),
      commits: new Map(),
      statuses: [],
      mergeQueues: new Map(),
      knownShas: new Set([headSha]),
      files: new Map(),
      permissions: new Map(),
      issues: new Map(),
      labels: new Map(),
      installationId,
      createdAt: this.timestamp(),
    };
    this.repos.set(key(input.owner, input.name), repo);
    return repo;
  }

  /** Can this kind of token see the repository at all? Only a scoped Actions token is limited. */
  actionsTokenSees(repo: RepoRecord): boolean {
    const own = this.actionsTokenRepository;
    return own === undefined || repo.visibility === "public" || own.toLowerCase() === key(repo.owner, repo.name);
  }

  findRepo(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(key(owner, name));
  }

  repo(owner: string, name: string): RepoRecord {
    const r = this.findRepo(owner, name);
    if (!r) throw new Error(`fake GitHub: no repository ${owner}/${name} (call addRepo first)`);
    return r;
  }

  /** Creates or moves a branch; returns its head SHA. */
  setBranch(owner: string, repo: string, branch: string, sha?: string): string {
    const r = this.repo(owner, repo);
    const head = sha ?? this.fakeSha(`${owner}/${repo}@${branch}`);
    r.branches.set(branch, head);
    r.knownShas.add(head);
    return head;
  }

  /** Makes a commit SHA known to the repo (check runs and contents accept only known SHAs). */
  addCommit(owner: string, repo: string, sha: string): void {
    this.repo(owner, repo).knownShas.add(sha);
  }

  /** Stores a file at a ref (branch name or commit SHA). Refs that name a commit() commit are refused: make a new commit instead. */
  setFile(owner: string, repo: string, ref: string, path: string, text: string): void {
    const r = this.repo(owner, repo);
    setFileGuard(r, ref);
    const normalized = path.replace(/^\/+/, "");
    let tree = r.files.get(ref);
    if (!tree) {
      tree = new Map();
      r.files.set(ref, tree);
    }
    tree.set(normalized, text);
  }

  deleteFile(owner: string, repo: string, ref: string, path: string): void {
    const r = this.repo(owner, repo);
    setFileGuard(r, ref);
    r.files.get(ref)?.delete(path.replace(/^\/+/, ""));
  }

  /**
   * Files visible at `ref`. A ref resolves as git resolves it (refs.ts: a tag shadows a
   * branch of the same bare name); a commit made with commit() shows its own tree. Otherwise
   * files stored with setFile() under the branch name or the SHA it points at, or under the
   * exact ref string.
   */
  treeAt(repo: RepoRecord, ref: string | undefined): Map<string, string> | undefined {
    const r = ref ?? repo.defaultBranch;
    const resolved = resolveRef(repo, r);
    if (resolved) return treeOfResolved(repo, resolved);
    return repo.files.get(r.replace(/^refs\/heads\//, ""));
  }

  /** Git's reading of a ref name in this repository (branch, tag or commit), or undefined. */
  resolveRef(repo: RepoRecord, ref: string): ResolvedRef | undefined {
    return resolveRef(repo, ref);
  }

  /** Does `ref` name something in the repo (a branch, a tag, or a commit SHA it knows)? */
  refExists(repo: RepoRecord, ref: string): boolean {
    return resolveRef(repo, ref) !== undefined || repo.files.has(ref.replace(/^refs\/heads\//, ""));
  }

  resolveSha(repo: RepoRecord, ref: string): string {
    return resolveRef(repo, ref)?.sha ?? ref.replace(/^refs\/heads\//, "");
  }

  /** Creates or moves a lightweight tag. */
  addTag(owner: string, repo: string, name: string, sha: string): void {
    const r = this.repo(owner, repo);
    r.tags.set(name.replace(/^refs\/tags\//, ""), sha);
    r.knownShas.add(sha);
  }

  /**
   * Makes a commit in the graph and returns its SHA: `files` is the whole tree, `changes`
   * edits the first parent's tree (null deletes). `branch` moves that branch to it; parents
   * default to that branch's tip. Authors are logins ("renovate[bot]" is a Bot) or
   * `{ name, email }` for an e-mail no account has.
   */
  commit(owner: string, repo: string, input: CommitInput): string {
    return createCommit(this, this.repo(owner, repo), input).sha;
  }

  /** Moves a pull request's head (and its head branch) to a commit; a non-descendant records a HeadRefForcePushedEvent. */
  moveHead(owner: string, repo: string, number: number, sha: string, actor?: string): void {
    moveHead(this, this.repo(owner, repo), this.pullRequest(owner, repo, number), sha, actor);
  }

  /**
   * GitHub's "Update branch" button: a merge commit of the base tip into the head,
   * authored by the person who clicked, committed by GitHub. Returns the new head SHA.
   */
  updateBranch(owner: string, repo: string, number: number, actor: string): string {
    return updateBranch(this, this.repo(owner, repo), this.pullRequest(owner, repo, number), actor);
  }

  /** "Update with rebase": replays the pull request's commits onto the base tip (new SHAs, same changes). Returns the new head SHA. */
  rebase(owner: string, repo: string, number: number, actor?: string): string {
    return rebasePullRequest(this, this.repo(owner, repo), this.pullRequest(owner, repo, number), actor);
  }

  label(repo: RepoRecord, name: string): LabelRecord {
    const k = name.toLowerCase();
    let l = repo.labels.get(k);
    if (!l) {
      l = { id: this.id(), name, color: "ededed", description: "" };
      repo.labels.set(k, l);
    }
    return l;
  }

  // -- permissions and teams ----------------------------------------------------

  setPermission(owner: string, repo: string, login: string, permission: RepoPermission): void {
    this.repo(owner, repo).permissions.set(login.toLowerCase(), { login, permission });
  }

  setTeam(org: string, slug: string, members: string[], options: { maintainers?: string[]; name?: string; privacy?: "secret" | "closed" } = {}): TeamRecord {
    const team: TeamRecord = {
      id: this.teams.get(`${org}/${slug}`.toLowerCase())?.id ?? this.id(),
      org,
      slug: slug.toLowerCase(),
      name: options.name ?? slug,
      privacy: options.privacy ?? "closed",
      members: new Map(),
    };
    for (const login of members) team.members.set(login.toLowerCase(), { login, role: "member" });
    for (const login of options.maintainers ?? []) team.members.set(login.toLowerCase(), { login, role: "maintainer" });
    this.teams.set(`${org}/${slug}`.toLowerCase(), team);
    return team;
  }

  findTeam(org: string, slug: string): TeamRecord | undefined {
    return this.teams.get(`${org}/${slug}`.toLowerCase());
  }

  // -- issues and pull requests -------------------------------------------------

  nextNumber(repo: RepoRecord): number {
    let max = 0;
    for (const n of repo.issues.keys()) max = Math.max(max, n);
    return max + 1;
  }

  addIssue(input: {
    owner: string;
    repo: string;
    title: string;
    body?: string | null;
    author: string;
    labels?: string[];
    assignees?: string[];
    number?: number;
  }): IssueRecord {
    const repo = this.repo(input.owner, input.repo);
    const number = input.number ?? this.nextNumber(repo);
    const id = this.id();
    const now = this.timestamp();
    const issue: IssueRecord = {
      number,
      id,
      nodeId: Buffer.from(`05:Issue${id}`).toString("base64"),
      title: input.title,
      body: input.body ?? null,
      author: input.author,
      state: "open",
      stateReason: null,
      labels: [],
      assignees: input.assignees ?? [],
      comments: [],
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    for (const l of input.labels ?? []) issue.labels.push(this.label(repo, l).name);
    repo.issues.set(number, issue);
    return issue;
  }

  /** A comment on an issue or pull request, as if `user` wrote it now (e.g. a `/rolegate` command). */
  addComment(owner: string, repo: string, number: number, input: { user: string; body: string }): IssueCommentRecord {
    const issue = this.repo(owner, repo).issues.get(number);
    if (!issue) throw new Error(`fake GitHub: no issue or pull request ${owner}/${repo}#${number}`);
    const now = this.timestamp();
    const comment: IssueCommentRecord = { id: this.id(), body: input.body, user: input.user, createdAt: now, updatedAt: now };
    issue.comments.push(comment);
    issue.updatedAt = now;
    return comment;
  }

  addPullRequest(input: AddPullRequestInput): PullRequestRecord {
    const repo = this.repo(input.owner, input.repo);
    const number = input.number ?? this.nextNumber(repo);
    if (repo.issues.has(number)) throw new Error(`fake GitHub: ${input.owner}/${input.repo}#${number} already exists`);
    const id = this.id();
    const createdAt = input.createdAt ?? this.timestamp();
    const baseSha = input.base.sha ?? repo.branches.get(input.base.ref) ?? this.setBranch(input.owner, input.repo, input.base.ref);
    if (!repo.branches.has(input.base.ref)) repo.branches.set(input.base.ref, baseSha);
    const headRepo = input.head.repo ?? `${repo.owner}/${repo.name}`;
    if (headRepo.toLowerCase() === key(repo.owner, repo.name)) repo.branches.set(input.head.ref, input.head.sha);
    const commits: PullCommitRecord[] = (input.commits ?? [{ sha: input.head.sha }]).map((c) => {
      const author = c.author === undefined ? input.author : c.author;
      const committer = c.committer === undefined ? author : c.committer;
      return {
        sha: c.sha,
        author,
        committer,
        coAuthors: c.coAuthors ?? [],
        message: c.message ?? `Commit ${c.sha.slice(0, 7)}`,
        authorName: author ?? "Unknown Author",
        authorEmail: author ? this.noreplyEmail(author) : "unknown@example.com",
        committerName: committer ?? "Unknown Committer",
        committerEmail: committer ? this.noreplyEmail(committer) : "unknown@example.com",
        date: c.date ?? createdAt,
      };
    });
    const merged = input.merged ?? false;
    const state = merged ? "closed" : (input.state ?? "open");
    const pr: PullRequestRecord = {
      number,
      id,
      nodeId: Buffer.from(`011:PullRequest${id}`).toString("base64"),
      title: input.title ?? `Pull request ${number}`,
      body: input.body ?? null,
      author: input.author,
      state,
      stateReason: null,
      labels: [],
      assignees: [],
      comments: [],
      createdAt,
      updatedAt: createdAt,
      closedAt: state === "closed" ? createdAt : null,
      pull: {
        base: { ref: input.base.ref, sha: baseSha },
        head: { ref: input.head.ref, sha: input.head.sha, repo: headRepo },
        draft: input.draft ?? false,
        files: (input.files ?? []).map((f) => ({
          filename: f.filename,
          status: f.status ?? "modified",
          ...(f.previous_filename !== undefined ? { previous_filename: f.previous_filename } : {}),
          additions: f.additions ?? (f.status === "removed" ? 0 : 1),
          deletions: f.deletions ?? (f.status === "added" ? 0 : 1),
          ...(f.patch !== undefined ? { patch: f.patch } : {}),
          sha: gitBlobSha(`${input.head.sha}:${f.filename}`),
        })),
        commits,
        reviews: (input.reviews ?? []).map((r) => ({
          id: r.id ?? this.id(),
          user: r.user,
          state: r.state,
          commit_id: r.commit_id ?? input.head.sha,
          submitted_at: r.state === "PENDING" ? null : (r.submitted_at ?? createdAt),
          body: r.body ?? "",
        })),
        merged,
        mergedBy: merged ? (input.mergedBy ?? input.author) : null,
        mergedAt: merged ? createdAt : null,
        mergeCommitSha: merged ? this.fakeSha(`merge:${number}`) : null,
        mergeable: input.mergeable === undefined ? true : input.mergeable,
        requestedReviewers: input.requestedReviewers ?? [],
        requestedTeams: input.requestedTeams ?? [],
        timeline: input.timeline ?? [],
        fromGraph: { files: false, commits: false },
      },
    };
    addPullFromGraph(this, repo, pr, { files: input.files === undefined, commits: input.commits === undefined });
    for (const l of input.labels ?? []) pr.labels.push(this.label(repo, l).name);
    repo.knownShas.add(baseSha).add(input.head.sha);
    for (const c of commits) repo.knownShas.add(c.sha);
    if (pr.pull.mergeCommitSha) repo.knownShas.add(pr.pull.mergeCommitSha);
    repo.issues.set(number, pr);
    return pr;
  }

  findPullRequest(owner: string, repo: string, number: number): PullRequestRecord | undefined {
    const issue = this.findRepo(owner, repo)?.issues.get(number);
    return issue?.pull ? (issue as PullRequestRecord) : undefined;
  }

  pullRequest(owner: string, repo: string, number: number): PullRequestRecord {
    const pr = this.findPullRequest(owner, repo, number);
    if (!pr) throw new Error(`fake GitHub: no pull request ${owner}/${repo}#${number}`);
    return pr;
  }

  addReview(
    owner: string,
    repo: string,
    number: number,
    review: { user: string; state: ReviewState; commit_id?: string; submitted_at?: string; body?: string; id?: number },
  ): PullReviewRecord {
    const pr = this.pullRequest(owner, repo, number);
    const rec: PullReviewRecord = {
      id: review.id ?? this.id(),
      user: review.user,
      state: review.state,
      commit_id: review.commit_id ?? pr.pull.head.sha,
      submitted_at: review.state === "PENDING" ? null : (review.submitted_at ?? this.timestamp()),
      body: review.body ?? "",
    };
    pr.pull.reviews.push(rec);
    return rec;
  }

  addTimelineEvent(owner: string, repo: string, number: number, event: TimelineEventRecord): void {
    this.pullRequest(owner, repo, number).pull.timeline.push(event);
  }

  /** Retargets the PR to another base branch and records a BaseRefChangedEvent. */
  changeBase(owner: string, repo: string, number: number, base: { ref: string; sha?: string }, actor = "octocat"): void {
    const pr = this.pullRequest(owner, repo, number);
    const r = this.repo(owner, repo);
    const previous = pr.pull.base.ref;
    const sha = base.sha ?? r.branches.get(base.ref) ?? this.setBranch(owner, repo, base.ref);
    r.knownShas.add(sha);
    if (!r.branches.has(base.ref)) r.branches.set(base.ref, sha);
    pr.pull.base = { ref: base.ref, sha };
    pr.updatedAt = this.timestamp();
    pr.pull.timeline.push({
      __typename: "BaseRefChangedEvent",
      createdAt: pr.updatedAt,
      previousRefName: previous,
      currentRefName: base.ref,
      actor: { __typename: "User", login: actor },
      id: Buffer.from(`BaseRefChangedEvent${this.id()}`).toString("base64"),
    });
  }

  /** Force-pushes the base branch and records a BaseRefForcePushedEvent. */
  forcePushBase(owner: string, repo: string, number: number, sha?: string, actor = "octocat"): string {
    const pr = this.pullRequest(owner, repo, number);
    const before = pr.pull.base.sha;
    const after = this.setBranch(owner, repo, pr.pull.base.ref, sha);
    pr.pull.base.sha = after;
    pr.updatedAt = this.timestamp();
    pr.pull.timeline.push({
      __typename: "BaseRefForcePushedEvent",
      createdAt: pr.updatedAt,
      beforeCommit: { __typename: "Commit", oid: before },
      afterCommit: { __typename: "Commit", oid: after },
      ref: { name: pr.pull.base.ref },
      actor: { __typename: "User", login: actor },
      id: Buffer.from(`BaseRefForcePushedEvent${this.id()}`).toString("base64"),
    });
    return after;
  }

  /** Moves the PR head to a new commit (appends it to the commit list). */
  pushHead(
    owner: string,
    repo: string,
    number: number,
    commit: { sha: string; author?: string | null; committer?: string | null; coAuthors?: string[]; message?: string },
  ): void {
    const pr = this.pullRequest(owner, repo, number);
    const graphRepo = this.repo(owner, repo);
    if (graphRepo.commits.has(commit.sha)) {
      this.moveHead(owner, repo, number, commit.sha);
      return;
    }
    if (pr.pull.fromGraph.commits || pr.pull.fromGraph.files) {
      throw new Error(`fake GitHub: ${owner}/${repo}#${number} follows the commit graph; make ${commit.sha} with commit() first`);
    }
    const author = commit.author === undefined ? pr.author : commit.author;
    const committer = commit.committer === undefined ? author : commit.committer;
    const now = this.timestamp();
    pr.pull.commits.push({
      sha: commit.sha,
      author,
      committer,
      coAuthors: commit.coAuthors ?? [],
      message: commit.message ?? `Commit ${commit.sha.slice(0, 7)}`,
      authorName: author ?? "Unknown Author",
      authorEmail: author ? this.noreplyEmail(author) : "unknown@example.com",
      committerName: committer ?? "Unknown Committer",
      committerEmail: committer ? this.noreplyEmail(committer) : "unknown@example.com",
      date: now,
    });
    pr.pull.head.sha = commit.sha;
    const r = this.repo(owner, repo);
    r.knownShas.add(commit.sha);
    if (pr.pull.head.repo.toLowerCase() === key(r.owner, r.name)) r.branches.set(pr.pull.head.ref, commit.sha);
    pr.updatedAt = now;
  }

  // -- merge queues, statuses, workflow runs ----------------------------------------

  /** Puts a merge queue on a branch: pull requests into it are then merged only through enqueuePullRequest. */
  enableMergeQueue(owner: string, repo: string, branch: string): MergeQueueRecord {
    return enableMergeQueue(this, this.repo(owner, repo), branch);
  }

  /** The queue merges its first entry: the branch moves to the entry's merge group commit. Returns the merged pull request. */
  mergeFromQueue(owner: string, repo: string, branch: string): PullRequestRecord {
    return mergeFirstEntry(this, this.repo(owner, repo), branch);
  }

  /** Takes a pull request out of its merge queue; returns whether it was queued. */
  dequeue(owner: string, repo: string, number: number): boolean {
    return dequeuePullRequest(this, this.repo(owner, repo), this.pullRequest(owner, repo, number));
  }

  /** Records a commit status directly (e.g. one posted by someone else); `creator` is a login. */
  addStatus(
    owner: string,
    repo: string,
    input: { sha: string; state: StatusState; context?: string; description?: string | null; targetUrl?: string | null; creator: string },
  ): CommitStatusRecord {
    return addStatus(this, this.repo(owner, repo), input);
  }

  addWorkflowRun(input: AddWorkflowRunInput): WorkflowRunRecord {
    return addWorkflowRun(this, input);
  }

  // -- check runs -------------------------------------------------------------------

  checkSuiteId(owner: string, repo: string, appId: number, headSha: string): number {
    const k = `${owner}/${repo}/${appId}/${headSha}`.toLowerCase();
    let id = this.suites.get(k);
    if (id === undefined) {
      id = this.id();
      this.suites.set(k, id);
    }
    return id;
  }

  /** Inserts a check run directly (e.g. one forged by another app). */
  insertCheckRun(input: InsertCheckRunInput): CheckRunRecord {
    const now = this.timestamp();
    const id = this.id();
    const conclusion = input.conclusion ?? null;
    const status: CheckStatus = conclusion ? "completed" : (input.status ?? "queued");
    const run: CheckRunRecord = {
      id,
      nodeId: Buffer.from(`08:CheckRun${id}`).toString("base64"),
      owner: input.owner,
      repo: input.repo,
      name: input.name,
      headSha: input.headSha,
      appId: input.appId,
      status,
      conclusion,
      startedAt: now,
      completedAt: status === "completed" ? now : null,
      detailsUrl: input.detailsUrl ?? null,
      externalId: input.externalId ?? null,
      output: {
        title: input.output?.title ?? null,
        summary: input.output?.summary ?? null,
        text: input.output?.text ?? null,
        annotations: input.output?.annotations ?? [],
        images: input.output?.images ?? [],
      },
      actions: [],
      checkSuiteId: this.checkSuiteId(input.owner, input.repo, input.appId, input.headSha),
      history: [],
    };
    if (!this.apps.has(input.appId)) this.addApp({ id: input.appId, slug: `app-${input.appId}` });
    run.history.push({ at: now, action: "inserted", request: input, snapshot: snapshotOf(run) });
    this.checkRuns.push(run);
    return run;
  }

  checkRunsFor(owner: string, repo: string, filter: { headSha?: string; name?: string; appId?: number } = {}): CheckRunRecord[] {
    return this.checkRuns.filter(
      (c) =>
        key(c.owner, c.repo) === key(owner, repo) &&
        (filter.headSha === undefined || c.headSha === filter.headSha) &&
        (filter.name === undefined || c.name === filter.name) &&
        (filter.appId === undefined || c.appId === filter.appId),
    );
  }
}

export function snapshotOf(run: CheckRunSnapshot): CheckRunSnapshot {
  return {
    name: run.name,
    headSha: run.headSha,
    appId: run.appId,
    status: run.status,
    conclusion: run.conclusion,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    detailsUrl: run.detailsUrl,
    externalId: run.externalId,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations: run.output.annotations.map((a) => ({ ...a })),
      images: [...run.output.images],
    },
    actions: [...run.actions],
  };
}
