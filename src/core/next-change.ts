import type { Condition, Policy } from "./policy/types.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How far ahead time windows are searched: a week covers every weekday window. */
const HORIZON_DAYS = 8;

type TimeCondition = Extract<Condition, { kind: "time" }>;

function timeConditions(c: Condition | undefined, out: TimeCondition[]): void {
  if (!c) return;
  if (c.kind === "time") out.push(c);
  else if (c.kind === "all" || c.kind === "any") for (const x of c.items) timeConditions(x, out);
  else if (c.kind === "not") timeConditions(c.item, out);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes a zone is ahead of UTC at an instant (negative west of Greenwich). */
function offsetMinutes(instant: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(instant).map((x) => [x.type, x.value]));
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  return Math.round((local - Math.floor(instant / MINUTE) * MINUTE) / MINUTE);
}

/** The instant a zone's wall clock shows `minuteOfDay` on the local day `localDay` (UTC midnight of that date). */
function instantOf(localDay: number, minuteOfDay: number, timeZone: string): number {
  const guess = localDay + minuteOfDay * MINUTE;
  // Twice, so a day when the offset changes lands right on either side of the change.
  const first = guess - offsetMinutes(guess, timeZone) * MINUTE;
  return guess - offsetMinutes(first, timeZone) * MINUTE;
}

/**
 * Instants after `now` where a time window may open or close: its `from` and `to` on each of
 * the next days, and midnight where only some weekdays count, in its time zone.
 */
function windowEdges(c: TimeCondition, now: number): number[] {
  const edges: number[] = [];
  const minutes = [...(c.from !== undefined ? [c.from, c.to!] : []), ...(c.days ? [0] : [])];
  const today = Math.floor((now + offsetMinutes(now, c.timezone) * MINUTE) / DAY) * DAY;
  for (let d = 0; d <= HORIZON_DAYS; d++) for (const m of minutes) edges.push(instantOf(today + d * DAY, m, c.timezone));
  return edges.filter((t) => t > now);
}

/**
 * The next moment after `now` at which a verdict under this policy can change by the clock
 * alone: a `time` window opening or closing, or the first day after an `expires` date. A
 * pull request judged now must be judged again then. Undefined when nothing depends on time.
 */
export function nextVerdictChange(policy: Policy, now: Date): Date | undefined {
  const at = now.getTime();
  const conditions: TimeCondition[] = [];
  for (const role of policy.roles.values()) for (const rule of [...role.grants, ...role.denies]) timeConditions(rule.when, conditions);
  for (const req of policy.requirements) timeConditions(req.when, conditions);
  let next = Number.POSITIVE_INFINITY;
  for (const c of conditions) for (const edge of windowEdges(c, at)) next = Math.min(next, edge);
  for (const role of policy.roles.values()) {
    for (const m of role.members) {
      if (m.expires === undefined) continue;
      // The membership counts through its last day (UTC); the day after, it does not.
      const after = Date.parse(`${m.expires}T00:00:00Z`) + DAY;
      if (after > at) next = Math.min(next, after);
    }
  }
  return Number.isFinite(next) ? new Date(next) : undefined;
}
