import { isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { compilePathGlob, matchPath } from "../core/glob.js";
import type { CategoryPlan } from "./categories.js";
import { importCodeowners, STRICTER_KINDS, type CodeownersFile } from "./codeowners.js";

/** What a CODEOWNERS file adds to the proposed policy: the importer's own output, fitted in. */
export interface ImportedOwners {
  file: string;
  categories: YAMLMap;
  roles: YAMLMap;
  require: YAMLSeq;
  /** The importer's explanation (its header comment without the schema line). */
  header: string;
  /** Places where the policy asks for more than CODEOWNERS, as the importer counted them. */
  stricter: number;
  /** Names changed because the preset or the tree already used them. */
  renamed: string[];
}

const nameOf = (node: unknown) => (isScalar(node) ? String(node.value) : "");

/** Names written as the importer writes them: double-quoted. */
function quoted(name: string): Scalar {
  const s = new Scalar(name);
  s.type = Scalar.QUOTE_DOUBLE;
  return s;
}

function freeName(name: string, taken: ReadonlySet<string>): string {
  let candidate = `${name}-codeowners`;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}-codeowners-${n}`;
  return candidate;
}

/** Renames the keys of `map` that clash with `taken`; answers old name → new name. */
function renameKeys(map: YAMLMap, taken: ReadonlySet<string>): Map<string, string> {
  const renames = new Map<string, string>();
  const all = new Set([...taken, ...map.items.map((p) => nameOf(p.key))]);
  for (const pair of map.items) {
    const old = nameOf(pair.key);
    if (!taken.has(old)) continue;
    const fresh = freeName(old, all);
    all.add(fresh);
    renames.set(old, fresh);
    pair.key = quoted(fresh);
  }
  return renames;
}

/**
 * A comment above a collection's first entry belongs to the collection in the parser's eyes; the
 * entries move into the preset's collections, so the comment moves onto the first entry.
 */
function moveCommentToFirstItem(collection: YAMLMap | YAMLSeq): void {
  const first = collection.items[0];
  if (!collection.commentBefore || first === undefined) return;
  const target = isScalar((first as { key?: unknown }).key) ? ((first as { key: Scalar }).key as Scalar) : (first as Scalar);
  target.commentBefore = [collection.commentBefore, target.commentBefore].filter(Boolean).join("\n");
  collection.commentBefore = undefined;
}

/** A file of the tree in one of the tree's categories and in an owners' category other than `skip`, if any. */
function bothOwned(added: readonly CategoryPlan[], owned: YAMLMap, skip: readonly string[], files: readonly string[]): string | undefined {
  const globs = (list: string[]) => list.map((g) => compilePathGlob(g));
  const ours = globs(added.flatMap((c) => c.globs.map((g) => g.glob)));
  const theirs = globs(
    owned.items.flatMap((p) => {
      const paths = isMap(p.value) && !skip.includes(nameOf(p.key)) ? p.value.get("paths", true) : undefined;
      return isSeq(paths) ? paths.items.map(nameOf) : [];
    }),
  );
  return files.find((f) => ours.some((g) => matchPath(g, f)) && theirs.some((g) => matchPath(g, f)));
}

function renameItems(seq: unknown, renames: ReadonlyMap<string, string>): void {
  if (!isSeq(seq)) return;
  for (const item of seq.items) if (isScalar(item) && renames.has(String(item.value))) item.value = renames.get(String(item.value));
}

/**
 * Runs the CODEOWNERS import (never looser than CODEOWNERS) and fits its categories, roles and
 * requirements beside the preset's: names the preset or the tree already use get a
 * `-codeowners` suffix, and the catch-all requirement, which the importer puts on the built-in
 * `other` category, also lists the tree's categories (`added`). Under the import alone `other`
 * held every file that is now in a category of the tree (a `.tf` file, say); without that, those
 * files would escape the catch-all owners, and the policy would be looser than CODEOWNERS. It is
 * stricter where such a file is also the owners' of a later line (rolegate cannot take files out
 * of a category): the comment says so, with an example from `files` where there is one.
 *
 * The owners' roles keep their `approve` grants only on categories where the preset enforces
 * approval anyway (`approveEnforced`, with `*` for every category): there the owners need the
 * grant to be eligible. Elsewhere a grant would only make approval enforced, and a preset
 * requirement without `categories:` would then need one approver allowed on both the preset's
 * and the owners' categories of a file, whom nobody may be. The owners' requirements name their
 * role in `roles:`, so they count only the owners' approvals either way.
 */
export function importOwners(
  codeowners: CodeownersFile,
  taken: { categories: ReadonlySet<string>; roles: ReadonlySet<string> },
  added: readonly CategoryPlan[],
  approveEnforced: ReadonlySet<string>,
  files: readonly string[],
): ImportedOwners {
  const addedCategories = added.map((c) => c.name);
  const imported = importCodeowners(codeowners.text, { source: codeowners.file });
  const doc = parseDocument(imported.yaml);
  const categories = doc.get("categories", true);
  const roles = doc.get("roles", true);
  const require = doc.get("require", true);
  const out: ImportedOwners = {
    file: codeowners.file,
    categories: isMap(categories) ? categories : new YAMLMap(),
    roles: isMap(roles) ? roles : new YAMLMap(),
    require: isSeq(require) ? require : new YAMLSeq(),
    // The importer's header sits above `version: 1`, the first key.
    header: (((doc.contents as YAMLMap | null)?.items[0]?.key as Scalar | undefined)?.commentBefore ?? "")
      .split("\n")
      .filter((line) => !line.includes("yaml-language-server"))
      .join("\n")
      .replace(/^\s*\n/, ""),
    stricter: imported.findings.filter((f) => STRICTER_KINDS.has(f.kind)).length,
    renamed: [],
  };

  for (const c of [out.categories, out.roles, out.require]) moveCommentToFirstItem(c);
  const categoryRenames = renameKeys(out.categories, taken.categories);
  const roleRenames = renameKeys(out.roles, taken.roles);
  for (const [from, to] of categoryRenames) out.renamed.push(`category ${from} → ${to}`);
  for (const [from, to] of roleRenames) out.renamed.push(`role ${from} → ${to}`);
  for (const pair of out.roles.items) if (isMap(pair.value)) renameItems(pair.value.getIn(["grants", "approve"], true), categoryRenames);

  for (const req of out.require.items) {
    if (!isMap(req)) continue;
    renameItems(req.get("categories", true), categoryRenames);
    renameItems(req.get("roles", true), roleRenames);
    const selected = req.get("categories", true);
    if (!isSeq(selected) || !selected.items.some((c) => nameOf(c) === "other")) continue;
    // The catch-all: its owners approve the tree's categories too (their role must be allowed to).
    const role = out.roles.get(nameOf((req.get("roles", true) as YAMLSeq | undefined)?.items[0]), true);
    const approve = isMap(role) ? role.getIn(["grants", "approve"], true) : undefined;
    const own = selected.items.map(nameOf);
    for (const name of addedCategories) {
      if (!selected.items.some((c) => nameOf(c) === name)) selected.items.push(quoted(name));
      if (isSeq(approve) && !approve.items.some((c) => nameOf(c) === name)) approve.items.push(quoted(name));
    }
    if (addedCategories.length > 0) {
      const both = bothOwned(added, out.categories, own, files);
      const note = [
        ` The catch-all also lists ${addedCategories.join(", ")}: under CODEOWNERS alone their files were in \`other\`.`,
        ...(both ? [` Stricter than CODEOWNERS: files of those that a later line owns need these owners too (e.g. \`${both}\`).`] : []),
      ].join("\n");
      req.commentBefore = req.commentBefore ? `${req.commentBefore}\n${note}` : note;
    }
  }

  for (const pair of out.roles.items) {
    const body = pair.value;
    const approve = isMap(body) ? body.getIn(["grants", "approve"], true) : undefined;
    if (!isMap(body) || !isSeq(approve)) continue;
    const all = approve.items.length;
    if (!approveEnforced.has("*")) approve.items = approve.items.filter((c) => approveEnforced.has(nameOf(c)));
    if (approve.items.length === all) continue;
    if (approve.items.length === 0) body.delete("grants");
    const key = pair.key as Scalar;
    const note =
      " No approve grant on the owners' own categories: nothing else enforces approval there, and the requirement's `roles:` already counts only these owners.";
    key.commentBefore = key.commentBefore ? `${key.commentBefore}\n${note}` : note;
  }
  return out;
}
