import { POLICY_DEFINING_FILES } from "../names.js";
import { sortDiagnostics, START, type Diagnostic, type Position } from "../diagnostics.js";
import { lintPolicy } from "./lint.js";
import type { LoadedPolicy } from "./load.js";
import { buildPolicy, type RawPolicy } from "./model.js";
import { parsePolicyText, type ParsedFile, type ValuePath } from "./parse.js";
import { validateSchema } from "./validate-schema.js";

export const MAX_EXTENDS_DEPTH = 5;

export interface PolicyText {
  /** Display name used in diagnostics, e.g. `.github/rolegate.yml` or `acme/.github:.github/rolegate.yml`. */
  file: string;
  text: string;
}

/** Where a parent policy lives, as the front end understood an `extends:` value. */
export type ExtendsRef =
  | { kind: "org"; key: string }
  | { kind: "repo"; owner: string; repo: string; path: string; key: string }
  | { kind: "preset"; name: string; key: string };

/** Reads a parent; answers an error string when it cannot (never guesses). */
export type ParentReader = (ref: ExtendsRef) => Promise<PolicyText | { error: string }>;

export function parseExtends(value: string, owner?: string): ExtendsRef | { error: string } {
  if (value === ".github") {
    if (!owner) return { error: "`extends: .github` needs the repository's owner, which is unknown here" };
    return { kind: "org", key: `${owner.toLowerCase()}/.github:.github/rolegate.yml` };
  }
  const preset = /^preset:([a-z0-9][a-z0-9-]*)$/.exec(value);
  if (preset) return { kind: "preset", name: preset[1]!, key: `preset:${preset[1]}` };
  const repo = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9_.-]+):(.+)$/.exec(value);
  if (repo) {
    const path = repo[3]!.replace(/^\//, "");
    // One spelling per file: `./`, `..`, `//` and a trailing `/` would let a parent hide from the `policy` category.
    if (path.split("/").some((s) => s === ".." || s === "." || s === "")) {
      return { error: `invalid path in extends "${value}": write the path from the repository root, without "./", "..", "//" or a trailing "/"` };
    }
    return { kind: "repo", owner: repo[1]!, repo: repo[2]!, path, key: `${repo[1]!.toLowerCase()}/${repo[2]!.toLowerCase()}:${path}` };
  }
  return { error: `invalid extends "${value}": use ".github", "OWNER/REPO:PATH" or "preset:NAME"` };
}

interface Layer {
  parsed: ParsedFile;
  raw: RawPolicy;
}

const MERGED_BY_NAME = ["roles", "categories", "environments"] as const;

/** Is `key` (e.g. `roles.security-contact`, `require`, `options.stale_approvals`) defined in this raw policy? */
function defines(raw: RawPolicy, key: string): boolean {
  const [top, name] = key.split(/\.(.*)/s) as [string, string | undefined];
  const value = (raw as unknown as Record<string, unknown>)[top];
  if (value === undefined) return false;
  if (name === undefined || name === "") return true;
  if (name === "*") return typeof value === "object" && value !== null && Object.keys(value).length > 0;
  return typeof value === "object" && value !== null && Object.hasOwn(value, name);
}

/** Parses a policy text and checks it against the schema: its raw value, or the findings that stop it. */
function parseLayer(text: PolicyText): Layer | { diagnostics: Diagnostic[] } {
  const parsed = parsePolicyText(text.file, text.text);
  if (!parsed.ok) return { diagnostics: parsed.diagnostics };
  const schema = validateSchema(parsed.parsed);
  if (schema.length > 0) return { diagnostics: sortDiagnostics(schema) };
  return { parsed: parsed.parsed, raw: parsed.parsed.value as RawPolicy };
}

export interface ComposeContext {
  owner?: string;
  repo?: string;
  sourcePath?: string;
  /**
   * The organisation default (`OWNER/.github:.github/rolegate.yml`), when the front end found
   * one and the policy is not that file itself. With `enforce: true` it binds the policy as if
   * the policy began with `extends: .github`: it becomes the root layer (its own parents above
   * it) unless the chain already reaches it. Without `enforce: true` it changes nothing.
   */
  baseline?: PolicyText;
}

/**
 * Loads a policy and the chain of parents it extends, merges them (the child wins by name,
 * `require` lists concatenate parent first, `options` merge key by key) and validates the
 * result. Every diagnostic names the file it is in.
 */
export async function loadComposed(
  source: PolicyText,
  readParent: ParentReader,
  now: Date,
  context: ComposeContext = {},
): Promise<LoadedPolicy & { chain: string[]; baseline?: string }> {
  const layers: Layer[] = [];
  const chain: string[] = [];
  let seen = new Set<string>();
  const baselineKey = context.owner ? `${context.owner.toLowerCase()}/.github:.github/rolegate.yml` : context.baseline?.file;
  // The baseline binds once: not the baseline itself (the same text, under whatever name it was
  // read), nor a chain that reaches it on its own.
  let baselineReached = context.baseline === undefined || context.baseline.text === source.text;
  let baselineLayer: ParsedFile | undefined;
  let current: PolicyText = source;
  for (;;) {
    const layer = parseLayer(current);
    if ("diagnostics" in layer) return { diagnostics: layer.diagnostics, chain };
    const { raw } = layer;
    layers.push(layer);
    chain.push(current.file);
    if (current === context.baseline) baselineLayer = layer.parsed;
    if (raw.extends === undefined) {
      if (baselineReached) break;
      baselineReached = true;
      const baseline = context.baseline!;
      const checked = parseLayer(baseline);
      // A baseline that cannot be read cannot be known not to bind: fail closed, naming it.
      if ("diagnostics" in checked) return { diagnostics: checked.diagnostics, chain: [...chain, baseline.file] };
      if (checked.raw.enforce !== true) break;
      if (layers.length > MAX_EXTENDS_DEPTH) {
        const message = `with the enforced organisation baseline ${baseline.file} at its root, the extends chain is deeper than ${MAX_EXTENDS_DEPTH}: ${[...chain, baseline.file].join(" -> ")}`;
        return { diagnostics: [diag(current.file, START, message, "extends-depth")], chain };
      }
      // The baseline's own parents are a chain of their own: one it shares with the repository's is no cycle.
      seen = new Set(baselineKey ? [baselineKey] : []);
      current = baseline;
      continue;
    }
    const at = layer.parsed.locate(["extends"]);
    const fail = (message: string, code = "extends") => ({ diagnostics: [diag(current.file, at, message, code)], chain });
    const ref = parseExtends(raw.extends, context.owner);
    if ("error" in ref) return fail(ref.error);
    if (seen.has(ref.key) || ref.key === keyOfSource(source, context)) return fail(`extends cycle: ${[...chain, ref.key].join(" -> ")}`, "extends-cycle");
    if (layers.length > MAX_EXTENDS_DEPTH)
      return fail(`extends chain is deeper than ${MAX_EXTENDS_DEPTH}: ${[...chain, ref.key].join(" -> ")}`, "extends-depth");
    seen.add(ref.key);
    if (ref.key === baselineKey) baselineReached = true;
    const parent = await readParent(ref);
    if ("error" in parent)
      return fail(`cannot read parent policy ${ref.key} (${parent.error}); chain: ${[...chain, ref.key].join(" -> ")}`, "extends-unreadable");
    current = parent;
  }

  // Merge from the root ancestor down; check locked keys at each step.
  const diagnostics: Diagnostic[] = [];
  let merged: RawPolicy = { version: 1 };
  const origins = new Map<string, ParsedFile>();
  const requireOrigins: { parsed: ParsedFile; index: number }[] = [];
  let locked: { key: string; from: ParsedFile }[] = [];
  for (let i = layers.length - 1; i >= 0; i--) {
    const { parsed, raw } = layers[i]!;
    for (const l of locked) {
      if (defines(raw, l.key)) {
        const path = l.key.split(/\.(.*)/s).filter((s) => s !== "" && s !== "*");
        const by = l.from === baselineLayer ? `the enforced organisation baseline ${l.from.file}` : l.from.file;
        diagnostics.push(diag(parsed.file, parsed.locate(path, true), `"${l.key}" is locked by ${by} and may not be redefined`, "locked"));
      }
    }
    merged = mergeLayer(merged, raw);
    for (const top of Object.keys(raw)) {
      if ((MERGED_BY_NAME as readonly string[]).includes(top))
        for (const name of Object.keys((raw as unknown as Record<string, object>)[top]!)) origins.set(`${top}.${name}`, parsed);
      else if (top === "options") for (const k of Object.keys(raw.options!)) origins.set(`options.${k}`, parsed);
      else if (top !== "require") origins.set(top, parsed);
    }
    for (const index of (raw.require ?? []).keys()) requireOrigins.push({ parsed, index });
    locked = [...locked, ...(raw.locked ?? []).map((key) => ({ key, from: parsed })), ...selectedByLockedRequire(raw, merged, parsed)];
  }
  delete merged.extends;
  // `enforce` speaks of the file that says it (an organisation default), never of its children.
  delete merged.enforce;
  diagnostics.push(...lockedHolders(merged, locked, origins, layers));
  if (diagnostics.length > 0) return { diagnostics: sortDiagnostics(diagnostics), chain };

  const child = layers[0]!.parsed;
  const composite: ParsedFile = {
    file: child.file,
    value: merged,
    locate: (path: ValuePath, key?: boolean) => {
      const { file, pos } = locateIn(path, key, child, origins, requireOrigins);
      return file === child ? pos : { ...pos, file: file.file };
    },
  };
  const built = buildPolicy(composite);
  const policyPaths = layers
    .slice(0, -1)
    .flatMap((l) => (l.raw.extends === undefined ? [] : [parseExtends(l.raw.extends, context.owner)]))
    .filter(
      (ref) =>
        "kind" in ref &&
        ref.kind === "repo" &&
        context.owner &&
        context.repo &&
        `${ref.owner}/${ref.repo}`.toLowerCase() === `${context.owner}/${context.repo}`.toLowerCase(),
    )
    .map((ref) => (ref as { path: string }).path);
  // The file the policy was read from defines it, whatever its name (the Action's `policy-path`).
  if (context.sourcePath !== undefined && !(POLICY_DEFINING_FILES as readonly string[]).includes(context.sourcePath)) policyPaths.unshift(context.sourcePath);
  built.policy.policyPaths = policyPaths;
  built.policy.extends = layers[0]!.raw.extends;
  built.policy.enforce = layers[0]!.raw.enforce === true;
  const bound = baselineLayer ? { baseline: baselineLayer.file } : {};
  if (built.diagnostics.length > 0) return { policy: built.policy, parsed: composite, diagnostics: sortDiagnostics(built.diagnostics), chain, ...bound };
  return { policy: built.policy, parsed: composite, diagnostics: sortDiagnostics(lintPolicy(built.policy, composite.locate, now)), chain, ...bound };
}

/**
 * A locked `require` also locks what its requirements select: a child that could redefine a
 * category or environment named there could empty the requirement without touching it.
 */
function selectedByLockedRequire(raw: RawPolicy, merged: RawPolicy, from: ParsedFile): { key: string; from: ParsedFile }[] {
  if (!(raw.locked ?? []).includes("require")) return [];
  const keys = new Set<string>();
  for (const req of merged.require ?? []) {
    for (const c of req.categories ?? []) keys.add(`categories.${c}`);
    for (const e of req.environments ?? []) keys.add(`environments.${e}`);
  }
  return [...keys].map((key) => ({ key, from }));
}

/**
 * Locks cover holders: who holds a locked role is decided by the policy that locked it. A
 * role defined below that policy (in a child) may not inherit the locked role, directly or
 * through other roles.
 */
function lockedHolders(merged: RawPolicy, locked: { key: string; from: ParsedFile }[], origins: Map<string, ParsedFile>, layers: Layer[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const roles = merged.roles ?? {};
  const depthOf = (p: ParsedFile | undefined) => layers.findIndex((l) => l.parsed === p);
  const inheritsFrom = (start: string, target: string): boolean => {
    const seen = new Set<string>();
    const stack = [...(roles[start]?.inherits ?? [])];
    while (stack.length > 0) {
      const r = stack.pop()!;
      if (r === target) return true;
      if (seen.has(r)) continue;
      seen.add(r);
      stack.push(...(roles[r]?.inherits ?? []));
    }
    return false;
  };
  for (const lock of locked) {
    const m = /^roles\.(.+)$/s.exec(lock.key);
    if (!m || m[1] === "*") continue;
    const name = m[1]!;
    const lockDepth = depthOf(lock.from);
    for (const role of Object.keys(roles)) {
      if (role === name) continue;
      const definedIn = origins.get(`roles.${role}`);
      if (!definedIn || depthOf(definedIn) >= lockDepth || !inheritsFrom(role, name)) continue;
      out.push(
        diag(
          definedIn.file,
          definedIn.locate(["roles", role, "inherits"], true),
          `role "${role}" inherits "${name}", which ${lock.from.file} locks: who holds a locked role is decided by the policy that locks it`,
          "locked",
        ),
      );
    }
  }
  return out;
}

function keyOfSource(source: PolicyText, context: { owner?: string; repo?: string }): string | undefined {
  if (!context.owner || !context.repo) return undefined;
  return `${context.owner.toLowerCase()}/${context.repo.toLowerCase()}:${source.file}`;
}

function mergeLayer(parent: RawPolicy, child: RawPolicy): RawPolicy {
  const out: RawPolicy = { ...parent, ...child };
  for (const key of MERGED_BY_NAME) {
    if (parent[key] || child[key]) (out as unknown as Record<string, unknown>)[key] = { ...(parent[key] ?? {}), ...(child[key] ?? {}) };
  }
  if (parent.require || child.require) out.require = [...(parent.require ?? []), ...(child.require ?? [])];
  if (parent.options || child.options) out.options = { ...(parent.options ?? {}), ...(child.options ?? {}) };
  return out;
}

function diag(file: string, pos: Position, message: string, code: string): Diagnostic {
  return { severity: "error", code, message, file, line: pos.line, col: pos.col };
}

/** The file and position a merged path came from. */
function locateIn(
  path: ValuePath,
  key: boolean | undefined,
  child: ParsedFile,
  origins: Map<string, ParsedFile>,
  requireOrigins: { parsed: ParsedFile; index: number }[],
): { file: ParsedFile; pos: Position } {
  const [top, second, ...rest] = path;
  if (top === "require" && typeof second === "number") {
    const o = requireOrigins[second];
    if (o) return { file: o.parsed, pos: o.parsed.locate(["require", o.index, ...rest], key) };
  }
  const owner = (typeof second === "string" && origins.get(`${String(top)}.${second}`)) || (top !== undefined && origins.get(String(top))) || child;
  return { file: owner, pos: path.length === 0 ? START : owner.locate(path, key) };
}
