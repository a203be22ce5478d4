import type { HandlerContext, PrRef } from "./context.js";
import { targetOf } from "./context.js";

/** Every change to a pull request or its reviews: judge it as it is now and post the check. */
export function onPullRequestChange(h: HandlerContext): void {
  h.on(
    [
      "pull_request.opened",
      "pull_request.reopened",
      "pull_request.synchronize",
      "pull_request.ready_for_review",
      "pull_request.edited",
      "pull_request.labeled",
      "pull_request.unlabeled",
      "pull_request.converted_to_draft",
      "pull_request_review.submitted",
      "pull_request_review.edited",
      "pull_request_review.dismissed",
    ],
    async (context) => {
      const pr = (context.payload as { pull_request: PrRef & { state?: string } }).pull_request;
      if (pr.state === "closed") return;
      await h.service.evaluateAndPost(h.apiOf(context), targetOf(context, pr));
    },
  );
}
