import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policySchema } from "../src/core/policy/schema.js";

// Time budget: milliseconds; reads a few files.

const ROOT = join(import.meta.dirname, "..");
const DOCS = readFileSync(join(ROOT, "docs", "policy.md"), "utf8");

/** Every property name the schema defines, at any depth: under `properties`, through `$defs`, conditions and combinators. */
function propertyNames(schema: unknown): Set<string> {
  const names = new Set<string>();
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "properties" && value && typeof value === "object") for (const name of Object.keys(value)) names.add(name);
        stack.push(value);
      }
    }
  }
  return names;
}

describe("docs/policy.md keeps up with the schema", () => {
  it("finds property names everywhere in the schema, $defs included", () => {
    const names = propertyNames(policySchema);
    // Spot checks at several depths: top level, a $defs entry, a nested condition, a member object.
    for (const n of ["version", "categories", "up_to_level", "from_level", "timezone", "author_roles", "expires", "last_reviewed"]) expect(names).toContain(n);
    expect(names.size).toBeGreaterThan(40);
  });

  it("documents every property name, code-formatted", () => {
    const missing = [...propertyNames(policySchema)].filter((name) => !DOCS.includes("`" + name + "`")).sort();
    expect(missing, `docs/policy.md does not mention these schema properties as \`name\`: ${missing.join(", ")}`).toEqual([]);
  });
});

describe("presets", () => {
  const presets = readdirSync(join(ROOT, "policies")).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));

  it("are there", () => {
    expect(presets.length).toBeGreaterThan(0);
  });

  it.each(presets)("%s starts with the yaml-language-server schema line", (preset) => {
    const first = readFileSync(join(ROOT, "policies", preset), "utf8").split(/\r?\n/, 1)[0];
    expect(first).toMatch(/^# yaml-language-server: \$schema=\S+$/);
  });
});
