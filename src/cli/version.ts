import { readFileSync } from "node:fs";

/**
 * The package's version, from its package.json. Read when asked: this file sits two folders
 * below the package root in the sources, in dist/ and in the CLI bundle alike.
 */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  if (typeof pkg.version !== "string") throw new Error("package.json has no version");
  return pkg.version;
}
