import type { GitHubApi, RepoRef } from "../github/api.js";
import { postCheckRun } from "../github/checks.js";
import { Directory } from "../github/directory.js";
import { failedJudgement, judgePullRequest, type Judgement } from "../github/judge.js";
import { PolicyLoader } from "../github/policy.js";
import { TtlCache } from "../github/cache.js";
import { MemoryStore, runExclusive, type LockOptions, type SharedStore } from "../github/store.js";
import { Metrics } from "./metrics.js";

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PullRequestTarget {
  repo: RepoRef;
  number: number;
  baseRef: string;
  headSha?: string;
  installation: string;
  deliveryId?: string;
  /** Judge `merge` for this user too. */
  mergedBy?: string;
  /** Read the policy at this commit instead of the base branch's tip. */
  policyRevision?: string;
  /** Bypass the membership and permission caches. */
  fresh?: boolean;
}

/** Most review requests one evaluation sends: a nudge, not a broadcast. */
const MAX_REVIEW_REQUESTS = 5;

/**
 * The app's state that outlives one event: caches, the per-PR serializer, and which
 * reviews were already requested. Every event handler goes through here.
 */
export interface ServiceOptions {
  store?: SharedStore;
  metrics?: Metrics;
  lock?: LockOptions;
}

export class RolegateService {
  readonly store: SharedStore;
  readonly metrics: Metrics;
  readonly directory: Directory;
  readonly policies = new PolicyLoader();
  readonly lock: LockOptions;
  readonly requested = new TtlCache<string, Set<string>>(10_000, 24 * 60 * 60 * 1000);

  /** Merges rolegate performed for a user, so the closed event judges that user. */
  readonly mergedFor = new TtlCache<string, string>(10_000, 60 * 60 * 1000);

  constructor(
    readonly log: Logger,
    readonly now: () => Date = () => new Date(),
    options: ServiceOptions = {},
  ) {
    this.store = options.store ?? new MemoryStore();
    this.metrics = options.metrics ?? new Metrics();
    this.lock = options.lock ?? { ttlMs: 30_000, pollMs: 25 };
    this.directory = new Directory(this.store, (cache, hit) => this.metrics.cache.inc({ cache, result: hit ? "hit" : "miss" }));
  }

  /**
   * True when this delivery was already handled to the end, by any replica (GitHub redelivers).
   * A delivery is marked only once handled, so one lost with a dying replica is handled again.
   */
  async handledBefore(id: string | undefined): Promise<boolean> {
    return id !== undefined && (await this.store.get(`delivery:${id}`)) !== undefined;
  }

  async markHandled(id: string | undefined): Promise<void> {
    if (id !== undefined) await this.store.set(`delivery:${id}`, "1", 60 * 60 * 1000);
  }

  judge(api: GitHubApi, t: PullRequestTarget): Promise<Judgement> {
    return judgePullRequest(api, { directory: this.directory, policies: this.policies, now: this.now }, t.repo, t.number, t.baseRef, t.installation, {
      mergedBy: t.mergedBy,
      policyRevision: t.policyRevision,
      fresh: t.fresh,
    });
  }

  /** `judge`, with an API failure turned into a `failure` verdict: never a silent pass. */
  async judgeOrFail(api: GitHubApi, t: PullRequestTarget, what = "rolegate could not read this pull request from GitHub"): Promise<Judgement> {
    try {
      return await this.judge(api, t);
    } catch (e) {
      return failedJudgement(what, e, t.headSha);
    }
  }

  /** Judge the pull request as it is now and post the check; one at a time per pull request, across replicas. */
  evaluateAndPost(api: GitHubApi, t: PullRequestTarget): Promise<void> {
    const key = `${t.repo.owner}/${t.repo.repo}#${t.number}`.toLowerCase();
    return runExclusive(
      this.store,
      key,
      async () => {
        const started = Date.now();
        const j = await this.judgeOrFail(api, t);
        const verdict = j.verdict;
        verdict.headSha ??= t.headSha;
        if (!verdict.headSha) throw new Error(`no head commit known for ${key}`);
        await postCheckRun(api, t.repo, verdict);
        this.metrics.evaluations.observe({ conclusion: verdict.conclusion }, (Date.now() - started) / 1000);
        this.log.info(
          {
            delivery: t.deliveryId,
            repository: `${t.repo.owner}/${t.repo.repo}`,
            pr: t.number,
            head_sha: verdict.headSha,
            conclusion: verdict.conclusion,
            ms: Date.now() - started,
          },
          "evaluated pull request",
        );
        if (verdict.conclusion === "action_required") await this.requestReviews(api, t, j);
      },
      this.lock,
      (e) => this.log.error({ err: e, repository: `${t.repo.owner}/${t.repo.repo}`, pr: t.number }, "could not post the rolegate check"),
    );
  }

  /** Ask eligible people to review: bounded, never the author, never twice for one pull request. */
  private async requestReviews(api: GitHubApi, t: PullRequestTarget, j: Judgement): Promise<void> {
    const result = j.verdict.result;
    const pr = j.pr;
    if (!result || !pr) return;
    const key = `${t.repo.owner}/${t.repo.repo}#${t.number}`.toLowerCase();
    const already = this.requested.get(key) ?? new Set<string>();
    const reviewed = new Set(pr.reviews.map((r) => r.user.toLowerCase()));
    const author = pr.author?.toLowerCase();
    const users: string[] = [];
    const teams: string[] = [];
    for (const r of result.requirements) {
      if (r.satisfied) continue;
      for (const who of r.eligible) {
        if (who === "*" || already.has(who.toLowerCase())) continue;
        if (who.startsWith("@")) {
          const [org, slug] = who.slice(1).split("/");
          if (org?.toLowerCase() === t.repo.owner.toLowerCase() && slug && teams.length < MAX_REVIEW_REQUESTS) teams.push(slug);
        } else if (who.toLowerCase() !== author && !reviewed.has(who.toLowerCase()) && users.length < MAX_REVIEW_REQUESTS) users.push(who);
      }
    }
    if (users.length === 0 && teams.length === 0) return;
    for (const u of users) already.add(u.toLowerCase());
    for (const s of teams) already.add(`@${t.repo.owner}/${s}`.toLowerCase());
    this.requested.set(key, already);
    try {
      await api.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", {
        owner: t.repo.owner,
        repo: t.repo.repo,
        pull_number: t.number,
        reviewers: users,
        team_reviewers: teams,
      });
    } catch (e) {
      // A courtesy, not part of the verdict: the check already says who can approve.
      this.log.warn({ err: e, pr: t.number }, "could not request reviews");
    }
  }
}
