import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from "yaml";
import { START, type Diagnostic, type Position } from "../diagnostics.js";

/** Limits that keep hostile input from costing more than a bounded amount of work. */
export const LIMITS = {
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  maxAliasCount: 100,
} as const;

/** Path into the parsed value: mapping keys and sequence indices. */
export type ValuePath = readonly (string | number)[];

/** A parsed policy file: its plain value plus a way back to source positions. */
export interface ParsedFile {
  file: string;
  value: unknown;
  /** Position of the value at `path`, or of its key when `key` is set; falls back to the nearest parent. */
  locate(path: ValuePath, key?: boolean): Position;
}

export type ParseResult = { ok: true; parsed: ParsedFile } | { ok: false; diagnostics: Diagnostic[] };

function error(file: string, pos: Position, message: string, code = "yaml"): Diagnostic {
  return { severity: "error", code, message, file, line: pos.line, col: pos.col };
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Depth of the node tree, walked iteratively so that depth itself cannot overflow the stack. */
function findTooDeep(root: Node | null | undefined, maxDepth: number): Node | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      if (depth > maxDepth) return node as Node;
      for (const item of node.items) {
        if (isPair(item)) {
          stack.push({ node: item.key, depth: depth + 1 });
          stack.push({ node: item.value, depth: depth + 1 });
        } else stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** First key that repeats in its mapping (keys compare by their string form, so 1 and "1" collide). */
function findDuplicateKey(root: Node): Node | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const name = isScalar(key) ? String(key.value) : String(key);
        if (seen.has(name)) return key ?? undefined;
        seen.add(name);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) for (const item of node.items) stack.push(item);
  }
  return undefined;
}

function firstAlias(doc: Document): Node | undefined {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node && typeof node === "object" && (node as { constructor: { name: string } }).constructor.name === "Alias") return node as Node;
    if (isMap(node) || isSeq(node)) for (const item of node.items) stack.push(item);
    else if (isPair(node)) stack.push(node.key, node.value);
  }
  return undefined;
}

const MAX_REPORTED_ERRORS = 20;

/**
 * Offset where flow collections (`[`, `{`) or compact block sequences (`- - -`) nest
 * beyond `limit`, found in one linear pass before the recursive parser sees the text.
 * Quoted brackets are counted too: a policy never legitimately has hundreds of them.
 */
function findRunawayNesting(text: string, limit: number): number | undefined {
  let depth = 0;
  let lineDashes = 0;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "[" || ch === "{") {
      if (++depth > limit) return i;
    } else if (ch === "]" || ch === "}") {
      depth = Math.max(0, depth - 1);
    } else if (ch === "\n") {
      atLineStart = true;
      lineDashes = 0;
    } else if (atLineStart && (ch === "-" || ch === "?") && (text[i + 1] === " " || text[i + 1] === "\t")) {
      if (++lineDashes > limit) return i;
    } else if (ch !== " " && ch !== "\t") {
      atLineStart = false;
    }
  }
  return undefined;
}

/**
 * Parses one policy file. Refuses, with a positioned error and without crashing:
 * files over 1 MiB, several documents, non-mapping documents, duplicate keys,
 * alias bombs, nesting deeper than 64 levels, and any YAML syntax error.
 */
export function parsePolicyText(file: string, text: string): ParseResult {
  if (byteLength(text) > LIMITS.maxBytes) {
    return { ok: false, diagnostics: [error(file, START, `policy file is larger than ${LIMITS.maxBytes} bytes (1 MiB)`, "too-large")] };
  }
  const runaway = findRunawayNesting(text, LIMITS.maxDepth * 4);
  if (runaway !== undefined) {
    const before = text.slice(0, runaway);
    const line = before.split("\n").length;
    const col = runaway - before.lastIndexOf("\n");
    return { ok: false, diagnostics: [error(file, { line, col }, `input is nested deeper than ${LIMITS.maxDepth} levels`, "too-deep")] };
  }
  const lineCounter = new LineCounter();
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  let docs: Document.Parsed[];
  try {
    // uniqueKeys is checked below in linear time; the library's own check is quadratic in the key count.
    // prettyErrors would copy source context into every error, quadratic on a long bad line.
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true }) as Document.Parsed[];
  } catch (e) {
    // The parser recurses on nesting; a stack overflow means input nested far beyond any policy.
    const why = e instanceof RangeError ? "input is nested too deeply" : `cannot parse YAML: ${(e as Error).message}`;
    return { ok: false, diagnostics: [error(file, START, why, "yaml")] };
  }
  if (!Array.isArray(docs) || docs.length === 0) {
    return { ok: false, diagnostics: [error(file, START, "policy file is empty: expected a mapping with `version: 1`", "not-mapping")] };
  }
  const diagnostics: Diagnostic[] = [];
  for (const doc of docs) {
    for (const e of doc.errors) {
      if (diagnostics.length >= MAX_REPORTED_ERRORS) break;
      if (/call stack/i.test(e.message)) {
        return { ok: false, diagnostics: [error(file, position(e.pos[0]), "input is nested too deeply", "too-deep")] };
      }
      const message = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      diagnostics.push(error(file, position(e.pos[0]), message, "yaml"));
    }
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  if (docs.length > 1) {
    const second = docs[1]!;
    const offset = second.range?.[0] ?? 0;
    return { ok: false, diagnostics: [error(file, position(offset), "a policy file holds exactly one YAML document; found several", "multiple-documents")] };
  }
  const doc = docs[0]!;
  const root = doc.contents;
  if (!isMap(root)) {
    const pos = root?.range ? position(root.range[0]) : START;
    return { ok: false, diagnostics: [error(file, pos, "the policy must be a mapping (key: value pairs) with `version: 1`", "not-mapping")] };
  }
  const duplicate = findDuplicateKey(root);
  if (duplicate) {
    return {
      ok: false,
      diagnostics: [
        error(
          file,
          position(duplicate.range?.[0] ?? 0),
          `duplicate key ${JSON.stringify(String((duplicate as { value?: unknown }).value))}: each key may appear once in a mapping`,
          "duplicate-key",
        ),
      ],
    };
  }
  const deep = findTooDeep(root, LIMITS.maxDepth);
  if (deep) {
    return { ok: false, diagnostics: [error(file, position(deep.range?.[0] ?? 0), `input is nested deeper than ${LIMITS.maxDepth} levels`, "too-deep")] };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
  } catch (e) {
    const alias = firstAlias(doc);
    const pos = alias?.range ? position(alias.range[0]) : START;
    const message =
      e instanceof ReferenceError || /alias/i.test((e as Error).message)
        ? `too many alias expansions (limit ${LIMITS.maxAliasCount}): refusing a possible alias bomb`
        : `cannot read YAML value: ${(e as Error).message}`;
    return { ok: false, diagnostics: [error(file, pos, message, "alias-limit")] };
  }

  const locate = (path: ValuePath, key = false): Position => {
    let node: unknown = root;
    let best: Position = root.range ? position(root.range[0]) : START;
    for (let i = 0; i < path.length; i++) {
      const step = path[i]!;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
        if (!pair) return best;
        const keyNode = pair.key as Node;
        const last = i === path.length - 1;
        if (last && key && keyNode.range) return position(keyNode.range[0]);
        node = pair.value;
        const target = (pair.value as Node | null)?.range ? (pair.value as Node) : keyNode;
        if (target.range) best = position(target.range[0]);
      } else if (isSeq(node) && typeof step === "number") {
        const item = node.items[step] as Node | undefined;
        if (!item) return best;
        node = item;
        if (item.range) best = position(item.range[0]);
      } else return best;
    }
    return best;
  };
  return { ok: true, parsed: { file, value, locate } };
}
