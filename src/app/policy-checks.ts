import type { Verdict } from "../core/verdict.js";
import type { RepoRef } from "../github/api.js";
import { checkNamesIn } from "../github/checks-passed.js";
import type { SharedStore } from "../github/store.js";

/** Long enough to outlive most pull requests; a forgotten repository counts as naming every check. */
const TTL_MS = 7 * 24 * 60 * 60 * 1000;

const keyOf = (repo: RepoRef) => `policy-checks:${repo.owner}/${repo.repo}`.toLowerCase();

type Named = Record<string, string[]>;

async function read(store: SharedStore, repo: RepoRef): Promise<Named | undefined> {
  const text = await store.get(keyOf(repo)).catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as Named);
}

/**
 * Remembers which check names the policy of a base branch named when a pull request into it was
 * last judged, so that a CI result re-judges only the pull requests it can matter to. Nothing is
 * remembered for a judgement that failed: what it would have read is unknown.
 */
export async function recordPolicyChecks(store: SharedStore, repo: RepoRef, base: string, verdict: Verdict): Promise<void> {
  if (verdict.kind === "not-evaluated" || verdict.kind === "merge-group") return;
  const names = verdict.policy ? [...checkNamesIn(verdict.policy)].sort() : [];
  try {
    const known = (await read(store, repo)) ?? {};
    if (JSON.stringify(known[base]) === JSON.stringify(names)) return;
    await store.set(keyOf(repo), JSON.stringify({ ...known, [base]: names }), TTL_MS);
  } catch {
    // Without the store every CI result re-judges: slower, never wrong.
  }
}

/**
 * Could the policy of pull requests into `base` (into any branch, when the base is not known yet)
 * name one of these checks? Unknown (never judged, forgotten, or no store) counts as yes.
 */
export async function mayNameCheck(store: SharedStore, repo: RepoRef, names: readonly string[], base?: string): Promise<boolean> {
  const known = await read(store, repo).catch(() => undefined);
  if (!known) return true;
  if (base === undefined) return Object.values(known).some((list) => list.some((n) => names.includes(n)));
  const list = known[base];
  return list === undefined || list.some((n) => names.includes(n));
}

/** Could the policy of any branch of the repository name some check? Unknown counts as yes. */
export async function namesSomeCheck(store: SharedStore, repo: RepoRef): Promise<boolean> {
  const known = await read(store, repo).catch(() => undefined);
  return !known || Object.values(known).some((list) => list.length > 0);
}
