/**
 * REST routes over the commit graph: single commits with their diff, comparisons
 * (`BASE...HEAD` from the merge base), trees and refs.
 */
import { diffTrees } from "./diff.js";
import { gitTree } from "./git-objects.js";
import { describeCommit } from "./git-ops.js";
import { commitsBetween, mergeBase } from "./graph.js";
import { allRefs } from "./refs.js";
import { errorReply, notFound, paged, withRepo, type Ctx, type Reply, type RouteDef } from "./rest-kit.js";
import type { RepoRecord } from "./state.js";
import { commitRestJson, compareJson, refJson, treeJson } from "./views-git.js";

const READ = "read" as const;

/** GitHub shows 300 files per page of a single commit, 3000 in all. */
const COMMIT_FILES_PER_PAGE = 300;
const COMMIT_FILES_MAX = 3000;

function noCommit(ctx: Ctx, ref: string): Reply {
  return errorReply(422, `No commit found for SHA: ${ref}`, ctx.docUrl);
}

function getCommit(ctx: Ctx, repo: RepoRecord): Reply {
  const ref = ctx.params["ref"] ?? "";
  const resolved = ctx.state.resolveRef(repo, ref);
  if (!resolved) return noCommit(ctx, ref);
  const commit = describeCommit(ctx.state, repo, resolved.sha);
  // Only commits in the graph have a known diff; others are shown without files.
  if (!repo.commits.has(commit.sha)) return { status: 200, body: commitRestJson(ctx.state, ctx.urls, repo, commit) };
  const parent = repo.commits.get(commit.parents[0] ?? "");
  const all = diffTrees(parent?.tree ?? new Map(), commit.tree, ctx.state.limits.patch);
  const page = paged(ctx, all, COMMIT_FILES_MAX, { perPage: COMMIT_FILES_PER_PAGE, maxPerPage: COMMIT_FILES_PER_PAGE });
  return { status: 200, body: commitRestJson(ctx.state, ctx.urls, repo, commit, { files: page.items, all }), headers: page.headers };
}

/** `BASE...HEAD` (from the merge base, as GitHub documents) or `BASE..HEAD` (tree to tree); `owner:` prefixes must name this repository's owner. */
function parseBasehead(repo: RepoRecord, basehead: string): { base: string; head: string; threeDot: boolean } | undefined {
  const threeDot = basehead.includes("...");
  const [base, head, extra] = basehead.split(threeDot ? "..." : "..");
  if (!base || !head || extra !== undefined) return undefined;
  const strip = (side: string) => {
    const colon = side.indexOf(":");
    if (colon < 0) return side;
    return side.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() ? side.slice(colon + 1) : undefined;
  };
  const b = strip(base);
  const h = strip(head);
  return b !== undefined && h !== undefined ? { base: b, head: h, threeDot } : undefined;
}

function compare(ctx: Ctx, repo: RepoRecord): Reply {
  const basehead = ctx.params["basehead"] ?? "";
  const parsed = parseBasehead(repo, basehead);
  const base = parsed && ctx.state.resolveRef(repo, parsed.base);
  const head = parsed && ctx.state.resolveRef(repo, parsed.head);
  if (!parsed || !base || !head) return notFound(ctx);
  const graph = repo.commits;
  const mb = mergeBase(graph, base.sha, head.sha);
  const ahead = commitsBetween(graph, base.sha, head.sha);
  const behind = commitsBetween(graph, head.sha, base.sha);
  const from = parsed.threeDot ? describeCommit(ctx.state, repo, mb ?? base.sha).tree : describeCommit(ctx.state, repo, base.sha).tree;
  const files = diffTrees(from, describeCommit(ctx.state, repo, head.sha).tree, ctx.state.limits.patch).slice(0, ctx.state.limits.compareFiles);
  const pagingAsked = ctx.query.has("page") || ctx.query.has("per_page");
  // Unpaged, GitHub lists the newest 250 commits; paged, files come with the first page only.
  const page = pagingAsked ? paged(ctx, ahead) : { items: ahead.slice(-ctx.state.limits.pullCommits), headers: {} };
  const firstPage = !pagingAsked || (Number.parseInt(ctx.query.get("page") ?? "1", 10) || 1) <= 1;
  return {
    status: 200,
    headers: page.headers,
    body: compareJson(ctx.state, ctx.urls, repo, {
      basehead,
      base: describeCommit(ctx.state, repo, base.sha),
      mergeBase: mb ? describeCommit(ctx.state, repo, mb) : undefined,
      aheadBy: ahead.length,
      behindBy: behind.length,
      commits: page.items,
      files: firstPage ? files : undefined,
    }),
  };
}

/** A tree by its own SHA (a commit's root tree or any sub-tree), or by a ref or commit SHA. */
function treeFiles(repo: RepoRecord, ctx: Ctx, sha: string): Map<string, string> | undefined {
  const resolved = ctx.state.resolveRef(repo, sha);
  if (resolved) return ctx.state.treeAt(repo, sha) ?? new Map();
  for (const c of repo.commits.values()) {
    if (c.treeSha === sha) return c.tree;
    const sub = gitTree(c.tree).entries.find((e) => e.type === "tree" && e.sha === sha);
    if (sub) {
      const prefix = `${sub.path}/`;
      return new Map([...c.tree].filter(([p]) => p.startsWith(prefix)).map(([p, t]) => [p.slice(prefix.length), t]));
    }
  }
  return undefined;
}

export const gitRoutes: RouteDef[] = [
  { method: "GET", template: "/repos/{owner}/{repo}/commits/{ref}", perms: [["contents", READ]], handler: withRepo(getCommit) },
  { method: "GET", template: "/repos/{owner}/{repo}/compare/{basehead}", perms: [["contents", READ]], handler: withRepo(compare) },
  // GitHub's description also lists the older spelling of the same route.
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/compare/{base}...{head}",
    perms: [["contents", READ]],
    handler: withRepo((ctx, repo) =>
      compare({ ...ctx, params: { ...ctx.params, basehead: `${ctx.params["base"] ?? ""}...${ctx.params["head"] ?? ""}` } }, repo),
    ),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/git/trees/{tree_sha}",
    perms: [["contents", READ]],
    handler: withRepo((ctx, repo) => {
      const files = treeFiles(repo, ctx, ctx.params["tree_sha"] ?? "");
      return files ? { status: 200, body: treeJson(ctx.urls, repo, files, ctx.query.has("recursive")) } : notFound(ctx);
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/git/ref/{ref}",
    perms: [["contents", READ]],
    handler: withRepo((ctx, repo) => {
      const ref = `refs/${ctx.params["ref"] ?? ""}`;
      const hit = allRefs(repo).find((r) => r.ref === ref);
      return hit ? { status: 200, body: refJson(ctx.urls, repo, hit.ref, hit.sha) } : notFound(ctx);
    }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/git/matching-refs/{ref}",
    perms: [["contents", READ]],
    handler: withRepo((ctx, repo) => {
      const prefix = `refs/${ctx.params["ref"] ?? ""}`;
      return {
        status: 200,
        body: allRefs(repo)
          .filter((r) => r.ref.startsWith(prefix))
          .map((r) => refJson(ctx.urls, repo, r.ref, r.sha)),
      };
    }),
  },
];
