#!/usr/bin/env node
// `prepare`: npm runs it after `npm ci` / `npm install` in a checkout and when installing from
// git, which need a build (bin/rolegate.js runs dist/). It never runs when a tarball is installed
// (that tarball carries dist/). `npm pack` runs it too, right after `prepack` has built from
// clean: skip that second build.
import { execFileSync } from "node:child_process";

if (process.env.npm_command === "pack") process.exit(0);
const npm = process.env.npm_execpath;
if (npm) execFileSync(process.execPath, [npm, "run", "build"], { stdio: "inherit" });
else execFileSync("npm", ["run", "build"], { stdio: "inherit", shell: process.platform === "win32" });
