import { compilePathGlob, matchPath, type PathGlob } from "../core/glob.js";
import { kubernetesGlobs } from "./kubernetes.js";
import type { RepositoryTree } from "./tree.js";

/** A category as a preset defines it: the candidates `rolegate init` looks for. */
export interface CategoryTemplate {
  name: string;
  description?: string;
  paths: string[];
}

/** One glob of a proposed category, with the evidence for it. */
export interface GlobPlan {
  glob: string;
  /** How many files of the tree it matches, and the first of them. */
  files: number;
  example: string;
  /** Why init wrote a glob of its own (no preset has it), for the comment beside it. */
  found?: string;
}

export interface CategoryPlan {
  name: string;
  description?: string;
  globs: GlobPlan[];
}

/** The category the Kubernetes scan adds its globs to. */
const INFRASTRUCTURE = "infrastructure";

/**
 * The chosen preset's categories, then those of the scan preset it lacks; a category both define
 * gets the globs of both (the chosen preset's first), so every kind of file the scan preset knows
 * is recognised whatever the roles come from.
 */
export function mergeTemplates(chosen: readonly CategoryTemplate[], scan: readonly CategoryTemplate[]): CategoryTemplate[] {
  const merged = chosen.map((c) => ({ ...c, paths: [...c.paths] }));
  for (const extra of scan) {
    const same = merged.find((c) => c.name === extra.name);
    if (!same) merged.push({ ...extra, paths: [...extra.paths] });
    else for (const p of extra.paths) if (!same.paths.includes(p)) same.paths.push(p);
  }
  return merged;
}

/**
 * The categories this tree has: of each template, the globs that match at least one file (a
 * preset's globs are general, `*.tf` rather than `main.tf`, so they also catch new files of the
 * same kind), plus globs for Kubernetes manifests, Helm charts and Kustomize folders the preset
 * globs miss. Categories with no file are left out.
 */
export function scanCategories(templates: readonly CategoryTemplate[], tree: RepositoryTree): CategoryPlan[] {
  const plans: CategoryPlan[] = [];
  for (const t of templates) {
    const globs: GlobPlan[] = [];
    for (const glob of t.paths) {
      const compiled = compilePathGlob(glob);
      const hits = tree.files.filter((f) => matchPath(compiled, f));
      if (hits.length > 0) globs.push({ glob, files: hits.length, example: hits[0]! });
    }
    plans.push({ name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), globs });
  }
  let infrastructure = plans.find((p) => p.name === INFRASTRUCTURE);
  if (!infrastructure) plans.push((infrastructure = { name: INFRASTRUCTURE, description: "Kubernetes manifests, Helm charts and Kustomize.", globs: [] }));
  const covered: PathGlob[] = infrastructure.globs.map((g) => compilePathGlob(g.glob));
  infrastructure.globs.push(...kubernetesGlobs(tree, (path) => covered.some((g) => matchPath(g, path))));
  return plans.filter((p) => p.globs.length > 0);
}
