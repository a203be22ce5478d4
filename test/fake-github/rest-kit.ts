/**
 * The pieces every REST handler shares: the request context, replies in
 * GitHub's error shape, permission checks, paging with `link` headers, and
 * lookups of the repository, pull request or issue a path names.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { AppPermissions, FakeGitHubState, IssueRecord, PermissionLevel, PullRequestRecord, RepoRecord, TokenRecord } from "./state.js";
import { GITHUB_ACTIONS_APP_ID } from "./state.js";
import type { Urls } from "./views.js";

export type Auth =
  | { kind: "jwt"; appId: number }
  | { kind: "installation"; token: TokenRecord & { kind: "installation" } }
  /** a token the fake did not mint, e.g. an Action's GITHUB_TOKEN: the github-actions app */
  | { kind: "actions"; token: string }
  | { kind: "user"; login: string };

export interface Ctx {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingHttpHeaders;
  auth: Auth;
  state: FakeGitHubState;
  urls: Urls;
  /** the URL as requested (with any /api/v3 prefix), used for `link` headers */
  requestUrl: URL;
  docUrl: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** raw (non-JSON) body; sent with `contentType` */
  raw?: string;
  contentType?: string;
}

export type Perm = readonly [string, PermissionLevel];

export interface RouteDef {
  method: string;
  template: string;
  /** "jwt": app endpoints; "token": installation/user tokens; default "token" */
  auth?: "jwt" | "token";
  /** any one of these installation permissions suffices */
  perms?: readonly Perm[];
  /** only GitHub App installation tokens (not PATs) may call it */
  appOnly?: boolean;
  handler: (ctx: Ctx) => Reply;
}

// -- helpers ------------------------------------------------------------------

export function errorReply(status: number, message: string, docUrl: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { message, documentation_url: docUrl, status: String(status), ...extra } };
}

export const notFound = (ctx: Ctx) => errorReply(404, "Not Found", ctx.docUrl);
export const unprocessable = (ctx: Ctx, message: string) => errorReply(422, message, ctx.docUrl);

const LEVEL: Record<PermissionLevel, number> = { read: 1, write: 2, admin: 3 };

export function permissionsOf(state: FakeGitHubState, auth: Auth): AppPermissions | undefined {
  if (auth.kind === "installation") return auth.token.permissions;
  if (auth.kind === "actions") return state.actionsTokenPermissions;
  return undefined;
}

export function hasPermission(perms: AppPermissions, wanted: readonly Perm[]): boolean {
  return wanted.some(([name, level]) => {
    const have = perms[name];
    return have !== undefined && LEVEL[have] >= LEVEL[level];
  });
}

/** Login GitHub records as the actor for a token. */
export function actorLogin(state: FakeGitHubState, auth: Auth): string {
  switch (auth.kind) {
    case "installation":
      return `${state.apps.get(auth.token.appId)?.slug ?? `app-${auth.token.appId}`}[bot]`;
    case "actions":
      return "github-actions[bot]";
    case "user":
      return auth.login;
    case "jwt":
      return `${state.apps.get(auth.appId)?.slug ?? "app"}[bot]`;
  }
}

export function appIdOf(auth: Auth): number | undefined {
  if (auth.kind === "installation") return auth.token.appId;
  if (auth.kind === "actions") return GITHUB_ACTIONS_APP_ID;
  if (auth.kind === "jwt") return auth.appId;
  return undefined;
}

export function repoOf(ctx: Ctx): RepoRecord | undefined {
  const repo = ctx.state.findRepo(ctx.params["owner"] ?? "", ctx.params["repo"] ?? "");
  // A GITHUB_TOKEN reaches its own repository and public ones; GitHub hides the rest as "not found".
  if (repo && ctx.auth.kind === "actions" && !ctx.state.actionsTokenSees(repo)) return undefined;
  return repo;
}

export function intParam(ctx: Ctx, name: string): number {
  return Number(ctx.params[name]);
}

export function bodyObject(ctx: Ctx): Record<string, unknown> {
  return ctx.body && typeof ctx.body === "object" && !Array.isArray(ctx.body) ? (ctx.body as Record<string, unknown>) : {};
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** GitHub-style page of a list: per_page (default 30, max 100), page, `link` header. */
export function paged<T>(
  ctx: Ctx,
  items: readonly T[],
  cap?: number,
  size: { perPage: number; maxPerPage: number } = { perPage: 30, maxPerPage: 100 },
): { items: T[]; headers: Record<string, string> } {
  const all = cap !== undefined ? items.slice(0, cap) : items;
  const rawPer = Number.parseInt(ctx.query.get("per_page") ?? "", 10);
  const perPage = Number.isNaN(rawPer) ? size.perPage : Math.min(Math.max(rawPer, 1), size.maxPerPage);
  const rawPage = Number.parseInt(ctx.query.get("page") ?? "", 10);
  const page = Number.isNaN(rawPage) || rawPage < 1 ? 1 : rawPage;
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const slice = all.slice((page - 1) * perPage, page * perPage);
  const headers: Record<string, string> = {};
  if (last > 1) {
    const link = (p: number, rel: string) => {
      const u = new URL(ctx.requestUrl.href);
      u.searchParams.set("per_page", String(perPage));
      u.searchParams.set("page", String(p));
      return `<${u.href}>; rel="${rel}"`;
    };
    const parts: string[] = [];
    if (page > 1) parts.push(link(Math.min(page - 1, last), "prev"));
    if (page < last) parts.push(link(page + 1, "next"), link(last, "last"));
    if (page > 1) parts.push(link(1, "first"));
    headers["link"] = parts.join(", ");
  }
  return { items: slice, headers };
}

export function pageReply<T>(ctx: Ctx, items: readonly T[], map: (item: T) => unknown, cap?: number): Reply {
  const page = paged(ctx, items, cap);
  return { status: 200, body: page.items.map(map), headers: page.headers };
}

export function withRepo(handler: (ctx: Ctx, repo: RepoRecord) => Reply): (ctx: Ctx) => Reply {
  return (ctx) => {
    const repo = repoOf(ctx);
    return repo ? handler(ctx, repo) : notFound(ctx);
  };
}

export function withPull(handler: (ctx: Ctx, repo: RepoRecord, pr: PullRequestRecord) => Reply): (ctx: Ctx) => Reply {
  return withRepo((ctx, repo) => {
    const issue = repo.issues.get(intParam(ctx, "pull_number"));
    return issue?.pull ? handler(ctx, repo, issue as PullRequestRecord) : notFound(ctx);
  });
}

export function withIssue(handler: (ctx: Ctx, repo: RepoRecord, issue: IssueRecord) => Reply): (ctx: Ctx) => Reply {
  return withRepo((ctx, repo) => {
    const issue = repo.issues.get(intParam(ctx, "issue_number"));
    return issue ? handler(ctx, repo, issue) : notFound(ctx);
  });
}

export function hasAccess(_ctx: Ctx, repo: RepoRecord, login: string): boolean {
  const p = repo.permissions.get(login.toLowerCase());
  if (p) return p.permission !== "none";
  return false;
}
