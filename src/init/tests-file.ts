import { Document, YAMLMap, YAMLSeq } from "yaml";
import { evaluate, type Conclusion, type Result } from "../core/evaluate.js";
import { POLICY_DEFINING_FILES as POLICY_FILE_NAMES, POLICY_TESTS_FILE } from "../core/names.js";
import { offlineChangeState } from "../core/offline-change.js";
import type { Policy } from "../core/policy/types.js";
import { emptyTeams, type ChangeState, type TeamData } from "../core/state.js";

/** One generated case: a change one requirement selects, approved so that the policy says success. */
export interface TestCase {
  requirement: string;
  file: string;
  targetBranch: string;
  approvedBy: string[];
  admins: string[];
  /** What the policy concludes for the case, as judged here (a case is kept only when it passes). */
  conclusion: Conclusion;
}

export interface TestsProposal {
  text: string;
  cases: TestCase[];
  /** Requirements no case could be written for, with why. */
  skipped: string[];
}

/** Rounds of "add an eligible approver for each unmet requirement" before giving up on a case. */
const MAX_ROUNDS = 12;
/** The stand-in for "anyone with write access" and for a repository admin. */
const ANY_WRITER = "a-reviewer";
const REPOSITORY_ADMIN = "repository-admin";

/** Example members for each team of the policy, enough for the largest `approvals`. */
function exampleTeams(policy: Policy): Map<string, string[]> {
  const perTeam = Math.max(1, ...policy.requirements.map((r) => r.approvals));
  const teams = new Map<string, string[]>();
  const used = new Set<string>(policy.directRoles.keys());
  for (const team of [...policy.teams].sort()) {
    const base = (team.split("/")[1] ?? team).replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "team";
    const members: string[] = [];
    for (let i = 1; members.length < perTeam; i++) {
      const login = perTeam === 1 && i === 1 ? `${base}-member` : `${base}-member-${i}`;
      if (!used.has(login)) {
        used.add(login);
        members.push(login);
      }
    }
    teams.set(team, members);
  }
  return teams;
}

/** A path a glob matches: `**` and `*` filled with "example" (`**\/*.tf` → `example.tf`). */
export function pathFromGlob(glob: string): string {
  return glob
    .replace(/^\//, "")
    .replace(/\/$/, "/example")
    .replace(/(^|\/)\*\*(?=\/|$)/g, "$1example")
    .replace(/\*/g, "example")
    .replace(/\?/g, "x")
    .replace(/^example\//, "");
}

/** A branch name a branch glob matches (`release/**` → `release/example`). */
function branchFromGlob(glob: string): string {
  return glob.replace(/\*\*?/g, "example").replace(/\?/g, "x");
}

function teamData(teams: ReadonlyMap<string, string[]>): TeamData {
  const data = emptyTeams();
  for (const [team, members] of teams) data.members.set(team, new Set(members));
  return data;
}

/**
 * One file per class of file in the tree (same categories, environments and level), then paths
 * made from every glob of the policy, so a requirement on a kind of file the tree lacks still
 * finds one. The tree's own files come first: real examples read best.
 */
function candidateFiles(policy: Policy, treeFiles: readonly string[], judge: (files: string[]) => Result): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of judge([...treeFiles]).files) {
    const key = `${f.categories.join(",")}|${f.environments.join(",")}|${f.level}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(f.path);
    }
  }
  // Environment paths last: a file at level 0 makes the plainer example.
  const fromGlobs = (globs: { source: string }[]) => globs.map((g) => pathFromGlob(g.source));
  out.push(
    ...fromGlobs(policy.categories.flatMap((c) => c.globs)),
    ...fromGlobs(policy.requirements.flatMap((r) => r.paths ?? [])),
    "README.md",
    POLICY_FILE_NAMES[0],
    ...fromGlobs(policy.environments.flatMap((e) => e.paths)),
  );
  return [...new Set(out)];
}

/**
 * Cases for `.github/rolegate.tests.yml`: for each requirement, a change of one file it selects
 * (from the tree where one is there), approved by people eligible for every requirement that
 * change meets, so each case expects success and `rolegate test` passes. Teams get example
 * members, named after the team, in the file's `teams:` map.
 */
export function proposeTests(policy: Policy, treeFiles: readonly string[], now: Date, today: string): TestsProposal {
  const teams = exampleTeams(policy);
  const teamsData = teamData(teams);
  // The change each case describes, built as `rolegate test` builds it.
  const state = (files: string[], targetBranch: string, approvedBy: string[], admins: string[]): ChangeState =>
    offlineChangeState({ files: files.map((path) => ({ path, status: "modified" })), approvedBy, admins, targetBranch, now, teams: teamsData });
  const judge = (files: string[], targetBranch = "main", approvedBy: string[] = [], admins: string[] = []) =>
    evaluate(policy, state(files, targetBranch, approvedBy, admins));

  const files = candidateFiles(policy, treeFiles, (fs) => judge(fs));
  const branches = ["main", ...new Set(policy.environments.flatMap((e) => e.branches.map((b) => branchFromGlob(b.source))))];
  /** The first candidate file, into the first branch, that the requirement selects. */
  const changeFor = (index: number) => {
    for (const branch of branches) {
      const file = files.find((f) => judge([f], branch).requirements.some((r) => r.index === index));
      if (file !== undefined) return { file, branch };
    }
    return undefined;
  };
  /** Adds, round by round, an eligible approver for each requirement still unmet, until the change succeeds. */
  const approve = (file: string, branch: string) => {
    const approvedBy: string[] = [];
    const admins: string[] = [];
    let result = judge([file], branch);
    for (let round = 0; round < MAX_ROUNDS && result.conclusion !== "success"; round++) {
      const before = approvedBy.length;
      for (const r of result.requirements.filter((x) => !x.satisfied)) {
        if (r.builtin && admins.length === 0) admins.push(REPOSITORY_ADMIN);
        const pool = r.builtin
          ? admins
          : r.eligible.flatMap((e) => (e === "*" ? [ANY_WRITER] : e.startsWith("@") ? (teams.get(e.slice(1).toLowerCase()) ?? []) : [e]));
        const next = pool.find((login) => !approvedBy.includes(login));
        if (next !== undefined) approvedBy.push(next);
      }
      if (approvedBy.length === before) break;
      result = judge([file], branch, approvedBy, admins);
    }
    return { result, approvedBy, admins };
  };

  const cases: TestCase[] = [];
  const skipped: string[] = [];
  for (const req of policy.requirements) {
    const change = changeFor(req.index);
    if (!change) {
      skipped.push(
        `"${req.name}": no file or target branch found that it selects${req.when ? " (its `when` condition may need labels, a time or an author)" : ""}`,
      );
      continue;
    }
    const { result, approvedBy, admins } = approve(change.file, change.branch);
    if (result.conclusion !== "success") skipped.push(`"${req.name}": no set of eligible approvers makes ${change.file} pass (${result.title})`);
    else cases.push({ requirement: req.name, file: change.file, targetBranch: change.branch, approvedBy, admins, conclusion: result.conclusion });
  }
  return { text: render(cases, skipped, teams, today), cases, skipped };
}

function flowSeq(doc: Document, items: readonly string[]): YAMLSeq {
  const seq = doc.createNode(items) as YAMLSeq;
  seq.flow = true;
  return seq;
}

function render(cases: readonly TestCase[], skipped: readonly string[], teams: ReadonlyMap<string, string[]>, today: string): string {
  const doc = new Document();
  const header = [
    ` Policy tests proposed by \`rolegate init\` on ${today}: one case per requirement of .github/rolegate.yml,`,
    " each a change that the requirement selects, approved by people allowed to approve it, so each",
    " expects success. `rolegate test` runs them (exit 0 when all pass); the app and the Action run them",
    ` whenever a pull request changes the policy or ${POLICY_TESTS_FILE}. Add cases for what must NOT pass.`,
  ];
  if (teams.size > 0)
    header.push(
      "",
      " The members below stand for the policy's placeholder teams: when you put your own teams in the",
      " policy, rename them here too, with one or two real members each.",
    );
  for (const s of skipped) header.push("", ` No case for ${s}.`);
  doc.commentBefore = header.join("\n");
  const root = new YAMLMap();
  doc.contents = root;
  root.set("version", 1);
  if (teams.size > 0) {
    const map = new YAMLMap();
    for (const [team, members] of teams) map.set(team, flowSeq(doc, members));
    root.set("teams", map);
  }
  const list = new YAMLSeq();
  for (const c of cases) {
    const item = new YAMLMap();
    item.set("name", `${c.requirement}: ${c.file}${c.targetBranch !== "main" ? ` into ${c.targetBranch}` : ""}`);
    item.set("files", flowSeq(doc, [c.file]));
    if (c.targetBranch !== "main") item.set("target_branch", c.targetBranch);
    if (c.admins.length > 0) item.set("admins", flowSeq(doc, c.admins));
    item.set("approved_by", flowSeq(doc, c.approvedBy));
    item.set("expect", doc.createNode({ conclusion: c.conclusion }));
    list.items.push(item);
  }
  root.set("cases", list);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
