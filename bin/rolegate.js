#!/usr/bin/env node
// Thin launcher. `npm run build` (run by `npm ci` through `prepare`, and by `npm pack` through
// `prepack`) writes the bundled CLI to dist/cli-bundle/, which starts fastest; dist/cli/main.js is
// the same code unbundled, used when the bundle is absent (a tsc-only build).
import { existsSync } from "node:fs";
import { setFlagsFromString } from "node:v8";

// A CLI process lives a fraction of a second: optimising hot functions with TurboFan costs more
// CPU than it saves (a 3,000-file check: ~320 ms CPU with V8's default budget, ~180 ms with this
// one; see docs/performance.md). Functions hot for much longer, as with a huge hostile policy,
// are still optimised. Set before any of rolegate's code is compiled.
setFlagsFromString("--interrupt-budget=1000000");

const bundle = new URL("../dist/cli-bundle/rolegate.mjs", import.meta.url);
const { main } = await import(existsSync(bundle) ? bundle.href : "../dist/cli/main.js");

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
});
