/**
 * The rolegate core the bench measures: the build in dist/ (what `npm start` and the package
 * run, compiled by tsc) when it exists, else the sources through tsx. They are the same code,
 * but tsx's transform wraps every function it creates in a naming helper (esbuild's
 * keepNames), which makes closures in hot loops measurably slower than in the build.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

type ClassifyModule = typeof import("../../src/core/classify.js");
type EvaluateModule = typeof import("../../src/core/evaluate.js");
type LoadModule = typeof import("../../src/core/policy/load.js");
type DiagnosticsModule = typeof import("../../src/core/diagnostics.js");

export interface RolegateCore {
  /** "dist" or "src", and a sentence saying which. */
  source: "dist" | "src";
  description: string;
  Classifier: ClassifyModule["Classifier"];
  evaluate: EvaluateModule["evaluate"];
  loadPolicy: LoadModule["loadPolicy"];
  formatDiagnostic: DiagnosticsModule["formatDiagnostic"];
}

const ROOT = join(import.meta.dirname, "..", "..");

export async function loadRolegateCore(preferDist: boolean): Promise<RolegateCore> {
  const useDist = preferDist && existsSync(join(ROOT, "dist", "core", "evaluate.js"));
  const dir = useDist ? "dist" : "src";
  const ext = useDist ? "js" : "ts";
  // Computed specifiers: the types come from the sources either way.
  const load = <T>(path: string) => import(pathToFileURL(join(ROOT, dir, `${path}.${ext}`)).href) as Promise<T>;
  const [classify, evaluate, policyLoad, diagnostics] = await Promise.all([
    load<ClassifyModule>("core/classify"),
    load<EvaluateModule>("core/evaluate"),
    load<LoadModule>("core/policy/load"),
    load<DiagnosticsModule>("core/diagnostics"),
  ]);
  return {
    source: useDist ? "dist" : "src",
    description: useDist
      ? "the build in dist/ (tsc output, as it ships)"
      : "the sources in src/ through tsx (no build available; tsx's transform makes hot closures slower than the build)",
    Classifier: classify.Classifier,
    evaluate: evaluate.evaluate,
    loadPolicy: policyLoad.loadPolicy,
    formatDiagnostic: diagnostics.formatDiagnostic,
  };
}
