/**
 * GitHub's published OpenAPI description (`@octokit/openapi`, api.github.com),
 * loaded once per process, lazily, and turned into
 *  - a route table (method + path template → regex), and
 *  - ajv validators for request bodies (and, on demand, response bodies),
 *    compiled on first use and cached per operation.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface Operation {
  method: string;
  template: string;
  operationId: string;
  docUrl: string;
  regex: RegExp;
  paramNames: string[];
  literalCount: number;
  multiCount: number;
  segmentCount: number;
  requestBody?: { required: boolean; schema?: Json };
  /** status code → application/json schema */
  responses: Map<number, Json | undefined>;
}

export interface RouteMatch {
  op: Operation;
  params: Record<string, string>;
}

interface Spec {
  paths: Record<string, Record<string, JsonObject>>;
  components: {
    schemas: Record<string, Json>;
    parameters: Record<string, JsonObject>;
    responses: Record<string, JsonObject>;
  };
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

let cached: { spec: Spec; byMethod: Map<string, Operation[]>; byKey: Map<string, Operation> } | undefined;

export function openApiSpecPath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve("@octokit/openapi/generated/api.github.com.json");
}

/** Loads and indexes the spec (≈150 ms, once per process). */
export function loadOpenApi(): { byMethod: Map<string, Operation[]>; byKey: Map<string, Operation> } {
  if (cached) return cached;
  const spec = JSON.parse(readFileSync(openApiSpecPath(), "utf8")) as Spec;
  const byMethod = new Map<string, Operation[]>();
  const byKey = new Map<string, Operation>();
  for (const [template, item] of Object.entries(spec.paths)) {
    const shared = (item["parameters"] as unknown as JsonObject[] | undefined) ?? [];
    for (const method of METHODS) {
      const raw = item[method];
      if (!raw) continue;
      const params = [...shared, ...((raw["parameters"] as unknown as JsonObject[] | undefined) ?? [])].map((p) => resolveRef(spec, p));
      const pathParams = new Map<string, { integer: boolean; multi: boolean }>();
      for (const p of params) {
        if (p["in"] !== "path") continue;
        const schema = p["schema"] as JsonObject | undefined;
        pathParams.set(String(p["name"]), {
          integer: schema?.["type"] === "integer",
          multi: p["x-multi-segment"] === true,
        });
      }
      const compiled = compileTemplate(template, (name) => pathParams.get(name) ?? { integer: false, multi: false });
      let requestBody: Operation["requestBody"];
      const rb = raw["requestBody"] ? resolveRef(spec, raw["requestBody"] as JsonObject) : undefined;
      if (rb) {
        const content = rb["content"] as Record<string, JsonObject> | undefined;
        requestBody = { required: rb["required"] === true, schema: content?.["application/json"]?.["schema"] };
      }
      const responses = new Map<number, Json | undefined>();
      for (const [code, resp] of Object.entries((raw["responses"] as Record<string, JsonObject> | undefined) ?? {})) {
        const r = resolveRef(spec, resp);
        const content = r["content"] as Record<string, JsonObject> | undefined;
        responses.set(Number(code), content?.["application/json"]?.["schema"]);
      }
      const docs = raw["externalDocs"] as JsonObject | undefined;
      const op: Operation = {
        method: method.toUpperCase(),
        template,
        operationId: String(raw["operationId"] ?? `${method} ${template}`),
        docUrl: String(docs?.["url"] ?? "https://docs.github.com/rest"),
        ...compiled,
        ...(requestBody ? { requestBody } : {}),
        responses,
      };
      const list = byMethod.get(op.method) ?? [];
      list.push(op);
      byMethod.set(op.method, list);
      byKey.set(`${op.method} ${template}`, op);
    }
  }
  for (const list of byMethod.values()) list.sort(bySpecificity);
  cached = { spec, byMethod, byKey };
  return cached;
}

function resolveRef(spec: Spec, obj: JsonObject): JsonObject {
  const ref = obj["$ref"];
  if (typeof ref !== "string") return obj;
  const [, , section, name] = ref.split("/");
  const table = (spec.components as unknown as Record<string, Record<string, JsonObject>>)[section ?? ""];
  const found = table?.[name ?? ""];
  if (!found) throw new Error(`fake GitHub: unresolvable $ref ${ref}`);
  return resolveRef(spec, found);
}

export interface CompiledTemplate {
  regex: RegExp;
  paramNames: string[];
  literalCount: number;
  multiCount: number;
  segmentCount: number;
}

/** `/repos/{owner}/{repo}/pulls/{pull_number}` → regex over the raw (still percent-encoded) path. */
export function compileTemplate(template: string, kind: (name: string) => { integer: boolean; multi: boolean }): CompiledTemplate {
  const paramNames: string[] = [];
  let literalCount = 0;
  let multiCount = 0;
  const segments = template.split("/").slice(1);
  const source = segments
    .map((segment) => {
      // A segment may mix literal text and parameters; each part is handled on its own.
      let hadLiteral = false;
      const re = segment.replace(/\{([^}]+)\}|([^{]+)/g, (_m, name: string | undefined, literal: string | undefined) => {
        if (name) {
          paramNames.push(name);
          const k = kind(name);
          if (k.multi) {
            multiCount++;
            return "(.+?)";
          }
          return k.integer ? "(\\d+)" : "([^/]+)";
        }
        hadLiteral = true;
        return escapeRegex(literal ?? "");
      });
      if (hadLiteral) literalCount++;
      return re;
    })
    .join("/");
  return {
    regex: new RegExp(`^/${source}$`),
    paramNames,
    literalCount,
    multiCount,
    segmentCount: segments.length,
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** More literal segments first, then fewer multi-segment params, then longer templates. */
export function bySpecificity(a: CompiledTemplate, b: CompiledTemplate): number {
  return b.literalCount - a.literalCount || a.multiCount - b.multiCount || b.segmentCount - a.segmentCount;
}

export function matchRoute<T extends CompiledTemplate>(list: readonly T[], rawPath: string): { route: T; params: Record<string, string> } | undefined {
  for (const route of list) {
    const m = route.regex.exec(rawPath);
    if (!m) continue;
    const params: Record<string, string> = {};
    let ok = true;
    route.paramNames.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(m[i + 1] ?? "");
      } catch {
        ok = false;
      }
    });
    if (ok) return { route, params };
  }
  return undefined;
}

export function findOperation(method: string, rawPath: string): RouteMatch | undefined {
  const { byMethod } = loadOpenApi();
  const hit = matchRoute(byMethod.get(method) ?? [], rawPath);
  return hit ? { op: hit.route, params: hit.params } : undefined;
}

export function operationFor(method: string, template: string): Operation | undefined {
  return loadOpenApi().byKey.get(`${method} ${template}`);
}

// ---------------------------------------------------------------------------
// JSON-schema conversion (OpenAPI 3.0 → what ajv understands) and validators.

const KNOWN_FORMATS: Record<string, RegExp | true> = {
  "date-time": /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  uri: /^[a-zA-Z][a-zA-Z0-9+.-]*:\S*$/,
  "uri-template": true,
  email: /^[^\s@]+@[^\s@]+$/,
  int32: true,
  int64: true,
  double: true,
  binary: true,
  "repo.nwo": /^[^/\s]+\/[^/\s]+$/,
};

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
  ajvInstance ??= new Ajv({
    strict: false,
    allErrors: true,
    allowUnionTypes: true,
    verbose: true,
    validateFormats: true,
    formats: KNOWN_FORMATS,
    logger: false,
  });
  return ajvInstance;
}

const DROP = new Set(["description", "example", "examples", "externalDocs", "xml", "discriminator", "deprecated", "readOnly", "writeOnly", "title"]);

/** Converts one OpenAPI schema (with `$ref`s into components) into a self-contained draft-07 schema. */
export function toJsonSchema(root: Json): JsonObject {
  const { spec } = loadOpenApiSpec();
  const definitions: Record<string, Json> = {};
  const convert = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(convert);
    if (node === null || typeof node !== "object") return node;
    const ref = node["$ref"];
    if (typeof ref === "string") {
      const name = ref.split("/").pop() ?? "";
      if (!(name in definitions)) {
        definitions[name] = {};
        definitions[name] = convert(spec.components.schemas[name] ?? {});
      }
      return { $ref: `#/definitions/${name.replace(/~/g, "~0").replace(/\//g, "~1")}` };
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (DROP.has(key) || key.startsWith("x-") || key === "nullable") continue;
      switch (key) {
        case "properties":
        case "patternProperties": {
          const props: JsonObject = {};
          for (const [p, s] of Object.entries(value as JsonObject)) props[p] = convert(s);
          out[key] = props;
          break;
        }
        case "items":
        case "additionalProperties":
        case "not":
        case "allOf":
        case "anyOf":
          out[key] = convert(value);
          break;
        case "oneOf":
          // GitHub's oneOf branches overlap in places; "exactly one" would reject
          // requests GitHub accepts, so treat it as anyOf.
          out["anyOf"] = convert(value);
          break;
        case "format":
          if (typeof value === "string" && value in KNOWN_FORMATS) out[key] = value;
          break;
        default:
          out[key] = value;
      }
    }
    if (node["nullable"] === true) return makeNullable(out);
    return out;
  };
  const converted = convert(root);
  const top: JsonObject = converted && typeof converted === "object" && !Array.isArray(converted) ? converted : {};
  return Object.keys(definitions).length > 0 ? { ...top, definitions } : top;
}

function makeNullable(schema: JsonObject): JsonObject {
  const t = schema["type"];
  if (typeof t === "string" || Array.isArray(t)) {
    const types = Array.isArray(t) ? t : [t];
    const out: JsonObject = { ...schema, type: types.includes("null") ? types : [...types, "null"] };
    if (Array.isArray(schema["enum"]) && !schema["enum"].includes(null)) out["enum"] = [...schema["enum"], null];
    return out;
  }
  return { anyOf: [schema, { type: "null" }] };
}

function loadOpenApiSpec(): { spec: Spec } {
  loadOpenApi();
  return cached as { spec: Spec };
}

const requestValidators = new Map<Operation, ValidateFunction | null>();
const responseValidators = new Map<string, ValidateFunction | null>();

export function requestValidator(op: Operation): ValidateFunction | null {
  let v = requestValidators.get(op);
  if (v === undefined) {
    v = op.requestBody?.schema !== undefined ? ajv().compile(toJsonSchema(op.requestBody.schema)) : null;
    requestValidators.set(op, v);
  }
  return v;
}

export function responseValidator(op: Operation, status: number): ValidateFunction | null {
  const key = `${op.method} ${op.template} ${status}`;
  let v = responseValidators.get(key);
  if (v === undefined) {
    const schema = op.responses.get(status);
    v = schema !== undefined ? ajv().compile(toJsonSchema(schema)) : null;
    responseValidators.set(key, v);
  }
  return v;
}

const webhookValidators = new Map<string, ValidateFunction>();

/** A validator for a webhook payload, e.g. "push" or "check-run-completed" (GitHub's `x-webhooks` keys). */
export function webhookValidator(key: string): ValidateFunction {
  let v = webhookValidators.get(key);
  if (!v) {
    const { spec } = loadOpenApiSpec();
    const hooks = (spec as unknown as { "x-webhooks": Record<string, { post?: JsonObject }> })["x-webhooks"];
    const body = hooks[key]?.post?.["requestBody"] as JsonObject | undefined;
    const schema = (body?.["content"] as Record<string, JsonObject> | undefined)?.["application/json"]?.["schema"];
    if (schema === undefined) throw new Error(`fake GitHub: GitHub documents no webhook '${key}'`);
    v = ajv().compile(toJsonSchema(schema));
    webhookValidators.set(key, v);
  }
  return v;
}

export interface GitHubValidationError {
  resource: string;
  field: string;
  code: "missing_field" | "invalid";
  message: string;
}

/** ajv errors → GitHub-flavoured 422 `errors` entries. */
export function toGitHubErrors(resource: string, errors: readonly ErrorObject[]): GitHubValidationError[] {
  const out: GitHubValidationError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const base = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
    let item: GitHubValidationError;
    if (e.keyword === "required") {
      const missing = String((e.params as { missingProperty?: string }).missingProperty);
      const field = base ? `${base}.${missing}` : missing;
      item = { resource, field, code: "missing_field", message: `"${missing}" wasn't supplied.` };
    } else if (e.keyword === "enum") {
      const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      item = {
        resource,
        field: base,
        code: "invalid",
        message: `For '${pointer(e.schemaPath)}', ${JSON.stringify(e.data)} is not a member of ${JSON.stringify(allowed)}.`,
      };
    } else if (e.keyword === "type") {
      item = {
        resource,
        field: base,
        code: "invalid",
        message: `For '${pointer(e.schemaPath)}', ${JSON.stringify(e.data)} is not ${(e.params as { type?: string }).type ?? "valid"}.`,
      };
    } else {
      item = { resource, field: base, code: "invalid", message: `${base || "body"} ${e.message ?? "is invalid"}` };
    }
    const key = JSON.stringify(item);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(item);
    }
  }
  return out;
}

function pointer(schemaPath: string): string {
  return schemaPath.replace(/^#\//, "").replace(/\/(enum|type)$/, "");
}
