import type { GitHubApi } from "../github/api.js";
import type { PullRequestTarget } from "./service.js";

/** Answers on the pull request's conversation. */
export async function reply(api: GitHubApi, t: PullRequestTarget, body: string): Promise<void> {
  await api.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: t.repo.owner, repo: t.repo.repo, issue_number: t.number, body });
}
