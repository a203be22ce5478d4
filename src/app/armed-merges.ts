import { randomUUID } from "node:crypto";
import type { ArmedMerge } from "../core/merge-decision.js";
import type { SharedStore } from "../github/store.js";

/** An armed merge waits for approvals: days, not minutes. */
const ARMED_TTL_MS = 14 * 24 * 60 * 60 * 1000;
/** Long enough for one merge attempt; a replica that died while holding it lets another try. */
const CLAIM_TTL_MS = 5 * 60 * 1000;

/**
 * Armed merges (`/rolegate merge` before `success`), one per pull request, in the shared store:
 * they survive a restart and every replica sees them. Settling one (merging or disarming it) is
 * claimed first, so that it happens once across replicas.
 */
export class ArmedMerges {
  constructor(private readonly store: SharedStore) {}

  private key(pr: string): string {
    return `armed-merge:${pr}`;
  }

  /** Arms a merge, replacing any earlier one; answers the one it replaced. */
  async arm(pr: string, armed: ArmedMerge): Promise<ArmedMerge | undefined> {
    const before = await this.get(pr);
    await this.store.set(this.key(pr), JSON.stringify(armed), ARMED_TTL_MS);
    return before;
  }

  async get(pr: string): Promise<ArmedMerge | undefined> {
    const raw = await this.store.get(this.key(pr));
    return raw === undefined ? undefined : (JSON.parse(raw) as ArmedMerge);
  }

  /** Takes the right to settle this arming; undefined when another replica holds it (or settled it). */
  async claim(armed: ArmedMerge): Promise<string | undefined> {
    const token = randomUUID();
    return (await this.store.acquire(`armed-merge-claim:${armed.id}`, token, CLAIM_TTL_MS)) ? token : undefined;
  }

  /** Gives the claim back without settling (the merge must still wait). */
  async release(armed: ArmedMerge, token: string): Promise<void> {
    await this.store.release(`armed-merge-claim:${armed.id}`, token).catch(() => {});
  }

  /**
   * Settles an arming: it is forgotten, and its claim is kept until the arming would have
   * expired, so that no replica acts on it again. A newer arming of the pull request stays.
   */
  async settle(pr: string, armed: ArmedMerge, token: string): Promise<void> {
    await this.store.extend(`armed-merge-claim:${armed.id}`, token, ARMED_TTL_MS).catch(() => false);
    const current = await this.get(pr).catch(() => undefined);
    if (current?.id === armed.id) await this.store.del(this.key(pr));
  }
}
