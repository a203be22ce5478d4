/**
 * The slice of an Octokit client rolegate uses. Probot's `context.octokit` and
 * `@octokit/rest`'s `Octokit` both satisfy it, so the App and the Action share this layer.
 */
export interface GitHubApi {
  request(route: string, params?: Record<string, unknown>): Promise<{ status: number; data: any; headers: Record<string, unknown> }>;
  graphql<T = any>(query: string, params?: Record<string, unknown>): Promise<T>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

/** An API failure in words a check run can show: status and GitHub's message. */
export function describeApiError(e: unknown): string {
  const err = e as { status?: number; message?: string; response?: { data?: { message?: string } }; errors?: { message: string }[] };
  if (Array.isArray(err.errors) && err.errors.length > 0) return `GraphQL error: ${err.errors.map((x) => x.message).join("; ")}`;
  const message = err.response?.data?.message ?? err.message ?? String(e);
  return err.status ? `HTTP ${err.status}: ${message}` : message;
}

export function statusOf(e: unknown): number | undefined {
  return (e as { status?: number }).status;
}
