/**
 * Deterministic benchmark inputs: a monorepo-shaped policy with a chosen number of path globs,
 * the equivalent CODEOWNERS file, and pull requests with a chosen number of changed files.
 * Everything is generated from a fixed seed, so every run judges the same inputs.
 */
import type { ChangeState, ChangedFile, Review, TeamData } from "../../src/core/state.js";
import { prng } from "../../test/helpers/prng.js";

export { prng };

const pad = (n: number, width = 4) => String(n).padStart(width, "0");

/** The monorepo's shape: how many of each thing exist (the policy names a share of them). */
export const REPO = {
  services: 1500,
  libs: 300,
  modules: 300,
  clusters: 150,
  dashboards: 200,
  regions: 30,
};
export const ENVS = [
  { name: "sandbox", level: 1 },
  { name: "dev", level: 2 },
  { name: "test", level: 3 },
  { name: "staging", level: 4 },
  { name: "prod", level: 5 },
] as const;
const ENV_DIRS = ["sandbox", "dev", "test", "staging", "prod", "qa", "uat"] as const;
const ENV_OF_DIR: Record<string, string> = { sandbox: "sandbox", dev: "dev", test: "test", qa: "test", staging: "staging", uat: "staging", prod: "prod" };

export const CATEGORIES = ["pipeline", "infrastructure", "secrets", "monitoring", "application", "data", "docs", "security"] as const;

export interface GlobSpec {
  glob: string;
  /** A category name, or `env:<name>` for an environment path. */
  owner: string;
}

/** Hand-written globs every policy has: the common shapes of real policies and CODEOWNERS files. */
const BASE: GlobSpec[] = [
  { glob: ".github/workflows/**", owner: "pipeline" },
  { glob: ".github/actions/**", owner: "pipeline" },
  { glob: "Jenkinsfile", owner: "pipeline" },
  { glob: ".gitlab-ci.yml", owner: "pipeline" },
  { glob: "azure-pipelines*.yml", owner: "pipeline" },
  { glob: "**/*.tf", owner: "infrastructure" },
  { glob: "**/*.tfvars", owner: "infrastructure" },
  { glob: "*.bicep", owner: "infrastructure" },
  { glob: "helm/**", owner: "infrastructure" },
  { glob: "Dockerfile", owner: "infrastructure" },
  { glob: "*.sops.yaml", owner: "secrets" },
  { glob: "*.sops.json", owner: "secrets" },
  { glob: "**/secrets/**", owner: "secrets" },
  { glob: "alerts/**", owner: "monitoring" },
  { glob: "db/migrations/**", owner: "data" },
  { glob: "**/migrations/*.sql", owner: "data" },
  { glob: "docs/**", owner: "docs" },
  { glob: "*.md", owner: "docs" },
  { glob: "security/**", owner: "security" },
  { glob: "**/auth/**", owner: "security" },
  { glob: "infra/*/prod/**", owner: "env:prod" },
  { glob: "infra/*/staging/**", owner: "env:staging" },
  { glob: "config/prod/**", owner: "env:prod" },
  { glob: "config/dev/**", owner: "env:dev" },
];

/** Families that grow with the policy, with their share of the globs beyond BASE. */
const FAMILIES: { weight: number; make: (i: number) => GlobSpec }[] = [
  { weight: 40, make: (i) => ({ glob: `services/svc-${pad(i % REPO.services)}/**`, owner: "application" }) },
  { weight: 15, make: (i) => ({ glob: `services/svc-${pad(i % REPO.services)}/deploy/**`, owner: "infrastructure" }) },
  { weight: 10, make: (i) => ({ glob: `services/svc-${pad(i % REPO.services)}/ci/**`, owner: "pipeline" }) },
  { weight: 10, make: (i) => ({ glob: `libs/lib-${pad(i % REPO.libs, 3)}/**`, owner: "application" }) },
  { weight: 8, make: (i) => ({ glob: `terraform/modules/mod-${pad(i % REPO.modules, 3)}/**`, owner: "infrastructure" }) },
  { weight: 5, make: (i) => ({ glob: `k8s/cluster-${pad(i % REPO.clusters, 3)}/**`, owner: "infrastructure" }) },
  { weight: 5, make: (i) => ({ glob: `dashboards/dash-${pad(i % REPO.dashboards, 3)}/**`, owner: "monitoring" }) },
  {
    weight: 7,
    make: (i) => {
      const dir = ENV_DIRS[i % ENV_DIRS.length]!;
      const region = Math.floor(i / ENV_DIRS.length) % REPO.regions;
      return { glob: `infra/region-${pad(region, 2)}/${dir}/**`, owner: `env:${ENV_OF_DIR[dir]}` };
    },
  },
];

/** Exactly `count` distinct path globs, spread over categories and environments. */
export function globSpecs(count: number): GlobSpec[] {
  const out = BASE.slice(0, Math.min(count, BASE.length));
  const total = FAMILIES.reduce((s, f) => s + f.weight, 0);
  const next = FAMILIES.map(() => 0);
  // Deterministic weighted round robin: always take the family furthest behind its share.
  for (let n = 0; out.length < count; n++) {
    let best = 0;
    let bestLag = -Infinity;
    FAMILIES.forEach((f, k) => {
      const lag = ((n + 1) * f.weight) / total - next[k]!;
      if (lag > bestLag) [best, bestLag] = [k, lag];
    });
    out.push(FAMILIES[best]!.make(next[best]!++));
  }
  return out;
}

export const ROLE_COUNT = 50;
const TEAM_ROLES = ROLE_COUNT - 6;
export const TEAM_POOL = 10;

/** The rolegate policy: categories and environments from the globs, 50 roles, 8 requirements. */
export function policyYaml(specs: readonly GlobSpec[], org = "acme"): string {
  const q = (s: string) => JSON.stringify(s);
  const byOwner = new Map<string, string[]>();
  for (const s of specs) byOwner.set(s.owner, [...(byOwner.get(s.owner) ?? []), s.glob]);
  const lines: string[] = ["version: 1", "categories:"];
  for (const c of CATEGORIES) {
    const globs = byOwner.get(c) ?? [];
    // A category needs at least one path; one the policy does not use otherwise never matches.
    lines.push(`  ${c}:`, `    paths: [${(globs.length ? globs : [`${c}-unused/**`]).map(q).join(", ")}]`);
  }
  lines.push("environments:");
  for (const e of ENVS) {
    const globs = byOwner.get(`env:${e.name}`) ?? [];
    lines.push(`  ${e.name}:`, `    level: ${e.level}`);
    if (globs.length) lines.push(`    paths: [${globs.map(q).join(", ")}]`);
    if (e.name === "prod") lines.push(`    branches: ["release/**"]`);
    else if (!globs.length) lines.push(`    branches: ["${e.name}/**"]`);
  }
  const serviceGlobs = specs.filter((s) => s.glob.startsWith("services/") && s.owner === "application").map((s) => s.glob);
  lines.push(
    "roles:",
    "  developer:",
    `    members: ["@${org}/developers"]`,
    "    grants:",
    "      author: [application, data, docs, other]",
    "      approve: [{ category: application, up_to_level: 4 }, { category: docs }, { category: other, up_to_level: 4 }]",
    "      merge: [{ category: application, up_to_level: 4 }, { category: docs }, { category: other, up_to_level: 4 }]",
    "  devops-engineer:",
    "    inherits: [developer]",
    "    min_members: 1",
    `    members: ["@${org}/devops", ops-lead, { user: ops-contractor, environments: [sandbox, dev, test], expires: "2099-12-31" }]`,
    "    grants:",
    `      author: ["*"]`,
    "      approve: [pipeline, infrastructure, secrets, monitoring, application, other, policy]",
    `      merge: ["*"]`,
    "  sre:",
    "    inherits: [developer]",
    `    members: ["@${org}/sre", sre-lead]`,
    "    grants: { author: [monitoring], approve: [monitoring, application, other], merge: [monitoring] }",
    "  dba:",
    "    inherits: [developer]",
    `    members: ["@${org}/dba", dba-lead]`,
    "    grants: { approve: [data], merge: [data] }",
    "  security-contact:",
    `    members: ["@${org}/security", sec-lead]`,
    "    grants: { author: [security], approve: [security, secrets], merge: [security] }",
    "  contractor:",
    "    members: [ext-1, ext-2]",
    "    grants: { author: [application] }",
    '    denies: { approve: [{ category: "*", from_level: 4 }], merge: ["*"] }',
  );
  for (let i = 0; i < TEAM_ROLES; i++) {
    const own = serviceGlobs.length ? [serviceGlobs[i % serviceGlobs.length]!, serviceGlobs[(i * 7 + 3) % serviceGlobs.length]!] : ["services/**"];
    lines.push(
      `  team-${pad(i, 2)}:`,
      "    inherits: [developer]",
      `    members: ["@${org}/team-${pad(i % TEAM_POOL, 2)}", user-${pad(i, 2)}-a, { user: user-${pad(i, 2)}-b, paths: [${own.map(q).join(", ")}] }]`,
      "    grants:",
      "      approve: [application, other]",
      "      merge: [{ category: application, up_to_level: 4 }]",
    );
  }
  lines.push(
    "require:",
    "  - name: Pipeline, infrastructure and secrets need a DevOps engineer",
    "    categories: [pipeline, infrastructure, secrets]",
    "    roles: [devops-engineer]",
    "  - name: Every change needs a review",
    "    approvals: 1",
    "  - name: Production needs two approvals",
    "    environments: [prod]",
    "    approvals: 2",
    "  - name: Data migrations need a DBA",
    "    categories: [data]",
    "    roles: [dba]",
    "  - name: Security-sensitive files need the security contact",
    "    categories: [security, secrets]",
    "    roles: [security-contact]",
    "  - name: Monitoring needs an SRE",
    "    categories: [monitoring]",
    "    roles: [sre]",
    "  - name: Release branches need two approvals",
    "    approvals: 2",
    '    when: { target_branch: ["release/**"] }',
    "  - name: Policy changes need a DevOps engineer",
    "    categories: [policy]",
    "    roles: [devops-engineer]",
    "options:",
    "  check_commit_authors: true",
  );
  return lines.join("\n") + "\n";
}

/** The same globs as a CODEOWNERS file, one owner team per category or environment. */
export function codeownersText(specs: readonly GlobSpec[]): string {
  return specs.map((s) => `${s.glob} @acme/${s.owner.replace("env:", "env-")}`).join("\n") + "\n";
}

/** `count` distinct changed paths in the monorepo, mostly service code, some guarded files. */
export function changedPaths(count: number, seed = 7): string[] {
  const rnd = prng(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  const env = () => ENV_DIRS[pick(ENV_DIRS.length)]!;
  const svc = () => `svc-${pad(pick(REPO.services))}`;
  const shapes: { weight: number; make: (i: number) => string }[] = [
    { weight: 45, make: (i) => `services/${svc()}/src/${["api", "core", "model", "util"][pick(4)]}/${["handlers", "domain", "io"][pick(3)]}/file${i}.ts` },
    { weight: 8, make: (i) => `services/${svc()}/deploy/${env()}/${rnd() < 0.5 ? `values${i}.yaml` : `main${i}.tf`}` },
    { weight: 4, make: (i) => `services/${svc()}/ci/pipeline${i}.yml` },
    { weight: 1, make: (i) => `services/${svc()}/tools${i}/Jenkinsfile` },
    { weight: 10, make: (i) => `libs/lib-${pad(pick(REPO.libs), 3)}/src/part${i}.ts` },
    { weight: 6, make: (i) => `terraform/modules/mod-${pad(pick(REPO.modules), 3)}/${["main", "variables", "outputs"][pick(3)]}${i}.tf` },
    { weight: 4, make: (i) => `infra/region-${pad(pick(REPO.regions), 2)}/${env()}/stack${i}.tf` },
    { weight: 4, make: (i) => `k8s/cluster-${pad(pick(REPO.clusters), 3)}/${env()}/deployment${i}.yaml` },
    { weight: 3, make: (i) => `dashboards/dash-${pad(pick(REPO.dashboards), 3)}/panel${i}.json` },
    { weight: 3, make: (i) => `docs/guide/page${i}.md` },
    { weight: 2, make: (i) => `config/${env()}/app${i}.sops.yaml` },
    { weight: 2, make: (i) => `.github/workflows/build${i}.yml` },
    { weight: 1, make: (i) => `db/migrations/${pad(i, 6)}_change.sql` },
    { weight: 1, make: (i) => `services/${svc()}/src/auth/token${i}.ts` },
    { weight: 6, make: (i) => `tools/scripts/${["lint", "release", "gen"][pick(3)]}/step${i}.sh` },
  ];
  const total = shapes.reduce((s, x) => s + x.weight, 0);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let r = rnd() * total;
    const shape = shapes.find((s) => (r -= s.weight) < 0) ?? shapes[0]!;
    out.push(shape.make(i));
  }
  return out;
}

export function changedFiles(count: number, seed = 7): ChangedFile[] {
  return changedPaths(count, seed).map((path, i) =>
    i % 50 === 0
      ? { path, status: "renamed" as const, previousPath: `old/${path}` }
      : i % 10 === 0
        ? { path, status: "added" as const }
        : { path, status: "modified" as const },
  );
}

export const NOW = new Date("2026-11-23T12:00:00Z");

/** Team members as a front end resolves them: every team the policy names, 8 people each. */
export function teamMembers(org = "acme"): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (let t = 0; t < TEAM_POOL; t++)
    members.set(
      `${org}/team-${pad(t, 2)}`,
      Array.from({ length: 8 }, (_, k) => `dev-${pad(t, 2)}-${k}`),
    );
  members.set(
    `${org}/developers`,
    Array.from({ length: 40 }, (_, k) => `dev-${pad(k % TEAM_POOL, 2)}-${k % 8}`),
  );
  members.set(`${org}/devops`, ["olga", "omar", "ops-1", "ops-2"]);
  members.set(`${org}/sre`, ["sam", "sue"]);
  members.set(`${org}/dba`, ["dora"]);
  members.set(`${org}/security`, ["sec-1"]);
  return members;
}

export function teamData(org = "acme"): TeamData {
  const members = new Map<string, Set<string>>();
  for (const [team, logins] of teamMembers(org)) members.set(team, new Set(logins));
  return { members, errors: new Map() };
}

/** 100 reviews by 60 people: approvals (fresh and stale), comments, a dismissal, no blocking review. */
export function reviews(count = 100): Review[] {
  const people = ["olga", "omar", "ops-1", "sam", "dora", "sec-1", "ops-lead", "sre-lead", "dba-lead", "sec-lead"];
  for (let t = 0; t < TEAM_POOL; t++) for (let k = 0; k < 4; k++) people.push(`dev-${pad(t, 2)}-${k}`);
  for (let i = 0; i < 10; i++) people.push(`user-${pad(i, 2)}-a`);
  const out: Review[] = [];
  for (let i = 0; i < count; i++) {
    const user = people[i % people.length]!;
    const kind = i % 10;
    const state: Review["state"] = kind === 3 ? "COMMENTED" : kind === 7 ? "DISMISSED" : "APPROVED";
    out.push({ user, state, onHead: kind !== 5, afterBaseChange: true, order: i });
  }
  return out;
}

export function changeState(files: ChangedFile[]): ChangeState {
  const rs = reviews();
  return {
    files,
    filesComplete: true,
    author: "ops-lead",
    committers: ["ops-lead", "olga"],
    reviews: rs,
    checksPassed: [],
    labels: ["infra"],
    targetBranch: "main",
    draft: false,
    admins: ["admin-1"],
    writers: new Set(rs.map((r) => r.user.toLowerCase())),
    teams: teamData(),
    now: NOW,
  };
}

/** Every path a change counts: a rename counts under its old and its new path (as rolegate does). */
export function countedPaths(files: readonly ChangedFile[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    if (f.status === "renamed" && f.previousPath !== undefined && f.previousPath !== f.path) out.push(f.previousPath);
    out.push(f.path);
  }
  return out;
}
