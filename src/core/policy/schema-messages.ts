import type { ErrorObject } from "ajv/dist/2020.js";
import { nearest } from "../suggest.js";
import type { ValuePath } from "./parse.js";

/** How messages name things for one kind of file. */
export interface SchemaWording {
  /** What the whole document is called, e.g. "the policy". */
  document: string;
  /** The schema's root, for following `$ref`s when describing what a value may be. */
  root: object;
  /** What each `pattern` accepts, in plain words, keyed by the pattern's source. */
  patterns: Readonly<Record<string, string>>;
}

/** One problem in the user's words, and where it is: the value at `path`, or its key when `onKey`. */
export interface SchemaProblem {
  text: string;
  path: ValuePath;
  onKey: boolean;
}

type Schema = Record<string, unknown>;

const code = (s: string) => `\`${s}\``;
const codes = (list: readonly string[]) => list.map(code).join(", ");
const andList = (list: readonly string[]) => (list.length <= 1 ? (list[0] ?? "") : `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`);
const orList = (list: readonly string[]) => (list.length <= 1 ? (list[0] ?? "") : `${list.slice(0, -1).join(", ")} or ${list.at(-1)}`);

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** `require[0].when`, or the document's name for the root. */
function describePath(path: ValuePath, wording: SchemaWording): string {
  if (path.length === 0) return wording.document;
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : p))
    .join(".")
    .replace(/\.\[/g, "[");
}

/** A value as the user wrote it, briefly. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "a list";
  return "a mapping";
}

function wholeNumber(s: Schema): string {
  const min = typeof s.minimum === "number" ? s.minimum : undefined;
  const max = typeof s.maximum === "number" ? s.maximum : undefined;
  if (min !== undefined && max !== undefined) return `a whole number from ${min} to ${max}`;
  if (min !== undefined) return `a whole number, ${min} or more`;
  if (max !== undefined) return `a whole number, ${max} or less`;
  return "a whole number";
}

function resolve(s: Schema, wording: SchemaWording): Schema {
  let node = s;
  for (let hops = 0; typeof node.$ref === "string" && node.$ref.startsWith("#/") && hops < 10; hops++) {
    let target: unknown = wording.root;
    for (const part of node.$ref.slice(2).split("/")) target = (target as Schema | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    if (!target || typeof target !== "object") break;
    node = target as Schema;
  }
  return node;
}

/** What a schema accepts, in plain words: "a list", "a whole number from 1 to 5", "a date YYYY-MM-DD". */
function describeSchema(schema: unknown, wording: SchemaWording): string {
  return orList(alternativesOf(schema, wording)) || "a value of another kind";
}

/** The forms a schema accepts, each in plain words. */
function alternativesOf(schema: unknown, wording: SchemaWording): string[] {
  if (!schema || typeof schema !== "object") return [];
  const s = resolve(schema as Schema, wording);
  if (s.const !== undefined) return [JSON.stringify(s.const)];
  if (Array.isArray(s.enum)) return [`one of ${codes(s.enum.map(String))}`];
  if (Array.isArray(s.anyOf)) return s.anyOf.flatMap((alt) => alternativesOf(alt, wording));
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === "string" ? [s.type] : [];
  if (types.length === 0 && typeof s.pattern === "string") return [patternWords(s.pattern, wording)];
  return types.flatMap((type): string[] => {
    switch (type) {
      case "integer":
        return [wholeNumber(s)];
      case "number":
        return ["a number"];
      case "boolean":
        return ["true or false"];
      case "array":
        return ["a list"];
      case "null":
        return ["an empty value"];
      case "object": {
        // In a string-or-mapping value, the mapping's keys are in the `else` branch.
        const shape = types.length > 1 && s.else ? resolve(s.else as Schema, wording) : s;
        const pair = exactlyOneOf(shape);
        if (pair) return [`a mapping with ${code(pair[0])} or ${code(pair[1])}`];
        const required = Array.isArray(shape.required) ? (shape.required as string[]) : [];
        return [required.length > 0 ? `a mapping with ${andList(required.map(code))}` : "a mapping"];
      }
      default: {
        // A string-or-mapping value says what the string must be in its `then` (when `if` is the string case).
        const then = (s.if as Schema | undefined)?.type === "string" ? (s.then as Schema | undefined) : undefined;
        if (then && types.length > 1) return alternativesOf({ type: "string", ...resolve(then, wording) }, wording);
        if (typeof s.pattern === "string") return [patternWords(s.pattern, wording)];
        return ["text"];
      }
    }
  });
}

function patternWords(pattern: string, wording: SchemaWording): string {
  return wording.patterns[pattern] ?? "a value in the form this key takes (see docs/policy.md)";
}

const isMapping = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

/** The keys an object schema knows, for suggestions. */
function knownKeys(schema: unknown): string[] {
  const properties = (schema as Schema | undefined)?.properties;
  return properties && typeof properties === "object" ? Object.keys(properties) : [];
}

/**
 * `if: {required: [A]}, then: {not: {required: [B]}}, else: {required: [B]}` says "exactly one
 * of A and B": report that as one sentence instead of its branches.
 */
function exactlyOneOf(parent: Schema): [string, string] | undefined {
  const ifKeys = (parent.if as Schema | undefined)?.required;
  const elseKeys = (parent.else as Schema | undefined)?.required;
  const thenNot = ((parent.then as Schema | undefined)?.not as Schema | undefined)?.required;
  if (Array.isArray(ifKeys) && ifKeys.length === 1 && Array.isArray(elseKeys) && elseKeys.length === 1 && Array.isArray(thenNot) && thenNot[0] === elseKeys[0])
    return [String(ifKeys[0]), String(elseKeys[0])];
  return undefined;
}

function problem(e: ErrorObject, wording: SchemaWording): SchemaProblem | undefined {
  const path = pathOf(e.instancePath);
  const where = describePath(path, wording);
  const at = (text: string): SchemaProblem => ({ text, path, onKey: false });
  const got = `, got ${describeValue(e.data)}`;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = knownKeys(e.parentSchema);
      const guess = nearest(key, known);
      const hint = guess !== undefined ? ` (did you mean ${code(guess)}?)` : known.length > 0 && known.length <= 12 ? ` (known keys: ${codes(known)})` : "";
      return { text: `unknown key ${code(key)} in ${where}${hint}`, path: [...path, key], onKey: true };
    }
    case "required":
      return at(`${where} is missing the key ${code(String(params.missingProperty))}`);
    case "dependentRequired":
      return at(`${where}: ${code(String(params.property))} needs ${code(String(params.missingProperty))} as well`);
    case "type":
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "multipleOf":
    case "const":
      return at(`${where}: expected ${describeSchema(e.parentSchema, wording)}${got}`);
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof e.data === "string" ? nearest(e.data, allowed) : undefined;
      return at(`${where}: expected one of ${codes(allowed)}${got}${guess !== undefined ? ` (did you mean ${code(guess)}?)` : ""}`);
    }
    case "pattern": {
      const words = patternWords(String(params.pattern), wording);
      if (e.propertyName !== undefined)
        return { text: `invalid name ${JSON.stringify(e.propertyName)} in ${where}: expected ${words}`, path: [...path, e.propertyName], onKey: true };
      return at(`${where}: expected ${words}${got}`);
    }
    case "minItems":
      return at(params.limit === 1 ? `${where} must list at least one entry` : `${where} must list at least ${params.limit} entries`);
    case "maxItems":
      return at(`${where} may list at most ${params.limit} entries`);
    case "minLength":
      return at(params.limit === 1 ? `${where} cannot be empty` : `${where}: expected at least ${params.limit} characters`);
    case "maxLength":
      return at(`${where}: expected at most ${params.limit} characters`);
    case "minProperties": {
      const known = knownKeys(e.parentSchema);
      return at(`${where} cannot be empty${known.length > 0 ? `: give at least one of ${codes(known)}` : ""}`);
    }
    case "maxProperties":
      return at(`${where} may have at most ${params.limit} keys`);
    case "uniqueItems":
      return at(`${where} lists the same entry twice (entries ${params.j} and ${params.i})`);
    case "anyOf":
    case "oneOf":
      return at(`${where}: expected ${describeSchema(e.parentSchema, wording)}${got}`);
    case "not": {
      const banned = (e.schema as Schema | undefined)?.required;
      return at(Array.isArray(banned) ? `${where} may not have ${codes(banned.map(String))} here` : `${where} is not allowed in this form here`);
    }
    case "if": {
      const pair = exactlyOneOf(e.parentSchema as Schema);
      // The failing branch reports the concrete problem; on a value that is no mapping, the type error does.
      if (!pair || !isMapping(e.data)) return undefined;
      return at(
        params.failingKeyword === "then"
          ? `${where} names both ${code(pair[0])} and ${code(pair[1])}: give one of them`
          : `${where} needs ${code(pair[0])} or ${code(pair[1])}`,
      );
    }
    case "propertyNames":
      return undefined; // Reported through the nested pattern error, which names the key.
    default:
      return at(`${where} is not valid here`);
  }
}

/** Where the branch errors of a combining keyword live, when its own message replaces them. */
function replacedBranches(e: ErrorObject): string[] {
  if (e.keyword === "anyOf" || e.keyword === "oneOf") return [`${e.schemaPath}/`];
  if (e.keyword === "if" && exactlyOneOf(e.parentSchema as Schema)) {
    const base = e.schemaPath.replace(/\/if$/, "");
    return [`${base}/then/`, `${base}/else/`];
  }
  return [];
}

/**
 * The validator's errors as sentences in the user's words: never the validator's own phrasing.
 * Alternatives (`anyOf`, one-of-two-keys) are one sentence instead of one per branch. Lazy, so a
 * caller that shows the first few problems of a huge file pays for those only.
 */
export function* schemaProblems(errors: readonly ErrorObject[], wording: SchemaWording): Generator<SchemaProblem> {
  const replaced = errors.flatMap(replacedBranches);
  const unknownKeys = new Map<string, { keys: string[]; known: string[] }>();
  for (const e of errors) {
    if (e.keyword !== "additionalProperties") continue;
    const entry = unknownKeys.get(e.instancePath) ?? { keys: [], known: knownKeys(e.parentSchema) };
    entry.keys.push(String(e.params.additionalProperty));
    unknownKeys.set(e.instancePath, entry);
  }
  for (const e of errors) {
    if (replaced.some((prefix) => e.schemaPath.startsWith(prefix))) continue;
    if (e.keyword === "required") {
      // A misspelt key is also a missing one: say it once, as the misspelling with its suggestion.
      const unknown = unknownKeys.get(e.instancePath);
      if (unknown?.keys.some((k) => nearest(k, unknown.known) === e.params.missingProperty)) continue;
    }
    const p = problem(e, wording);
    if (p) yield p;
  }
}
