import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { Diagnostic } from "../diagnostics.js";
import type { ParsedFile, ValuePath } from "./parse.js";
import { policySchema } from "./schema.js";

let compiled: ValidateFunction | undefined;
const MAX_SCHEMA_ERRORS = 20;

function validator(): ValidateFunction {
  // Compiled once per process: ajv code generation is the expensive part.
  compiled ??= new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(policySchema);
  return compiled;
}

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function describe(path: ValuePath): string {
  if (path.length === 0) return "the policy";
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : p))
    .join(".")
    .replace(/\.\[/g, "[");
}

/** One readable sentence per ajv error; the position comes separately. */
function message(e: ErrorObject): { text: string; path: ValuePath; onKey: boolean } | undefined {
  const path = pathOf(e.instancePath);
  const where = describe(path);
  switch (e.keyword) {
    case "if":
    case "anyOf":
    case "oneOf":
      return undefined; // Their branches report the concrete problem.
    case "additionalProperties": {
      const key = String(e.params.additionalProperty);
      return { text: `unknown key "${key}" in ${where}`, path: [...path, key], onKey: true };
    }
    case "required":
      return { text: `${where} is missing required key "${e.params.missingProperty}"`, path, onKey: false };
    case "const":
      return { text: `${where} must be ${JSON.stringify(e.params.allowedValue)}`, path, onKey: false };
    case "enum":
      return { text: `${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`, path, onKey: false };
    case "propertyNames":
      return undefined; // Reported through the nested pattern error with the key's name.
    case "pattern": {
      if (e.propertyName !== undefined) {
        return { text: `invalid name "${e.propertyName}" in ${where}: use letters, digits, "_", "." and "-"`, path: [...path, e.propertyName], onKey: true };
      }
      return { text: `${where} has an invalid value (expected to match ${e.params.pattern})`, path, onKey: false };
    }
    case "not":
      // Members name a user or a team; grant and deny entries a category or an environment.
      if (e.schemaPath.includes("/member/")) return { text: `${where} must name either "user" or "team", not both`, path, onKey: false };
      return { text: `${where} must name either "category" or "environment", not both`, path, onKey: false };
    case "dependentRequired":
      return { text: `${where} needs "${e.params.missingProperty}" together with "${e.params.property}"`, path, onKey: false };
    default:
      return { text: `${where} ${e.message ?? "is invalid"}`, path, onKey: false };
  }
}

/** Validates the parsed value against the schema; every error is positioned. */
export function validateSchema(parsed: ParsedFile): Diagnostic[] {
  const validate = validator();
  if (validate(parsed.value)) return [];
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const e of validate.errors ?? []) {
    // Locating costs a walk of the document; a file with thousands of bad keys needs only the first few.
    if (diagnostics.length >= MAX_SCHEMA_ERRORS) break;
    const m = message(e);
    if (!m) continue;
    const pos = parsed.locate(m.path, m.onKey);
    const id = `${pos.line}:${pos.col}:${m.text}`;
    if (seen.has(id)) continue;
    seen.add(id);
    diagnostics.push({ severity: "error", code: "schema", message: m.text, file: parsed.file, line: pos.line, col: pos.col });
  }
  // ajv can report only branch-level errors that we hide; never let an invalid file pass silently.
  if (diagnostics.length === 0) {
    diagnostics.push({ severity: "error", code: "schema", message: "the policy does not match the schema", file: parsed.file, line: 1, col: 1 });
  }
  return diagnostics;
}
