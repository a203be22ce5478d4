import type { ParseArgsConfig } from "node:util";
import { InputError } from "./io.js";
import { readTeamsFile } from "./teams.js";
import type { ChangeState, Review } from "../core/state.js";

/** Flags shared by `explain` and `check` (see the CLI contract). */
export const CONTEXT_OPTIONS = {
  author: { type: "string" },
  "approved-by": { type: "string" },
  "stale-approved-by": { type: "string" },
  "changes-requested-by": { type: "string" },
  committers: { type: "string" },
  "merged-by": { type: "string" },
  admins: { type: "string" },
  "target-branch": { type: "string" },
  label: { type: "string", multiple: true },
  draft: { type: "boolean" },
  now: { type: "string" },
  teams: { type: "string" },
} as const satisfies ParseArgsConfig["options"];

type Values = {
  [K in keyof typeof CONTEXT_OPTIONS]?: (typeof CONTEXT_OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof CONTEXT_OPTIONS)[K]["type"] extends "boolean"
      ? boolean
      : string;
};

export function logins(list: string | undefined): string[] {
  if (list === undefined) return [];
  return list
    .split(",")
    .map((s) => s.trim().replace(/^@/, ""))
    .filter((s) => s.length > 0);
}

export function parseNow(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const d = new Date(text);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(text)) throw new InputError(`--now: "${text}" is not an ISO 8601 date or time`);
  return d;
}

/**
 * The change's context from flags. Offline every named user has write access, every
 * approval came after the latest base-branch change, and the admins are exactly `--admins`.
 * For one reviewer, changes requested beats a fresh approval, which beats a stale one.
 */
export function stateFromFlags(cwd: string, v: Values): Omit<ChangeState, "files" | "filesComplete"> {
  const reviews: Review[] = [];
  for (const user of logins(v["stale-approved-by"])) reviews.push({ user, state: "APPROVED", onHead: false, afterBaseChange: true, order: 1 });
  for (const user of logins(v["approved-by"])) reviews.push({ user, state: "APPROVED", onHead: true, afterBaseChange: true, order: 2 });
  for (const user of logins(v["changes-requested-by"])) reviews.push({ user, state: "CHANGES_REQUESTED", onHead: true, afterBaseChange: true, order: 3 });
  return {
    author: v.author?.replace(/^@/, ""),
    committers: logins(v.committers),
    reviews,
    labels: v.label ?? [],
    targetBranch: v["target-branch"] ?? "main",
    draft: v.draft ?? false,
    mergedBy: v["merged-by"]?.replace(/^@/, ""),
    admins: logins(v.admins),
    writers: "all",
    teams: readTeamsFile(cwd, v.teams),
    now: parseNow(v.now),
  };
}
