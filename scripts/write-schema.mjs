#!/usr/bin/env node
// Writes policies/rolegate.schema.json from the schema in the core (the single source of truth).
// With --check, exits 1 when the committed file differs instead of writing it.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { policySchema } from "../dist/core/policy/schema.js";

const target = join(dirname(dirname(fileURLToPath(import.meta.url))), "policies", "rolegate.schema.json");
const text = JSON.stringify(policySchema, null, 2) + "\n";
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {}
  if (current !== text) {
    console.error("policies/rolegate.schema.json is out of date: run `npm run build && npm run schema`");
    process.exit(1);
  }
  console.log("policies/rolegate.schema.json is up to date");
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
