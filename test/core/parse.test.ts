import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/core/diagnostics.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { parsePolicyText } from "../../src/core/policy/parse.js";

// Time budget: about 10 s (hostile inputs near the 1 MiB limit, and property runs).

const FILE = ".github/rolegate.yml";
const NOW = new Date("2026-06-01T12:00:00Z");

/** Parses, expecting a refusal; returns its diagnostics after checking their shape. */
function refused(text: string): Diagnostic[] {
  const result = parsePolicyText(FILE, text);
  expect(result.ok).toBe(false);
  if (result.ok) return [];
  expectPositioned(result.diagnostics);
  return result.diagnostics;
}

function expectPositioned(diagnostics: Diagnostic[]): void {
  expect(diagnostics.length).toBeGreaterThan(0);
  for (const d of diagnostics) {
    expect(d.file).toBe(FILE);
    expect(d.severity).toBe("error");
    expect(Number.isInteger(d.line) && d.line >= 1, `line ${d.line}`).toBe(true);
    expect(Number.isInteger(d.col) && d.col >= 1, `col ${d.col}`).toBe(true);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

/** Runs `fn`, asserting it finishes within `ms` milliseconds. */
function quickly<T>(ms: number, fn: () => T): T {
  const start = performance.now();
  const value = fn();
  const elapsed = performance.now() - start;
  expect(elapsed, `took ${elapsed.toFixed(0)} ms`).toBeLessThan(ms);
  return value;
}

/** Both entry points refuse the text quickly, with a positioned error, without throwing. */
function refusedEverywhere(text: string, ms = 2000): Diagnostic[] {
  const diagnostics = quickly(ms, () => refused(text));
  const loaded = quickly(ms, () => loadPolicy(FILE, text, NOW));
  expect(loaded.policy).toBeUndefined();
  expectPositioned(loaded.diagnostics.filter((d) => d.severity === "error"));
  return diagnostics;
}

describe("parsePolicyText accepts a plain policy", () => {
  it("returns the value and positions of keys and values", () => {
    const text = "version: 1\nroles:\n  dev:\n    members: [alice, bob]\n";
    const result = parsePolicyText(FILE, text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.parsed.file).toBe(FILE);
    expect(result.parsed.value).toEqual({ version: 1, roles: { dev: { members: ["alice", "bob"] } } });
    expect(result.parsed.locate(["roles", "dev"], true)).toEqual({ line: 3, col: 3 });
    expect(result.parsed.locate(["roles", "dev", "members", 1])).toEqual({ line: 4, col: 22 });
    // An unknown path falls back to the nearest parent that exists.
    expect(result.parsed.locate(["roles", "dev", "nothing"])).toEqual({ line: 4, col: 5 });
  });
});

describe("hostile input is refused with a positioned error", () => {
  it("a billion-laughs alias bomb", () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i <= 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const d = refusedEverywhere(`version: 1\n${lines.join("\n")}\n`);
    expect(d[0]!.code).toBe("alias-limit");
    expect(d[0]!.message).toMatch(/alias/);
    // The error points at an alias in the file, not at the start.
    expect(d[0]!.line).toBeGreaterThan(2);
  });

  it("a deep chain of aliases with tiny fan-out is still bounded", () => {
    const lines = ["l0: &l0 [x, x]"];
    for (let i = 1; i < 40; i++) lines.push(`l${i}: &l${i} [*l${i - 1}, *l${i - 1}]`);
    const d = refusedEverywhere(`version: 1\n${lines.join("\n")}\n`);
    expect(d[0]!.code).toBe("alias-limit");
  });

  it("a few harmless aliases are fine for the parser", () => {
    const result = parsePolicyText(FILE, "version: 1\nx: &x [a, b]\ny: *x\n");
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.parsed.value).toEqual({ version: 1, x: ["a", "b"], y: ["a", "b"] });
  });

  it("a file over 1 MiB", () => {
    const text = `version: 1\n# ${"x".repeat(1024 * 1024)}\n`;
    const d = refusedEverywhere(text);
    expect(d[0]).toMatchObject({ code: "too-large", line: 1, col: 1 });
  });

  it("the size limit counts bytes, not UTF-16 units", () => {
    // 400,000 three-byte characters: 1.2 MB of UTF-8 in 400,000 string units.
    const text = `version: 1\n# ${"€".repeat(400_000)}\n`;
    expect(text.length).toBeLessThan(1024 * 1024);
    expect(refused(text)[0]!.code).toBe("too-large");
  });

  it("a file just under 1 MiB is not refused for its size", () => {
    const text = `version: 1\n# ${"x".repeat(1024 * 1024 - 20)}\n`;
    expect(new TextEncoder().encode(text).length).toBeLessThanOrEqual(1024 * 1024);
    expect(parsePolicyText(FILE, text).ok).toBe(true);
  });

  it("flow nesting 100,000 deep", () => {
    const d = refusedEverywhere("[".repeat(100_000));
    expect(d[0]!.code).toBe("too-deep");
  });

  it("balanced flow nesting 100,000 deep under a key", () => {
    const d = refusedEverywhere(`version: 1\nx: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`);
    expect(d[0]!.code).toBe("too-deep");
    expect(d[0]!.line).toBe(2);
  });

  it("flow mappings 100,000 deep", () => {
    const d = refusedEverywhere(`version: 1\nx: ${"{a: ".repeat(100_000)}`);
    expect(d[0]!.code).toBe("too-deep");
  });

  it("compact block sequences nested 300,000 deep on one line", () => {
    const d = refusedEverywhere(`version: 1\nx:\n${"- ".repeat(300_000)}y\n`);
    expect(d[0]!.code).toBe("too-deep");
  });

  const blockMaps = (depth: number, indent = 2) => Array.from({ length: depth }, (_, i) => `${" ".repeat(indent * i)}k${i}:`).join("\n") + " leaf\n";

  it("block mappings nested deeper than 64 levels", () => {
    const d = refusedEverywhere(blockMaps(65));
    expect(d[0]!.code).toBe("too-deep");
    expect(d[0]!.message).toMatch(/64/);
    // Points at the mapping that crosses the limit, far below line 1.
    expect(d[0]!.line).toBeGreaterThan(60);
  });

  it("block mappings exactly 64 levels deep are accepted by the parser", () => {
    expect(parsePolicyText(FILE, blockMaps(64)).ok).toBe(true);
  });

  it("block mappings over a thousand levels deep (one-space indent, under 1 MiB)", () => {
    const text = blockMaps(1400, 1);
    expect(new TextEncoder().encode(text).length).toBeLessThan(1024 * 1024);
    refusedEverywhere(text, 5000);
  });

  it("block sequences over a thousand levels deep, one per line", () => {
    const text = "x:\n" + Array.from({ length: 1400 }, (_, i) => `${" ".repeat(i)}- `).join("\n") + "y\n";
    refusedEverywhere(text, 5000);
  });

  // The 1 MiB limit only bounds the work if the work is roughly linear in the size.
  // For scale: a 360 kB list of 60,000 items parses in about half a second here.
  it("a mapping with many distinct keys (240 kB, under the limit) parses in bounded time", () => {
    // Duplicate-key detection that compares every key with every other one is quadratic:
    // 25,000 keys then take several seconds, and a 1 MiB file over a minute.
    const text = "version: 1\n" + Array.from({ length: 25_000 }, (_, i) => `k${i}: 1`).join("\n") + "\n";
    expect(new TextEncoder().encode(text).length).toBeLessThan(1024 * 1024);
    quickly(1500, () => parsePolicyText(FILE, text));
  }, 120_000);

  it("loadPolicy on a 70 kB mapping of unknown keys finishes in bounded time", () => {
    // Each schema error is positioned by searching the mapping's items: quadratic overall.
    const text = "version: 1\n" + Array.from({ length: 8_000 }, (_, i) => `k${i}: 1`).join("\n") + "\n";
    const loaded = quickly(1500, () => loadPolicy(FILE, text, NOW));
    expect(loaded.policy).toBeUndefined();
    expectPositioned(loaded.diagnostics);
  }, 120_000);

  it("a 100 kB line of repeated `- a: ` is refused in bounded time", () => {
    const text = `version: 1\nx:\n${"- a: ".repeat(20_000)}y\n`;
    quickly(1500, () => refused(text));
  }, 120_000);
});

describe("duplicate keys", () => {
  it("are refused at the position of the duplicate", () => {
    const d = refusedEverywhere("version: 1\nroles:\n  dev: { members: [a] }\n  ops: { members: [b] }\n  dev: { members: [c] }\n");
    expect(d[0]).toMatchObject({ line: 5, col: 3 });
  });

  it("at the top level", () => {
    const d = refusedEverywhere("version: 1\nversion: 1\n");
    expect(d[0]).toMatchObject({ line: 2, col: 1 });
  });

  it("in a flow mapping", () => {
    const d = refusedEverywhere("version: 1\noptions: { author_can_approve: true, author_can_approve: false }\n");
    expect(d[0]).toMatchObject({ line: 2, col: 38 });
  });

  it('spelled differently but naming the same key (1 and "1") are refused too', () => {
    // Both become the key "1"; accepting this would silently drop the first definition.
    const d = refusedEverywhere('version: 1\ncategories:\n  1: { paths: [a] }\n  "1": { paths: [b] }\n');
    expect(d[0]).toMatchObject({ line: 4, col: 3 });
  });
});

describe("the document must be one mapping", () => {
  it("a list", () => {
    const d = refusedEverywhere("- version: 1\n- roles: {}\n");
    expect(d[0]).toMatchObject({ code: "not-mapping", line: 1, col: 1 });
  });

  it("a scalar", () => {
    expect(refusedEverywhere("version 1\n")[0]!.code).toBe("not-mapping");
    expect(refusedEverywhere("42\n")[0]!.code).toBe("not-mapping");
  });

  it("a scalar after comments is reported where it is", () => {
    const d = refusedEverywhere("# policy\n\n  hello\n");
    expect(d[0]).toMatchObject({ code: "not-mapping", line: 3, col: 3 });
  });

  it("null", () => {
    expect(refusedEverywhere("~\n")[0]!.code).toBe("not-mapping");
  });

  it.each([
    ["empty", ""],
    ["blank lines", "\n\n   \n"],
    ["only a comment", "# nothing here\n"],
  ])("an empty file (%s)", (_what, text) => {
    const d = refusedEverywhere(text);
    expect(d[0]).toMatchObject({ line: 1, col: 1 });
  });

  it("an empty document after a start marker", () => {
    expect(refusedEverywhere("---\n")[0]!.line).toBe(1);
  });

  it("several documents", () => {
    const d = refusedEverywhere("version: 1\n---\nversion: 1\n");
    expect(d[0]).toMatchObject({ code: "multiple-documents", line: 2, col: 1 });
  });

  it("several documents where the second is empty", () => {
    refusedEverywhere("version: 1\n---\n");
  });

  it("a single document with an explicit start marker is fine", () => {
    expect(parsePolicyText(FILE, "---\nversion: 1\n").ok).toBe(true);
  });
});

describe("YAML syntax errors", () => {
  it.each([
    // [what, text, lines where the error may be reported (where the problem starts or is detected)]
    ["unclosed flow sequence", "version: 1\nroles: [a, b\n", [2, 3]],
    ["tab indentation", "version: 1\nroles:\n\t dev: {}\n", [3]],
    ["bad indentation", "version: 1\nroles:\n  dev:\n    members: [a]\n   oops: 1\n", [5]],
    ["unclosed quote", 'version: 1\nname: "abc\n', [2, 3]],
    ["undefined alias", "version: 1\nroles: *nothing\n", [2]],
    ["mapping value in a plain scalar", "version: 1\nroles: a: b\n", [2]],
  ] as [string, string, number[]][])("%s", (_what, text, lines) => {
    const d = refusedEverywhere(text);
    expect(lines).toContain(d[0]!.line);
  });

  it("reports at most a bounded number of errors", () => {
    const text = Array.from({ length: 500 }, () => "k: : :").join("\n");
    const d = refusedEverywhere(text);
    expect(d.length).toBeLessThanOrEqual(50);
  });
});

describe("never throws on arbitrary input (property)", () => {
  const TOKENS = [
    "a:",
    "b:",
    "version: 1",
    "roles:",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "? ",
    "&x ",
    "*x",
    "&y ",
    "*y",
    "!!str ",
    "!!map ",
    "!tag ",
    "\n",
    "  ",
    "\t",
    "#",
    "'",
    '"',
    "|",
    ">",
    "---",
    "...",
    "%YAML 1.2",
    "~",
    "null",
    "1",
    "true",
    "x",
    "\\",
    "@",
    "`",
    "<<: ",
    "\u00a0",
    "\ufeff",
    "\u2028",
  ];
  const yamlish = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(""));
  const arbitraries = {
    "ascii strings": fc.string({ maxLength: 200 }),
    "full-unicode strings": fc.string({ unit: "binary", maxLength: 200 }),
    "grapheme strings": fc.string({ unit: "grapheme", maxLength: 100 }),
    "YAML-ish token soup": yamlish,
    "YAML-ish after a valid header": yamlish.map((s) => `version: 1\n${s}`),
  };

  for (const [name, arb] of Object.entries(arbitraries)) {
    it(`${name}: parsePolicyText and loadPolicy never throw; every rejection is positioned`, () => {
      fc.assert(
        fc.property(arb, (text) => {
          const parsed = parsePolicyText(FILE, text);
          if (!parsed.ok) expectPositioned(parsed.diagnostics);
          const loaded = loadPolicy(FILE, text, NOW);
          for (const d of loaded.diagnostics) {
            expect(d.file).toBe(FILE);
            expect(d.line).toBeGreaterThanOrEqual(1);
            expect(d.col).toBeGreaterThanOrEqual(1);
            expect(["error", "warning"]).toContain(d.severity);
          }
          if (!parsed.ok) {
            expect(loaded.policy).toBeUndefined();
            expect(loaded.diagnostics.some((d) => d.severity === "error")).toBe(true);
          }
        }),
        { numRuns: 1500 },
      );
    });
  }
});
