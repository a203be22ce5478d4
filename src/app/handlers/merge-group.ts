import { combineVerdicts } from "../../core/verdict.js";
import type { RepoRef } from "../../github/api.js";
import { postCheckRun } from "../../github/checks.js";
import { mergeGroupOf, pullRequestsInMergeGroup } from "../../github/merge-queue.js";
import type { HandlerContext } from "./context.js";
import { installationOf } from "./context.js";

/** A merge queue's group: every pull request in it judged on its own, one combined check on the group's head. */
export function onMergeGroup(h: HandlerContext): void {
  h.on("merge_group.checks_requested", async (context) => {
    const group = mergeGroupOf(context.payload.merge_group);
    const { baseRef, headSha } = group;
    const repo = context.repo() as RepoRef;
    const api = h.apiOf(context);
    let numbers: number[] | { problem: string };
    try {
      numbers = await pullRequestsInMergeGroup(api, repo, group);
    } catch (e) {
      numbers = { problem: `the merge queue could not be read: ${(e as Error).message}` };
    }
    if (!Array.isArray(numbers)) {
      await postCheckRun(api, repo, combineVerdicts([], headSha, numbers.problem));
      return;
    }
    const members = [];
    for (const number of numbers) {
      const { verdict } = await h.service.judgeOrFail(
        api,
        { repo, number, baseRef, installation: installationOf(context) },
        `rolegate could not judge pull request #${number}`,
      );
      members.push({ number, verdict });
    }
    await postCheckRun(api, repo, combineVerdicts(members, headSha));
  });
}
