import type { GitHubApi, RepoRef } from "../github/api.js";
import { postCheckRun } from "../github/checks.js";
import { ChangeFingerprints } from "../github/change-fingerprints.js";
import { Directory, type TeamRosters } from "../github/directory.js";
import { failedJudgement, judgePullRequest, type Judgement } from "../github/judge.js";
import { PolicyLoader } from "../github/policy.js";
import { TtlCache } from "../github/cache.js";
import { randomUUID } from "node:crypto";
import { nextVerdictChange } from "../core/next-change.js";
import { unconfirmedVerdict, type Verdict } from "../core/verdict.js";
import type { BreakGlassRequest } from "../core/break-glass.js";
import { BreakGlassOverrides } from "./overrides.js";
import { MemoryStore, runExclusive, StoreUnavailable, type LockGuard, type LockOptions, type SharedStore } from "../github/store.js";
import { Metrics } from "./metrics.js";
import { recordPolicyChecks } from "./policy-checks.js";

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
  /** A break-glass request made now: judged instead of the override kept for the head. */
  breakGlass?: BreakGlassRequest;
}

/** One pull request's key in the shared store. */
export function prKey(t: Pick<PullRequestTarget, "repo" | "number">): string {
  return `${t.repo.owner}/${t.repo.repo}#${t.number}`.toLowerCase();
}

/** Where the teams a repository's policy named are kept in the shared store. */
const policyTeamsKey = (repo: RepoRef): string => `policy-teams:${repo.owner}/${repo.repo}`.toLowerCase();

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
  /** Whose team members a check may name as people who can approve (default: nobody's). */
  teamRosters?: TeamRosters;
}

export class RolegateService {
  readonly store: SharedStore;
  readonly metrics: Metrics;
  readonly directory: Directory;
  readonly fingerprints: ChangeFingerprints;
  readonly policies: PolicyLoader;
  readonly lock: LockOptions;
  readonly teamRosters: TeamRosters;
  readonly requested = new TtlCache<string, Set<string>>(10_000, 24 * 60 * 60 * 1000);
  /** What follows a posted check, inside the pull request's lock (an armed merge acts on a success). */
  readonly afterPosting: ((service: RolegateService, api: GitHubApi, t: PullRequestTarget, verdict: Verdict) => Promise<void>)[] = [];

  constructor(
    readonly log: Logger,
    readonly now: () => Date = () => new Date(),
    options: ServiceOptions = {},
  ) {
    this.store = options.store ?? new MemoryStore();
    // Without the store, no cached organisation default can be trusted: a unique generation reads it anew.
    this.policies = new PolicyLoader(undefined, async (owner) => (await this.store.get(`org-gen:${owner}`).catch(() => randomUUID())) ?? "0");
    this.metrics = options.metrics ?? new Metrics();
    this.lock = options.lock ?? { ttlMs: 30_000, pollMs: 25 };
    this.teamRosters = options.teamRosters ?? "none";
    this.directory = new Directory(this.store, (cache, hit) => this.metrics.cache.inc({ cache, result: hit ? "hit" : "miss" }));
    this.fingerprints = new ChangeFingerprints(this.store);
  }

  /**
   * True when this delivery was already handled to the end, by any replica (GitHub redelivers).
   * A delivery is marked only once handled, so one lost with a dying replica is handled again.
   * Without the store, every delivery is handled: judging twice is safe, skipping is not.
   */
  async handledBefore(id: string | undefined): Promise<boolean> {
    if (id === undefined) return false;
    try {
      return (await this.store.get(`delivery:${id}`)) !== undefined;
    } catch (e) {
      this.log.warn({ err: e, delivery: id }, "shared store unavailable: handling the delivery without deduplication");
      return false;
    }
  }

  async markHandled(id: string | undefined): Promise<void> {
    if (id === undefined) return;
    await this.store.set(`delivery:${id}`, "1", 60 * 60 * 1000).catch((e) => this.log.warn({ err: e, delivery: id }, "could not mark the delivery handled"));
  }

  /** A push changed an organisation's `.github` repository: every replica reads its default anew. */
  async forgetOrgPolicy(owner: string): Promise<void> {
    await this.store.set(`org-gen:${owner.toLowerCase()}`, randomUUID(), 30 * 24 * 60 * 60 * 1000);
  }

  /** Remembers, across replicas, who asked rolegate to merge a pull request: the closed event judges them. */
  async rememberMerger(t: PullRequestTarget, login: string | undefined): Promise<void> {
    const key = `merged-for:${prKey(t)}`;
    if (login === undefined) await this.store.del(key).catch(() => {});
    else await this.store.set(key, login, 60 * 60 * 1000).catch(() => {});
  }

  async mergerOf(t: PullRequestTarget): Promise<string | undefined> {
    return this.store.get(`merged-for:${prKey(t)}`).catch(() => undefined);
  }

  judge(api: GitHubApi, t: PullRequestTarget): Promise<Judgement> {
    const deps = { directory: this.directory, policies: this.policies, now: this.now, fingerprints: this.fingerprints, teamRosters: this.teamRosters };
    return judgePullRequest(api, deps, t, {
      mergedBy: t.mergedBy,
      policyRevision: t.policyRevision,
      fresh: t.fresh,
      breakGlass: t.breakGlass,
      // A break-glass override stays in effect for the head it was made on.
      breakGlassFor: (head) => new BreakGlassOverrides(this.store).forHead(prKey(t), head),
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

  /**
   * Judge the pull request as it is now and post the check; one at a time per pull request,
   * across replicas. An evaluation that lost its lock posts nothing (a newer one follows). When
   * the shared store fails, the pull request is still judged and posted, but a success that
   * cannot be confirmed as the newest is posted as a failure saying why.
   */
  async evaluateAndPost(api: GitHubApi, t: PullRequestTarget): Promise<void> {
    const key = prKey(t);
    const once = async (guard?: LockGuard) => {
      const started = Date.now();
      const j = await this.judgeOrFail(api, t);
      let verdict = j.verdict;
      verdict.headSha ??= t.headSha;
      if (!verdict.headSha) throw new Error(`no head commit known for ${key}`);
      const lock = guard ? await guard.check() : "unknown";
      if (lock === "lost") {
        this.log.warn({ repository: `${t.repo.owner}/${t.repo.repo}`, pr: t.number }, "the evaluation lock was lost: a newer evaluation posts instead");
        return;
      }
      if (lock === "unknown")
        verdict = unconfirmedVerdict(
          verdict,
          "the shared store that orders rolegate's evaluations is unavailable, so this result cannot be confirmed as the newest; re-run the check once it is back",
        );
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
      if (j.verdict.policy) {
        await this.planNextJudgement(t, nextVerdictChange(j.verdict.policy, this.now()));
        await this.recordPolicyTeams(t.repo, j.verdict.policy.teams);
      }
      await recordPolicyChecks(this.store, t.repo, j.pr?.baseRef ?? t.baseRef, j.verdict);
      if (verdict.conclusion === "action_required") await this.requestReviews(api, t, j);
      for (const next of this.afterPosting) {
        await next(this, api, t, verdict).catch((e) => this.log.error({ err: e, pr: t.number }, "could not act after posting the check"));
      }
    };
    try {
      await runExclusive(this.store, key, once, this.lock, (e) =>
        this.log.error({ err: e, repository: `${t.repo.owner}/${t.repo.repo}`, pr: t.number }, "could not post the rolegate check"),
      );
    } catch (e) {
      if (!(e instanceof StoreUnavailable)) throw e;
      this.log.warn({ err: e, pr: t.number }, "shared store unavailable: judging without the lock");
      await once();
    }
  }

  /** Which teams a repository's policy named when last judged, so a membership change re-judges only where it matters. */
  private async recordPolicyTeams(repo: RepoRef, teams: ReadonlySet<string>): Promise<void> {
    await this.store.set(policyTeamsKey(repo), JSON.stringify([...teams]), 7 * 24 * 60 * 60 * 1000).catch(() => {});
  }

  /** Could this repository's policy name the team? Unknown (never judged, or no store) counts as yes. */
  async mayNameTeam(repo: RepoRef, team: string): Promise<boolean> {
    const known = await this.store.get(policyTeamsKey(repo)).catch(() => undefined);
    return known === undefined || (JSON.parse(known) as string[]).includes(team.toLowerCase());
  }

  /** Plans the pull request's next judgement at the moment its verdict can change by the clock alone. */
  private async planNextJudgement(t: PullRequestTarget, at: Date | undefined): Promise<void> {
    const id = `pr:${prKey(t)}`;
    const value = JSON.stringify({ repo: t.repo, number: t.number, baseRef: t.baseRef, installation: t.installation });
    try {
      if (at) await this.store.schedule(id, at.getTime(), value);
      else await this.store.unschedule(id);
    } catch (e) {
      this.log.warn({ err: e, pr: t.number }, "could not plan the next judgement");
    }
  }

  /**
   * Judges again every planned pull request that is due, once across replicas (each claims its
   * item with a lock first). `apiFor` gives the installation's API client.
   */
  async runDueJudgements(apiFor: (installation: string) => Promise<GitHubApi>, limit = 50): Promise<number> {
    const due = await this.store.due(this.now().getTime(), limit);
    let done = 0;
    for (const item of due) {
      const token = randomUUID();
      if (!(await this.store.acquire(`planned-lock:${item.id}`, token, this.lock.ttlMs))) continue;
      try {
        const current = (await this.store.due(this.now().getTime(), Number.MAX_SAFE_INTEGER)).find((d) => d.id === item.id);
        if (!current || current.at !== item.at) continue; // another replica judged it, and planned the next
        await this.store.unschedule(item.id);
        const t = JSON.parse(item.value) as PullRequestTarget;
        await this.evaluateAndPost(await apiFor(t.installation), t);
        done++;
      } catch (e) {
        this.log.error({ err: e, planned: item.id }, "could not judge a planned pull request");
      } finally {
        await this.store.release(`planned-lock:${item.id}`, token).catch(() => {});
      }
    }
    return done;
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
