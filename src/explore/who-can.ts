import type { ClassifiedFile, Classifier } from "../core/classify.js";
import { decide, heldRoles, judgeContext, membershipsOf, unresolvedTeams, type Membership } from "../core/permissions.js";
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

export interface Verdict {
  allowed: boolean;
  reasons: string[];
}

export interface WhoCanEntry extends Verdict {
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
  const path = query.path.replace(/^\//, "");
  return { ...c.classifier.classifyPath(path, c.classifier.branchEnvironments(query.targetBranch)), status: "modified" };
}

export function fileLine(file: ClassifiedFile): string {
  return `${file.path} is in ${file.categories.join(", ")} at level ${file.level}${file.environments.length ? ` (${file.environments.join(", ")})` : ""}`;
}

/** Verdict and reason chain for known memberships, in `rolegate explain`'s words. */
function judgeMemberships(c: WhoCanContext, query: WhoCanQuery, file: ClassifiedFile, noRole: string, memberships: Membership[], author?: string): Verdict {
  const ctx = judgeContext(c.policy, { targetBranch: query.targetBranch, labels: [], draft: false, now: c.now, author, teams: c.teams });
  const d = decide(heldRoles(memberships, file, c.policy), query.action, file, ctx);
  const reasons = [fileLine(file), ...d.reasons];
  if (!d.reasons.some((r) => r.startsWith("holds "))) reasons.splice(1, 0, noRole);
  return { allowed: d.allowed, reasons };
}

/**
 * What `rolegate explain --user LOGIN --action ACTION --path PATH [--target-branch B]` answers:
 * not allowed while any team the policy names is unresolved, since membership cannot be known.
 */
export function explainLogin(c: WhoCanContext, query: WhoCanQuery, login: string, file = classifyQueryPath(c, query)): Verdict {
  const user = login.replace(/^@/, "");
  const unresolved = unresolvedTeams(c.policy, c.teams);
  if (unresolved.length > 0) {
    return {
      allowed: false,
      reasons: unresolved.map((u) => `team @${u.team} could not be resolved (${u.why}): not allowed, since membership cannot be known`),
    };
  }
  // When judging authorship, the user asking is the author.
  return judgeMemberships(
    c,
    query,
    file,
    `${user} holds no role for this file`,
    membershipsOf(user, { policy: c.policy, teams: c.teams, now: c.now }),
    query.action === "author" ? user : undefined,
  );
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
