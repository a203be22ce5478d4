import type { GitHubApi } from "./api.js";

/**
 * An Octokit whose answers are parsed with the runtime's JSON.parse. Octokit 22 parses every
 * JSON answer with json-with-bigint, which on Node 20 (no `JSON.parse` source access) rewrites
 * the text with a regular expression and parses it again through a reviver: several times the
 * cost of JSON.parse, and a tenth of the app's CPU under load. Every number rolegate reads from
 * GitHub (ids, counts) fits in a double, so nothing is lost. Errors (status ≥ 400) are still
 * built and parsed by Octokit, unchanged.
 */
export interface OctokitLike {
  request: ((route: string, params?: Record<string, unknown>) => Promise<{ status: number; data: unknown; headers: Record<string, unknown> }>) & {
    endpoint: { DEFAULTS: { baseUrl: string } };
  };
}

/** GitHub's answer to a GraphQL request with errors, in the shape Octokit's GraphqlResponseError has. */
export class GraphQLResponseError extends Error {
  override readonly name = "GraphqlResponseError";
  constructor(
    readonly errors: { message: string; type?: string }[],
    readonly data: unknown,
  ) {
    super(`Request failed due to following response errors:\n${errors.map((e) => ` - ${e.message}`).join("\n")}`);
  }
}

async function parsed(res: { status: number; data: unknown; headers: Record<string, unknown> }) {
  const body = res.data as ReadableStream<Uint8Array> | Buffer | null | undefined;
  let text: string;
  if (Buffer.isBuffer(body))
    text = body.toString("utf8"); // read whole by node-fetch.ts
  else if (body && typeof body.getReader === "function") text = await new Response(body).text();
  else return res;
  const type = String(res.headers["content-type"] ?? "");
  if (!/json/i.test(type) || text === "") return { ...res, data: text };
  try {
    return { ...res, data: JSON.parse(text) as unknown };
  } catch {
    return { ...res, data: text }; // as Octokit does: a malformed answer is left as text
  }
}

/** GitHub's GraphQL endpoint for a REST base URL (GitHub Enterprise Server: /api/v3 → /api/graphql). */
export function graphqlUrl(baseUrl: string): string {
  return /\/api\/v3\/?$/.test(baseUrl) ? baseUrl.replace(/\/api\/v3\/?$/, "/api/graphql") : `${baseUrl.replace(/\/$/, "")}/graphql`;
}

export function withNativeJson(octokit: OctokitLike): GitHubApi {
  const raw = (route: string, params: Record<string, unknown> = {}) =>
    octokit.request(route, { ...params, request: { ...((params.request as object | undefined) ?? {}), parseSuccessResponseBody: false } }).then(parsed);
  return {
    request: (route, params) => raw(route, params) as ReturnType<GitHubApi["request"]>,
    graphql: async (query, params = {}) => {
      const { request, ...variables } = params as { request?: object } & Record<string, unknown>;
      const res = await raw(`POST ${graphqlUrl(octokit.request.endpoint.DEFAULTS.baseUrl)}`, { query, variables, ...(request ? { request } : {}) });
      const body = res.data as { data?: unknown; errors?: { message: string; type?: string }[] } | string;
      if (typeof body !== "object" || body === null) throw new Error(`GitHub's GraphQL answer was not JSON: ${String(body).slice(0, 200)}`);
      if (Array.isArray(body.errors) && body.errors.length > 0) throw new GraphQLResponseError(body.errors, body.data);
      return body.data as never;
    },
  };
}
