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
  /** Files with equal shapes have equal categories and environments (shared, read-only arrays). */
  shape: number;
}

/** A category's position in the policy (>= 0), or an environment's as -(position + 1). */
type Tag = number;

/**
 * Compiled once per policy and reused for every file of every change. Files with the same
 * categories and environments share one interned pair of arrays and one shape number, so the
 * evaluator judges each shape once and classification allocates little per file.
 */
export class Classifier {
  private readonly index = new GlobIndex<Tag>();
  private readonly policyPaths: Set<string>;
  private readonly categoryLists = new Map<string, string[]>();
  private readonly environmentLists = new Map<string, { names: string[]; level: number }>();
  private readonly shapes = new Map<string[], Map<string[], number>>();
  private nextShape = 0;

  constructor(private readonly policy: Policy) {
    policy.categories.forEach((c, i) => c.globs.forEach((g) => this.index.add(g, i)));
    policy.environments.forEach((e, j) => e.paths.forEach((g) => this.index.add(g, -(j + 1))));
    this.policyPaths = new Set([...POLICY_FILE_NAMES, ...policy.policyPaths.map((p) => p.replace(/^\//, ""))]);
  }

  /** Environments selected by the target branch apply to every file of the change. */
  branchEnvironments(targetBranch: string): string[] {
    return this.policy.environments.filter((e) => e.branches.some((g) => matchBranch(g, targetBranch))).map((e) => e.name);
  }

  private categoriesFor(indices: number[], policyFile: boolean): string[] {
    indices.sort((a, b) => a - b);
    const key = `${indices.join(",")}${policyFile ? "+p" : ""}`;
    let list = this.categoryLists.get(key);
    if (!list) {
      list = indices.map((i) => this.policy.categories[i]!.name);
      if (policyFile) list.push("policy");
      if (list.length === 0) list.push("other");
      this.categoryLists.set(key, list);
    }
    return list;
  }

  private environmentsFor(indices: number[]): { names: string[]; level: number } {
    indices.sort((a, b) => a - b);
    const key = indices.join(",");
    let envs = this.environmentLists.get(key);
    if (!envs) {
      const list = indices.map((j) => this.policy.environments[j]!);
      envs = { names: list.map((e) => e.name), level: list.reduce((max, e) => Math.max(max, e.level), 0) };
      this.environmentLists.set(key, envs);
    }
    return envs;
  }

  private shapeOf(categories: string[], environments: string[]): number {
    let inner = this.shapes.get(categories);
    if (!inner) this.shapes.set(categories, (inner = new Map()));
    let id = inner.get(environments);
    if (id === undefined) inner.set(environments, (id = this.nextShape++));
    return id;
  }

  classifyPath(path: string, branchEnvironments: readonly string[], status: FileStatus = "modified"): ClassifiedFile {
    const categoryIndices: number[] = [];
    const environmentIndices: number[] = [];
    for (const name of branchEnvironments) environmentIndices.push(this.policy.environments.findIndex((e) => e.name === name));
    for (const t of this.index.match(splitPath(path))) {
      const list = t >= 0 ? categoryIndices : environmentIndices;
      const value = t >= 0 ? t : -t - 1;
      if (!list.includes(value)) list.push(value);
    }
    const categories = this.categoriesFor(categoryIndices, this.policyPaths.has(path.startsWith("/") ? path.slice(1) : path));
    const envs = this.environmentsFor(environmentIndices);
    return { path, status, categories, environments: envs.names, level: envs.level, shape: this.shapeOf(categories, envs.names) };
  }

  /** Every counted path: a rename counts under both its old and its new path. */
  classify(files: readonly ChangedFile[], targetBranch: string): ClassifiedFile[] {
    const branchEnvs = this.branchEnvironments(targetBranch);
    const out: ClassifiedFile[] = [];
    for (const f of files) {
      if (f.status === "renamed" && f.previousPath !== undefined && f.previousPath !== f.path) {
        const from = this.classifyPath(f.previousPath, branchEnvs, "renamed");
        from.renamedTo = f.path;
        const to = this.classifyPath(f.path, branchEnvs, "renamed");
        to.previousPath = f.previousPath;
        out.push(from, to);
      } else {
        out.push(this.classifyPath(f.path, branchEnvs, f.status));
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
