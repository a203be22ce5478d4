import { NOW_FLAG } from "./policy-flags.js";

/** Help lines for the change-context flags `explain` and `check` share (CONTEXT_OPTIONS in ../context.ts). */
export const CONTEXT_FLAGS = [
  ["--author LOGIN", "who opened the change"],
  ["--approved-by L1,L2", "approvals on the head commit; LOGIN@REV (with --base): LOGIN approved commit REV, judged by stale_approvals"],
  ["--stale-approved-by L1,L2", "approvals on an earlier commit"],
  ["--changes-requested-by L1,L2", "reviewers who asked for changes"],
  ["--committers L1,L2", "who made the commits"],
  ["--merged-by LOGIN", "who merges the change"],
  ["--admins L1,L2", "the repository admins (offline, exactly these)"],
  ["--target-branch BRANCH", "the branch the change goes into (default: the branch --base names, else main)"],
  ["--source-branch BRANCH", "the change's own branch, for `source_branch` conditions (default: the branch --head names)"],
  ["--check-passed NAME", "a check run or commit status that concluded success on the head (repeat the flag for several)"],
  ["--label L", "a label on the change (repeat the flag for several)"],
  ["--draft", "the change is a draft"],
  NOW_FLAG,
  ["--teams FILE", "team membership: a YAML map `org/team: [login, ...]`; a team missing from it is unresolved"],
] as const;
