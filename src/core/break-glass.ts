import type { Result, Violation } from "./evaluate.js";
import { heldRoles, membershipsOf, unresolvedTeams } from "./permissions.js";
import type { Policy } from "./policy/types.js";
import type { TeamData } from "./state.js";
import { plural } from "./words.js";

/** The action a break-glass attempt is reported under when it is refused. */
export const BREAK_GLASS_ACTION = "break-glass";

/** The label of the audit issue every override opens. */
export const BREAK_GLASS_LABEL = "rolegate-break-glass";

/** A request to override unmet requirements: `/rolegate break-glass REASON`, or `--break-glass-by`/`--reason` offline. */
export interface BreakGlassRequest {
  /** The login of the person breaking the glass. */
  by: string;
  reason: string;
  /** When the request was made (the comment's time; offline, the clock). */
  at: Date;
}

/** An override that took effect: who, when, why, and which requirements it set aside. */
export interface Override {
  by: string;
  reason: string;
  /** ISO 8601. */
  at: string;
  /** The names of the requirements that were not met and were overridden. */
  requirements: string[];
  /** The head the override applies to: a later push voids it. */
  headSha?: string;
}

export interface BreakGlassJudgement {
  /** A refused attempt (someone without a break-glass role, too short a reason, no `break_glass:`): violations like the others. */
  violations: Violation[];
  /** Set only when the override took effect. */
  override?: Override;
  /** Why a permitted request changed nothing (a violation, a blocking review, an error, nothing unmet). */
  notes: string[];
}

/**
 * Judges a break-glass request against an evaluation. It is refused (violations, so the change
 * fails) unless the policy has `break_glass:`, the reason is long enough and the requester holds
 * one of its roles for every changed file (scopes, expiry and teams as everywhere). A permitted
 * request overrides unmet requirements only: a violation (an author's, a merger's, a commit
 * author's), a blocking review and anything that kept the change from being fully judged
 * (`errors`, an invalid policy included) are never overridden.
 */
export function judgeBreakGlass(
  policy: Policy,
  result: Result,
  request: BreakGlassRequest,
  context: { teams: TeamData; now: Date; errors: readonly string[]; headSha?: string },
): BreakGlassJudgement {
  const by = request.by.replace(/^@/, "");
  const refuse = (path: string, why: string): Violation => ({ action: BREAK_GLASS_ACTION, user: by, path, reason: why });
  const violations: Violation[] = [];
  const notes: string[] = [];
  const section = policy.breakGlass;
  if (!section) violations.push(refuse("", "this policy has no `break_glass:` section, so nobody may override its requirements"));
  else {
    const length = [...request.reason.trim()].length;
    if (length < section.reasonMinLength)
      violations.push(refuse("", `the reason is ${plural(length, "character")} long; the policy asks for at least ${section.reasonMinLength}`));
    const unresolved = unresolvedTeams(policy, context.teams);
    if (unresolved.length > 0) {
      notes.push(
        `whether @${by} may break the glass is not known: team ${unresolved.map((u) => `@${u.team}`).join(", ")} could not be resolved, so nothing is overridden`,
      );
      return { violations, notes };
    }
    const memberships = membershipsOf(by, { policy, teams: context.teams, now: context.now });
    for (const file of result.files) {
      const held = heldRoles(memberships, file, policy);
      if (section.roles.some((r) => held.has(r))) continue;
      const holds = held.size > 0 ? `; holds ${[...held.keys()].join(", ")}` : "";
      violations.push(refuse(file.path, `${by} holds none of the break-glass roles (${section.roles.join(", ")}) for this file${holds}`));
    }
  }
  if (violations.length > 0) return { violations, notes };

  const notApplied = (why: string) => notes.push(`the break-glass request by @${by} was not applied: ${why}`);
  const kinds = [...new Set(result.violations.map((v) => v.action))];
  if (kinds.includes("author")) notApplied("an `author` violation can never be overridden");
  const others = kinds.filter((k) => k !== "author");
  if (others.length > 0) notApplied(`a violation (${others.join(", ")}) is never overridden: break glass sets aside unmet requirements only`);
  for (const b of result.blocking) notApplied(`a blocking review is never overridden (${b.reason}): it must be dismissed or replaced`);
  if (context.errors.length > 0) notApplied("the change could not be fully judged, and rolegate never overrides what it could not judge");
  if (notes.length > 0) return { violations, notes };

  const unmet = result.requirements.filter((r) => !r.satisfied).map((r) => r.name);
  if (unmet.length === 0) return { violations, notes: [`the break-glass request by @${by} changed nothing: every requirement is met`] };
  return {
    violations,
    notes,
    override: {
      by,
      reason: request.reason.trim(),
      at: request.at.toISOString(),
      requirements: unmet,
      ...(context.headSha !== undefined ? { headSha: context.headSha } : {}),
    },
  };
}
