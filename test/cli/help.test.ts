import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/command-table.js";
import { documentedFlags } from "../../src/cli/help/render.js";
import { main } from "../../src/cli/main.js";

// Time budget: well under a second; everything runs in-process.

const ROOT = join(import.meta.dirname, "..", "..");
const NAMES = Object.keys(COMMANDS);

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: ROOT, env: {} });
  return { code, stdout, stderr };
}

describe("help on every subcommand", () => {
  it("knows the subcommands of the CLI contract", () => {
    expect(NAMES).toEqual(expect.arrayContaining(["validate", "matrix", "explain", "check", "diff", "test", "import"]));
  });

  it.each(NAMES)("%s --help and -h print its usage on stdout and exit 0", async (name) => {
    for (const flag of ["--help", "-h"]) {
      const r = await run(name, flag);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain(`Usage:\n  rolegate ${name} `);
      expect(r.stdout).toMatch(/\nExample:\n {2}rolegate \S/);
    }
  });

  it.each(NAMES)("%s --help wins over missing and unknown flags", async (name) => {
    const r = await run(name, "--no-such-flag", "--format", "nonsense", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`rolegate ${name} `);
  });

  it.each(NAMES)("help %s prints the same as %s --help", async (name) => {
    const viaHelp = await run("help", name);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe((await run(name, "--help")).stdout);
  });

  it.each(NAMES)("%s: the help lists exactly the flags the command accepts, one line each", async (name) => {
    const command = COMMANDS[name]!;
    const { options } = await command.load();
    expect(documentedFlags(command.help).sort()).toEqual(Object.keys(options).sort());
    const text = (await run(name, "--help")).stdout;
    for (const flag of Object.keys(options)) expect(text.match(new RegExp(`^ {2}(-\\w, )?--${flag}\\b`, "gm")), `--${flag}`).toHaveLength(1);
    expect(text).toMatch(/^ {2}-h, --help\b/m);
  });

  it("a --help after `--` is an argument, not a request for help", async () => {
    const r = await run("explain", "--", "--help");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("explain needs --user");
  });
});

describe("the command itself", () => {
  it("--version and -V print the package version and exit 0", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const r = await run(flag);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });

  it("alone, prints the usage naming every subcommand and exits 2", async () => {
    const r = await run();
    expect(r.code).toBe(2);
    for (const name of NAMES) expect(r.stdout).toContain(`rolegate ${name} `);
  });

  it("--help, -h and help print the usage and exit 0", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const r = await run(...argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Usage:");
    }
  });

  it("an unknown command exits 2 with the usage on stderr", async () => {
    const r = await run("frobnicate", "--help");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect(r.stderr).toContain("Usage:");
  });

  it("help for an unknown command exits 2", async () => {
    const r = await run("help", "frobnicate");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });

  it("an inherited object property is not a command", async () => {
    expect((await run("constructor")).code).toBe(2);
    expect((await run("help", "toString")).code).toBe(2);
  });

  it("an unknown flag points to the command's help", async () => {
    const r = await run("validate", "--bogus");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("rolegate help validate");
  });
});
