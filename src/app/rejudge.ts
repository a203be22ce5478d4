import type { GitHubApi, RepoRef } from "../github/api.js";
import { installationRepositories, openPullRequests } from "../github/listing.js";
import type { RolegateService } from "./service.js";

/**
 * Judges again every open pull request of the given repositories (into `base` when given),
 * page after page, with no limit. Concurrent requests for one pull request coalesce in the
 * service's per-pull-request lock, across replicas.
 */
export async function rejudgeOpen(
  service: RolegateService,
  api: GitHubApi,
  installation: string,
  repos: AsyncIterable<RepoRef> | Iterable<RepoRef>,
  base?: string,
): Promise<number> {
  let count = 0;
  for await (const repo of repos) {
    for await (const pr of openPullRequests(api, repo, base)) {
      await service.evaluateAndPost(api, { repo, number: pr.number, baseRef: pr.base.ref, headSha: pr.head.sha, installation });
      count++;
    }
  }
  return count;
}

/** Every repository of the installation, or only those `keep` allows. */
export async function* repositoriesOf(api: GitHubApi, keep: (repo: RepoRef) => Promise<boolean> = async () => true): AsyncGenerator<RepoRef> {
  for await (const repo of installationRepositories(api)) if (await keep(repo)) yield repo;
}
