import { matchBranch, matchPathSegments, splitPath, type PathGlob } from "./glob.js";
import { GlobIndex } from "./glob-index.js";
import { POLICY_FILE_NAMES, type Policy } from "./policy/types.js";
import type { ChangedFile, FileStatus } from "./state.js";

/** One counted path of a change, with everything evaluation needs to know about it. */
export interface ClassifiedFile {
  path: string;
  status: FileStatus;
  /** For the new path of a rename: where it came from. */
  previousPath?: string;
  /** For the old path of a rename: where it went. */
  renamedTo?: string;
  /** User categories in policy order, then `policy`; `other` when in neither. */
  categories: string[];
  environments: string[];
  level: number;
}

type Tag = { kind: "category" | "environment"; name: string };

/** Compiled once per policy and reused for every file of every change. */
export class Classifier {
  private readonly index = new GlobIndex<Tag>();
  private readonly categoryOrder: Map<string, number>;
  private readonly policyPaths: Set<string>;

  constructor(private readonly policy: Policy) {
    this.categoryOrder = new Map(policy.categories.map((c, i) => [c.name, i]));
    for (const c of policy.categories) for (const g of c.globs) this.index.add(g, { kind: "category", name: c.name });
    for (const e of policy.environments) for (const g of e.paths) this.index.add(g, { kind: "environment", name: e.name });
    this.policyPaths = new Set([...POLICY_FILE_NAMES, ...policy.policyPaths.map((p) => p.replace(/^\//, ""))]);
  }

  /** Environments selected by the target branch apply to every file of the change. */
  branchEnvironments(targetBranch: string): string[] {
    return this.policy.environments.filter((e) => e.branches.some((g) => matchBranch(g, targetBranch))).map((e) => e.name);
  }

  classifyPath(path: string, branchEnvironments: readonly string[]): Omit<ClassifiedFile, "status"> {
    const tags = this.index.match(splitPath(path));
    const categories = new Set<string>();
    const environments = new Set<string>(branchEnvironments);
    for (const t of tags) (t.kind === "category" ? categories : environments).add(t.name);
    const ordered = [...categories].sort((a, b) => this.categoryOrder.get(a)! - this.categoryOrder.get(b)!);
    if (this.policyPaths.has(path.replace(/^\//, ""))) ordered.push("policy");
    if (ordered.length === 0) ordered.push("other");
    const envs = this.policy.environments.filter((e) => environments.has(e.name));
    const level = envs.reduce((max, e) => Math.max(max, e.level), 0);
    return { path, categories: ordered, environments: envs.map((e) => e.name), level };
  }

  /** Every counted path: a rename counts under both its old and its new path. */
  classify(files: readonly ChangedFile[], targetBranch: string): ClassifiedFile[] {
    const branchEnvs = this.branchEnvironments(targetBranch);
    const out: ClassifiedFile[] = [];
    for (const f of files) {
      if (f.status === "renamed" && f.previousPath !== undefined && f.previousPath !== f.path) {
        out.push({ ...this.classifyPath(f.previousPath, branchEnvs), status: "renamed", renamedTo: f.path });
        out.push({ ...this.classifyPath(f.path, branchEnvs), status: "renamed", previousPath: f.previousPath });
      } else {
        out.push({ ...this.classifyPath(f.path, branchEnvs), status: f.status });
      }
    }
    return out;
  }
}

/** Does any glob in the list match the path? For member scopes and requirement selectors. */
export function anyGlobMatches(globs: readonly PathGlob[], path: string): boolean {
  const segments = splitPath(path);
  return globs.some((g) => matchPathSegments(g, segments));
}
