/**
 * A strict fake GitHub (REST + GraphQL) for end-to-end tests of rolegate.
 *
 *   const fake = await startFakeGitHub();
 *   fake.state.addRepo({ owner: "acme", name: "app", defaultBranch: "main" });
 *   // Probot:  GHE_HOST=127.0.0.1:<port> GHE_PROTOCOL=http  (REST /api/v3, GraphQL /api/graphql)
 *   // Action:  GITHUB_API_URL=fake.url  GITHUB_GRAPHQL_URL=fake.url + "/graphql"
 *
 * See README.md in this folder.
 */
export { startFakeGitHub } from "./server.js";
export type { FakeGitHub, FakeGitHubOptions, FaultMatcher, FaultResponse, RecordedCall } from "./server.js";
export {
  FakeGitHubState,
  GITHUB_ACTIONS_APP_ID,
  DEFAULT_INSTALLATION_PERMISSIONS,
  DEFAULT_ACTIONS_TOKEN_PERMISSIONS,
  defaultLimits,
  gitBlobSha,
} from "./state.js";
export type { FakeLimits, RepoVisibility } from "./state.js";
export { gitCommitSha, gitTree, isBinaryText } from "./git-objects.js";
export { diffTrees, unifiedPatch, DEFAULT_PATCH_LIMITS } from "./diff.js";
export type { ChangeStatus, FileChange, PatchLimits } from "./diff.js";
export { ancestors, commitsBetween, mergeBase, MergeConflictError } from "./graph.js";
export type { CommitRecord, GitIdentity } from "./graph.js";
export { WEB_FLOW } from "./git-ops.js";
export type { CommitInput, Who } from "./git-ops.js";
export { resolveRef } from "./refs.js";
export type { ResolvedRef } from "./refs.js";
export type { MergeQueueEntryRecord, MergeQueueEntryState, MergeQueueRecord } from "./merge-queue.js";
export type { CommitStatusRecord, StatusState } from "./statuses.js";
export type { AddWorkflowRunInput, DeploymentReviewRecord, WorkflowRunRecord } from "./deployments.js";
export {
  checkRunEvent,
  checkSuiteEvent,
  combinedStatusOf,
  deploymentProtectionRuleEvent,
  examplePayload,
  issueCommentEvent,
  membershipEvent,
  mergeGroupEvent,
  pullRequestEvent,
  pullRequestReviewEvent,
  pushEvent,
  statusEvent,
  teamEvent,
  workflowRunEvent,
} from "./webhooks.js";
export type { WebhookSource } from "./webhooks.js";
export type {
  AddPullRequestInput,
  AddRepoInput,
  AnnotationRecord,
  AppPermissions,
  AppRecord,
  CheckConclusion,
  CheckRunOutput,
  CheckRunRecord,
  CheckRunSnapshot,
  CheckStatus,
  FileStatus,
  InsertCheckRunInput,
  InstallationRecord,
  IssueCommentRecord,
  IssueRecord,
  LabelRecord,
  MergeRecord,
  PermissionLevel,
  PullCommitRecord,
  PullData,
  PullFileRecord,
  PullRequestRecord,
  PullReviewRecord,
  RepoPermission,
  RepoRecord,
  ReviewRequestRecord,
  ReviewState,
  TeamRecord,
  TimelineEventRecord,
  TokenRecord,
} from "./state.js";
export { encodeCursor, githubGraphQLSchema } from "./graphql.js";
export { loadOpenApi, openApiSpecPath, webhookValidator } from "./openapi.js";
export { routes as fakeGitHubRoutes } from "./rest.js";
