import type { Diagnostic } from "../diagnostics.js";
import type { ParsedFile } from "./parse.js";
import { PATTERN_WORDS, policySchema } from "./schema.js";
import { schemaProblems, type SchemaWording } from "./schema-messages.js";
import { validatePolicySchema } from "./schema-validator.generated.js";

const MAX_SCHEMA_ERRORS = 20;

const WORDING: SchemaWording = { document: "the policy", root: policySchema, patterns: PATTERN_WORDS };

/** Validates the parsed value against the schema (compiled ahead of time); every error is positioned and in plain words. */
export function validateSchema(parsed: ParsedFile): Diagnostic[] {
  if (validatePolicySchema(parsed.value)) return [];
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const m of schemaProblems(validatePolicySchema.errors ?? [], WORDING)) {
    // Locating costs a walk of the document; a file with thousands of bad keys needs only the first few.
    if (diagnostics.length >= MAX_SCHEMA_ERRORS) break;
    const pos = parsed.locate(m.path, m.onKey);
    const id = `${pos.line}:${pos.col}:${m.text}`;
    if (seen.has(id)) continue;
    seen.add(id);
    diagnostics.push({ severity: "error", code: "schema", message: m.text, file: parsed.file, line: pos.line, col: pos.col });
  }
  // Never let an invalid file pass silently, even if every error was a branch we leave to others.
  if (diagnostics.length === 0) {
    diagnostics.push({ severity: "error", code: "schema", message: "the policy does not match the schema", file: parsed.file, line: 1, col: 1 });
  }
  return diagnostics;
}
