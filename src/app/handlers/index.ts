import { onCiResult } from "./ci-results.js";
import { onArmedMerge } from "./armed-merge.js";
import { onComment } from "./comment.js";
import type { HandlerContext } from "./context.js";
import { onDeploymentProtectionRule } from "./deployment.js";
import { onForgery } from "./forgery.js";
import { onMergeGroup } from "./merge-group.js";
import { onMerged } from "./merged.js";
import { onPullRequestChange } from "./pull-request.js";
import { onPush } from "./push.js";
import { onRerun } from "./rerun.js";
import { onTeamChange } from "./teams.js";

/** Every event the app handles, one handler each. */
export const HANDLERS: ((h: HandlerContext) => void)[] = [
  onPullRequestChange,
  onMerged,
  onRerun,
  onCiResult,
  onMergeGroup,
  onPush,
  onTeamChange,
  onComment,
  onForgery,
  onArmedMerge,
  onDeploymentProtectionRule,
];
