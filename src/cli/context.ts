import type { ParseArgsConfig } from "node:util";
import { InputError } from "./io.js";
import { readTeamsFile } from "./teams.js";
import { offlineChangeState } from "../core/offline-change.js";
import type { ChangeState } from "../core/state.js";

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

/** The change's context from flags (see `offlineChangeState` for what offline assumes). */
export function stateFromFlags(cwd: string, v: Values, targetBranch?: string): Omit<ChangeState, "files" | "filesComplete"> {
  const {
    files: _files,
    filesComplete: _complete,
    ...state
  } = offlineChangeState({
    files: [],
    author: v.author,
    approvedBy: logins(v["approved-by"]),
    staleApprovedBy: logins(v["stale-approved-by"]),
    changesRequestedBy: logins(v["changes-requested-by"]),
    committers: logins(v.committers),
    mergedBy: v["merged-by"],
    admins: logins(v.admins),
    labels: v.label ?? [],
    targetBranch: v["target-branch"] ?? targetBranch,
    draft: v.draft ?? false,
    now: parseNow(v.now),
    teams: readTeamsFile(cwd, v.teams),
  });
  return state;
}
