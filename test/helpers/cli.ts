import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { main } from "../../src/cli/main.js";

/** Runs `rolegate ARGV…` in-process in `cwd`, capturing what it prints. */
export async function rolegate(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: {} });
  return { code, stdout, stderr };
}

/** A throw-away git repository with an initial branch `main`. */
export class TempRepo {
  readonly dir = mkdtempSync(join(tmpdir(), "rolegate-repo-"));

  constructor() {
    this.git("init", "-q", "-b", "main");
    this.git("config", "user.email", "t@example.invalid");
    this.git("config", "user.name", "t");
    this.git("config", "commit.gpgsign", "false");
  }

  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"] }).toString();
  }

  write(path: string, text: string): this {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
    return this;
  }

  /** Writes the files and commits them all. */
  commit(files: Record<string, string>, message = "change"): this {
    for (const [path, text] of Object.entries(files)) this.write(path, text);
    this.git("add", "-A");
    this.git("commit", "-qm", message);
    return this;
  }

  run(...argv: string[]) {
    return rolegate(this.dir, ...argv);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
