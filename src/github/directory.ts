import type { TeamData } from "../core/state.js";
import { describeApiError, statusOf, type GitHubApi, type RepoRef } from "./api.js";
import { MemoryStore, type SharedStore } from "./store.js";

/** Whose team members a check may name: nobody's, or those of teams visible to the organisation. */
export type TeamRosters = "none" | "visible";

/** Time-to-live of cached memberships and permissions: short, since access is what we guard. */
export const DIRECTORY_TTL_MS = 5 * 60 * 1000;

/**
 * Who is in which team and who may write to a repository, read through the API and
 * cached (bounded, with a TTL). Failures are never cached and never guessed: a team
 * that cannot be read is reported with the reason, and evaluation fails closed.
 */
export class Directory {
  constructor(
    private readonly store: SharedStore = new MemoryStore(),
    private readonly onLookup: (cache: string, hit: boolean) => void = () => {},
    /** Why a team read is refused (403/404), in the words of the front end's setup. */
    private readonly forbiddenHint = "the team does not exist, or the app lacks the organization permission members:read",
  ) {}

  /**
   * The last decoded value per key, reused while the stored text is the same: a warm evaluation
   * reads every team of its policy, and decoding them anew each time was measurable under load.
   * It also gives evaluation the same member sets for the same teams, which its caches key on.
   */
  private readonly decoded = new Map<string, { text: string; value: unknown }>();

  private decode<T>(storeKey: string, text: string, build: (parsed: T) => unknown = (v) => v): unknown {
    const hit = this.decoded.get(storeKey);
    if (hit && hit.text === text) return hit.value;
    const value = build(JSON.parse(text) as T);
    this.keepDecoded(storeKey, text, value);
    return value;
  }

  private keepDecoded(storeKey: string, text: string, value: unknown): void {
    this.decoded.delete(storeKey);
    if (this.decoded.size >= 20_000) this.decoded.delete(this.decoded.keys().next().value as string);
    this.decoded.set(storeKey, { text, value });
  }

  private async cached<T>(cache: string, key: string, fresh: boolean, build?: (parsed: T) => unknown): Promise<unknown> {
    if (fresh) return undefined;
    const storeKey = `${cache}:${key}`;
    // A cache that does not answer is a miss: the API is asked, never a guess made.
    const text = await this.store.get(storeKey).catch(() => undefined);
    this.onLookup(cache, text !== undefined);
    return text === undefined ? undefined : this.decode(storeKey, text, build);
  }

  /** Stores `value`; `decodedAs` is what a later read decodes it to (the same object, for the caches keyed on it). */
  private remember(cache: string, key: string, value: unknown, decodedAs: unknown = value): Promise<void> {
    const text = JSON.stringify(value);
    this.keepDecoded(`${cache}:${key}`, text, decodedAs);
    return this.store.set(`${cache}:${key}`, text, DIRECTORY_TTL_MS).catch(() => {});
  }

  /** Forgets a team's members everywhere (a membership changed): the next evaluation reads them anew. */
  async forgetTeam(installation: string, team: string): Promise<void> {
    const storeKey = `team:${installation}|${team.toLowerCase()}`;
    this.decoded.delete(storeKey);
    await this.store.del(storeKey);
  }

  /**
   * Members of every named team (lower-case `org/team`), each listed in full. `show` says whose
   * members a check may name as people who can approve: none (the default), or the visible
   * (`closed`) teams — never a secret team, whose roster only its organisation may see.
   */
  async resolveTeams(api: GitHubApi, installation: string, names: Iterable<string>, fresh = false, show: TeamRosters = "none"): Promise<TeamData> {
    const expandable = new Set<string>();
    const data: TeamData = { members: new Map(), errors: new Map(), expandable };
    for (const name of names) {
      if (show === "visible" && (await this.privacy(api, installation, name, fresh)) === "closed") expandable.add(name);
      const key = `${installation}|${name}`;
      // Shared, read-only: the same set for every evaluation while the team is cached.
      const cached = (await this.cached<string[]>("team", key, fresh, (logins) => new Set(logins))) as ReadonlySet<string> | undefined;
      if (cached) {
        data.members.set(name, cached as Set<string>);
        continue;
      }
      const [org, slug] = name.split("/") as [string, string];
      try {
        const members = new Set<string>();
        for (let page = 1; ; page++) {
          const res = await api.request("GET /orgs/{org}/teams/{team_slug}/members", { org, team_slug: slug, per_page: 100, page });
          for (const m of res.data as { login: string }[]) members.add(m.login.toLowerCase());
          if ((res.data as unknown[]).length < 100) break;
        }
        await this.remember("team", key, [...members], members);
        data.members.set(name, members);
      } catch (e) {
        const status = statusOf(e);
        const hint = status === 403 || status === 404 ? ` (${this.forbiddenHint})` : "";
        data.errors.set(name, `${describeApiError(e)}${hint}`);
      }
    }
    return data;
  }

  /** A team's privacy (`closed`: visible to the organisation, or `secret`); unknown counts as secret. */
  private async privacy(api: GitHubApi, installation: string, name: string, fresh: boolean): Promise<string> {
    const key = `${installation}|${name}`;
    const cached = (await this.cached<string>("team-privacy", key, fresh)) as string | undefined;
    if (cached) return cached;
    const [org, slug] = name.split("/") as [string, string];
    try {
      const res = await api.request("GET /orgs/{org}/teams/{team_slug}", { org, team_slug: slug });
      const privacy = String((res.data as { privacy?: string }).privacy ?? "secret");
      await this.remember("team-privacy", key, privacy);
      return privacy;
    } catch {
      return "secret";
    }
  }

  /** The user's permission on the repository (`admin`, `maintain`, `write`, `triage`, `read`, `none`). */
  async permission(api: GitHubApi, repo: RepoRef, login: string, fresh = false): Promise<string> {
    const key = `${repo.owner}/${repo.repo}|${login}`.toLowerCase();
    const cached = (await this.cached<string>("permission", key, fresh)) as string | undefined;
    if (cached) return cached;
    try {
      const res = await api.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { owner: repo.owner, repo: repo.repo, username: login });
      const permission = String((res.data as { role_name?: string; permission?: string }).role_name ?? (res.data as { permission: string }).permission);
      await this.remember("permission", key, permission);
      return permission;
    } catch (e) {
      // 404: not a collaborator at all. Anything else is a real failure and must surface.
      if (statusOf(e) === 404) {
        await this.remember("permission", key, "none");
        return "none";
      }
      throw e;
    }
  }

  async hasWriteAccess(api: GitHubApi, repo: RepoRef, login: string, fresh = false): Promise<boolean> {
    return ["admin", "maintain", "write"].includes(await this.permission(api, repo, login, fresh));
  }

  /** Repository admins, for the built-in rule that a policy change nobody's requirement covers needs an admin. */
  async repositoryAdmins(api: GitHubApi, repo: RepoRef, fresh = false): Promise<string[]> {
    const key = `${repo.owner}/${repo.repo}`.toLowerCase();
    const cached = (await this.cached<string[]>("admins", key, fresh)) as string[] | undefined;
    if (cached) return [...cached];
    const admins: string[] = [];
    for (let page = 1; ; page++) {
      const res = await api.request("GET /repos/{owner}/{repo}/collaborators", {
        owner: repo.owner,
        repo: repo.repo,
        permission: "admin",
        per_page: 100,
        page,
      });
      for (const u of res.data as { login: string }[]) admins.push(u.login.toLowerCase());
      if ((res.data as unknown[]).length < 100) break;
    }
    await this.remember("admins", key, admins, [...admins]);
    return admins;
  }
}
