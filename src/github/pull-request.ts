import { POLICY_FILES } from "../core/names.js";
import type { ChangedFile, FileStatus } from "../core/state.js";
import { actorLogin, gitActorLogin } from "./actors.js";
import type { GitHubApi, RepoRef } from "./api.js";

/** GitHub lists at most 3,000 files for a pull request; beyond that rolegate cannot judge it. */
export const MAX_FILES = 3000;

export interface PolicyBlob {
  path: string;
  oid: string;
  text: string;
}

export interface PullCommit {
  oid: string;
  /** The first two parents. */
  parents: string[];
  /** How many parents the commit has (an octopus merge has more than two). */
  parentCount: number;
  authors: string[];
  committer?: string;
}

export interface PullRequestData {
  number: number;
  state: "OPEN" | "CLOSED" | "MERGED";
  draft: boolean;
  author?: string;
  baseRef: string;
  /** The pull request's head branch, `OWNER:branch` for a fork; undefined when unknown (a deleted fork). */
  sourceBranch?: string;
  /** Tip of the base branch now (the policy is read here). */
  baseTipOid: string;
  headOid: string;
  mergedBy?: string;
  labels: string[];
  reviews: { user: string; state: string; commitOid?: string; submittedAt: string }[];
  /** Logins of commit authors and committers that are GitHub accounts (bots as `name[bot]`). */
  committers: string[];
  /** The pull request's commits, oldest first, with their parents and the accounts that made them. */
  commits: PullCommit[];
  /** True when `commits` lists every commit of the pull request (GitHub lists at most 250). */
  commitsComplete: boolean;
  files: ChangedFile[];
  /** False when the file list could not be read in full (too many files, or the API stopped early). */
  filesComplete: boolean;
  /** What keeps the pull request from being judged in full (a partial file list, unlisted commits or co-authors). */
  problems: string[];
  changedFiles: number;
  /** When the base branch was last changed (retargeted or force-pushed), if ever. */
  baseChangedAt?: string;
  /** Policy files at the tip of the base branch, from the same query. */
  policyAtBase: PolicyBlob[];
}

export const PULL_REQUEST_QUERY = `
query RolegatePullRequest($owner: String!, $name: String!, $number: Int!, $reviewsAfter: String, $commitsAfter: String, $ymlExpr: String!, $yamlExpr: String!, $withText: Boolean!, $withFiles: Boolean!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      number
      state
      isDraft
      author { __typename login }
      baseRefName
      headRefName
      headRefOid
      isCrossRepository
      headRepositoryOwner { login }
      mergedBy { __typename login }
      baseRef { target { oid } }
      labels(first: 100) { nodes { name } pageInfo { hasNextPage } }
      reviews(first: 100, after: $reviewsAfter) {
        nodes { author { __typename login } state submittedAt commit { oid } }
        pageInfo { hasNextPage endCursor }
      }
      commits(first: 100, after: $commitsAfter) {
        totalCount
        nodes {
          commit {
            oid
            parents(first: 2) { totalCount nodes { oid } }
            authors(first: 100) { nodes { user { login } email } pageInfo { hasNextPage } }
            committer { user { login } email }
          }
        }
        pageInfo { hasNextPage endCursor }
      }
      changedFiles
      files(first: 100) @include(if: $withFiles) { nodes { path changeType } pageInfo { hasNextPage } }
      timelineItems(last: 50, itemTypes: [BASE_REF_CHANGED_EVENT, BASE_REF_FORCE_PUSHED_EVENT]) {
        nodes { __typename ... on BaseRefChangedEvent { createdAt } ... on BaseRefForcePushedEvent { createdAt } }
      }
    }
    yml: object(expression: $ymlExpr) { ... on Blob { oid isTruncated text @include(if: $withText) } }
    yaml: object(expression: $yamlExpr) { ... on Blob { oid isTruncated text @include(if: $withText) } }
  }
}`;

export const BLOB_QUERY = `
query RolegateBlob($owner: String!, $name: String!, $expr: String!) {
  repository(owner: $owner, name: $name) { object(expression: $expr) { ... on Blob { oid text isTruncated } } }
}`;

export const BLOB_BY_OID_QUERY = `
query RolegateBlobByOid($owner: String!, $name: String!, $oid: GitObjectID!) {
  repository(owner: $owner, name: $name) { object(oid: $oid) { ... on Blob { oid text isTruncated } } }
}`;

/** `text` is absent when the query did not ask for it. */
type Blob = { oid: string; text?: string | null; isTruncated: boolean } | null;

/**
 * Policy texts rolegate already has, by blob SHA. A policy rarely changes while its pull
 * requests do, so the query leaves the text out when this repository's policy is probably
 * known, and reads it by SHA only when it turns out to be new (one more call, once).
 */
export interface PolicyTexts {
  likelyKnown(ref: RepoRef): boolean;
  get(oid: string): string | undefined;
  remember(ref: RepoRef, oid: string, text: string): void;
}

function blob(path: string, b: Blob): PolicyBlob[] {
  if (!b) return [];
  if (b.text === undefined) throw new Error(`the text of ${path} was not read`);
  // A truncated or binary blob cannot be judged; surface it as unreadable text so loading fails closed.
  if (b.text === null || b.isTruncated) return [{ path, oid: b.oid, text: "\u0000 policy file could not be read in full" }];
  return [{ path, oid: b.oid, text: b.text }];
}

/**
 * The changed files from the pull request query itself, when that list is the whole story: at
 * most 100 files and no rename (GraphQL does not say where a renamed file came from, and a
 * rename counts under both paths). Otherwise undefined, and the REST list is read.
 */
function filesFromQuery(pr: {
  changedFiles: number;
  files?: { nodes: { path: string; changeType: string }[]; pageInfo: { hasNextPage: boolean } } | null;
}): ChangedFile[] | undefined {
  const listed = pr.files;
  if (!listed || listed.pageInfo.hasNextPage || listed.nodes.length !== pr.changedFiles) return undefined;
  const files: ChangedFile[] = [];
  for (const f of listed.nodes) {
    const status = CHANGE_TYPE[f.changeType];
    if (status === undefined || status === "renamed") return undefined;
    files.push({ path: f.path, status });
  }
  return files;
}

const CHANGE_TYPE: Record<string, FileStatus> = {
  ADDED: "added",
  DELETED: "removed",
  MODIFIED: "modified",
  CHANGED: "modified",
  COPIED: "added",
  RENAMED: "renamed",
};

const STATUS: Record<string, FileStatus> = {
  added: "added",
  removed: "removed",
  modified: "modified",
  renamed: "renamed",
  changed: "modified",
  copied: "added",
  unchanged: "modified",
};

/** All changed files through the REST list (it carries rename origins), every page, at most 3,000. */
async function fetchFiles(
  api: GitHubApi,
  ref: RepoRef,
  number: number,
  expected: number,
): Promise<{ files: ChangedFile[]; complete: boolean; problem?: string }> {
  const files: ChangedFile[] = [];
  if (expected > MAX_FILES) {
    return { files, complete: false, problem: `this pull request changes ${expected} files; GitHub lists at most ${MAX_FILES}, so rolegate cannot judge it` };
  }
  for (let page = 1; page <= MAX_FILES / 100; page++) {
    const res = await api.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: number,
      per_page: 100,
      page,
    });
    const data = res.data as { filename: string; status: string; previous_filename?: string }[];
    if (!Array.isArray(data)) throw new Error("the files list was not a list");
    for (const f of data) {
      const status = STATUS[f.status] ?? "modified";
      files.push(status === "renamed" && f.previous_filename ? { path: f.filename, status, previousPath: f.previous_filename } : { path: f.filename, status });
    }
    // A full last page needs no empty page after it: GitHub already said how many files there are
    // (and a list that disagrees with that count fails closed below).
    if (data.length < 100 || files.length >= expected) break;
  }
  if (files.length !== expected) {
    return { files, complete: false, problem: `GitHub reported ${expected} changed files but listed ${files.length}; rolegate cannot judge a partial list` };
  }
  return { files, complete: true };
}

/**
 * Everything rolegate needs about one pull request: one paged GraphQL query plus the REST file
 * list. The policy is read at the tip of the base branch, or at `policyRevision` when given
 * (a merged pull request is judged by the policy it was merged under).
 */
export async function fetchPullRequest(
  api: GitHubApi,
  ref: RepoRef,
  number: number,
  baseRefHint: string,
  policyRevision?: string,
  policyPath?: string,
  texts?: PolicyTexts,
): Promise<PullRequestData> {
  const paths = policyPath ? [policyPath, policyPath] : POLICY_FILES;
  let baseRef = baseRefHint;
  for (let attempt = 0; ; attempt++) {
    const reviews: PullRequestData["reviews"] = [];
    const commits: PullCommit[] = [];
    const problems = new Set<string>();
    let commitsTotal = 0;
    let reviewsAfter: string | null = null;
    let commitsAfter: string | null = null;
    // A page of one list repeats the other's first page once the other is done: read each once.
    let reviewsDone = false;
    let commitsDone = false;
    let first: any;
    let more = true;
    // Later pages only continue the reviews and commits.
    let withText = !texts?.likelyKnown(ref);
    while (more) {
      const data: any = await api.graphql(PULL_REQUEST_QUERY, {
        owner: ref.owner,
        name: ref.repo,
        number,
        reviewsAfter,
        commitsAfter,
        // The branch by its full name: a tag named like the branch must not choose the policy.
        ymlExpr: `${policyRevision ?? `refs/heads/${baseRef}`}:${paths[0]}`,
        yamlExpr: `${policyRevision ?? `refs/heads/${baseRef}`}:${paths[1]}`,
        withText,
        withFiles: first === undefined,
      });
      const pr = data?.repository?.pullRequest;
      if (!pr) throw new Error(`pull request #${number} was not found in ${ref.owner}/${ref.repo}`);
      if (!first) {
        first = data;
        withText = false;
      }
      for (const r of reviewsDone ? [] : pr.reviews.nodes) {
        const user = actorLogin(r?.author);
        if (!user || r.state === "PENDING") continue;
        reviews.push({ user, state: r.state, commitOid: r.commit?.oid, submittedAt: r.submittedAt });
      }
      for (const c of commitsDone ? [] : pr.commits.nodes) {
        // Every author counts: a commit with more authors than one page lists cannot be judged.
        if (c.commit.authors?.pageInfo?.hasNextPage)
          problems.add(`commit ${c.commit.oid} has more co-authors than GitHub lists at once, so rolegate cannot tell who committed to this pull request`);
        const authors: string[] = [];
        for (const a of c.commit.authors?.nodes ?? []) {
          const login = gitActorLogin(a);
          if (login) authors.push(login);
        }
        commits.push({
          oid: c.commit.oid,
          parents: (c.commit.parents?.nodes ?? []).map((n: { oid: string }) => n.oid),
          parentCount: c.commit.parents?.totalCount ?? c.commit.parents?.nodes?.length ?? 0,
          authors,
          committer: gitActorLogin(c.commit.committer),
        });
      }
      commitsTotal = pr.commits.totalCount ?? commits.length;
      if (!reviewsDone) {
        reviewsAfter = pr.reviews.pageInfo.hasNextPage ? pr.reviews.pageInfo.endCursor : null;
        if (reviewsAfter === null && pr.reviews.pageInfo.hasNextPage) throw new Error("review pagination returned no cursor");
        reviewsDone = reviewsAfter === null;
      }
      if (!commitsDone) {
        commitsAfter = pr.commits.pageInfo.hasNextPage ? pr.commits.pageInfo.endCursor : null;
        if (commitsAfter === null && pr.commits.pageInfo.hasNextPage) throw new Error("commit pagination returned no cursor");
        commitsDone = commitsAfter === null;
      }
      more = !reviewsDone || !commitsDone;
    }
    const pr = first.repository.pullRequest;
    // The payload's base may be stale (retargeted since): read the policy from the real base.
    if (pr.baseRefName !== baseRef && policyRevision === undefined) {
      if (attempt > 0) throw new Error("the pull request's base branch keeps changing; try again");
      baseRef = pr.baseRefName;
      continue;
    }
    if (pr.labels.pageInfo.hasNextPage) throw new Error("more than 100 labels on the pull request");
    const changes = pr.timelineItems.nodes
      .map((n: { createdAt?: string }) => n.createdAt)
      .filter(Boolean)
      .sort();
    const listed = pr.changedFiles <= 100 ? filesFromQuery(pr) : undefined;
    const filesResult = listed ? { files: listed, complete: true as const, problem: undefined } : await fetchFiles(api, ref, number, pr.changedFiles);
    if (filesResult.problem) problems.add(filesResult.problem);
    // GitHub lists at most 250 commits of a pull request: the committers of the rest are unknown.
    if (commitsTotal > commits.length) {
      problems.add(`this pull request has ${commitsTotal} commits and GitHub lists only ${commits.length}, so rolegate cannot tell who committed to it`);
    }
    const committers = new Set<string>();
    for (const c of commits) for (const login of [...c.authors, ...(c.committer ? [c.committer] : [])]) committers.add(login);
    if (!pr.baseRef?.target?.oid && policyRevision === undefined) throw new Error(`base branch ${baseRef} no longer exists`);
    const yml = await withPolicyText(api, ref, first.repository.yml, texts);
    const yaml = policyPath ? null : await withPolicyText(api, ref, first.repository.yaml, texts);
    return {
      number: pr.number,
      state: pr.state,
      draft: pr.isDraft,
      author: actorLogin(pr.author),
      baseRef: pr.baseRefName,
      sourceBranch: sourceBranchOf(pr),
      baseTipOid: policyRevision ?? pr.baseRef.target.oid,
      headOid: pr.headRefOid,
      mergedBy: actorLogin(pr.mergedBy),
      labels: pr.labels.nodes.map((l: { name: string }) => l.name),
      reviews,
      committers: [...committers],
      commits,
      commitsComplete: commitsTotal <= commits.length,
      files: filesResult.files,
      filesComplete: filesResult.complete,
      problems: [...problems],
      changedFiles: pr.changedFiles,
      baseChangedAt: changes[changes.length - 1],
      // With a custom path both expressions name the same file: count it once.
      policyAtBase: [...blob(paths[0]!, yml), ...blob(paths[1]!, yaml)],
    };
  }
}

/**
 * The head branch as `source_branch` sees it: a fork's branch is `OWNER:branch`, so a fork cannot
 * pose as a branch of the repository. Unknown (a fork that was deleted, or no name) is undefined.
 */
function sourceBranchOf(pr: {
  headRefName?: string | null;
  isCrossRepository?: boolean | null;
  headRepositoryOwner?: { login?: string | null } | null;
}): string | undefined {
  if (!pr.headRefName) return undefined;
  if (!pr.isCrossRepository) return pr.headRefName;
  const owner = pr.headRepositoryOwner?.login;
  return owner ? `${owner}:${pr.headRefName}` : undefined;
}

/** Fills in a policy blob's text from what is known, else reads it by SHA; remembers it. */
async function withPolicyText(api: GitHubApi, ref: RepoRef, b: Blob, texts: PolicyTexts | undefined): Promise<Blob> {
  if (!b) return b;
  if (b.text === undefined) {
    const known = texts?.get(b.oid);
    if (known !== undefined) b = { ...b, text: known };
    else {
      const data: any = await api.graphql(BLOB_BY_OID_QUERY, { owner: ref.owner, name: ref.repo, oid: b.oid });
      b = (data?.repository?.object as Blob) ?? { oid: b.oid, text: null, isTruncated: false };
    }
  }
  if (typeof b.text === "string" && !b.isTruncated) texts?.remember(ref, b.oid, b.text);
  return b;
}

/** A file's text at a revision (`SHA:path` or `branch:path`), or undefined when absent. */
export async function fetchBlob(api: GitHubApi, ref: RepoRef, expression: string): Promise<PolicyBlob | undefined> {
  const data: any = await api.graphql(BLOB_QUERY, { owner: ref.owner, name: ref.repo, expr: expression });
  return blob(expression.slice(expression.indexOf(":") + 1), data?.repository?.object ?? null)[0];
}

/** The policy files (by default the default names) that exist at a revision, in the order given. */
export async function policyBlobsAt(api: GitHubApi, ref: RepoRef, revision: string, paths: readonly string[] = POLICY_FILES): Promise<PolicyBlob[]> {
  const blobs: PolicyBlob[] = [];
  for (const path of paths) {
    const found = await fetchBlob(api, ref, `${revision}:${path}`);
    if (found) blobs.push(found);
  }
  return blobs;
}
