import type { ClassifiedFile, Classifier } from "../core/classify.js";
import { classifyForExplain, explainAction, explainMemberships, type Explanation } from "../core/explain.js";
import { unresolvedTeams, type Membership } from "../core/permissions.js";
import type { Policy } from "../core/policy/types.js";
import type { TeamData } from "../core/state.js";
import { principalsOf, teamMemberships } from "./principals.js";

/** One question of the "who can do this?" box; labels and draft state are as `rolegate explain` sets them by default (none, not draft). */
export interface WhoCanQuery {
  path: string;
  action: string;
  /** The pull request's target branch: environments' branch globs match it (`rolegate explain` defaults to `main`). */
  targetBranch: string;
}

export interface WhoCanContext {
  policy: Policy;
  classifier: Classifier;
  teams: TeamData;
  now: Date;
}

export interface Answer {
  allowed: boolean;
  reasons: string[];
}

export interface WhoCanEntry extends Answer {
  kind: "anyone" | "team" | "user";
  /** `anyone (no role needed)`, `@acme/devops`, `carol`. */
  name: string;
}

export interface WhoCanAnswer {
  file: ClassifiedFile;
  /** Teams without membership data: every login is then not allowed, as `rolegate explain` answers. */
  unresolved: { team: string; why: string }[];
  allowed: WhoCanEntry[];
  notAllowed: WhoCanEntry[];
}

export const ANYONE = "anyone (no role needed)";

/** The path as `rolegate explain --path` reads it, classified for the target branch. */
export function classifyQueryPath(c: WhoCanContext, query: WhoCanQuery): ClassifiedFile {
  return { ...classifyForExplain(c.policy, query.path, query.targetBranch), status: "modified" };
}

function contextOf(c: WhoCanContext, query: WhoCanQuery) {
  return { targetBranch: query.targetBranch, labels: [], draft: false, now: c.now, teams: c.teams };
}

const texts = (e: Explanation): Answer => ({ allowed: e.allowed, reasons: e.reasons.map((r) => r.text) });

/** What `rolegate explain --user LOGIN --action ACTION --path PATH [--target-branch B]` answers. */
export function explainLogin(c: WhoCanContext, query: WhoCanQuery, login: string, file = classifyQueryPath(c, query)): Answer {
  return texts(explainAction(c.policy, contextOf(c, query), login.replace(/^@/, ""), query.action, file.path, file));
}

/** The answer for known memberships (a team's own entries, or none). */
function judgeMemberships(c: WhoCanContext, query: WhoCanQuery, file: ClassifiedFile, noRole: string, memberships: Membership[]): Answer {
  return texts(explainMemberships(c.policy, contextOf(c, query), memberships, query.action, file, noRole));
}

/**
 * Everyone the policy names, each judged for one path and action, plus "anyone" (a user who
 * holds no role). A team is judged by its own entries: what being in that team gives.
 */
export function whoCan(c: WhoCanContext, query: WhoCanQuery): WhoCanAnswer {
  const file = classifyQueryPath(c, query);
  const entries: WhoCanEntry[] = [];
  const nobody = judgeMemberships(c, query, file, "a user who holds no role", []);
  // A user with no role is allowed only where the action is enforced on none of the file's categories.
  if (nobody.allowed) entries.push({ kind: "anyone", name: ANYONE, ...nobody });
  for (const p of principalsOf(c.policy, c.teams)) {
    const verdict =
      p.kind === "team"
        ? judgeMemberships(c, query, file, `${p.display} holds no role for this file`, teamMemberships(c.policy, p.id, c.now))
        : explainLogin(c, query, p.display, file);
    entries.push({ kind: p.kind, name: p.display, ...verdict });
  }
  return {
    file,
    unresolved: unresolvedTeams(c.policy, c.teams),
    allowed: entries.filter((e) => e.allowed),
    notAllowed: entries.filter((e) => !e.allowed),
  };
}
