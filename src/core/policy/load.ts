import { sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import { lintPolicy } from "./lint.js";
import { buildPolicy } from "./model.js";
import { parsePolicyText, type ParsedFile } from "./parse.js";
import type { Policy } from "./types.js";
import { validateSchema } from "./validate-schema.js";

export interface LoadedPolicy {
  /** Present when the file parsed, matched the schema and resolved; lint findings may still be errors. */
  policy?: Policy;
  parsed?: ParsedFile;
  diagnostics: Diagnostic[];
}

/**
 * Text → validated, resolved, linted policy. Pure: the clock is passed in.
 * Stages stop at the first that fails, since later stages assume earlier ones held.
 */
export function loadPolicy(file: string, text: string, now: Date): LoadedPolicy {
  const parsed = parsePolicyText(file, text);
  if (!parsed.ok) return { diagnostics: parsed.diagnostics };
  const schemaErrors = validateSchema(parsed.parsed);
  if (schemaErrors.length > 0) return { parsed: parsed.parsed, diagnostics: sortDiagnostics(schemaErrors) };
  const raw = parsed.parsed.value as { extends?: unknown };
  if (raw.extends !== undefined) {
    // A single file cannot be judged without its parents: never silently drop them.
    const pos = parsed.parsed.locate(["extends"]);
    return {
      parsed: parsed.parsed,
      diagnostics: [
        {
          severity: "error",
          code: "extends",
          message: "this policy extends a parent; load it with loadComposed so the parent is applied",
          file,
          line: pos.line,
          col: pos.col,
        },
      ],
    };
  }
  const { policy, diagnostics } = buildPolicy(parsed.parsed);
  if (diagnostics.length > 0) return { parsed: parsed.parsed, diagnostics: sortDiagnostics(diagnostics) };
  return { policy, parsed: parsed.parsed, diagnostics: sortDiagnostics(lintPolicy(policy, parsed.parsed.locate, now)) };
}

/** The spec's "two policy files" error, for front ends that see both on disk or in a tree. */
export function twoPolicyFiles(first: string, second: string): Diagnostic {
  return { severity: "error", code: "two-policy-files", message: `two policy files: ${first} and ${second}; keep exactly one`, file: second, line: 1, col: 1 };
}
