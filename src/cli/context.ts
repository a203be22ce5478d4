import type { ParseArgsConfig } from "node:util";
import { changePatchId, verifyRevision } from "./git.js";
import { InputError } from "./io.js";
import { readTeamsFile } from "./teams.js";
import { offlineChangeState, type CommitApproval } from "../core/offline-change.js";
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
  "source-branch": { type: "string" },
  "check-passed": { type: "string", multiple: true },
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

/** The change `check` judges, from git: its base and head commits, and the head's branch when `--head` names one. */
export interface GitChange {
  base: string;
  head: string;
  headBranch?: string;
}

/**
 * `--approved-by L1,L2@REV`: plain logins approved the head; `LOGIN@REV` approved commit REV,
 * which needs the change from git to tell whether REV is the head or, if not, whether the
 * change is the same since (the stable patch-ids of policy.md).
 */
function approvals(cwd: string, list: string | undefined, change: GitChange | undefined): { onHead: string[]; atCommit: CommitApproval[] } {
  const onHead: string[] = [];
  const atCommit: CommitApproval[] = [];
  let headPatch: string | undefined | null = null; // null: not worked out yet
  for (const entry of logins(list)) {
    const at = entry.indexOf("@");
    if (at < 0) {
      onHead.push(entry);
      continue;
    }
    const user = entry.slice(0, at);
    const rev = entry.slice(at + 1);
    if (user === "" || rev === "") throw new InputError(`--approved-by: "${entry}" is not LOGIN or LOGIN@REV`);
    if (!change) throw new InputError(`--approved-by ${entry}: a commit after @ needs the change from git (--base REV [--head REV])`);
    const commit = verifyRevision(cwd, rev);
    if (commit === change.head) {
      atCommit.push({ user, commit, onHead: true });
      continue;
    }
    if (headPatch === null) headPatch = changePatchId(cwd, change.base, change.head);
    const approved = changePatchId(cwd, change.base, commit);
    atCommit.push({ user, commit, onHead: false, sameAsHead: headPatch !== undefined && approved !== undefined && approved === headPatch });
  }
  return { onHead, atCommit };
}

/** The change's context from flags (see `offlineChangeState` for what offline assumes). */
export function stateFromFlags(cwd: string, v: Values, targetBranch?: string, change?: GitChange): Omit<ChangeState, "files" | "filesComplete"> {
  const approved = approvals(cwd, v["approved-by"], change);
  const sourceBranch = v["source-branch"] ?? change?.headBranch;
  if (sourceBranch !== undefined && sourceBranch.trim() === "") throw new InputError("--source-branch: the branch name is empty");
  const {
    files: _files,
    filesComplete: _complete,
    ...state
  } = offlineChangeState({
    files: [],
    author: v.author,
    approvedBy: approved.onHead,
    commitApprovals: approved.atCommit,
    staleApprovedBy: logins(v["stale-approved-by"]),
    changesRequestedBy: logins(v["changes-requested-by"]),
    committers: logins(v.committers),
    mergedBy: v["merged-by"],
    admins: logins(v.admins),
    labels: v.label ?? [],
    targetBranch: v["target-branch"] ?? targetBranch,
    sourceBranch,
    checksPassed: (v["check-passed"] ?? []).map((name) => {
      if (name.trim() === "") throw new InputError("--check-passed: the check name is empty");
      return name;
    }),
    draft: v.draft ?? false,
    now: parseNow(v.now),
    teams: readTeamsFile(cwd, v.teams),
  });
  return state;
}
