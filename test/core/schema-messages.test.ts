import { describe, expect, it } from "vitest";
import type { ErrorObject } from "ajv/dist/2020.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { parsePolicyText, type ParsedFile } from "../../src/core/policy/parse.js";
import { PATTERN_WORDS, policySchema } from "../../src/core/policy/schema.js";
import { validatePolicySchema } from "../../src/core/policy/schema-validator.generated.js";
import { validateSchema } from "../../src/core/policy/validate-schema.js";
import { runPolicyTests } from "../../src/core/policy-tests.js";
import { TESTS_PATTERN_WORDS, testsSchema } from "../../src/core/policy-tests-schema.js";
import { validateTestsSchema } from "../../src/core/policy-tests-validator.generated.js";
import { main } from "../../src/cli/main.js";

// Time budget: about a second. For every keyword that can fail, wherever the schema uses it,
// a document is built that breaks exactly there; the messages the user gets must be plain words.

/** Phrases of the validator's own that must never reach a user. */
const RAW_PHRASES = [
  "must NOT have",
  "must have required property",
  "must match pattern",
  "must be equal to",
  'must match "then"',
  "must be integer",
  "must be >=",
  "must NOT be",
  "should",
  "additional properties",
];

/** Keywords that only hold other schemas or notes; every other keyword can fail. */
const CONTAINERS = new Set(["$schema", "$id", "$defs", "$ref", "title", "description", "properties", "items", "then", "else", "default", "examples"]);

type Schema = Record<string, unknown>;
type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

interface Occurrence {
  node: Schema;
  keyword: string;
}

function resolver(root: Schema) {
  return (node: Schema): Schema => {
    let n = node;
    while (typeof n.$ref === "string") {
      let target: unknown = root;
      for (const part of n.$ref.slice(2).split("/")) target = (target as Schema)[part];
      n = target as Schema;
    }
    return n;
  };
}

/** The subschemas a value's parts are checked against (not `if`, `not` or `propertyNames`: those are constraints, broken as a whole). */
function children(node: Schema): Schema[] {
  const out: Schema[] = [];
  const push = (v: unknown) => v && typeof v === "object" && !Array.isArray(v) && out.push(v as Schema);
  for (const v of Object.values((node.properties as Schema | undefined) ?? {})) push(v);
  push(node.items);
  if (typeof node.additionalProperties === "object") push(node.additionalProperties);
  push(node.then);
  push(node.else);
  for (const alt of (node.anyOf as unknown[] | undefined) ?? []) push(alt);
  return out;
}

/** Every (schema node, keyword that can fail) reachable from the root, each node once. */
function occurrences(root: Schema): Occurrence[] {
  const resolve = resolver(root);
  const seen = new Set<Schema>();
  const out: Occurrence[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = resolve(stack.pop()!);
    if (seen.has(node)) continue;
    seen.add(node);
    for (const [keyword, value] of Object.entries(node)) {
      if (CONTAINERS.has(keyword)) continue;
      if (keyword === "additionalProperties" && value !== false) continue; // a schema for map values, not a check
      out.push({ node, keyword });
    }
    stack.push(...children(node));
  }
  return out;
}

/** Strings tried, in order, as a valid value for a pattern: the first that matches is used. */
const SAMPLE_STRINGS = ["example", "alice", "@acme/devops", "acme/devops", "2026-01-31", "09:30", "approve", "roles.ops", "*"];

/**
 * Builds documents for one schema: valid everywhere except at the one place where a chosen
 * keyword is broken. Knows the constructs the schemas use; a new construct fails loudly here.
 */
function documentBuilder(root: Schema) {
  const resolve = resolver(root);
  /** Steps from `node` down to `target` through the parts of a value (Infinity when it cannot get there). */
  const distance = (node: unknown, target: Schema): number => {
    if (node === undefined) return Infinity;
    let frontier = [resolve(node as Schema)];
    const seen = new Set<Schema>();
    for (let steps = 0; frontier.length > 0; steps++) {
      if (frontier.includes(target)) return steps;
      for (const n of frontier) seen.add(n);
      frontier = frontier
        .flatMap(children)
        .map(resolve)
        .filter((n) => !seen.has(n));
    }
    return Infinity;
  };
  const leads = (node: unknown, target: Schema) => distance(node, target) < Infinity;
  /** The candidate closest to the target (conditions nest in conditions: never loop through them). */
  const closest = <T>(candidates: readonly T[], schemaOf: (c: T) => unknown, target: Schema): T | undefined => {
    let best: T | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
      const d = distance(schemaOf(c), target);
      if (d < bestDistance) [best, bestDistance] = [c, d];
    }
    return best;
  };

  function sampleString(s: Schema): string {
    if (typeof s.pattern !== "string") return "example";
    const re = new RegExp(s.pattern, "u");
    const sample = SAMPLE_STRINGS.find((c) => re.test(c));
    if (sample === undefined) throw new Error(`no sample string matches ${s.pattern}: add one to SAMPLE_STRINGS`);
    return sample;
  }

  /**
   * The schema a value must satisfy once each `if` is decided towards the branch that leads to
   * the target, and the branch nodes merged into it.
   */
  function decideIf(s: Schema, target: Schema | undefined, broken?: string): { schema: Schema; merged: Schema[] } {
    if (!s.if) return { schema: s, merged: [] };
    const cond = s.if as Schema;
    // Through `then` the value must satisfy the if, so a keyword the if tests is broken through `else`.
    const toElse = target !== undefined && leads(s.else, target) && (!leads(s.then, target) || Object.keys(cond).includes(broken ?? ""));
    const { if: _if, then, else: otherwise, ...rest } = s;
    const branch = resolve(((toElse ? otherwise : then) as Schema | undefined) ?? {});
    const { if: innerIf, then: innerThen, else: innerElse, ...branchRest } = branch;
    const schema: Schema = { ...rest, ...branchRest };
    if (typeof cond.type === "string") {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [String(s.type)];
      schema.type = toElse ? types.filter((t) => t !== cond.type) : [cond.type];
    } else if (Array.isArray(cond.required)) {
      schema.required = [...((rest.required as string[]) ?? []), ...((branch.required as string[]) ?? []), ...(toElse ? [] : (cond.required as string[]))];
      if (toElse) schema.forbidden = cond.required;
    } else throw new Error(`no recipe for an if of ${JSON.stringify(cond)}`);
    if (!innerIf) return { schema, merged: [branch] };
    const inner = decideIf({ ...schema, if: innerIf, then: innerThen, else: innerElse }, target, broken);
    return { schema: inner.schema, merged: [branch, ...inner.merged] };
  }

  /** A valid value for `node`, routed through the part that leads to `target` when there is one. */
  function valid(node: Schema, target?: Schema, broken?: string): unknown {
    const original = resolve(node);
    if (target !== undefined && original === target) return violate(original, broken!);
    const decided = decideIf(original, target, broken);
    let s = decided.schema;
    const merged = [...decided.merged];
    if (Array.isArray(s.anyOf)) {
      const alts = (s.anyOf as Schema[]).map(resolve);
      const alt = (target !== undefined ? closest(alts, (a) => a, target) : undefined) ?? alts[0]!;
      const { anyOf, ...rest } = s;
      // Breaking the alternatives themselves keeps them; choosing one makes it the value's schema.
      if (target === undefined || !merged.includes(target)) {
        s = { ...rest, ...alt };
        merged.push(alt);
      } else s = { ...rest, anyOf };
    }
    // A branch breaks within the merged schema; its own if, on the branch itself (the merge decided it).
    if (target !== undefined && merged.includes(target)) return violate(broken === "if" ? target : s, broken!);
    if (s.const !== undefined) return s.const;
    if (Array.isArray(s.enum)) return s.enum[0];
    const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === "string" ? [s.type] : ["string"];
    const type =
      types.find((t) => (t === "object" || t === "array") && target !== undefined && (leads(s.items, target) || reachesProperty(s, target))) ?? types[0]!;
    switch (type) {
      case "object":
        return validObject(s, target, broken);
      case "array": {
        const count = Math.max(1, Number(s.minItems ?? 1));
        return Array.from({ length: count }, (_, i) => valid((s.items as Schema) ?? {}, i === 0 ? target : undefined, broken));
      }
      case "integer":
      case "number":
        return Math.min(Number(s.maximum ?? Infinity), Math.max(Number(s.minimum ?? 1), 1));
      case "boolean":
        return true;
      case "string":
        return sampleString(s);
      default:
        throw new Error(`no recipe for type ${type}`);
    }
  }

  function reachesProperty(s: Schema, target: Schema): boolean {
    return (
      Object.values((s.properties as Schema | undefined) ?? {}).some((p) => leads(p, target)) ||
      leads(typeof s.additionalProperties === "object" ? s.additionalProperties : undefined, target)
    );
  }

  function validObject(s: Schema, target?: Schema, broken?: string): Record<string, unknown> {
    const props = (s.properties as Record<string, Schema> | undefined) ?? {};
    const out: Record<string, unknown> = {};
    const forbidden = new Set((s.forbidden as string[] | undefined) ?? []);
    for (const key of (s.required as string[] | undefined) ?? []) out[key] = valid(props[key] ?? {});
    const values = typeof s.additionalProperties === "object" ? (s.additionalProperties as Schema) : undefined;
    const routes = target !== undefined ? closest([...Object.keys(props), ""], (k) => (k === "" ? values : props[k]), target) : undefined;
    const routed = routes === "" ? undefined : routes;
    if (routed !== undefined) out[routed] = valid(props[routed]!, target, broken);
    if (values && (routes === "" || Number(s.minProperties ?? 0) > Object.keys(out).length)) {
      const name = sampleString((s.propertyNames as Schema | undefined) ?? {});
      out[name] = valid(values, routes === "" ? target : undefined, broken);
    }
    for (const key of Object.keys(props)) {
      if (Object.keys(out).length >= Number(s.minProperties ?? 0)) break;
      if (!(key in out) && !forbidden.has(key)) out[key] = valid(props[key]!);
    }
    for (const [key, needs] of Object.entries((s.dependentRequired as Record<string, string[]> | undefined) ?? {}))
      if (key in out) for (const n of needs) out[n] ??= valid(props[n] ?? {});
    return out;
  }

  /** A value that breaks `keyword` of `node` and nothing it can avoid breaking. */
  function violate(node: Schema, keyword: string): unknown {
    const s = decideIf(node, undefined).schema;
    const types = Array.isArray(node.type) ? (node.type as string[]) : typeof node.type === "string" ? [node.type] : [];
    const props = (s.properties as Record<string, Schema> | undefined) ?? {};
    switch (keyword) {
      case "type":
        return [12345, "text", true, ["a"], { a: 1 }].find(
          (v) =>
            !types.some((t) =>
              t === "array"
                ? Array.isArray(v)
                : t === "object"
                  ? typeof v === "object" && !Array.isArray(v)
                  : t === "integer"
                    ? Number.isInteger(v)
                    : typeof v === t,
            ),
        );
      case "minItems":
        return Array.from({ length: Number(node.minItems) - 1 }, () => valid((node.items as Schema) ?? {}));
      case "minLength":
        return "";
      case "maxLength":
        return "x".repeat(Number(node.maxLength) + 1);
      case "minimum":
        return Number(node.minimum) - 1;
      case "maximum":
        return Number(node.maximum) + 1;
      case "pattern":
        return "not valid!";
      case "enum":
        return String((node.enum as unknown[])[0]).slice(0, -1); // a near miss: one letter short
      case "const":
        return typeof node.const === "number" ? node.const + 1 : "other";
      case "required": {
        const value = validObject(s);
        delete value[(node.required as string[])[0]!];
        return value;
      }
      case "additionalProperties": {
        const value = validObject(s);
        const known = Object.keys(props)[0] ?? "key";
        value[`${known}x`] = valid(props[known] ?? {}); // a near miss of a known key
        return value;
      }
      case "minProperties":
        return {};
      case "propertyNames": {
        const value: Record<string, unknown> = {};
        value["not valid!"] = valid(typeof node.additionalProperties === "object" ? (node.additionalProperties as Schema) : {});
        return value;
      }
      case "dependentRequired": {
        const [key] = Object.keys(node.dependentRequired as object);
        return { [key!]: valid(props[key!]!) };
      }
      case "not": {
        const banned = (node.not as Schema).required as string[] | undefined;
        if (!banned) throw new Error(`no recipe for a not of ${JSON.stringify(node.not)}`);
        const value = validObject(s);
        for (const key of banned) value[key] = valid(props[key] ?? {});
        return value;
      }
      case "anyOf":
        return "not valid!";
      case "if": {
        // An if fails when the branch it selects fails: satisfy the if, break the first keyword of its then.
        const then = resolve(node.then as Schema);
        const decidedBy = Object.keys(node.if as Schema); // breaking these would flip the if instead
        const inner = occurrences(then).find((x) => x.node === then && !decidedBy.includes(x.keyword));
        if (!inner) throw new Error("an if whose then cannot fail");
        return violate(s, inner.keyword);
      }
      default:
        throw new Error(`no recipe to break the keyword "${keyword}": add one to violate() in this test`);
    }
  }

  return (o: Occurrence) => valid(root, o.node, o.keyword);
}

const sameSchema = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function parse(text: string): ParsedFile {
  const r = parsePolicyText("generated.yml", text);
  if (r.ok) return r.parsed;
  // The parser refuses a document that is no mapping before the schema sees it; the schema's words still count.
  if (r.diagnostics[0]?.code !== "not-mapping") throw new Error(`the generated document does not parse: ${JSON.stringify(r.diagnostics)}`);
  return { file: "generated.yml", value: JSON.parse(text), locate: () => ({ line: 1, col: 1 }) };
}

interface Case {
  title: string;
  keyword: string;
  text: string;
  raw: ErrorObject[];
}

/** One document per occurrence, with the raw errors that prove it breaks that very keyword. */
function cases(root: Schema, validator: Validator): Case[] {
  const build = documentBuilder(root);
  const resolve = resolver(root);
  return occurrences(root).map((o) => {
    const text = JSON.stringify(build(o), null, 1);
    validator(JSON.parse(text));
    const raw = validator.errors ?? [];
    const expected = o.keyword === "if" ? "if" : o.keyword === "propertyNames" ? "propertyNames" : o.keyword;
    const hit = raw.some((e) => e.keyword === expected && sameSchema(e.parentSchema, resolve(o.node)));
    if (!hit)
      throw new Error(
        `the document for ${o.keyword} in ${JSON.stringify(o.node).slice(0, 120)} does not break it:\n${text}\n${JSON.stringify(raw.map((e) => [e.keyword, e.schemaPath]))}`,
      );
    return { title: `${o.keyword} at ${JSON.stringify(o.node).slice(0, 70)}`, keyword: o.keyword, text, raw };
  });
}

function expectPlainWords(message: string, raw: readonly ErrorObject[]) {
  expect(message.trim()).not.toBe("");
  for (const phrase of RAW_PHRASES) expect(message.toLowerCase(), `"${message}" contains "${phrase}"`).not.toContain(phrase.toLowerCase());
  for (const e of raw) if (e.message) expect(message, `"${message}" repeats the validator's "${e.message}"`).not.toContain(e.message);
}

/** Every `pattern` value in a schema. */
function patterns(schema: unknown): string[] {
  const out: string[] = [];
  const stack = [schema];
  while (stack.length > 0) {
    const n = stack.pop();
    if (Array.isArray(n)) stack.push(...n);
    else if (n && typeof n === "object")
      for (const [k, v] of Object.entries(n)) {
        if (k === "pattern" && typeof v === "string") out.push(v);
        else stack.push(v);
      }
  }
  return out;
}

const POLICY_CASES = cases(policySchema as unknown as Schema, validatePolicySchema);
const TESTS_CASES = cases(testsSchema as unknown as Schema, validateTestsSchema);

describe("every keyword the policy schema can fail on, wherever it is used, is reported in plain words", () => {
  it("finds the keywords in the schema itself", () => {
    const keywords = new Set(POLICY_CASES.map((c) => c.keyword));
    for (const k of [
      "type",
      "required",
      "additionalProperties",
      "minItems",
      "minLength",
      "minimum",
      "maximum",
      "pattern",
      "enum",
      "const",
      "not",
      "if",
      "anyOf",
      "minProperties",
      "dependentRequired",
      "propertyNames",
    ])
      expect(keywords).toContain(k);
  });

  it.each(POLICY_CASES.map((c) => [c.title, c] as const))("%s", (_title, c) => {
    const diagnostics = validateSchema(parse(c.text));
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const d of diagnostics) {
      expect(d).toMatchObject({ severity: "error", code: "schema", file: "generated.yml" });
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.col).toBeGreaterThanOrEqual(1);
      expect(d.message).not.toBe("the policy does not match the schema");
      expectPlainWords(d.message, c.raw);
    }
  });

  it("has words for every pattern it uses", () => {
    for (const p of patterns(policySchema)) expect(PATTERN_WORDS[p], p).toBeDefined();
  });
});

describe("every keyword the policy tests schema can fail on is reported in plain words", () => {
  const policy = loadPolicy("p.yml", "version: 1\n", new Date()).policy!;

  it.each(TESTS_CASES.map((c) => [c.title, c] as const))("%s", (_title, c) => {
    const run = runPolicyTests(policy, "generated.tests.yml", c.text, new Date("2026-01-01T00:00:00Z"));
    expect(run.results).toEqual([]);
    expect(run.diagnostics.length).toBeGreaterThan(0);
    for (const d of run.diagnostics) {
      // A document that is no mapping is refused by the parser, in its own plain words.
      expect(d).toMatchObject({
        severity: "error",
        code: Array.isArray(JSON.parse(c.text)) || typeof JSON.parse(c.text) !== "object" ? "not-mapping" : "tests-schema",
        file: "generated.tests.yml",
      });
      expect(d.message).not.toBe("the tests file does not match its schema");
      expectPlainWords(d.message, c.raw);
    }
  });

  it("has words for every pattern it uses", () => {
    for (const p of patterns(testsSchema)) expect(TESTS_PATTERN_WORDS[p], p).toBeDefined();
  });
});

describe("the sentences", () => {
  const messages = (text: string) => validateSchema(parse(text)).map((d) => `${d.line}:${d.col}: ${d.message}`);

  it.each([
    ["an empty list", "version: 1\nrequire: []\n", "2:10: require must list at least one entry"],
    [
      "a misspelt key, with the nearest known one",
      "version: 1\nrequire:\n  - aprovals: 2\n",
      "3:5: unknown key `aprovals` in require[0] (did you mean `approvals`?)",
    ],
    [
      "a date",
      "version: 1\nreview: { last_reviewed: 2026-1-31, interval_days: 30 }\n",
      '2:26: review.last_reviewed: expected a date YYYY-MM-DD, got "2026-1-31"',
    ],
    ["a level", "version: 1\nenvironments:\n  prod: { level: 6 }\n", "3:18: environments.prod.level: expected a whole number from 1 to 5, got 6"],
    ["a boolean", "version: 1\noptions: { author_can_approve: sometimes }\n", '2:32: options.author_can_approve: expected true or false, got "sometimes"'],
    ["a list", "version: 1\nroles:\n  ops:\n    members: bob\n", '4:14: roles.ops.members: expected a list, got "bob"'],
    [
      "one of a few words",
      "version: 1\noptions: { stale_approvals: dismis }\n",
      '2:29: options.stale_approvals: expected one of `dismiss`, `unless_changed`, `keep`, got "dismis" (did you mean `dismiss`?)',
    ],
    [
      "user and team together",
      "version: 1\nroles:\n  ops:\n    members: [{ user: bob, team: acme/ops }]\n",
      "4:15: roles.ops.members[0] names both `user` and `team`: give one of them",
    ],
    ["neither user nor team", "version: 1\nroles:\n  ops:\n    members: [{ expires: 2030-01-01 }]\n", "4:15: roles.ops.members[0] needs `user` or `team`"],
    ["an unknown key far from any known one", "version: 1\ncolour: red\n", "2:1: unknown key `colour` in the policy"],
  ])("%s", (_what, text, expected) => {
    expect(messages(text)).toEqual([expected]);
  });

  it("validate --format json keeps its shape: file, valid, and positioned diagnostics with a stable code", async () => {
    let stdout = "";
    const dir = await import("node:fs").then((fs) => fs.mkdtempSync(`${(globalThis.process.env.TMPDIR ?? "/tmp").replace(/\/$/, "")}/rolegate-msg-`));
    const { writeFileSync, rmSync } = await import("node:fs");
    writeFileSync(`${dir}/p.yml`, "version: 1\nrequire:\n  - aprovals: 2\n");
    try {
      const code = await main(["validate", "p.yml", "--format", "json"], { stdout: (t) => (stdout += t), stderr: () => {}, cwd: dir, env: {} });
      expect(code).toBe(2);
      expect(JSON.parse(stdout)).toEqual({
        file: "p.yml",
        valid: false,
        diagnostics: [
          { severity: "error", code: "schema", message: "unknown key `aprovals` in require[0] (did you mean `approvals`?)", file: "p.yml", line: 3, col: 5 },
        ],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
