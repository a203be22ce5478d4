import { matchBranch } from "./glob.js";
import type { Condition } from "./policy/types.js";

/** What a condition can look at, for one file of one change. */
export interface ConditionContext {
  targetBranch: string;
  /** The pull request's head branch (`OWNER:branch` for a fork); undefined when unknown. */
  sourceBranch?: string;
  /** Names of the check runs and commit statuses on the head that concluded `success`. */
  checksPassed: ReadonlySet<string>;
  /** Lower-cased label names. */
  labels: ReadonlySet<string>;
  draft: boolean;
  now: Date;
  /** Does the change's author hold this role for the file being judged? */
  authorHolds(role: string): boolean;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function clockIn(now: Date, timeZone: string): { day: number; minute: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday!);
  return { day, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Window `[from, to)`, wrapping midnight when from > to; the day is the day of the moment judged. */
function inTimeWindow(c: Extract<Condition, { kind: "time" }>, now: Date): boolean {
  const { day, minute } = clockIn(now, c.timezone);
  if (c.days && !c.days.includes(day)) return false;
  if (c.from === undefined || c.to === undefined) return true;
  return c.from < c.to ? minute >= c.from && minute < c.to : minute >= c.from || minute < c.to;
}

export function holds(c: Condition, ctx: ConditionContext): boolean {
  switch (c.kind) {
    case "all":
      return c.items.every((x) => holds(x, ctx));
    case "any":
      return c.items.some((x) => holds(x, ctx));
    case "not":
      return !holds(c.item, ctx);
    case "target_branch":
      return c.globs.some((g) => matchBranch(g, ctx.targetBranch));
    case "source_branch":
      // An unknown head branch matches nothing (not even `**`).
      return ctx.sourceBranch !== undefined && c.globs.some((g) => matchBranch(g, ctx.sourceBranch!));
    case "checks_passed":
      return c.names.every((n) => ctx.checksPassed.has(n));
    case "labels":
      return c.labels.every((l) => ctx.labels.has(l));
    case "not_labels":
      return !c.labels.some((l) => ctx.labels.has(l));
    case "author_roles":
      return c.roles.some((r) => ctx.authorHolds(r));
    case "draft":
      return ctx.draft === c.value;
    case "time":
      return inTimeWindow(c, ctx.now);
  }
}
