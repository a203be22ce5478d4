import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { SCHEMA_URL } from "../../src/core/policy/schema.js";
import { PolicyLoader } from "../../src/github/policy.js";
import type { GitHubApi } from "../../src/github/api.js";

// Time budget: about a second (a temp git repository, commands in-process).

const ROOT = join(import.meta.dirname, "..", "..");
const PRESETS = readdirSync(join(ROOT, "policies"))
  .filter((f) => f.endsWith(".yml"))
  .map((f) => f.slice(0, -4));
let dir: string;

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, env: {} });
  return { code, stdout, stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rolegate-presets-"));
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  mkdirSync(join(dir, ".github"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the presets", () => {
  it("are there", () => {
    expect(PRESETS).toEqual(expect.arrayContaining(["minimal", "pega-cloud", "sitecore-managed-cloud"]));
  });

  it.each(PRESETS)("%s validates once copied to .github/rolegate.yml", async (name) => {
    copyFileSync(join(ROOT, "policies", `${name}.yml`), join(dir, ".github", "rolegate.yml"));
    const r = await run("validate", "--now", "2026-01-15");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\.github\/rolegate\.yml: valid/m);
  });

  it.each(PRESETS)("%s names its schema by a URL that does not depend on where the file is", (name) => {
    const first = readFileSync(join(ROOT, "policies", `${name}.yml`), "utf8").split("\n", 1)[0];
    expect(first).toBe(`# yaml-language-server: $schema=${SCHEMA_URL}`);
  });

  it("the schema URL is the schema's own $id, on the project's home", () => {
    const schema = JSON.parse(readFileSync(join(ROOT, "policies", "rolegate.schema.json"), "utf8")) as { $id: string };
    expect(schema.$id).toBe(SCHEMA_URL);
    const home = /^url: (\S+)$/m.exec(readFileSync(join(ROOT, "app.yml"), "utf8"))![1]!;
    const repo = new URL(home).pathname; // /rolegate/rolegate
    expect(SCHEMA_URL).toBe(`https://raw.githubusercontent.com${repo}/v1/policies/rolegate.schema.json`);
  });

  it.each(PRESETS)("extends: preset:%s validates", async (name) => {
    writeFileSync(join(dir, ".github", "rolegate.yml"), `version: 1\nextends: preset:${name}\n`);
    const r = await run("validate", "--now", "2026-01-15");
    expect(r.code).toBe(0);
  });
});

describe("an unknown preset", () => {
  it("offline: lists the presets and suggests the nearest (exit 2)", async () => {
    writeFileSync(join(dir, ".github", "rolegate.yml"), "version: 1\nextends: preset:minimall\n");
    const r = await run("validate");
    expect(r.code).toBe(2);
    const line = r.stdout.split("\n")[0]!;
    expect(line).toMatch(/^\.github\/rolegate\.yml:2:\d+: error: /);
    expect(line).toContain('no preset named "minimall" (did you mean preset:minimal?)');
    for (const name of PRESETS) expect(line).toContain(`preset:${name}`);
    expect(line).not.toContain("ENOENT");
  });

  it("offline: far from every preset, lists them without guessing", async () => {
    writeFileSync(join(dir, ".github", "rolegate.yml"), "version: 1\nextends: preset:acme-corp\n");
    const r = await run("validate");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      'no preset named "acme-corp"; the presets are preset:minimal, preset:pega-cloud, preset:platform, preset:sitecore-managed-cloud',
    );
  });

  it("in the app and the Action: the same message", async () => {
    const read = new PolicyLoader().reader({} as GitHubApi, { owner: "acme", repo: "app" }, "main");
    const answer = await read({ kind: "preset", name: "pega-clod", key: "preset:pega-clod" });
    expect(answer).toEqual({
      error: expect.stringContaining('no preset named "pega-clod" (did you mean preset:pega-cloud?); the presets are preset:minimal,'),
    });
  });

  it("in the app and the Action: a preset folder that cannot be listed still gives a clear answer", async () => {
    const read = new PolicyLoader(join(dir, "no-such-folder") + "/").reader({} as GitHubApi, { owner: "acme", repo: "app" }, "main");
    expect(await read({ kind: "preset", name: "minimal", key: "preset:minimal" })).toEqual({ error: 'no preset named "minimal"; no presets are installed' });
  });
});
