/**
 * GitHub's published GraphQL schema (`@octokit/graphql-schema`'s introspection JSON),
 * built once per process, lazily. Queries are parsed and validated against it
 * (results cached per query text) and executed against plain objects with a
 * resolver that turns arrays into GitHub-style connections.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import {
  buildClientSchema,
  execute,
  getNamedType,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  type IntrospectionQuery,
} from "graphql";

let schema: GraphQLSchema | undefined;

/** The package's "exports" hide schema.json from require.resolve, so look in node_modules directly. */
function packageFile(pkg: string, file: string): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths(pkg) ?? []) {
    const candidate = join(dir, pkg, file);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`fake GitHub: cannot find ${pkg}/${file}`);
}

export function githubGraphQLSchema(): GraphQLSchema {
  if (schema) return schema;
  const file = packageFile("@octokit/graphql-schema", "schema.json");
  const json = JSON.parse(readFileSync(file, "utf8")) as IntrospectionQuery | { data: IntrospectionQuery };
  schema = buildClientSchema("data" in json ? json.data : json, { assumeValid: true });
  return schema;
}

/** Errors GitHub reports with a top-level `type` (NOT_FOUND, MISSING_PAGINATION_BOUNDARIES, ...). */
export class GitHubGraphQLError extends Error {
  constructor(
    message: string,
    readonly type: string,
    /** when true GitHub fails the whole query: answer `errors` only, no `data` */
    readonly fatal = false,
  ) {
    super(message);
  }
}

export const MAX_PAGE = 100;

export function encodeCursor(index: number): string {
  return Buffer.from(`cursor:${index}`).toString("base64");
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64").toString("utf8");
  const m = /^cursor:(\d+)$/.exec(text);
  if (!m) {
    throw new GitHubGraphQLError(`\`${cursor}\` does not appear to be a valid cursor.`, "INVALID_CURSOR_ARGUMENTS", true);
  }
  return Number(m[1]);
}

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export function connection<T>(items: readonly T[], args: ConnectionArgs, fieldName: string) {
  const { first, last, after, before } = args;
  if (first == null && last == null) {
    throw new GitHubGraphQLError(
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${fieldName}\` connection.`,
      "MISSING_PAGINATION_BOUNDARIES",
      true,
    );
  }
  for (const [name, value] of [
    ["first", first],
    ["last", last],
  ] as const) {
    if (value == null) continue;
    if (value > MAX_PAGE) {
      throw new GitHubGraphQLError(
        `Requesting ${value} records on the \`${fieldName}\` connection exceeds the \`${name}\` limit of ${MAX_PAGE} records.`,
        "EXCESSIVE_PAGINATION",
        true,
      );
    }
    if (value < 1) {
      throw new GitHubGraphQLError(
        `\`${name}\` on the \`${fieldName}\` connection must be between 1 and ${MAX_PAGE} (got ${value}).`,
        "INVALID_PAGINATION",
        true,
      );
    }
  }
  let start = after != null ? decodeCursor(after) + 1 : 0;
  let end = before != null ? decodeCursor(before) : items.length;
  start = Math.min(Math.max(start, 0), items.length);
  end = Math.min(Math.max(end, start), items.length);
  if (first != null) end = Math.min(end, start + first);
  if (last != null) start = Math.max(start, end - last);
  const edges = [];
  for (let i = start; i < end; i++) edges.push({ node: items[i], cursor: encodeCursor(i) });
  return {
    nodes: edges.map((e) => e.node),
    edges,
    totalCount: items.length,
    filteredCount: items.length,
    pageCount: edges.length,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
  if (source === null || typeof source !== "object") return null;
  const raw = (source as Record<string, unknown>)[info.fieldName];
  const value = typeof raw === "function" ? (raw as (a: unknown, c: unknown) => unknown).call(source, args, context) : raw;
  if (Array.isArray(value) && getNamedType(info.returnType).name.endsWith("Connection")) {
    return connection(value, args as ConnectionArgs, info.fieldName);
  }
  return value;
};

const typeResolver: GraphQLTypeResolver<unknown, unknown> = (value, _ctx, _info, abstractType) => {
  const name = value && typeof value === "object" ? (value as { __typename?: unknown }).__typename : undefined;
  if (typeof name !== "string") {
    throw new Error(`fake GitHub: stored object for abstract type ${abstractType.name} has no __typename`);
  }
  return name;
};

interface Prepared {
  document?: DocumentNode;
  errors?: readonly GraphQLError[];
}

const prepared = new Map<string, Prepared>();
const preparedUnvalidated = new Map<string, Prepared>();
const CACHE_LIMIT = 500;

function prepare(query: string, validateQuery: boolean): Prepared {
  const cache = validateQuery ? prepared : preparedUnvalidated;
  const hit = cache.get(query);
  if (hit) return hit;
  let result: Prepared;
  try {
    const document = parse(query);
    const errors = validateQuery ? validate(githubGraphQLSchema(), document) : [];
    result = errors.length > 0 ? { errors } : { document };
  } catch (e) {
    result = { errors: [e instanceof GraphQLError ? e : new GraphQLError(String(e))] };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(query, result);
  return result;
}

export interface GraphQLRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphQLResponse {
  data?: unknown;
  errors?: Array<Record<string, unknown>>;
}

function formatError(e: GraphQLError): Record<string, unknown> {
  const out: Record<string, unknown> = { message: e.message };
  const original = e.originalError;
  if (original instanceof GitHubGraphQLError) out["type"] = original.type;
  if (e.path) out["path"] = e.path;
  if (e.locations) out["locations"] = e.locations;
  if (e.extensions && Object.keys(e.extensions).length > 0) out["extensions"] = e.extensions;
  return out;
}

export async function runGraphQL(body: GraphQLRequestBody, rootValue: unknown, contextValue: unknown, validateQuery: boolean): Promise<GraphQLResponse> {
  if (typeof body.query !== "string" || body.query.trim() === "") {
    return { errors: [{ message: "A query attribute must be specified and must be a string." }] };
  }
  const p = prepare(body.query, validateQuery);
  if (p.errors) return { errors: p.errors.map(formatError) };
  const variables = body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : undefined;
  const result = await execute({
    schema: githubGraphQLSchema(),
    document: p.document as DocumentNode,
    rootValue,
    contextValue,
    variableValues: variables,
    operationName: typeof body.operationName === "string" ? body.operationName : undefined,
    fieldResolver,
    typeResolver,
  });
  if (!result.errors || result.errors.length === 0) return { data: result.data };
  const errors = result.errors.map(formatError);
  const fatal = result.errors.some((e) => e.originalError instanceof GitHubGraphQLError && e.originalError.fatal);
  // Pagination / cursor mistakes fail the whole query on GitHub: no partial data.
  return fatal ? { errors: errors.filter((_, i) => isFatal(result.errors?.[i])) } : { data: result.data, errors };
}

function isFatal(e: GraphQLError | undefined): boolean {
  return !!e && e.originalError instanceof GitHubGraphQLError && e.originalError.fatal;
}

/** "BaseRefChangedEvent" → "BASE_REF_CHANGED_EVENT" (the timeline itemTypes enum spelling). */
export function itemTypeOf(typename: string): string {
  return typename.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}
