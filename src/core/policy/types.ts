import type { BranchGlob, PathGlob } from "../glob.js";
import type { ValuePath } from "./parse.js";

export const BUILTIN_CATEGORIES = ["policy", "other"] as const;
/** The actions every matrix shows a row for. */
export const CORE_ACTIONS = ["author", "approve", "merge"] as const;
/** Actions rolegate knows without a `privileges:` declaration. */
export const KNOWN_ACTIONS = [...CORE_ACTIONS, "deploy"] as const;

/** Where a model element came from, so lint findings can point at it. */
export interface Origin {
  file: string;
  path: ValuePath;
}

export type Condition =
  | { kind: "all"; items: Condition[] }
  | { kind: "any"; items: Condition[] }
  | { kind: "not"; item: Condition }
  | { kind: "target_branch"; globs: BranchGlob[] }
  /** The pull request's head branch (`OWNER:branch` for a fork). */
  | { kind: "source_branch"; globs: BranchGlob[] }
  /** Every named check run or commit status on the head concluded `success`. */
  | { kind: "checks_passed"; names: string[] }
  | { kind: "labels"; labels: string[] }
  | { kind: "not_labels"; labels: string[] }
  | { kind: "author_roles"; roles: string[] }
  | { kind: "draft"; value: boolean }
  | { kind: "time"; days?: number[]; from?: number; to?: number; timezone: string };

export interface Category {
  name: string;
  globs: PathGlob[];
  description?: string;
  origin: Origin;
}

export interface Environment {
  name: string;
  level: number;
  paths: PathGlob[];
  branches: BranchGlob[];
  /** The GitHub environments that are this environment, as written; absent: the one of the same name. */
  githubEnvironments?: string[];
  origin: Origin;
}

export interface Member {
  /** The role this entry is listed under. */
  role: string;
  kind: "user" | "team";
  /** Lower-cased login, or lower-cased `org/team`. */
  id: string;
  /** As written, for messages: `carol`, `@acme/devops`. */
  display: string;
  environments?: string[];
  paths?: PathGlob[];
  /** Last day (UTC, YYYY-MM-DD) the membership counts. */
  expires?: string;
  origin: Origin;
}

/** One grant or deny of one action on one category reference. */
export interface Rule {
  role: string;
  action: string;
  /** A category name, or `*` for every category. */
  category: string;
  /** up_to_level for grants, from_level for denies. */
  level: number;
  when?: Condition;
  /** Readable form of `when`, for matrices and reasons. */
  whenText?: string;
  origin: Origin;
}

/** A grant or deny of `deploy` on an environment rather than a category: judged for deployments. */
export interface EnvironmentRule {
  role: string;
  /** An environment name, or `*` for every environment. */
  environment: string;
  /** up_to_level for grants, from_level for denies. */
  level: number;
  when?: Condition;
  whenText?: string;
  origin: Origin;
}

export interface Role {
  name: string;
  description?: string;
  inherits: string[];
  /** This role and every role it inherits, transitively. */
  closure: string[];
  members: Member[];
  grants: Rule[];
  denies: Rule[];
  /** `deploy` grants and denies that name an environment (`{ environment: NAME }`). */
  environmentGrants: EnvironmentRule[];
  environmentDenies: EnvironmentRule[];
  minMembers?: number;
  recommendedMembers?: number;
  origin: Origin;
}

export interface Requirement {
  index: number;
  name: string;
  categories?: string[];
  environments?: string[];
  paths?: PathGlob[];
  minLevel?: number;
  roles?: string[];
  approvals: number;
  /** One person counts toward at most one exclusive requirement (a bipartite matching decides). */
  exclusive?: boolean;
  when?: Condition;
  whenText?: string;
  origin: Origin;
}

/** The shortest break-glass reason, when the policy does not say. */
export const DEFAULT_REASON_MIN_LENGTH = 10;

/** Who may override unmet requirements, and how long their reason must be. */
export interface BreakGlass {
  roles: string[];
  reasonMinLength: number;
  origin: Origin;
}

export interface Options {
  staleApprovals: "dismiss" | "unless_changed" | "keep";
  authorCanApprove: boolean;
  committersCanApprove: boolean;
  checkCommitAuthors: boolean;
}

/** A validated, resolved policy: everything evaluation needs, nothing it must re-check. */
export interface Policy {
  file: string;
  categories: Category[];
  environments: Environment[];
  roles: Map<string, Role>;
  requirements: Requirement[];
  options: Options;
  notifyViolations: string[];
  /** Break glass: who may override unmet requirements (absent: nobody). */
  breakGlass?: BreakGlass;
  /**
   * `enforce: true` in this file itself (never inherited): an organisation default that binds
   * every repository of the organisation, those with a policy of their own included.
   */
  enforce: boolean;
  review?: { lastReviewed: string; intervalDays: number; origin: Origin };
  extends?: string;
  locked: string[];
  /**
   * In-repository paths in the built-in `policy` category besides the default names: the file
   * the policy was read from when it has another name, and every in-repository `extends` parent.
   */
  policyPaths: string[];
  /** Declared privileges: action names beyond `KNOWN_ACTIONS`. */
  privileges: string[];
  /** For each action, the categories it is enforced on; `*` when a grant names every category. */
  enforced: Map<string, Set<string>>;
  /** Every team named anywhere, lower-cased `org/team`. */
  teams: Set<string>;
  /** Roles that some member entry belongs to directly, by principal id. */
  directRoles: Map<string, Member[]>;
}
