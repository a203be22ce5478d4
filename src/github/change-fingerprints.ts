import type { GitHubApi, RepoRef } from "./api.js";
import { patchFingerprint, type PatchedFile } from "./patch-fingerprint.js";
import { MemoryStore, type SharedStore } from "./store.js";

/** GitHub's compare lists at most this many files: a list this long may be cut short. */
export const COMPARE_FILES_CAP = 300;

/** A commit's diff from a fixed base never changes: fingerprints are kept a week. */
const TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The pull request's own changes at one commit: their fingerprint and how many files they touch. */
export interface ChangeFingerprint {
  /** Undefined when the changes cannot be fingerprinted (a missing patch, a list cut short). */
  fingerprint?: string;
  files: number;
}

/**
 * Fingerprints of a pull request's own changes at a commit: the files of `BASE...COMMIT` (from
 * the merge base, as GitHub's compare shows them), normalised as `git patch-id --stable`
 * normalises. One compare call per (base, commit), kept in the shared store: they never change.
 */
export class ChangeFingerprints {
  constructor(private readonly store: SharedStore = new MemoryStore()) {}

  /** Reads (or recalls) the fingerprint; undefined when GitHub could not answer (fails closed). */
  async of(api: GitHubApi, repo: RepoRef, base: string, commit: string): Promise<ChangeFingerprint | undefined> {
    const key = `fingerprint:${repo.owner}/${repo.repo}:${base}...${commit}`.toLowerCase();
    const known = await this.store.get(key).catch(() => undefined);
    if (known !== undefined) return JSON.parse(known) as ChangeFingerprint;
    let files: PatchedFile[];
    try {
      // One commit a page keeps the answer small; the files come with the first page in full.
      const res = await api.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
        owner: repo.owner,
        repo: repo.repo,
        basehead: `${base}...${commit}`,
        per_page: 1,
      });
      files = (res.data as { files?: PatchedFile[] }).files ?? [];
      if (!Array.isArray(files)) return undefined;
    } catch {
      return undefined;
    }
    const result: ChangeFingerprint = { files: files.length };
    const fingerprint = files.length >= COMPARE_FILES_CAP ? undefined : patchFingerprint(files);
    if (fingerprint !== undefined) result.fingerprint = fingerprint;
    await this.store.set(key, JSON.stringify(result), TTL_MS).catch(() => {});
    return result;
  }
}
