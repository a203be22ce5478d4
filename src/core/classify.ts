import { matchBranch, matchPathSegments, splitPath, type PathGlob } from "./glob.js";
import { GlobIndex } from "./glob-index.js";
import { POLICY_DEFINING_FILES } from "./names.js";
import type { Member, Policy } from "./policy/types.js";
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

/**
 * What every rule but a requirement's `paths:` selector sees of a file: files of one class
 * are judged alike. Interned per classifier, so a class is compared by identity.
 */
export interface FileClass {
  categories: string[];
  environments: string[];
  level: number;
  shape: number;
  /** The path-scoped member entries (`paths:` in `members:`) whose globs match the files. */
  scopes: ReadonlySet<Member>;
}

/** A change's counted paths, classified, with the class of each. */
export interface ClassifiedChange {
  files: ClassifiedFile[];
  /** `classes[i]` is the class of `files[i]`. */
  classes: FileClass[];
}

/** One level of the trie that interns classes by their sorted, distinct tags. */
interface TagNode {
  children: Map<number, TagNode>;
  fileClass?: FileClass;
}

/**
 * Compiled once per policy and reused for every file of every change. One glob index holds
 * the globs of categories, environments and path-scoped members, so one lookup per path finds
 * all of a file's tags (numbers, see `tagOf*`). Files with the same tags share one interned
 * class: one pair of arrays, one shape number (same categories and environments), one set of
 * covering member scopes. The evaluator judges each class once, and classification allocates
 * little per file.
 */
export class Classifier {
  private readonly index = new GlobIndex<number>();
  private readonly policyPaths: Set<string>;
  private readonly scopedMembers: Member[] = [];
  private readonly categoryLists = new Map<string, string[]>();
  private readonly environmentLists = new Map<string, { names: string[]; level: number }>();
  private readonly shapes = new Map<string[], Map<string[], number>>();
  private nextShape = 0;
  private readonly classes: TagNode = { children: new Map() };

  constructor(readonly policy: Policy) {
    for (const [i, c] of policy.categories.entries()) for (const g of c.globs) this.index.add(g, this.tagOfCategory(i));
    for (const [j, e] of policy.environments.entries()) for (const g of e.paths) this.index.add(g, this.tagOfEnvironment(j));
    // The entries memberships are made of (see `membershipsOf`).
    for (const entries of policy.directRoles.values()) {
      for (const member of entries) {
        if (!member.paths) continue;
        const tag = this.tagOfScope(this.scopedMembers.push(member) - 1);
        for (const g of member.paths) this.index.add(g, tag);
      }
    }
    this.policyPaths = new Set([...POLICY_DEFINING_FILES, ...policy.policyPaths.map((p) => p.replace(/^\//, ""))]);
  }

  // Tags in this order: categories, environments, member scopes, then the built-in `policy` category.
  private tagOfCategory(i: number): number {
    return i;
  }
  private tagOfEnvironment(j: number): number {
    return this.policy.categories.length + j;
  }
  private tagOfScope(k: number): number {
    return this.policy.categories.length + this.policy.environments.length + k;
  }
  private tagOfPolicyFile(): number {
    return this.tagOfScope(this.scopedMembers.length);
  }

  /** Environments selected by the target branch apply to every file of the change. */
  branchEnvironments(targetBranch: string): string[] {
    return this.policy.environments.filter((e) => e.branches.some((g) => matchBranch(g, targetBranch))).map((e) => e.name);
  }

  private branchTags(branchEnvironments: readonly string[]): number[] {
    return branchEnvironments.map((name) => this.tagOfEnvironment(this.policy.environments.findIndex((e) => e.name === name)));
  }

  private categoriesFor(indices: number[], policyFile: boolean): string[] {
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

  /** The class of files with these tags (the first `count`, sorted, distinct), built the first time it is seen. */
  private classFor(tags: readonly number[], count: number): FileClass {
    let node = this.classes;
    for (let i = 0; i < count; i++) {
      let child = node.children.get(tags[i]!);
      if (!child) node.children.set(tags[i]!, (child = { children: new Map() }));
      node = child;
    }
    return (node.fileClass ??= this.buildClass(tags.slice(0, count)));
  }

  private buildClass(tags: readonly number[]): FileClass {
    const firstEnvironment = this.tagOfEnvironment(0);
    const firstScope = this.tagOfScope(0);
    const policyFile = this.tagOfPolicyFile();
    const categories = this.categoriesFor(
      tags.filter((t) => t < firstEnvironment),
      tags.includes(policyFile),
    );
    const envs = this.environmentsFor(tags.filter((t) => t >= firstEnvironment && t < firstScope).map((t) => t - firstEnvironment));
    const scopes = new Set(tags.filter((t) => t >= firstScope && t < policyFile).map((t) => this.scopedMembers[t - firstScope]!));
    return { categories, environments: envs.names, level: envs.level, shape: this.shapeOf(categories, envs.names), scopes };
  }

  /** The class of one path: its tags, from one index lookup, interned. */
  private classOfPath(path: string, branchTags: readonly number[]): FileClass {
    const tags = branchTags.slice();
    this.index.matchInto(path, tags);
    if (this.policyPaths.has(path.startsWith("/") ? path.slice(1) : path)) tags.push(this.tagOfPolicyFile());
    return this.classFor(tags, sortDistinct(tags));
  }

  classifyPath(path: string, branchEnvironments: readonly string[], status: FileStatus = "modified"): ClassifiedFile {
    return fileOf(path, status, this.classOfPath(path, this.branchTags(branchEnvironments)));
  }

  /** Every counted path: a rename counts under both its old and its new path. */
  classify(files: readonly ChangedFile[], targetBranch: string): ClassifiedFile[] {
    return this.classifyChange(files, targetBranch).files;
  }

  /** `classify`, with the class of each counted path. */
  classifyChange(files: readonly ChangedFile[], targetBranch: string): ClassifiedChange {
    const branchTags = this.branchTags(this.branchEnvironments(targetBranch));
    const out: ClassifiedFile[] = [];
    const classes: FileClass[] = [];
    const add = (path: string, status: FileStatus): ClassifiedFile => {
      const fileClass = this.classOfPath(path, branchTags);
      const file = fileOf(path, status, fileClass);
      out.push(file);
      classes.push(fileClass);
      return file;
    };
    for (const f of files) {
      if (f.status === "renamed" && f.previousPath !== undefined && f.previousPath !== f.path) {
        add(f.previousPath, "renamed").renamedTo = f.path;
        add(f.path, "renamed").previousPath = f.previousPath;
      } else {
        add(f.path, f.status);
      }
    }
    return { files: out, classes };
  }
}

function fileOf(path: string, status: FileStatus, c: FileClass): ClassifiedFile {
  return { path, status, categories: c.categories, environments: c.environments, level: c.level, shape: c.shape };
}

/**
 * Sorts a short list of numbers in place, moving repeats out of the way (insertion sort:
 * lists are tiny). Returns how many distinct numbers now lead the list.
 */
function sortDistinct(list: number[]): number {
  let n = 0;
  for (let j = 0; j < list.length; j++) {
    const x = list[j]!;
    let i = n;
    while (i > 0 && list[i - 1]! > x) i--;
    if (i > 0 && list[i - 1] === x) continue;
    for (let k = n; k > i; k--) list[k] = list[k - 1]!;
    list[i] = x;
    n++;
  }
  return n;
}

/** Does any glob in the list match the path? For member scopes and requirement selectors. */
export function anyGlobMatches(globs: readonly PathGlob[], path: string): boolean {
  const segments = splitPath(path);
  return globs.some((g) => matchPathSegments(g, segments));
}

const classifiers = new WeakMap<Policy, Classifier>();

/**
 * One classifier per policy object, kept as long as the policy is: the app judges many changes
 * by one cached policy, and compiling its globs costs about as much as classifying a small change.
 */
export function classifierFor(policy: Policy): Classifier {
  let classifier = classifiers.get(policy);
  if (!classifier) classifiers.set(policy, (classifier = new Classifier(policy)));
  return classifier;
}
