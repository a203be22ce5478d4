import { globOfPath } from "./paths.js";

/**
 * Environments found in a tree by folder and file names, with the production levels of the
 * policy format (2 development, 3 test, 4 staging, 5 production). The names and folders below
 * are those of the platform preset's environments (policies/platform.yml); a test keeps the two
 * in step.
 */
interface Stage {
  name: string;
  level: number;
  /** Folder names that mean this environment wherever they are. */
  anywhere: string[];
  /** Folder names that mean it only inside a folder of environments (`test` is where unit tests live). */
  nested: string[];
}

const STAGES: readonly Stage[] = [
  { name: "development", level: 2, anywhere: ["dev", "development"], nested: [] },
  { name: "test", level: 3, anywhere: [], nested: ["test", "qa"] },
  { name: "staging", level: 4, anywhere: ["staging", "uat", "preprod", "pre-prod"], nested: ["stage"] },
  { name: "production", level: 5, anywhere: ["prod", "production", "prd"], nested: [] },
];

/** Folders whose every subfolder is an environment, known name or not. */
const ENVIRONMENT_FOLDERS = new Set(["envs", "environments"]);
/** Folders that often hold environments among other things: only known names count there. */
const MIXED_FOLDERS = new Set(["env", "overlays", "clusters", "deploy"]);

/** Above this many folders of one environment, init writes one floating glob per folder name instead. */
const MAX_LISTED_FOLDERS = 10;

export interface EnvironmentGlob {
  glob: string;
  example: string;
}

export interface EnvironmentPlan {
  name: string;
  level: number;
  /** Why this level was guessed, for the comment beside it; absent for a known name. */
  guessed?: string;
  paths: EnvironmentGlob[];
}

/** A level for a folder name no table knows, and why: close names first, else production. */
function guessLevel(name: string): { level: number; reason: string } {
  const n = name.toLowerCase();
  const like = (level: number, what: string) => ({ level, reason: `level guessed from the name ("${name}" looks like ${what}): check it` });
  if (/pre-?prod|stag|uat/.test(n)) return like(4, "staging");
  if (/prod|prd|live/.test(n)) return like(5, "production");
  if (/test|qa/.test(n)) return like(3, "test");
  if (/dev/.test(n)) return like(2, "development");
  if (/sandbox|sbx|playground|demo|local/.test(n)) return like(1, "a sandbox");
  return { level: 5, reason: `level guessed: rolegate cannot tell what "${name}" is, so it is guarded as production until you lower it` };
}

const knownStage = (folder: string, nested: boolean) =>
  STAGES.find((s) => s.anywhere.includes(folder.toLowerCase()) || (nested && s.nested.includes(folder.toLowerCase())));

/** A file named after an environment (`prod.tfvars`, `app.prod.tfvars`, `values-prod.yaml`, `.env.prod`): its floating glob. */
function fileGlob(base: string): { stage: Stage; glob: string } | undefined {
  for (const stage of STAGES) {
    for (const n of [...stage.anywhere, ...stage.nested]) {
      if (base === `${n}.tfvars` || base === `.env.${n}`) return { stage, glob: base };
      if (base.endsWith(`.${n}.tfvars`)) return { stage, glob: `*.${n}.tfvars` };
      const values = new RegExp(`^values([-.])${n.replace(/-/g, "\\-")}\\.ya?ml$`).exec(base);
      if (values) return { stage, glob: `values${values[1]}${n}.y*ml` };
    }
  }
  return undefined;
}

/** Environment names must fit the policy's name pattern; a folder name that does not is made to. */
function environmentName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-");
  return /^[a-z0-9_]/.test(name) ? name : `env-${name}`;
}

/**
 * The environments of a tree: folders with a known environment name (`terraform/prod/`, and
 * `envs/test/` but not `test/`), every subfolder of `envs/` and `environments/` (unknown names
 * get a guessed level), and variable files named after an environment. Known names map to one
 * environment per level, named as the platform preset names them.
 */
export function scanEnvironments(files: readonly string[]): EnvironmentPlan[] {
  const found = new Map<string, { level: number; guessed?: string; folders: Map<string, { shape: string; example: string }>; files: Map<string, string> }>();
  const entry = (name: string, level: number, guessed?: string) => {
    let e = found.get(name);
    if (!e) found.set(name, (e = { level, ...(guessed !== undefined ? { guessed } : {}), folders: new Map(), files: new Map() }));
    return e;
  };
  for (const path of files) {
    const segments = path.split("/");
    for (let i = 0; i < segments.length - 1; i++) {
      const folder = segments[i]!;
      const parent = i > 0 ? segments[i - 1]! : undefined;
      const inFolderOfEnvironments = parent !== undefined && ENVIRONMENT_FOLDERS.has(parent.toLowerCase());
      const stage = knownStage(folder, inFolderOfEnvironments || (parent !== undefined && MIXED_FOLDERS.has(parent.toLowerCase())));
      if (!stage && !inFolderOfEnvironments) continue;
      const guess = stage ? undefined : guessLevel(folder);
      const e = stage ? entry(stage.name, stage.level) : entry(environmentName(folder), guess!.level, guess!.reason);
      const dir = segments.slice(0, i + 1).join("/");
      // The same folder name elsewhere: anywhere for an unmistakable name, else inside the same parent name.
      const shape = stage?.anywhere.includes(folder.toLowerCase()) ? `**/${globOfPath(folder)}/**` : `**/${globOfPath(`${parent}/${folder}`)}/**`;
      if (!e.folders.has(dir)) e.folders.set(dir, { shape, example: path });
    }
    const named = fileGlob(segments[segments.length - 1]!);
    if (named) {
      const byGlob = entry(named.stage.name, named.stage.level).files;
      if (!byGlob.has(named.glob)) byGlob.set(named.glob, path);
    }
  }
  const plans: EnvironmentPlan[] = [];
  for (const [name, e] of found) {
    const folders = [...e.folders].sort(([a], [b]) => a.localeCompare(b));
    const paths: EnvironmentGlob[] =
      folders.length <= MAX_LISTED_FOLDERS
        ? folders.map(([dir, f]) => ({ glob: `${globOfPath(dir)}/**`, example: f.example }))
        : [...new Map(folders.map(([, f]) => [f.shape, f.example])).entries()].map(([glob, example]) => ({ glob, example }));
    for (const [glob, example] of e.files) paths.push({ glob, example });
    plans.push({ name, level: e.level, ...(e.guessed !== undefined ? { guessed: e.guessed } : {}), paths });
  }
  return plans.sort((a, b) => a.level - b.level || a.name.localeCompare(b.name));
}
