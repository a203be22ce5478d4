import { isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from "yaml";

/**
 * Trimming a preset's roles and requirements to the categories and environments a tree has.
 * Every cut keeps the meaning: a grant or deny on a category that does not exist covers no file;
 * a member scoped to environments that do not exist holds the role for no file; a requirement
 * that selects only by categories or environments that do not exist selects nothing. A selector
 * list is never left empty (that would select every file), the requirement goes instead.
 */
export interface KnownNames {
  /** User categories, the built-ins `policy` and `other`, and `*`. */
  categories: ReadonlySet<string>;
  environments: ReadonlySet<string>;
}

const text = (node: unknown): string | undefined => (isScalar(node) ? String(node.value) : undefined);

/** Keeps the items of a sequence for which `keep` holds; answers the names of those it removed. */
function filterSeq(seq: YAMLSeq, keep: (item: unknown) => boolean, name: (item: unknown) => string): string[] {
  const removed = seq.items.filter((item) => !keep(item));
  seq.items = seq.items.filter((item) => !removed.includes(item));
  return removed.map(name);
}

/** The category a grant or deny entry names: `name` or `{ category: name, ... }`. */
function ruleCategory(item: unknown): string {
  return text(item) ?? (isMap(item) ? (text(item.get("category", true)) ?? "") : "");
}

/** Removes what the tree cannot use from every role; answers one line per cut, for the policy's header. */
export function pruneRoles(roles: YAMLMap, known: KnownNames): string[] {
  const notes: string[] = [];
  for (const pair of roles.items) {
    const role = text(pair.key) ?? "";
    const body = pair.value;
    if (!isMap(body)) continue;
    for (const kind of ["grants", "denies"] as const) {
      const actions = body.get(kind, true);
      if (!isMap(actions)) continue;
      for (const actionPair of [...actions.items]) {
        const list = actionPair.value;
        if (!isSeq(list)) continue;
        const gone = filterSeq(list, (item) => known.categories.has(ruleCategory(item)), ruleCategory);
        if (gone.length > 0) notes.push(`${role}: ${kind === "grants" ? "grant" : "deny"} of ${text(actionPair.key)} on ${gone.join(", ")}`);
        if (list.items.length === 0) actions.delete(actionPair.key);
      }
      if (actions.items.length === 0) body.delete(kind);
    }
    const members = body.get("members", true);
    if (isSeq(members)) {
      const gone = filterSeq(
        members,
        (m) => {
          const scope = isMap(m) ? m.get("environments", true) : undefined;
          if (!isSeq(scope)) return true;
          scope.items = scope.items.filter((e) => known.environments.has(text(e) ?? ""));
          return scope.items.length > 0;
        },
        (m) => (isMap(m) ? (text(m.get("user", true)) ?? text(m.get("team", true)) ?? "?") : "?"),
      );
      if (gone.length > 0) notes.push(`${role}: the member${gone.length === 1 ? "" : "s"} ${gone.join(", ")} (scoped to environments this tree does not have)`);
      if (members.items.length === 0) body.delete("members");
    }
  }
  return notes;
}

/** Removes requirements that could select nothing here, and unknown names from the others' selectors. */
export function pruneRequirements(require: YAMLSeq, known: KnownNames): string[] {
  const notes: string[] = [];
  require.items = require.items.filter((req: unknown) => {
    if (!isMap(req)) return true;
    const name = text(req.get("name", true)) ?? "(unnamed)";
    for (const [key, names] of [
      ["categories", known.categories],
      ["environments", known.environments],
    ] as const) {
      const list = req.get(key, true);
      if (!isSeq(list)) continue;
      const gone = filterSeq(
        list,
        (item) => names.has(text(item) ?? ""),
        (item) => text(item) ?? "?",
      );
      if (list.items.length === 0) {
        notes.push(`the requirement "${name}" (it selects only ${key} ${gone.join(", ")})`);
        return false;
      }
      if (gone.length > 0) notes.push(`the requirement "${name}": ${key} ${gone.join(", ")} (it keeps the others)`);
    }
    return true;
  }) as Node[];
  return notes;
}
