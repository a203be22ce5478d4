import fc from "fast-check";
import { minimatch } from "minimatch";
import { describe, expect, it } from "vitest";
import { GlobIndex } from "../../src/core/glob-index.js";
import { compileBranchGlob, compilePathGlob, GlobError, matchBranch, matchPath, splitPath } from "../../src/core/glob.js";

// Time budget: about 3 s, mostly the property runs against the minimatch reference.

/** Does `pattern` match `path` under the policy's gitignore-style rules? */
function m(pattern: string, path: string): boolean {
  return matchPath(compilePathGlob(pattern), path);
}

/** Table helper: every path in `yes` matches, every path in `no` does not. */
function expectMatches(pattern: string, yes: string[], no: string[]): void {
  for (const path of yes) expect(m(pattern, path), `${pattern} should match ${path}`).toBe(true);
  for (const path of no) expect(m(pattern, path), `${pattern} should not match ${path}`).toBe(false);
}

function b(pattern: string, branch: string): boolean {
  return matchBranch(compileBranchGlob(pattern), branch);
}

describe("path globs: floating and anchored patterns", () => {
  it("a pattern without a slash matches at any depth", () => {
    expectMatches("Jenkinsfile", ["Jenkinsfile", "ci/Jenkinsfile", "a/b/c/Jenkinsfile"], ["Jenkinsfile.bak", "xJenkinsfile", "ci/Jenkinsfile2"]);
    expectMatches("*.tf", ["main.tf", "infra/main.tf", "a/b/c/x.tf"], ["main.tfx", "main.tf.bak", "maintf"]);
  });

  it("a pattern with only a trailing slash is still floating", () => {
    expectMatches("build/", ["build/out.js", "a/build/out.js", "x/y/build/z/w"], ["build", "a/build", "builds/x", "rebuild/x"]);
  });

  it("a pattern with a slash in the middle is anchored at the root", () => {
    expectMatches("k8s/deploy.yaml", ["k8s/deploy.yaml"], ["apps/k8s/deploy.yaml", "deploy.yaml", "k8s/x/deploy.yaml"]);
    expectMatches("envs/*/main.tf", ["envs/dev/main.tf"], ["x/envs/dev/main.tf", "envs/main.tf", "envs/dev/x/main.tf"]);
  });

  it("a leading slash anchors a pattern and otherwise changes nothing", () => {
    expectMatches("/Jenkinsfile", ["Jenkinsfile"], ["ci/Jenkinsfile"]);
    const paths = ["k8s/a.yaml", "x/k8s/a.yaml", "k8s", "k8s/b/c.yaml", "a/b", "a/b/c", "x/a/b"];
    for (const [withSlash, without] of [
      ["/k8s/a.yaml", "k8s/a.yaml"],
      ["/a/b", "a/b"],
      ["/k8s/**", "k8s/**"],
      ["/a/*", "a/*"],
    ] as const) {
      for (const p of paths) expect(m(withSlash, p), `${withSlash} vs ${p}`).toBe(m(without, p));
    }
  });

  it("paths are case-sensitive", () => {
    expectMatches("Jenkinsfile", ["Jenkinsfile"], ["jenkinsfile", "JENKINSFILE", "ci/jenkinsFile"]);
    expectMatches("K8s/**", ["K8s/a"], ["k8s/a"]);
  });
});

describe("path globs: wildcards", () => {
  it("* matches within one segment and never crosses /", () => {
    expectMatches("src/*.ts", ["src/a.ts", "src/.ts"], ["src/a/b.ts", "src.ts", "a/src/a.ts"]);
    expectMatches("a*b", ["ab", "axxb", "d/aXb"], ["a/b", "ax/yb"]);
  });

  it("? matches exactly one character and never /", () => {
    expectMatches("a?b", ["aXb", "a.b", "d/a-b"], ["ab", "aXXb", "a/b"]);
    expectMatches("x/a?c", ["x/abc"], ["x/a/c", "x/ac"]);
  });

  it("** matches zero or more directories", () => {
    expectMatches("**/*.tf", ["main.tf", "a/main.tf", "a/b/c/main.tf"], ["main.tfvars", "a/main.tf.json"]);
    expectMatches("a/**/b", ["a/b", "a/x/b", "a/x/y/z/b", "a/b/c"], ["a/xb", "b", "x/a/b", "ab"]);
    expectMatches("**", ["a", "a/b", ".x/y"], []);
  });

  it("** inside a segment with other characters acts as *", () => {
    expectMatches("a**b", ["ab", "axyb", "d/axyb"], ["ax/yb", "a/b"]);
    expectMatches("x/**.tf", ["x/m.tf", "x/.tf"], ["x/y/m.tf", "m.tf"]);
    expectMatches("x/a**", ["x/a", "x/abc", "x/abc/d"], ["x/b", "x/b/a"]);
    // Same results as the single-star spelling.
    for (const p of ["ab", "axyb", "ax/yb", "q/aZb"]) expect(m("a***b", p)).toBe(m("a*b", p));
  });

  it("dot files and dot directories are matched like any other file", () => {
    expectMatches("*", [".env", ".github/x"], []);
    expectMatches("*.yml", [".github/ci.yml", ".yml", "a/.hidden.yml"], []);
    expectMatches(".github/workflows/**", [".github/workflows/ci.yml", ".github/workflows/.x/y"], [".github/workflows", "github/workflows/ci.yml"]);
    expectMatches("**/*.tf", [".terraform/modules/x.tf", "a/.b/.c.tf"], []);
    expectMatches("a/?x", ["a/.x"], []);
  });
});

describe("path globs: directories", () => {
  it("a pattern that matches a directory matches everything inside it", () => {
    expectMatches("k8s", ["k8s", "k8s/a.yaml", "apps/k8s/deep/a.yaml"], ["k8s.yaml", "k8sx/a"]);
    expectMatches("a/b", ["a/b", "a/b/c", "a/b/c/d"], ["a/bc", "x/a/b"]);
    expectMatches("src/*.d", ["src/x.d", "src/x.d/y.ts"], ["src/x/y.d.ts"]);
    expectMatches("*.tf", ["mod.tf/readme"], []);
  });

  it("a trailing / or /** matches everything inside, never the bare file of that name", () => {
    expectMatches("k8s/", ["k8s/a.yaml", "k8s/a/b", "x/k8s/a"], ["k8s", "x/k8s"]);
    expectMatches("k8s/**", ["k8s/a.yaml", "k8s/a/b"], ["k8s", "x/k8s/a", "k8s.yaml"]);
    expectMatches("/k8s/", ["k8s/a"], ["k8s", "x/k8s/a"]);
    expectMatches("a/b/", ["a/b/c"], ["a/b", "x/a/b/c"]);
    expectMatches("a/b/**", ["a/b/c", "a/b/c/d"], ["a/b", "a/bc"]);
  });

  it("a trailing / after a ** segment needs a directory strictly inside (as git does)", () => {
    // git check-ignore with `a/**/` ignores a/d/g but not a/f: `a/**` names what is inside
    // a, and the trailing slash then needs one of those to be a directory.
    expectMatches("a/**/", ["a/d/g", "a/d/e/h"], ["a/f", "a", "b/a/d/g"]);
    expectMatches("/*/**/", ["a/d/g"], ["a/f", "a"]);
  });

  it("a/**/** matches everything inside a (as git does)", () => {
    expectMatches("a/**/**", ["a/f", "a/d/g"], ["a", "b/a/f"]);
  });

  it("a trailing /** makes even a one-segment pattern anchored", () => {
    // `k8s/**` has a slash that is not trailing: anchored at the root.
    expect(m("k8s/**", "apps/k8s/x")).toBe(false);
    // `k8s/` only has a trailing slash: floating.
    expect(m("k8s/", "apps/k8s/x")).toBe(true);
  });

  it("compiled flags agree with the rules", () => {
    expect(compilePathGlob("Jenkinsfile")).toMatchObject({ anchored: false, dirOnly: false });
    expect(compilePathGlob("build/")).toMatchObject({ anchored: false, dirOnly: true });
    expect(compilePathGlob("k8s/**")).toMatchObject({ anchored: true, dirOnly: false });
    expect(compilePathGlob("/Jenkinsfile")).toMatchObject({ anchored: true, dirOnly: false });
    expect(compilePathGlob("a/b")).toMatchObject({ anchored: true, dirOnly: false });
  });
});

describe("path globs: invalid patterns", () => {
  it.each([
    ["negation", "!secrets/**"],
    ["negation in the middle", "a/!b"],
    ["character class", "[ab].tf"],
    ["lone closing bracket", "a]"],
    ["lone opening bracket", "a[b"],
    ["backslash", "a\\b"],
    ["empty pattern", ""],
    ["empty segment", "a//b"],
    ["empty segment before trailing slash", "a//"],
    ["root only", "/"],
    ["double slash only", "//"],
    ["leading double slash", "//a"],
  ])("%s (%j) is a GlobError", (_why, pattern) => {
    expect(() => compilePathGlob(pattern)).toThrow(GlobError);
  });

  it("the error message names the pattern", () => {
    expect(() => compilePathGlob("!x")).toThrow(/!x/);
  });

  it.each(["a", "/a", "a/", "/a/", "a/**", "**", "**/", "/**", "a/**/b", "*", "?", ".x"])("%j compiles", (pattern) => {
    expect(() => compilePathGlob(pattern)).not.toThrow();
  });
});

describe("branch globs", () => {
  it("match the whole branch name", () => {
    expect(b("main", "main")).toBe(true);
    expect(b("main", "main2")).toBe(false);
    expect(b("main", "xmain")).toBe(false);
    expect(b("main", "feature/main")).toBe(false);
    expect(b("main", "main/x")).toBe(false);
    expect(b("main", "Main")).toBe(false);
  });

  it("* and ? do not cross /", () => {
    expect(b("release/*", "release/1.0")).toBe(true);
    expect(b("release/*", "release/1.0/hotfix")).toBe(false);
    expect(b("release/*", "release")).toBe(false);
    expect(b("*", "main")).toBe(true);
    expect(b("*", "feature/x")).toBe(false);
    expect(b("hotfix-*", "hotfix-42")).toBe(true);
    expect(b("hotfix-*", "hotfix-4/2")).toBe(false);
    expect(b("v?", "v1")).toBe(true);
    expect(b("v?", "v10")).toBe(false);
    expect(b("a?b", "a/b")).toBe(false);
    expect(b("*/x", "a/x")).toBe(true);
    expect(b("*/x", "a/b/x")).toBe(false);
  });

  it("** crosses /", () => {
    expect(b("release/**", "release/1.0/hotfix")).toBe(true);
    expect(b("release/**", "release/1.0")).toBe(true);
    expect(b("**", "a/b/c")).toBe(true);
    expect(b("**/main", "x/y/main")).toBe(true);
    expect(b("**/main", "x/y/main2")).toBe(false);
    expect(b("feature/**/done", "feature/a/b/done")).toBe(true);
  });

  it.each(["", "!main", "release/[0-9]", "a]", "a\\b"])("%j is a GlobError", (pattern) => {
    expect(() => compileBranchGlob(pattern)).toThrow(GlobError);
  });
});

/* ---------------------------------------------------------------------------
 * Property tests against minimatch as the reference implementation.
 * ------------------------------------------------------------------------- */

const MM_OPTIONS = { dot: true, nobrace: true, noext: true, nonegate: true, nocomment: true } as const;

/** The gitignore rules expressed with minimatch calls, one per directory prefix. */
function reference(pattern: string, path: string): boolean {
  let body = pattern.startsWith("/") ? pattern.slice(1) : pattern;
  let dirOnly = false;
  if (body.endsWith("/")) {
    body = body.slice(0, -1);
    dirOnly = true;
  }
  const original = pattern.endsWith("/") ? pattern.slice(0, -1) : pattern;
  const anchored = original.includes("/");
  body = body
    .split("/")
    .map((s) => (s === "**" ? s : s.replace(/\*+/g, "*")))
    .join("/");
  const mm = anchored ? body : `**/${body}`;
  const parts = path.split("/");
  const last = dirOnly ? parts.length - 1 : parts.length;
  for (let k = 1; k <= last; k++) {
    if (minimatch(parts.slice(0, k).join("/"), mm, MM_OPTIONS)) return true;
  }
  return false;
}

const PATTERN_SEGMENTS = ["a", "b", ".x", "*", "?", "**", "a*", "*.tf", "a?b", "a**b", "m.tf"];
const PATH_SEGMENTS = ["a", "b", ".x", "ab", "aXb", "m.tf", "c"];

const patternArb = fc
  .tuple(fc.array(fc.constantFrom(...PATTERN_SEGMENTS), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.constantFrom("", "/", "/**"))
  .map(([segs, lead, trail]) => `${lead ? "/" : ""}${segs.join("/")}${trail}`);

const pathArb = fc.array(fc.constantFrom(...PATH_SEGMENTS), { minLength: 1, maxLength: 5 }).map((s) => s.join("/"));

describe("path globs: properties", () => {
  it("the reference agrees with hand-checked examples (sanity check of the oracle)", () => {
    expect(reference("Jenkinsfile", "ci/Jenkinsfile")).toBe(true);
    expect(reference("k8s/**", "k8s")).toBe(false);
    expect(reference("k8s", "k8s/a")).toBe(true);
    expect(reference("/a", "b/a")).toBe(false);
    expect(reference("**/*.tf", "main.tf")).toBe(true);
  });

  it("matchPath agrees with the minimatch reference", () => {
    fc.assert(
      fc.property(patternArb, pathArb, (pattern, path) => {
        expect(matchPath(compilePathGlob(pattern), path)).toBe(reference(pattern, path));
      }),
      { numRuns: 5000 },
    );
  });

  it("a leading slash never changes the result of an anchored pattern", () => {
    fc.assert(
      fc.property(patternArb, pathArb, (pattern, path) => {
        const body = pattern.startsWith("/") ? pattern.slice(1) : pattern;
        fc.pre(body.replace(/\/$/, "").includes("/"));
        expect(m(`/${body}`, path)).toBe(m(body, path));
      }),
      { numRuns: 2000 },
    );
  });

  it("a trailing / or /** never matches a path the bare pattern would match only as a file", () => {
    fc.assert(
      fc.property(patternArb, pathArb, (pattern, path) => {
        fc.pre(!pattern.endsWith("/") && !pattern.endsWith("/**"));
        // Whatever `p/` matches, `p` matches too (it matches the directory, hence everything inside).
        if (m(`${pattern}/`, path)) expect(m(pattern, path)).toBe(true);
        if (m(`${pattern}/**`, path)) expect(m(pattern, path)).toBe(true);
        // And a matching directory covers every file inside it.
        if (m(pattern, path)) expect(m(pattern, `${path}/inner/file`)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("the direct forms `**/name/**` and one-segment wildcards agree with the minimatch reference", () => {
    const WILD = ["a*", "a?b", "*b", "a*.tf", "?.x", "*a*"];
    const direct = fc
      .tuple(
        fc.constantFrom("**/NAME/**", "/**/NAME/**", "**/NAME/**/", "WILD", "**/WILD", "/**/WILD", "WILD/", "**/WILD/"),
        fc.constantFrom("a", "b", ".x", "ab", "m.tf"),
        fc.constantFrom(...WILD),
      )
      .map(([form, name, wild]) => form.replace("NAME", name).replace("WILD", wild));
    fc.assert(
      fc.property(direct, pathArb, (pattern, path) => {
        expect(matchPath(compilePathGlob(pattern), path)).toBe(reference(pattern, path));
      }),
      { numRuns: 3000 },
    );
    expect(compilePathGlob("**/secrets/**").shape).toEqual({ kind: "insideName", name: "secrets" });
    expect(compilePathGlob("azure-pipelines*.yml").shape).toEqual({ kind: "anyWild", pattern: "azure-pipelines*.yml" });
  });

  it("a floating general pattern matches as it did when tried from each start separately", () => {
    // `a*b` style patterns used to be matched once per start segment; now all starts share one pass.
    fc.assert(
      fc.property(fc.constantFrom("?", "a*", "a?b", "*", "a**b"), pathArb, (segment, path) => {
        expect(m(segment, path)).toBe(path.split("/").some((s) => m(`/${segment}`, s)));
      }),
      { numRuns: 1000 },
    );
  });

  it("compilePathGlob either compiles or throws GlobError on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (pattern, path) => {
        let glob: ReturnType<typeof compilePathGlob>;
        try {
          glob = compilePathGlob(pattern);
        } catch (e) {
          expect(e).toBeInstanceOf(GlobError);
          return;
        }
        expect(typeof matchPath(glob, path)).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });
});

/** Branch reference: `**` crosses `/`, `*` and `?` stay within a segment, the whole name must match. */
function branchReference(pattern: string, branch: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*") {
      let j = i;
      while (pattern[j + 1] === "*") j++;
      re += j > i ? ".*" : "[^/]*";
      i = j;
    } else if (ch === "?") re += "[^/]";
    else re += ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s").test(branch);
}

describe("branch globs: properties", () => {
  it("matchBranch agrees with a regular-expression reference", () => {
    const patternChars = fc.constantFrom("a", "b", "/", "-", ".", "*", "**", "?");
    const branchChars = fc.constantFrom("a", "b", "/", "-", ".");
    fc.assert(
      fc.property(
        fc.array(patternChars, { minLength: 1, maxLength: 8 }).map((a) => a.join("")),
        fc.array(branchChars, { minLength: 0, maxLength: 10 }).map((a) => a.join("")),
        (pattern, branch) => {
          expect(matchBranch(compileBranchGlob(pattern), branch)).toBe(branchReference(pattern, branch));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe("GlobIndex", () => {
  it("returns the tags of matching globs (examples)", () => {
    const index = new GlobIndex<string>();
    index.add(compilePathGlob("Jenkinsfile"), "jenkins");
    index.add(compilePathGlob("**/*.tf"), "tf-anchored");
    index.add(compilePathGlob("*.tf"), "tf");
    index.add(compilePathGlob("*.tar.gz"), "tarball");
    index.add(compilePathGlob(".github/workflows/**"), "workflows");
    index.add(compilePathGlob("k8s"), "k8s");
    index.add(compilePathGlob("*"), "everything");
    const tags = (p: string) => index.match(splitPath(p)).sort();
    expect(tags("ci/Jenkinsfile")).toEqual(["everything", "jenkins"]);
    expect(tags("infra/main.tf")).toEqual(["everything", "tf", "tf-anchored"]);
    expect(tags("mods/x.tf/readme.md")).toEqual(["everything", "tf", "tf-anchored"]);
    expect(tags("dist/app.tar.gz")).toEqual(["everything", "tarball"]);
    expect(tags(".github/workflows/ci.yml")).toEqual(["everything", "workflows"]);
    expect(tags("apps/k8s/a.yaml")).toEqual(["everything", "k8s"]);
    expect(tags("README.md")).toEqual(["everything"]);
  });

  it("finds globs by an inner literal segment or by the literal tail of a wildcard (examples)", () => {
    const index = new GlobIndex<string>();
    index.add(compilePathGlob("**/secrets/**"), "secrets");
    index.add(compilePathGlob("*/prod/*.tf"), "prod-tf");
    index.add(compilePathGlob("azure-pipelines*.yml"), "azure");
    const tags = (p: string) => index.match(splitPath(p)).sort();
    expect(tags("a/secrets/b/c")).toEqual(["secrets"]);
    expect(tags("a/secrets")).toEqual([]);
    expect(tags("x/prod/main.tf")).toEqual(["prod-tf"]);
    expect(tags("ci/azure-pipelines-main.yml")).toEqual(["azure"]);
    expect(tags("ci/azure-pipelines-main.yml/x")).toEqual(["azure"]);
    expect(tags("ci/azure-pipelines.yaml")).toEqual([]);
    // A path whose segments repeat a key still yields each glob once.
    expect(tags("secrets/secrets/secrets/x")).toEqual(["secrets"]);
  });

  const INDEX_SEGMENTS = [...PATTERN_SEGMENTS, "*.gz", "*.tar.gz", "c", "x.b.tf", "*.b.tf", "**.tf", "?.tf", "a*.gz", "x*.b.tf", "a?.tf", "*.", "*x."];
  const INDEX_PATH_SEGMENTS = [...PATH_SEGMENTS, "x.b.tf", "a.tar.gz", ".tf", "t.gz", "ab.gz", "x.", "a.b.", "aa.tf"];
  const indexPatternArb = fc
    .tuple(fc.array(fc.constantFrom(...INDEX_SEGMENTS), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.constantFrom("", "", "/", "/**"))
    .map(([segs, lead, trail]) => `${lead ? "/" : ""}${segs.join("/")}${trail}`);
  const indexPathArb = fc.array(fc.constantFrom(...INDEX_PATH_SEGMENTS), { minLength: 1, maxLength: 5 }).map((s) => s.join("/"));

  it("match returns exactly the globs for which matchPath is true (brute force)", () => {
    fc.assert(
      fc.property(fc.array(indexPatternArb, { minLength: 0, maxLength: 12 }), fc.array(indexPathArb, { minLength: 1, maxLength: 8 }), (patterns, paths) => {
        const globs = patterns.map((p) => compilePathGlob(p));
        const index = new GlobIndex<number>();
        for (const [i, g] of globs.entries()) index.add(g, i);
        for (const path of paths) {
          const expected = globs.flatMap((g, i) => (matchPath(g, path) ? [i] : []));
          const actual = [...index.match(splitPath(path))].sort((x, y) => x - y);
          expect(actual, `path ${path}, patterns ${JSON.stringify(patterns)}`).toEqual(expected);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
