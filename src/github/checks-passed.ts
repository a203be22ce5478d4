import { CHECK_NAME } from "../core/names.js";
import type { Condition, Policy } from "../core/policy/types.js";
import type { GitHubApi, RepoRef } from "./api.js";

function collect(c: Condition | undefined, into: Set<string>): void {
  if (!c) return;
  switch (c.kind) {
    case "all":
    case "any":
      for (const item of c.items) collect(item, into);
      return;
    case "not":
      collect(c.item, into);
      return;
    case "checks_passed":
      for (const name of c.names) into.add(name);
      return;
    default:
      return;
  }
}

/** Every check name a `checks_passed` condition of the policy names: in grants, denies and requirements. */
export function checkNamesIn(policy: Policy): Set<string> {
  const names = new Set<string>();
  for (const role of policy.roles.values()) {
    for (const rule of [...role.grants, ...role.denies, ...role.environmentGrants, ...role.environmentDenies]) collect(rule.when, names);
  }
  for (const r of policy.requirements) collect(r.when, names);
  return names;
}

export const CHECKS_QUERY = `
query RolegateChecks($owner: String!, $name: String!, $oid: GitObjectID!, $after: String) {
  repository(owner: $owner, name: $name) {
    object(oid: $oid) {
      ... on Commit {
        statusCheckRollup {
          contexts(first: 100, after: $after) {
            nodes {
              __typename
              ... on CheckRun { name status conclusion }
              ... on StatusContext { context state }
            }
            pageInfo { hasNextPage endCursor }
          }
        }
      }
    }
  }
}`;

type Context =
  | { __typename: "CheckRun"; name: string; status: string; conclusion: string | null }
  | { __typename: "StatusContext"; context: string; state: string };

/** Every page of the head commit's check runs and commit statuses (the latest of each, as GitHub rolls them up). */
async function rollupContexts(api: GitHubApi, repo: RepoRef, oid: string): Promise<Context[]> {
  const all: Context[] = [];
  let after: string | null = null;
  for (;;) {
    const data: any = await api.graphql(CHECKS_QUERY, { owner: repo.owner, name: repo.repo, oid, after });
    const contexts = data?.repository?.object?.statusCheckRollup?.contexts;
    // Nothing reported on the commit yet: no check has passed.
    if (!contexts) return all;
    all.push(...(contexts.nodes as (Context | null)[]).filter((n): n is Context => n !== null));
    if (!contexts.pageInfo.hasNextPage) return all;
    after = contexts.pageInfo.endCursor;
    if (!after) throw new Error("check pagination returned no cursor");
  }
}

/**
 * The names of the check runs and commit statuses on a commit that concluded `success`. A name
 * passes only when everything reported under it did (two apps may report one name), and
 * rolegate's own check never does: a policy that waited on it would wait on itself.
 */
export async function passedChecks(api: GitHubApi, repo: RepoRef, oid: string): Promise<string[]> {
  const outcome = new Map<string, boolean>();
  for (const c of await rollupContexts(api, repo, oid)) {
    const [name, success] = c.__typename === "CheckRun" ? [c.name, c.status === "COMPLETED" && c.conclusion === "SUCCESS"] : [c.context, c.state === "SUCCESS"];
    if (name === CHECK_NAME) continue;
    outcome.set(name, (outcome.get(name) ?? true) && success);
  }
  return [...outcome].filter(([, ok]) => ok).map(([name]) => name);
}
