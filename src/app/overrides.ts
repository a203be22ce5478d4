import type { BreakGlassRequest } from "../core/break-glass.js";
import type { SharedStore } from "../github/store.js";

/** An override is about one head commit; keep it while the pull request may still be open. */
const OVERRIDE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

interface KeptOverride {
  headSha: string;
  by: string;
  reason: string;
  /** ISO 8601: the comment's time. */
  at: string;
}

/**
 * Break-glass overrides that took effect, kept in the shared store (one per pull request, with
 * the head commit it was made on), so that every later judgement of that head, on any replica,
 * judges the same request again. A judgement of another head voids it for good: a later push
 * never inherits an override, not even by moving the head back.
 */
export class BreakGlassOverrides {
  constructor(private readonly store: SharedStore) {}

  private key(pr: string): string {
    return `break-glass:${pr}`;
  }

  async keep(pr: string, headSha: string, request: BreakGlassRequest): Promise<void> {
    const kept: KeptOverride = { headSha, by: request.by, reason: request.reason, at: request.at.toISOString() };
    await this.store.set(this.key(pr), JSON.stringify(kept), OVERRIDE_TTL_MS);
  }

  /**
   * The request kept for this head. One kept for another head is forgotten. When the store does
   * not answer, there is none: without the store an override cannot be confirmed, and a missing
   * override only keeps the requirements in force.
   */
  async forHead(pr: string, headSha: string): Promise<BreakGlassRequest | undefined> {
    let raw: string | undefined;
    try {
      raw = await this.store.get(this.key(pr));
    } catch {
      return undefined;
    }
    if (raw === undefined) return undefined;
    const kept = JSON.parse(raw) as KeptOverride;
    if (kept.headSha !== headSha) {
      await this.store.del(this.key(pr)).catch(() => {});
      return undefined;
    }
    return { by: kept.by, reason: kept.reason, at: new Date(kept.at) };
  }
}
