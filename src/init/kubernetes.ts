import { compilePathGlob, matchPath, type PathGlob } from "../core/glob.js";
import type { GlobPlan } from "./categories.js";
import { commonDir, dirOf, globOfPath } from "./paths.js";
import type { RepositoryTree } from "./tree.js";

/** Enough of a file to see its top-level keys; more is never read. */
const HEAD_BYTES = 16 * 1024;
/** YAML files opened at most, so a huge tree costs a bounded amount. */
const MAX_FILES_READ = 20_000;

const YAML_FILE = /\.ya?ml$/;
const CHART_FILE = /(^|\/)Chart\.yaml$/;
const KUSTOMIZE_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

/** Kubernetes-style YAML (manifests, Argo CD and Flux resources): top-level `apiVersion` and `kind`. */
export function looksLikeKubernetes(text: string): boolean {
  return /^apiVersion:[ \t]*\S/m.test(text) && /^kind:[ \t]*\S/m.test(text);
}

/**
 * Globs for Kubernetes files that `isCovered` misses: a Helm chart or Kustomize folder (a
 * folder holding Chart.yaml or kustomization.yaml) as a whole, then manifests found by their
 * content. For a top-level folder with a missed manifest, one glob per extension over the
 * deepest folder all its manifests share, so that new manifests beside them are caught too
 * (`examples/**\/*.yaml`). Manifests at the root are named one by one.
 */
export function kubernetesGlobs(tree: RepositoryTree, isCovered: (path: string) => boolean): GlobPlan[] {
  const plans: GlobPlan[] = [];
  const added: PathGlob[] = [];
  const add = (plan: GlobPlan) => {
    plans.push(plan);
    added.push(compilePathGlob(plan.glob));
  };
  const covered = (path: string) => isCovered(path) || added.some((g) => matchPath(g, path));

  const bundles = [
    ...tree.files.filter((f) => CHART_FILE.test(f)).map((f) => ({ dir: dirOf(f), found: "a Helm chart (Chart.yaml)" })),
    ...tree.files.filter((f) => KUSTOMIZE_FILE.test(f)).map((f) => ({ dir: dirOf(f), found: "a Kustomize folder (kustomization.yaml)" })),
  ].sort((a, b) => a.dir.localeCompare(b.dir));
  for (const { dir, found } of bundles) {
    if (dir === "") continue; // a chart at the root is the whole repository: its files are named by the preset globs
    const inside = tree.files.filter((f) => f.startsWith(dir + "/"));
    const missed = inside.filter((f) => !covered(f));
    if (missed.length > 0) add({ glob: `${globOfPath(dir)}/**`, files: inside.length, example: missed[0]!, found });
  }

  // Manifests, covered or not: the covered ones widen the folder a new glob is written for.
  const manifests: string[] = [];
  let read = 0;
  for (const f of tree.files) {
    if (!YAML_FILE.test(f)) continue;
    if (++read > MAX_FILES_READ) break;
    const text = tree.head(f, HEAD_BYTES);
    if (text !== undefined && looksLikeKubernetes(text)) manifests.push(f);
  }
  const byTop = new Map<string, string[]>();
  for (const m of manifests) {
    const top = m.includes("/") ? m.slice(0, m.indexOf("/")) : "";
    const group = byTop.get(top);
    if (group) group.push(m);
    else byTop.set(top, [m]);
  }
  for (const [top, files] of byTop) {
    const missed = files.filter((f) => !covered(f));
    if (missed.length === 0) continue;
    if (top === "") {
      for (const f of missed) add({ glob: `/${globOfPath(f)}`, files: 1, example: f, found: "a Kubernetes manifest (apiVersion and kind)" });
      continue;
    }
    const common = globOfPath(files.map(dirOf).reduce(commonDir));
    for (const ext of [...new Set(missed.map((f) => f.slice(f.lastIndexOf("."))))].sort()) {
      const glob = `${common}/**/*${ext}`;
      const compiled = compilePathGlob(glob);
      const matched = tree.files.filter((f) => matchPath(compiled, f));
      add({ glob, files: matched.length, example: missed.find((f) => f.endsWith(ext))!, found: "Kubernetes manifests (apiVersion and kind)" });
    }
  }
  return plans;
}
