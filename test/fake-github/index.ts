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
  gitBlobSha,
} from "./state.js";
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
export { loadOpenApi, openApiSpecPath } from "./openapi.js";
export { routes as fakeGitHubRoutes } from "./rest.js";
