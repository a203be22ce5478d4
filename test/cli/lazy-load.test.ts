import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Time budget: a few seconds (one node process per case, sources through tsx).
// Which modules a subcommand loads: a module hook in a child process records every file it
// resolves, so a command that grows an eager import of something heavy fails here.

const ROOT = join(import.meta.dirname, "..", "..");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rolegate-lazy-"));
  writeFileSync(
    join(dir, "record.mjs"),
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.ROLEGATE_LOAD_LOG, result.url + "\\n");
  return result;
}
`,
  );
  writeFileSync(
    join(dir, "register.mjs"),
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "record.mjs")).href)});\n`,
  );
  writeFileSync(
    join(dir, "run.mjs"),
    `const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, "src", "cli", "main.ts")).href)});
const quiet = () => {};
process.exitCode = await main(process.argv.slice(2), { stdout: quiet, stderr: quiet, cwd: process.cwd(), env: process.env });
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The files (relative to the repository) and packages a run of `rolegate ...argv` loads. */
function loaded(...argv: string[]): { code: number | null; files: string[] } {
  const log = join(dir, `log-${argv.join("_").replace(/\W/g, "")}.txt`);
  writeFileSync(log, "");
  const r = spawnSync(process.execPath, ["--import", "tsx", "--import", pathToFileURL(join(dir, "register.mjs")).href, join(dir, "run.mjs"), ...argv], {
    cwd: ROOT,
    env: { ...process.env, ROLEGATE_LOAD_LOG: log },
    encoding: "utf8",
  });
  if (r.error) throw r.error;
  const root = pathToFileURL(ROOT).href + "/";
  const files = readFileSync(log, "utf8")
    .split("\n")
    .filter((u) => u.startsWith(root))
    .map((u) => u.slice(root.length));
  return { code: r.status, files: [...new Set(files)] };
}

const GIT = /^src\/cli\/git\.ts$/;
const EVALUATOR = /^src\/core\/evaluate\.ts$/;
const IMPORTER = /codeowners/;
const YAML = /^node_modules\/yaml\//;
const AJV_COMPILER = /^node_modules\/ajv\/dist\/(ajv|2020|core|compile)/;

describe("each subcommand loads only what it needs", () => {
  it("the recorder sees the CLI's own modules", () => {
    const { code, files } = loaded("--help");
    expect(code).toBe(0);
    expect(files).toContain("src/cli/main.ts");
  });

  it.each([["--help"], ["--version"], ["check", "--help"], ["import", "--help"], ["help", "explain"]])(
    "rolegate %s loads no git, evaluator, importer, YAML or schema compiler",
    (...argv) => {
      const { code, files } = loaded(...argv);
      expect(code).toBe(0);
      for (const heavy of [GIT, EVALUATOR, IMPORTER, YAML, AJV_COMPILER])
        expect(
          files.filter((f) => heavy.test(f)),
          String(heavy),
        ).toEqual([]);
    },
  );

  it("rolegate validate loads neither the evaluator, the importer nor the schema compiler", () => {
    const { code, files } = loaded("validate", "policies/minimal.yml");
    expect(code).toBe(0);
    expect(files).toContain("src/cli/commands/validate.ts");
    for (const heavy of [EVALUATOR, IMPORTER, AJV_COMPILER])
      expect(
        files.filter((f) => heavy.test(f)),
        String(heavy),
      ).toEqual([]);
  });

  it("rolegate check loads the evaluator (the recorder would see it)", () => {
    const { files } = loaded("check", "policies/minimal.yml", "--files", "README.md");
    expect(files).toContain("src/core/evaluate.ts");
  });
});
