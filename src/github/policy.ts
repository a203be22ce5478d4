import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadComposed, type ExtendsRef, type ParentReader, type PolicyText } from "../core/policy/compose.js";
import type { LoadedPolicy } from "../core/policy/load.js";
import { presetNames, unknownPresetMessage } from "../core/policy/presets.js";
import { describeApiError, type GitHubApi, type RepoRef } from "./api.js";
import { TtlCache } from "./cache.js";
import { fetchBlob, type PolicyBlob, type PolicyTexts } from "./pull-request.js";

const PRESETS_DIR = fileURLToPath(new URL("../../policies/", import.meta.url));

/** Parents change independently of the repository: keep them only briefly. */
const PARENT_TTL_MS = 60 * 1000;

export type BasePolicy =
  | { kind: "none" }
  | { kind: "error"; message: string }
  | { kind: "loaded"; file: string; sha: string; loaded: LoadedPolicy; fromOrg: boolean };

/**
 * Loads policies through the API: parents by `extends`, the organisation default, presets
 * from the package. Loaded results are cached by blob SHA (a blob never changes).
 */
export class PolicyLoader {
  readonly parents = new TtlCache<string, PolicyText | { error: string }>(2_000, PARENT_TTL_MS);
  readonly loaded = new TtlCache<string, LoadedPolicy>(2_000, 10 * 60 * 1000);
  /** Policy texts by blob SHA (content-addressed, so shared by every repository), and each repository's last one. */
  private readonly textsByOid = new TtlCache<string, string>(2_000, 10 * 60 * 1000);
  private readonly lastOidOf = new TtlCache<string, string>(20_000, 10 * 60 * 1000);

  /** What fetchPullRequest needs to leave known policy texts out of its query. */
  readonly texts: PolicyTexts = {
    likelyKnown: (ref) => {
      const oid = this.lastOidOf.get(`${ref.owner}/${ref.repo}`.toLowerCase());
      return oid !== undefined && this.textsByOid.get(oid) !== undefined;
    },
    get: (oid) => this.textsByOid.get(oid),
    remember: (ref, oid, text) => {
      this.textsByOid.set(oid, text);
      this.lastOidOf.set(`${ref.owner}/${ref.repo}`.toLowerCase(), oid);
    },
  };

  constructor(private readonly presetsDir = PRESETS_DIR) {}

  reader(api: GitHubApi, repo: RepoRef, baseTip: string): ParentReader {
    return async (ref: ExtendsRef) => {
      if (ref.kind === "preset") {
        try {
          return { file: `preset:${ref.name}`, text: readFileSync(`${this.presetsDir}${ref.name}.yml`, "utf8") };
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code !== "ENOENT") return { error: `cannot read preset ${ref.name} (${code ?? (e as Error).message})` };
          const presets = presetNames(() => readdirSync(this.presetsDir));
          return { error: unknownPresetMessage(ref.name, presets) };
        }
      }
      // A parent in this very repository is read at the same commit as the policy.
      const sameRepo = ref.kind === "repo" && ref.owner.toLowerCase() === repo.owner.toLowerCase() && ref.repo.toLowerCase() === repo.repo.toLowerCase();
      const target = ref.kind === "org" ? { owner: ref.key.split("/")[0]!, repo: ".github" } : { owner: ref.owner, repo: ref.repo };
      const path = ref.kind === "org" ? ".github/rolegate.yml" : ref.path;
      const expression = `${sameRepo ? baseTip : "HEAD"}:${path}`;
      const key = `${target.owner}/${target.repo}|${expression}`.toLowerCase();
      const cached = this.parents.get(key);
      if (cached && !sameRepo) return cached;
      let answer: PolicyText | { error: string };
      try {
        const blob = await fetchBlob(api, target, expression);
        answer = blob ? { file: ref.key, text: blob.text } : { error: "not found" };
      } catch (e) {
        return { error: describeApiError(e) }; // never cached: a failure must not stick
      }
      this.parents.set(key, answer);
      return answer;
    };
  }

  async load(api: GitHubApi, repo: RepoRef, blob: PolicyText & { sha: string }, baseTip: string, now: Date): Promise<LoadedPolicy> {
    const usesParents = /^\s*extends\s*:/m.test(blob.text);
    const day = now.toISOString().slice(0, 10); // lint findings depend on the date
    // Without parents the result depends only on the text (the blob SHA), the file name and the
    // day, so repositories sharing a policy text share one parsed policy.
    const key = `${blob.file}|${blob.sha}|${day}`.toLowerCase();
    if (!usesParents) {
      const cached = this.loaded.get(key);
      if (cached) return cached;
    }
    const loaded = await loadComposed(blob, this.reader(api, repo, baseTip), now, repo.owner ? { owner: repo.owner, repo: repo.repo } : {});
    // The parsed YAML document (with its positions, about half the memory) is only needed for
    // the diagnostics, which are already made.
    if (!usesParents) this.loaded.set(key, { ...(loaded.policy ? { policy: loaded.policy } : {}), diagnostics: loaded.diagnostics });
    return loaded;
  }

  /** The policy that judges a pull request: the base branch's, else the organisation default. */
  async basePolicy(api: GitHubApi, repo: RepoRef, atBase: PolicyBlob[], baseTip: string, now: Date): Promise<BasePolicy> {
    if (atBase.length > 1)
      return { kind: "error", message: `two policy files on the base branch: ${atBase.map((b) => b.path).join(" and ")}; keep exactly one` };
    if (atBase.length === 1) {
      const b = atBase[0]!;
      return {
        kind: "loaded",
        file: b.path,
        sha: b.oid,
        loaded: await this.load(api, repo, { file: b.path, text: b.text, sha: b.oid }, baseTip, now),
        fromOrg: false,
      };
    }
    if (repo.repo.toLowerCase() === ".github") return { kind: "none" };
    const orgKey = `${repo.owner}/.github|HEAD:.github/rolegate.yml`.toLowerCase();
    let org = this.parents.get(orgKey);
    if (!org) {
      try {
        const blob = await fetchBlob(api, { owner: repo.owner, repo: ".github" }, "HEAD:.github/rolegate.yml");
        org = blob ? { file: `${repo.owner}/.github:.github/rolegate.yml`, text: blob.text } : { error: "not found" };
      } catch (e) {
        const message = describeApiError(e);
        // No `.github` repository (or no access to it) means no organisation default.
        if (/NOT_FOUND|Could not resolve to a Repository|HTTP 404/i.test(message)) org = { error: "not found" };
        else return { kind: "error", message: `cannot read the organisation default policy: ${message}` };
      }
      this.parents.set(orgKey, org);
    }
    if ("error" in org) return { kind: "none" };
    const orgRepo = { owner: repo.owner, repo: ".github" };
    const loaded = await loadComposed(org, this.reader(api, orgRepo, "HEAD"), now, { owner: repo.owner, repo: repo.repo });
    return { kind: "loaded", file: org.file, sha: "HEAD", loaded, fromOrg: true };
  }
}
