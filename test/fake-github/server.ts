/**
 * The HTTP side of the fake: routing (against GitHub's OpenAPI route table, or
 * the handler table in lightweight mode), authentication, request/response
 * validation, fault injection, call recording and GitHub's standard headers.
 */
import { createPublicKey, randomBytes, verify as verifySignature, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { runGraphQL, githubGraphQLSchema, type GraphQLRequestBody } from "./graphql.js";
import { graphqlRoot } from "./graphql-root.js";
import {
  bySpecificity,
  compileTemplate,
  findOperation,
  loadOpenApi,
  matchRoute,
  requestValidator,
  responseValidator,
  toGitHubErrors,
  type CompiledTemplate,
  type Operation,
} from "./openapi.js";
import { errorReply, hasPermission, permissionsOf, routes, type Auth, type Ctx, type Reply, type RouteDef } from "./rest.js";
import { FakeGitHubState } from "./state.js";
import { pullJson, repoJson, type Urls } from "./views.js";

export interface FakeGitHubOptions {
  /** Validate routes and bodies against GitHub's OpenAPI description and queries against the GraphQL schema (default true). */
  validate?: boolean;
  /** Also check the fake's own JSON answers against the OpenAPI response schemas; a mismatch becomes a 500 (default false). */
  validateResponses?: boolean;
  /** The GitHub App the fake knows as "this app" (default 1001). */
  appId?: number;
  appSlug?: string;
  /** Installation that addRepo() attaches repositories to by default (default 1). */
  installationId?: number;
  /** PEM public key of the app; when given, app JWT signatures (RS256) are verified. */
  appPublicKey?: string;
  /** Clock for timestamps and installation-token expiry (JWT checks use the real clock). */
  now?: () => Date;
  /** Load the OpenAPI description and GraphQL schema while starting instead of on first use. */
  preload?: boolean;
}

export interface RecordedCall {
  method: string;
  /** path without the /api/v3 prefix and without query, percent-decoded; GraphQL is "/graphql" */
  path: string;
  /** the path exactly as requested (with any /api/v3 or /api/graphql prefix), without query */
  requestPath: string;
  query: Record<string, string>;
  /** 0 while in flight, or when the socket was destroyed by a fault */
  status: number;
  body?: unknown;
  /** matched OpenAPI/handler template, e.g. "/repos/{owner}/{repo}/check-runs" */
  route?: string;
  /** true when answered by failNext() */
  injected?: boolean;
}

export interface FaultMatcher {
  method?: string;
  /** matched against RecordedCall.path (exact string, or RegExp) */
  path: string | RegExp;
  /** for GraphQL calls: matched against the query text */
  query?: string | RegExp;
}

export interface FaultResponse {
  /** omitted → after delayMs the request is handled normally */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** how many matching requests this fault answers (default 1) */
  times?: number;
  delayMs?: number;
  /** reset the TCP connection instead of answering */
  destroy?: boolean;
}

export interface FakeGitHub {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** url + "/api/v3" (what Probot uses with GHE_HOST) */
  readonly apiUrl: string;
  /** url + "/api/graphql" */
  readonly graphqlUrl: string;
  readonly state: FakeGitHubState;
  /** every request, in arrival order */
  readonly calls: RecordedCall[];
  resetCalls(): void;
  /** calls with this method whose path equals (string) or matches (RegExp) */
  callsTo(method: string, path: string | RegExp): RecordedCall[];
  failNext(matcher: FaultMatcher, response: FaultResponse): void;
  clearFaults(): void;
  /** mints `ghs_fake_<installation>` for the installation (default: the default installation) */
  installationToken(installationId?: number): string;
  /** REST JSON of a stored PR, e.g. to build a `pull_request` webhook payload */
  pullRequestJson(owner: string, repo: string, number: number): Record<string, unknown>;
  repositoryJson(owner: string, repo: string): Record<string, unknown>;
  close(): Promise<void>;
}

const DOCS = "https://docs.github.com/rest";
const GRAPHQL_DOCS = "https://docs.github.com/graphql";

interface HandlerRoute extends CompiledTemplate {
  def: RouteDef;
}

function handlerTable(): { byKey: Map<string, RouteDef>; byMethod: Map<string, HandlerRoute[]> } {
  const byKey = new Map<string, RouteDef>();
  const byMethod = new Map<string, HandlerRoute[]>();
  for (const def of routes) {
    byKey.set(`${def.method} ${def.template}`, def);
    const compiled = compileTemplate(def.template, (name) => ({
      integer: /(_number|_id)$/.test(name),
      multi: name === "path" || name === "ref" || name === "tree_sha" || name === "basehead",
    }));
    const list = byMethod.get(def.method) ?? [];
    list.push({ ...compiled, def });
    byMethod.set(def.method, list);
  }
  for (const list of byMethod.values()) list.sort(bySpecificity);
  return { byKey, byMethod };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function b64urlJson(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const v = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

type AuthResult = { ok: true; auth: Auth } | { ok: false; reply: Reply };

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const validate = options.validate ?? true;
  const validateResponses = options.validateResponses ?? false;
  const now = options.now ?? (() => new Date());
  const state = new FakeGitHubState({
    appId: options.appId ?? 1001,
    appSlug: options.appSlug ?? "rolegate",
    installationId: options.installationId ?? 1,
    now,
  });
  const publicKey: KeyObject | undefined = options.appPublicKey ? createPublicKey(options.appPublicKey) : undefined;
  if (options.preload) {
    if (validate) loadOpenApi();
    githubGraphQLSchema();
  }
  const table = handlerTable();
  const calls: RecordedCall[] = [];
  const faults: Array<{ matcher: FaultMatcher; response: FaultResponse; remaining: number }> = [];
  let requestCounter = 0;
  let baseUrl = "";
  const sockets = new Set<Socket>();

  function authenticate(header: string | undefined, docUrl: string): AuthResult {
    if (!header) return { ok: false, reply: errorReply(401, "Requires authentication", docUrl) };
    const m = /^(bearer|token)\s+(\S+)\s*$/i.exec(header);
    if (!m) return { ok: false, reply: errorReply(401, "Bad credentials", docUrl) };
    const token = m[2] ?? "";
    const parts = token.split(".");
    const jwtHeader = parts.length === 3 ? b64urlJson(parts[0]) : undefined;
    if (jwtHeader && typeof jwtHeader["alg"] === "string") {
      const payload = b64urlJson(parts[1]);
      const bad = (message: string): AuthResult => ({ ok: false, reply: errorReply(401, message, docUrl) });
      if (!payload) return bad("A JSON web token could not be decoded");
      if (publicKey) {
        const signed = verifySignature("RSA-SHA256", Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2] ?? "", "base64url"));
        if (!signed || jwtHeader["alg"] !== "RS256") return bad("A JSON web token could not be decoded");
      }
      const nowSec = Math.floor(Date.now() / 1000);
      const iat = payload["iat"];
      const exp = payload["exp"];
      if (typeof iat !== "number" || iat > nowSec + 60) {
        return bad("'Issued at' claim ('iat') must be an Integer representing a time in the past");
      }
      if (typeof exp !== "number" || exp <= nowSec) {
        return bad("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
      }
      if (exp > nowSec + 600 + 5) return bad("'Expiration time' claim ('exp') is too far in the future");
      const iss = payload["iss"];
      const appId = typeof iss === "number" ? iss : typeof iss === "string" ? Number(iss.replace(/^Iv1\.fake/, "")) : NaN;
      if (!state.apps.has(appId)) return bad("Integration not found");
      return { ok: true, auth: { kind: "jwt", appId } };
    }
    const record = state.tokens.get(token);
    if (record?.kind === "installation") {
      if (Date.parse(record.expiresAt) <= now().getTime()) return { ok: false, reply: errorReply(401, "Bad credentials", docUrl) };
      return { ok: true, auth: { kind: "installation", token: record } };
    }
    if (record?.kind === "user") return { ok: true, auth: { kind: "user", login: record.login } };
    if (/^ghs_fake_/.test(token)) return { ok: false, reply: errorReply(401, "Bad credentials", docUrl) };
    return { ok: true, auth: { kind: "actions", token } };
  }

  function authorize(def: RouteDef, auth: Auth, docUrl: string): Reply | undefined {
    if (def.auth === "jwt") {
      return auth.kind === "jwt" ? undefined : errorReply(401, "A JSON web token could not be decoded", docUrl);
    }
    if (auth.kind === "jwt") return errorReply(403, "Resource not accessible by integration", docUrl);
    if (def.appOnly && auth.kind === "user") return errorReply(403, "You must authenticate via a GitHub App.", docUrl);
    const perms = permissionsOf(state, auth);
    if (perms && def.perms && !hasPermission(perms, def.perms)) {
      return errorReply(403, "Resource not accessible by integration", docUrl);
    }
    return undefined;
  }

  function takeFault(method: string, path: string, body: unknown): FaultResponse | undefined {
    for (const f of faults) {
      const m = f.matcher;
      if (m.method && m.method.toUpperCase() !== method) continue;
      if (typeof m.path === "string" ? m.path !== path : !m.path.test(path)) continue;
      if (m.query !== undefined) {
        const q = body && typeof body === "object" ? (body as { query?: unknown }).query : undefined;
        if (typeof q !== "string" || (typeof m.query === "string" ? !q.includes(m.query) : !m.query.test(q))) continue;
      }
      f.remaining--;
      if (f.remaining <= 0) faults.splice(faults.indexOf(f), 1);
      return f.response;
    }
    return undefined;
  }

  function rateHeaders(resource: "core" | "graphql"): Record<string, string> {
    const r = state.rateLimit[resource];
    return {
      "x-ratelimit-limit": String(r.limit),
      "x-ratelimit-remaining": String(Math.max(0, r.remaining)),
      "x-ratelimit-reset": String(r.resetAt),
      "x-ratelimit-used": String(r.limit - Math.max(0, r.remaining)),
      "x-ratelimit-resource": resource,
    };
  }

  function send(res: ServerResponse, call: RecordedCall, reply: Reply, resource: "core" | "graphql"): void {
    call.status = reply.status;
    const headers: Record<string, string> = {
      "x-github-request-id": `FAKE:${(++requestCounter).toString(16).toUpperCase()}:${randomBytes(4).toString("hex").toUpperCase()}`,
      "x-github-media-type": "github.v3; format=json",
      "x-github-api-version-selected": "2022-11-28",
      ...rateHeaders(resource),
      ...reply.headers,
    };
    let payload: string | undefined;
    if (reply.raw !== undefined) {
      payload = reply.raw;
      headers["content-type"] = reply.contentType ?? "text/plain; charset=utf-8";
    } else if (reply.body !== undefined && reply.status !== 204) {
      payload = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
      headers["content-type"] ??= "application/json; charset=utf-8";
    }
    if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  function urlsFor(prefix: string): Urls {
    return { api: `${baseUrl}${prefix}`, web: baseUrl };
  }

  function spend(resource: "core" | "graphql", auth: Auth, docUrl: string): Reply | undefined {
    const r = state.rateLimit[resource];
    if (r.remaining <= 0) {
      const who = auth.kind === "installation" ? `installation ID ${auth.token.installationId}` : "this token";
      return errorReply(403, `API rate limit exceeded for ${who}.`, docUrl);
    }
    r.remaining--;
    return undefined;
  }

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, call: RecordedCall, prefix: string): Promise<void> {
    if (req.method !== "POST") return send(res, call, errorReply(404, "Not Found", GRAPHQL_DOCS), "graphql");
    const header = req.headers.authorization;
    if (!header) {
      return send(
        res,
        call,
        errorReply(401, "This endpoint requires you to be authenticated.", `${GRAPHQL_DOCS}/guides/forming-calls-with-graphql#authenticating-with-graphql`),
        "graphql",
      );
    }
    const a = authenticate(header, GRAPHQL_DOCS);
    if (!a.ok) return send(res, call, a.reply, "graphql");
    if (a.auth.kind === "jwt") return send(res, call, errorReply(403, "Resource not accessible by integration", GRAPHQL_DOCS), "graphql");
    if (call.body === undefined || typeof call.body !== "object" || call.body === null) {
      return send(res, call, errorReply(400, "Problems parsing JSON", GRAPHQL_DOCS), "graphql");
    }
    const limited = spend("graphql", a.auth, GRAPHQL_DOCS);
    if (limited) return send(res, call, limited, "graphql");
    const urls = urlsFor(prefix === "/api" ? "/api/v3" : "");
    const result = await runGraphQL(call.body as GraphQLRequestBody, graphqlRoot(state, urls), { auth: a.auth }, validate);
    send(res, call, { status: 200, body: result }, "graphql");
  }

  async function handleRest(
    req: IncomingMessage,
    res: ServerResponse,
    call: RecordedCall,
    rawPath: string,
    prefix: string,
    url: URL,
    bodyText: string,
  ): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    let def: RouteDef | undefined;
    let op: Operation | undefined;
    let params: Record<string, string>;
    if (validate) {
      const hit = findOperation(method, rawPath);
      if (!hit) return send(res, call, errorReply(404, "Not Found", DOCS), "core");
      op = hit.op;
      params = hit.params;
      def = table.byKey.get(`${method} ${op.template}`);
      call.route = op.template;
    } else {
      const hit = matchRoute(table.byMethod.get(method) ?? [], rawPath);
      if (!hit) return send(res, call, errorReply(404, "Not Found", DOCS), "core");
      def = hit.route.def;
      params = hit.params;
      call.route = def.template;
    }
    const docUrl = op?.docUrl ?? DOCS;
    const a = authenticate(req.headers.authorization, docUrl);
    if (!a.ok) return send(res, call, a.reply, "core");
    if (!def) {
      return send(res, call, { status: 501, body: { message: `fake GitHub: no handler for ${method} ${op?.template ?? rawPath}` } }, "core");
    }
    const denied = authorize(def, a.auth, docUrl);
    if (denied) return send(res, call, denied, "core");
    let body: unknown;
    if (bodyText.trim() !== "") {
      const contentType = String(req.headers["content-type"] ?? "application/json");
      if (/json/i.test(contentType) || !/^text\//i.test(contentType)) {
        try {
          body = JSON.parse(bodyText) as unknown;
        } catch {
          return send(res, call, errorReply(400, "Problems parsing JSON", docUrl), "core");
        }
      } else {
        body = bodyText;
      }
    }
    if (op?.requestBody) {
      const validator = requestValidator(op);
      if (validator) {
        if (body === undefined && op.requestBody.required) {
          return send(
            res,
            call,
            errorReply(422, "Invalid request.", docUrl, { errors: [{ resource: op.operationId, code: "missing", message: "A request body is required." }] }),
            "core",
          );
        }
        if (body !== undefined && !validator(body)) {
          return send(res, call, errorReply(422, "Invalid request.", docUrl, { errors: toGitHubErrors(op.operationId, validator.errors ?? []) }), "core");
        }
      }
    }
    if (def.template !== "/rate_limit") {
      const limited = spend("core", a.auth, docUrl);
      if (limited) return send(res, call, limited, "core");
    }
    const ctx: Ctx = {
      method,
      params,
      query: url.searchParams,
      body,
      headers: req.headers,
      auth: a.auth,
      state,
      urls: urlsFor(prefix),
      requestUrl: new URL(`${baseUrl}${prefix}${rawPath}${url.search}`),
      docUrl,
    };
    let reply: Reply;
    try {
      reply = def.handler(ctx);
    } catch (e) {
      reply = { status: 500, body: { message: `fake GitHub: handler for ${method} ${def.template} crashed: ${(e as Error).stack ?? String(e)}` } };
    }
    if (validateResponses && reply.raw === undefined && reply.body !== undefined && reply.status < 300) {
      const check = responseValidator(op ?? (loadOpenApi().byKey.get(`${method} ${def.template}`) as Operation), reply.status);
      if (check && !check(reply.body)) {
        reply = {
          status: 500,
          body: {
            message: `fake GitHub: response for ${method} ${def.template} (${reply.status}) does not match GitHub's OpenAPI schema`,
            errors: (check.errors ?? []).slice(0, 20).map((e) => `${e.instancePath} ${e.message ?? ""}`),
          },
        };
      }
    }
    send(res, call, reply, "core");
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    let rawPath = url.pathname;
    let prefix = "";
    let graphql = false;
    if (rawPath === "/api/graphql") {
      prefix = "/api";
      graphql = true;
    } else if (rawPath === "/graphql") {
      graphql = true;
    } else if (rawPath === "/api/v3" || rawPath.startsWith("/api/v3/")) {
      prefix = "/api/v3";
      rawPath = rawPath.slice(prefix.length) || "/";
    }
    const call: RecordedCall = {
      method,
      path: graphql ? "/graphql" : safeDecode(rawPath),
      requestPath: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    calls.push(call);
    const bodyText = await readBody(req);
    if (bodyText !== "") {
      try {
        call.body = JSON.parse(bodyText) as unknown;
      } catch {
        call.body = bodyText;
      }
    }
    const fault = takeFault(method, call.path, call.body);
    if (fault) {
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.destroy) {
        call.injected = true;
        const socket = req.socket as Socket & { resetAndDestroy?: () => void };
        if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
        else socket.destroy();
        return;
      }
      if (fault.status !== undefined) {
        call.injected = true;
        return send(res, call, { status: fault.status, body: fault.body, ...(fault.headers ? { headers: fault.headers } : {}) }, graphql ? "graphql" : "core");
      }
    }
    if (graphql) return handleGraphQL(req, res, call, prefix);
    return handleRest(req, res, call, rawPath, prefix, url, bodyText);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ message: `fake GitHub crashed: ${(e as Error).stack ?? String(e)}` }));
      }
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/v3`,
    graphqlUrl: `${baseUrl}/api/graphql`,
    state,
    calls,
    resetCalls: () => {
      calls.length = 0;
    },
    callsTo: (method, path) => calls.filter((c) => c.method === method.toUpperCase() && (typeof path === "string" ? c.path === path : path.test(c.path))),
    failNext: (matcher, response) => {
      faults.push({ matcher, response, remaining: response.times ?? 1 });
    },
    clearFaults: () => {
      faults.length = 0;
    },
    installationToken: (installationId = state.defaultInstallationId) => state.issueToken(installationId).token,
    pullRequestJson: (owner, repo, number) => pullJson(state, urlsFor("/api/v3"), state.repo(owner, repo), state.pullRequest(owner, repo, number), true),
    repositoryJson: (owner, repo) => repoJson(state, urlsFor("/api/v3"), state.repo(owner, repo), true),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
