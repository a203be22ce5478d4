#!/usr/bin/env node
// Bundles the CLI into dist/cli-bundle/ (part of `npm run build`; bin/rolegate.js prefers it).
// A cold `rolegate` process then reads a few files instead of resolving and compiling a hundred
// modules. Each subcommand stays its own chunk, loaded only when it runs. The chunks sit two
// folders below the package root, like dist/cli/*.js, so the URLs they compute for
// package.json and policies/ hold in both.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

// Chunk names carry content hashes: start empty so old chunks are not shipped.
rmSync(`${ROOT}/dist/cli-bundle`, { recursive: true, force: true });

await build({
  absWorkingDir: ROOT,
  entryPoints: { rolegate: "src/cli/main.ts" },
  outdir: "dist/cli-bundle",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "none",
  // yaml's ES module build (its "default" export condition; the "node" one is CommonJS): only
  // what rolegate uses is bundled, without CommonJS wrappers (about 10 ms less per cold check).
  alias: { yaml: "./node_modules/yaml/browser/index.js" },
  logLevel: "warning",
  // In case a bundled CommonJS dependency calls require() for a Node built-in.
  banner: { js: "import { createRequire as __rolegateCreateRequire } from 'node:module'; const require = __rolegateCreateRequire(import.meta.url);" },
});
console.log("wrote dist/cli-bundle/");
