import { Document, isMap, isNode, isSeq, Pair, parse, parseDocument, Scalar, YAMLMap, YAMLSeq } from "yaml";
import type { RawPolicy } from "../core/policy/model.js";
import { BUILTIN_CATEGORIES } from "../core/policy/types.js";
import { mergeTemplates, scanCategories, type CategoryPlan, type CategoryTemplate } from "./categories.js";
import { SCHEMA_LINE, type CodeownersFile } from "./codeowners.js";
import { scanEnvironments, type EnvironmentPlan } from "./environments.js";
import { importOwners, type ImportedOwners } from "./owners.js";
import type { PresetText } from "./presets.js";
import { pruneRequirements, pruneRoles } from "./prune.js";
import type { RepositoryTree } from "./tree.js";
import { plural } from "../core/words.js";

export interface ProposalInput {
  /** The preset whose roles and requirements the policy takes. */
  preset: PresetText;
  /** The preset whose category globs are always looked for (platform). */
  scanPreset: PresetText;
  tree: RepositoryTree;
  codeowners?: CodeownersFile;
  /** YYYY-MM-DD, for the header and `review.last_reviewed`. */
  today: string;
}

export interface EnvironmentProposal extends EnvironmentPlan {
  description?: string;
  branches?: string[];
}

export interface PolicyProposal {
  text: string;
  categories: CategoryPlan[];
  environments: EnvironmentProposal[];
  /** What of the preset was left out because the tree has nothing it applies to. */
  leftOut: string[];
  owners?: ImportedOwners;
}

/** Keys this module writes itself; every other top-level key of the preset is copied as it is. */
const WRITTEN = new Set(["version", "categories", "environments", "roles", "require", "review"]);

function templatesOf(raw: RawPolicy): CategoryTemplate[] {
  return Object.entries(raw.categories ?? {}).map(([name, c]) => ({
    name,
    paths: c.paths,
    ...(c.description !== undefined ? { description: c.description } : {}),
  }));
}

/**
 * Names the environments found as the preset names them (the preset's only environment of that
 * level, for a known name), so the preset's requirements and member scopes keep working, and
 * keeps the preset's branch globs (a pull request into `release/**` is a production change even
 * where no folder says so).
 */
export function placeEnvironments(found: readonly EnvironmentPlan[], preset: RawPolicy["environments"]): EnvironmentProposal[] {
  const presetEnvs = Object.entries(preset ?? {});
  const out = new Map<string, EnvironmentProposal>();
  for (const plan of found) {
    const sameLevel = presetEnvs.filter(([, e]) => e.level === plan.level);
    const match = presetEnvs.find(([n]) => n === plan.name) ?? (!plan.guessed && sameLevel.length === 1 ? sameLevel[0] : undefined);
    const name = match?.[0] ?? plan.name;
    const known = out.get(name);
    if (known) known.paths.push(...plan.paths);
    else out.set(name, { ...plan, name, paths: [...plan.paths] });
  }
  for (const [name, e] of presetEnvs) {
    const description = (e as { description?: string }).description;
    const target = out.get(name) ?? (e.branches ? { name, level: e.level, paths: [] } : undefined);
    if (!target) continue;
    if (e.branches) target.branches = [...e.branches];
    if (description !== undefined) target.description = description;
    out.set(name, target);
  }
  return [...out.values()].sort((a, b) => a.level - b.level || a.name.localeCompare(b.name));
}

/** Categories on which some role of the preset grants `approve` (`*` for every category). */
function approveGranted(preset: RawPolicy): Set<string> {
  const names = new Set<string>();
  for (const role of Object.values(preset.roles ?? {}))
    for (const ref of role.grants?.approve ?? []) {
      const category = typeof ref === "string" ? ref : ref.category;
      if (category !== undefined) names.add(category);
    }
  return names;
}

/** A top-level entry, after a blank line and an optional comment. */
function section(root: YAMLMap, key: string, value: unknown, comment?: string): void {
  const k = new Scalar(key);
  if (comment !== undefined) k.commentBefore = comment;
  k.spaceBefore = root.items.length > 0;
  root.items.push(new Pair(k, value));
}

/** A value with an optional comment after it; strings (globs, dates) double-quoted, as in the presets. */
function scalar(value: string | number, comment?: string): Scalar {
  const s = new Scalar(value);
  if (typeof value === "string") s.type = Scalar.QUOTE_DOUBLE;
  if (comment !== undefined) s.comment = ` ${comment}`;
  return s;
}

function categoriesNode(doc: Document, plans: readonly CategoryPlan[]): YAMLMap {
  const map = new YAMLMap();
  for (const plan of plans) {
    const paths = new YAMLSeq();
    for (const g of plan.globs) {
      const item = scalar(g.glob, `${plural(g.files, "file")} here, e.g. ${g.example}`);
      if (g.found) item.commentBefore = ` found by rolegate init: ${g.found}`;
      paths.items.push(item);
    }
    const body = doc.createNode(plan.description !== undefined ? { description: plan.description } : {}) as YAMLMap;
    body.set("paths", paths);
    map.set(plan.name, body);
  }
  return map;
}

function environmentsNode(doc: Document, envs: readonly EnvironmentProposal[]): YAMLMap {
  const map = new YAMLMap();
  for (const env of envs) {
    const body = new YAMLMap();
    body.set("level", scalar(env.level, env.guessed));
    if (env.description !== undefined) {
      const description = new Scalar(env.description);
      description.type = Scalar.BLOCK_FOLDED;
      body.set("description", description);
    }
    if (env.paths.length > 0) {
      const paths = new YAMLSeq();
      for (const p of env.paths) paths.items.push(scalar(p.glob, `e.g. ${p.example}`));
      body.set("paths", paths);
    }
    if (env.branches) {
      const branches = doc.createNode(env.branches) as YAMLSeq;
      branches.flow = true;
      body.set("branches", branches);
    }
    const key = new Scalar(env.name);
    if (env.paths.length === 0) key.commentBefore = " no folder of this tree belongs to it: only the branches below make a file part of it";
    map.items.push(new Pair(key, body));
  }
  return map;
}

function header(input: ProposalInput, leftOut: readonly string[], owners: ImportedOwners | undefined): string {
  const lines = [
    ` ${SCHEMA_LINE.replace(/^# /, "")}`,
    "",
    ` Proposed by \`rolegate init\` on ${input.today}, from the files of this repository and the roles of`,
    ` preset:${input.preset.name} (policies/${input.preset.name}.yml in the rolegate package). A starting point: read it,`,
    ' replace the placeholder teams and logins ("@your-org/...", "your-..."), then run `rolegate validate`',
    " and `rolegate test` (.github/rolegate.tests.yml holds one case per requirement).",
    "",
    " Categories list only the kinds of file this tree has, each glob with how many files it matches",
    " today. The globs are general, so new files of the same kind are caught too; a kind this tree does",
    " not have yet (a Jenkinsfile, Helm charts, sops files...) is not listed: when you add one, copy its",
    ` globs from preset:${input.scanPreset.name}. Environments come from folder names; check levels marked "guessed".`,
  ];
  if (leftOut.length > 0) {
    lines.push("", ` Left out of preset:${input.preset.name}, because nothing in this tree is in them:`);
    for (const l of leftOut) lines.push(` - ${l}`);
  }
  if (owners) {
    lines.push(
      "",
      ` ${owners.file}: its owners are the roles, categories and requirements at the end of each section,`,
      " written by the CODEOWNERS import (`rolegate import codeowners`), which says:",
    );
    for (const l of owners.header.split("\n")) lines.push(l.trim().length > 0 ? `  ${l}` : "");
    if (owners.renamed.length > 0) lines.push(` Renamed because the preset or the tree already uses the name: ${owners.renamed.join("; ")}.`);
  }
  return lines.join("\n");
}

/** The proposed `.github/rolegate.yml` for a tree: categories and environments from its files, roles and requirements from a preset, owners from CODEOWNERS. */
export function proposePolicy(input: ProposalInput): PolicyProposal {
  const presetDoc = parseDocument(input.preset.text);
  const preset = presetDoc.toJS() as RawPolicy;
  const scanPreset = parse(input.scanPreset.text) as RawPolicy;

  const categories = scanCategories(mergeTemplates(templatesOf(preset), templatesOf(scanPreset)), input.tree);
  const environments = placeEnvironments(scanEnvironments(input.tree.files), preset.environments);
  const known = {
    categories: new Set<string>(["*", ...BUILTIN_CATEGORIES, ...categories.map((c) => c.name)]),
    environments: new Set(environments.map((e) => e.name)),
  };

  const leftOut = Object.keys(preset.categories ?? {})
    .filter((c) => !known.categories.has(c))
    .map((c) => `the category ${c}`);
  const presetRoles = presetDoc.get("roles", true);
  const presetRequire = presetDoc.get("require", true);
  const roles = isMap(presetRoles) ? (presetRoles.clone() as YAMLMap) : new YAMLMap();
  const require = isSeq(presetRequire) ? (presetRequire.clone() as YAMLSeq) : new YAMLSeq();
  leftOut.push(...pruneRoles(roles, known), ...pruneRequirements(require, known));
  // The preset's blank line before its second requirement must not open the list once the first is gone.
  const firstRequirement = require.items[0];
  if (isNode(firstRequirement)) firstRequirement.spaceBefore = false;

  const owners = input.codeowners
    ? importOwners(
        input.codeowners,
        { categories: known.categories, roles: new Set(roles.items.map((p) => String((p.key as Scalar).value))) },
        categories,
        approveGranted(preset),
        input.tree.files,
      )
    : undefined;

  const doc = new Document();
  const root = new YAMLMap();
  doc.contents = root;
  doc.commentBefore = header(input, leftOut, owners);
  section(root, "version", 1);

  const allCategories = categoriesNode(doc, categories);
  if (owners) allCategories.items.push(...owners.categories.items);
  if (allCategories.items.length > 0)
    section(root, "categories", allCategories, " What kind of change a file is; a file may be in several, a file in none is in `other`.");
  if (environments.length > 0)
    section(root, "environments", environmentsNode(doc, environments), " Production levels: 1 sandbox, 2 development, 3 test, 4 staging, 5 production.");

  if (owners) roles.items.push(...owners.roles.items);
  if (roles.items.length > 0) section(root, "roles", roles, ` Roles of preset:${input.preset.name}${owners ? `, then the owners from ${owners.file}` : ""}.`);
  if (owners) require.items.push(...owners.require.items);
  if (require.items.length > 0)
    section(root, "require", require, " What a pull request needs before it may merge: every requirement that selects a changed file applies.");

  for (const pair of (presetDoc.contents as YAMLMap).items) {
    const key = String((pair.key as Scalar).value);
    if (!WRITTEN.has(key)) section(root, key, isNode(pair.value) ? pair.value.clone() : pair.value);
  }
  const review = presetDoc.get("review", true);
  if (isMap(review)) {
    const mine = review.clone() as YAMLMap;
    mine.set("last_reviewed", scalar(input.today, "the day rolegate init proposed this policy"));
    section(root, "review", mine, " Review who holds which role regularly; `rolegate validate` warns once it is overdue.");
  }
  return {
    text: doc.toString({ lineWidth: 100, flowCollectionPadding: false }),
    categories,
    environments,
    leftOut,
    ...(owners ? { owners } : {}),
  };
}
