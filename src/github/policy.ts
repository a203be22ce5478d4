import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../core/diagnostics.js";
import { twoPolicyFiles, type LoadedPolicy } from "../core/policy/load.js";
import type { BasePolicyInput } from "../core/judge-change.js";
import { ORG_POLICY_FILE, ORG_POLICY_REPO } from "../core/names.js";
import { loadComposed, type ExtendsRef, type ParentReader, type PolicyText } from "../core/policy/compose.js";
import { presetNames, unknownPresetMessage } from "../core/policy/presets.js";
import { describeApiError, type GitHubApi, type RepoRef } from "./api.js";
import { TtlCache } from "./cache.js";
import { fetchBlob, type PolicyBlob, type PolicyTexts } from "./pull-request.js";

const PRESETS_DIR = fileURLToPath(new URL("../../policies/", import.meta.url));

/** Parents change independently of the repository: keep them only briefly. */
const PARENT_TTL_MS = 60 * 1000;

/** A text and the blob it came from. */
type Blob = PolicyText & { sha: string };

/**
 * Whether an organisation default must be readable. `auto` (the App, and the Action by default):
 * an organisation without a `.github` repository, or whose `.github` repository the token cannot
 * see (GitHub answers both with "not found"), has none. `required` (the Action's
 * `baseline: required`): one is expected, and not finding it fails closed.
 */
export type BaselineMode = "auto" | "required";

/** The organisation default as read: its text, none, or why it could not be read. */
export type OrgDefault = { text?: PolicyText & { sha?: string } } | { unreadable: string };

/**
 * Loads policies through the API: parents by `extends`, the organisation default, presets
 * from the package.
 */
export class PolicyLoader {
  readonly parents = new TtlCache<string, (PolicyText & { sha?: string }) | { error: string }>(2_000, PARENT_TTL_MS);
  /**
   * Policies that extend nothing, by file name, blob SHA and day: such a result depends on
   * nothing else, so repositories sharing a text share it. A policy that extends a parent is
   * never kept here: its result depends on what composition read (the organisation, each
   * parent), so it is composed again, from parents cached briefly by repository.
   */
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

  /**
   * `generation(owner)` names the current version of an organisation's `.github` repository as
   * every replica sees it (the shared store): a push there changes it, so no replica keeps an
   * old organisation default.
   */
  constructor(
    private readonly presetsDir = PRESETS_DIR,
    private readonly generation: (owner: string) => Promise<string> = async () => "",
    private readonly baselineMode: BaselineMode = "auto",
  ) {}

  /** Reads parents: presets from the package, this repository at `revision`, other repositories at their default branch. */
  reader(api: GitHubApi, repo: RepoRef, revision: string): ParentReader {
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
      const target = ref.kind === "org" ? { owner: ref.key.split("/")[0]!, repo: ORG_POLICY_REPO } : { owner: ref.owner, repo: ref.repo };
      const path = ref.kind === "org" ? ORG_POLICY_FILE : ref.path;
      const expression = `${sameRepo ? revision : "HEAD"}:${path}`;
      const generation = target.repo.toLowerCase() === ORG_POLICY_REPO ? await this.generation(target.owner.toLowerCase()) : "";
      const key = `${target.owner}/${target.repo}|${expression}|${generation}`.toLowerCase();
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

  /**
   * Loads a repository's policy with its parents, in-repository ones read at `revision`, under
   * the organisation's enforced baseline when it has one (see `loadComposed`): every policy of a
   * repository is, whether it judges a pull request or a pull request brings it.
   * `blob.file` is the file's path in the repository when it is not one of the default names.
   */
  async load(api: GitHubApi, repo: RepoRef, blob: Blob, revision: string, now: Date): Promise<LoadedPolicy> {
    const loaded = await this.loadUnderBaseline(api, repo, blob, revision, now);
    return "unreadable" in loaded ? { diagnostics: [unreadableBaseline(repo.owner, loaded.unreadable)] } : loaded;
  }

  /** `load`, or why the organisation default that may bind the policy could not be read. */
  private async loadUnderBaseline(api: GitHubApi, repo: RepoRef, blob: Blob, revision: string, now: Date): Promise<LoadedPolicy | { unreadable: string }> {
    const day = now.toISOString().slice(0, 10); // lint findings depend on the date
    // Whether the organisation's baseline binds depends on its `.github` repository: its generation is part of the key.
    const generation = await this.generation(repo.owner.toLowerCase());
    const key = `${repo.owner}|${generation}|${blob.file}|${blob.sha}|${day}`.toLowerCase();
    const cached = this.loaded.get(key);
    if (cached) return cached;
    const baseline = await this.baselineFor(api, repo);
    if ("unreadable" in baseline) return baseline;
    const loaded = await loadComposed(blob, this.reader(api, repo, revision), now, {
      owner: repo.owner,
      repo: repo.repo,
      sourcePath: blob.file,
      ...(baseline.text ? { baseline: baseline.text } : {}),
    });
    // Only a policy that read nothing but its own text (no parent, no enforced baseline) may be
    // shared. The parsed YAML document (with its positions, about half the memory) is left out:
    // its diagnostics are already made.
    if (loaded.chain.length === 1) this.loaded.set(key, { ...(loaded.policy ? { policy: loaded.policy } : {}), diagnostics: loaded.diagnostics });
    return loaded;
  }

  /**
   * The organisation default that may bind a repository's own policy: none for the
   * organisation's `.github` repository itself, whose policy is the baseline.
   */
  async baselineFor(api: GitHubApi, repo: RepoRef): Promise<OrgDefault> {
    if (repo.repo.toLowerCase() === ORG_POLICY_REPO) return {};
    return this.organisationDefault(api, repo.owner);
  }

  /**
   * The policy that judges a pull request: the repository's own at the base (both names at
   * once is an error), else the organisation default, else none. An organisation default that
   * cannot be read for another reason than its absence makes the change unjudgeable.
   */
  async basePolicy(api: GitHubApi, repo: RepoRef, atBase: PolicyBlob[], baseTip: string, now: Date, revisionName?: string): Promise<BasePolicyInput> {
    if (atBase.length > 1) {
      const [a, b] = atBase as [PolicyBlob, PolicyBlob];
      return { kind: "loaded", source: { file: a.path, fromOrg: false, revision: revisionName }, loaded: { diagnostics: [twoPolicyFiles(a.path, b.path)] } };
    }
    if (atBase.length === 1) {
      const b = atBase[0]!;
      const loaded = await this.loadUnderBaseline(api, repo, { file: b.path, text: b.text, sha: b.oid }, baseTip, now);
      // A baseline that cannot be read cannot be known not to bind: the change cannot be judged.
      if ("unreadable" in loaded) return { kind: "unreadable", message: `cannot read the organisation baseline: ${loaded.unreadable}` };
      return { kind: "loaded", source: { file: b.path, sha: b.oid, fromOrg: false, revision: revisionName }, loaded };
    }
    if (repo.repo.toLowerCase() === ORG_POLICY_REPO) return { kind: "none" };
    const org = await this.organisationDefault(api, repo.owner);
    if ("unreadable" in org) return { kind: "unreadable", message: `cannot read the organisation default policy: ${org.unreadable}` };
    if (!org.text) return { kind: "none" };
    const orgRepo = { owner: repo.owner, repo: ORG_POLICY_REPO };
    const loaded = await loadComposed(org.text, this.reader(api, orgRepo, "HEAD"), now, { owner: repo.owner, repo: repo.repo });
    return { kind: "loaded", source: { file: org.text.file, sha: org.text.sha, fromOrg: true }, loaded };
  }

  /**
   * The organisation default's text, or none, or why it could not be read, cached like the
   * parents and keyed by the `.github` repository's generation (a push there reads it anew).
   * With `baseline: required`, none is a reason too.
   */
  async organisationDefault(api: GitHubApi, owner: string): Promise<OrgDefault> {
    const key = `${owner}/${ORG_POLICY_REPO}|HEAD:${ORG_POLICY_FILE}|${await this.generation(owner.toLowerCase())}`.toLowerCase();
    const cached = this.parents.get(key);
    let answer: (PolicyText & { sha?: string }) | { error: string };
    if (cached) answer = cached;
    else {
      try {
        const blob = await fetchBlob(api, { owner, repo: ORG_POLICY_REPO }, `HEAD:${ORG_POLICY_FILE}`);
        answer = blob ? { file: `${owner}/${ORG_POLICY_REPO}:${ORG_POLICY_FILE}`, text: blob.text, sha: blob.oid } : { error: "not found" };
      } catch (e) {
        const message = describeApiError(e);
        // No `.github` repository (or no access to it: GitHub says "not found" alike) means no organisation default.
        if (!/NOT_FOUND|Could not resolve to a Repository|HTTP 404/i.test(message)) return { unreadable: message }; // never cached
        answer = { error: "not found" };
      }
      this.parents.set(key, answer);
    }
    if (!("error" in answer)) return { text: answer };
    if (this.baselineMode === "required") {
      return {
        unreadable: `${owner}/${ORG_POLICY_REPO}:${ORG_POLICY_FILE} was not found: the repository is missing, or private and out of this token's reach, or holds no such file; \`baseline: required\` says one is expected, so rolegate fails rather than judge without it`,
      };
    }
    return {};
  }
}

/** An organisation baseline that could not be read, as a finding of the policy it would bind. */
function unreadableBaseline(owner: string, why: string): Diagnostic {
  const file = `${owner}/${ORG_POLICY_REPO}:${ORG_POLICY_FILE}`;
  return {
    severity: "error",
    code: "baseline-unreadable",
    file,
    line: 1,
    col: 1,
    message: `cannot read the organisation baseline ${file}, so rolegate cannot know whether it binds this policy: ${why}`,
  };
}
