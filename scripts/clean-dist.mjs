#!/usr/bin/env node
// Before `npm pack`: remove dist/ so the tarball holds exactly what this build writes (tsc never
// deletes the output of a source that was renamed or removed).
import { rmSync } from "node:fs";

rmSync(new URL("../dist/", import.meta.url), { recursive: true, force: true });
