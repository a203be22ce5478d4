import { settleArmedMerge } from "../merge-when-ready.js";
import type { HandlerContext } from "./context.js";

/**
 * Merge when ready: every posted check may settle the pull request's armed merge (a new head
 * disarms it, a `success` merges it). It follows the check inside the pull request's lock, so
 * it runs after every event that judges a pull request, whichever handler received it.
 */
export function onArmedMerge(h: HandlerContext): void {
  if (!h.service.afterPosting.includes(settleArmedMerge)) h.service.afterPosting.push(settleArmedMerge);
}
