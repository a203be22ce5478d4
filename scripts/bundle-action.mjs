#!/usr/bin/env node
// Bundles the Action into dist-action/index.mjs (committed: an Action runs without npm install).
// Deterministic for the same sources and lock file, so CI can check the committed copy is current.
import { build } from "esbuild";

await build({
  entryPoints: ["src/action/index.ts"],
  outfile: "dist-action/index.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  legalComments: "none",
  logLevel: "warning",
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __rolegateCreateRequire } from 'node:module'; const require = __rolegateCreateRequire(import.meta.url);" },
});
console.log("wrote dist-action/index.mjs");
