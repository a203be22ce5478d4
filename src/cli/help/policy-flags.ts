/** Help lines for the flags every policy-reading command shares (see POLICY_FLAGS in ../args.ts). */
export const EXTENDS_FLAGS = [
  ["--extends-root DIR", "read `extends` parents in other repositories from DIR/OWNER/REPO/..."],
  ["--repo OWNER/REPO", "the repository being judged (for `extends: .github` and an organisation baseline)"],
] as const;

export const NOW_FLAG = ["--now ISO8601", "the clock for `expires`, review dates and time windows (default: now)"] as const;
