import type { GitHubApi, RepoRef } from "./api.js";

const PAGE = 100;

/** Every page of a REST list, however long: re-judging never stops at the first hundred. */
async function* pages<T>(fetch: (page: number) => Promise<T[]>): AsyncGenerator<T> {
  for (let page = 1; ; page++) {
    const items = await fetch(page);
    if (!Array.isArray(items)) throw new Error("GitHub answered a list with something else");
    yield* items;
    if (items.length < PAGE) return;
  }
}

export interface OpenPullRequest {
  number: number;
  base: { ref: string };
  head: { sha: string };
}

/** The repository's open pull requests, into `base` when given. */
export function openPullRequests(api: GitHubApi, repo: RepoRef, base?: string): AsyncGenerator<OpenPullRequest> {
  return pages(async (page) => {
    const res = await api.request("GET /repos/{owner}/{repo}/pulls", {
      owner: repo.owner,
      repo: repo.repo,
      state: "open",
      per_page: PAGE,
      page,
      ...(base ? { base } : {}),
    });
    return res.data as OpenPullRequest[];
  });
}

/** The repositories an installation can see. */
export function installationRepositories(api: GitHubApi): AsyncGenerator<RepoRef> {
  return pages(async (page) => {
    const res = await api.request("GET /installation/repositories", { per_page: PAGE, page });
    return (res.data as { repositories: { name: string; owner: { login: string } }[] }).repositories.map((r) => ({ owner: r.owner.login, repo: r.name }));
  });
}

/** The app's installations (with the app's own credentials). */
export function appInstallations(api: GitHubApi): AsyncGenerator<{ id: number }> {
  return pages(async (page) => (await api.request("GET /app/installations", { per_page: PAGE, page })).data as { id: number }[]);
}

/**
 * The open pull requests GitHub associates with a commit (those it is the head of among them).
 * Check payloads list none for a pull request from a fork, and statuses never list any.
 */
export async function openPullRequestsOfCommit(api: GitHubApi, repo: RepoRef, sha: string): Promise<OpenPullRequest[]> {
  const res = await api.request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { owner: repo.owner, repo: repo.repo, commit_sha: sha });
  return (res.data as (OpenPullRequest & { state: string })[]).filter((p) => p.state === "open");
}
