// The fake's git model on its own (no server): object hashes, diffs, ref resolution, graph walks.
import { describe, expect, it } from "vitest";
import { diffTrees, unifiedPatch } from "./diff.js";
import { gitBlobSha, gitCommitSha, gitTree } from "./git-objects.js";
import { commitsBetween, makeCommit, mergeBase, mergeTrees, MergeConflictError, type CommitGraph, type GitIdentity } from "./graph.js";
import { resolveRef, type RefHolder } from "./refs.js";

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join("\n") + "\n";

describe("git object hashes", () => {
  it("match what git computes for blobs, trees and commits", () => {
    // Expected values from `git hash-object`, `git write-tree` and `git commit-tree` on the same content.
    expect(gitBlobSha("hello\n")).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    const tree = gitTree(
      new Map([
        ["README.md", "hello\n"],
        ["src/a.ts", "x\n"],
      ]),
    );
    expect(tree.root).toBe("a41e8a27d299b0c00b2292a81a9a910f05f9d1c0");
    expect(tree.entries.map((e) => [e.path, e.type])).toEqual([
      ["README.md", "blob"],
      ["src", "tree"],
      ["src/a.ts", "blob"],
    ]);
    const who = { name: "Ada", email: "ada@example.com", date: "2026-01-01T00:00:00Z" };
    expect(gitCommitSha({ tree: tree.root, parents: [], author: who, committer: who, message: "init\n" })).toBe("36a5b1fba5e1bb320bb82f807b8f05776e94dad9");
  });
});

describe("unified patches", () => {
  it("are git's hunks: three lines of context, function headings, omitted counts of 1", () => {
    const before = numbered(20);
    const after = before.replace("line 5\n", "line five\n").replace("line 18\n", "");
    const { patch, additions, deletions } = unifiedPatch(before, after);
    expect([additions, deletions]).toEqual([1, 2]);
    expect(patch).toBe(
      [
        "@@ -2,7 +2,7 @@ line 1",
        " line 2",
        " line 3",
        " line 4",
        "-line 5",
        "+line five",
        " line 6",
        " line 7",
        " line 8",
        "@@ -15,6 +15,5 @@ line 14",
        " line 15",
        " line 16",
        " line 17",
        "-line 18",
        " line 19",
        " line 20",
      ].join("\n"),
    );
    expect(unifiedPatch("x", "y").patch).toBe("@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file");
    expect(unifiedPatch("", "a\nb\n").patch).toBe("@@ -0,0 +1,2 @@\n+a\n+b");
  });

  it("merges changes whose context touches into one hunk", () => {
    const before = numbered(30);
    const after = before.replace("line 10\n", "ten\n").replace("line 16\n", "sixteen\n");
    expect(unifiedPatch(before, after).patch.match(/^@@/gm)).toHaveLength(1);
    const apart = before.replace("line 10\n", "ten\n").replace("line 18\n", "eighteen\n");
    expect(unifiedPatch(before, apart).patch.match(/^@@/gm)).toHaveLength(2);
  });
});

describe("tree diffs", () => {
  it("report added, removed, modified, renamed and binary files in path order", () => {
    const before = new Map([
      ["docs/old.md", "a\nb\nc\nd\n"],
      ["gone.txt", "bye\n"],
      ["keep.txt", "1\n"],
      ["logo.png", "\0PNG1"],
    ]);
    const after = new Map([
      ["docs/new.md", "a\nb\nc\nD\n"],
      ["keep.txt", "2\n"],
      ["logo.png", "\0PNG2"],
      ["new.txt", "hi\n"],
    ]);
    const changes = diffTrees(before, after);
    expect(changes.map((c) => [c.filename, c.status, c.previous_filename ?? null, c.additions, c.deletions, c.patch !== undefined])).toEqual([
      ["docs/new.md", "renamed", "docs/old.md", 1, 1, true],
      ["gone.txt", "removed", null, 0, 1, true],
      ["keep.txt", "modified", null, 1, 1, true],
      ["logo.png", "modified", null, 0, 0, false],
      ["new.txt", "added", null, 1, 0, true],
    ]);
    expect(changes.find((c) => c.filename === "gone.txt")?.sha).toBe(gitBlobSha("bye\n"));
  });

  it("leave out the patch of a file over the changed-lines limit", () => {
    const changes = diffTrees(new Map(), new Map([["big.txt", numbered(30)]]), { maxChangedLines: 25, maxPatchBytes: 1e6 });
    expect(changes[0]).toMatchObject({ filename: "big.txt", additions: 30, deletions: 0 });
    expect(changes[0]?.patch).toBeUndefined();
  });
});

describe("ref resolution", () => {
  const repo: RefHolder = {
    defaultBranch: "main",
    branches: new Map([
      ["main", "1".repeat(40)],
      ["release", "2".repeat(40)],
    ]),
    tags: new Map([["main", "3".repeat(40)]]),
    knownShas: new Set(["1".repeat(40), "2".repeat(40), "3".repeat(40), "4".repeat(40)]),
  };

  it("lets a tag shadow a branch of the same bare name, as git does", () => {
    expect(resolveRef(repo, "main")).toMatchObject({ kind: "tag", sha: "3".repeat(40) });
    expect(resolveRef(repo, "refs/heads/main")).toMatchObject({ kind: "branch", sha: "1".repeat(40) });
    expect(resolveRef(repo, "heads/main")).toMatchObject({ kind: "branch", sha: "1".repeat(40) });
    expect(resolveRef(repo, "refs/tags/main")).toMatchObject({ kind: "tag" });
    expect(resolveRef(repo, "release")).toMatchObject({ kind: "branch", sha: "2".repeat(40) });
    expect(resolveRef(repo, "HEAD")).toMatchObject({ kind: "branch", name: "main" });
  });

  it("takes 40 hex digits as a commit only when the repository knows it", () => {
    expect(resolveRef(repo, "4".repeat(40))).toEqual({ kind: "commit", sha: "4".repeat(40) });
    expect(resolveRef(repo, "5".repeat(40))).toBeUndefined();
    expect(resolveRef(repo, "refs/heads/nope")).toBeUndefined();
  });
});

describe("the commit graph", () => {
  const who: GitIdentity = { name: "Ada", email: "ada@example.com", login: "ada", date: "2026-01-01T00:00:00Z" };
  const graph: CommitGraph = new Map();
  const add = (parents: string[], files: Record<string, string>, message: string) => {
    const c = makeCommit({ parents, tree: new Map(Object.entries(files)), author: who, committer: who, coAuthors: [], message });
    graph.set(c.sha, c);
    return c.sha;
  };
  const root = add([], { "a.txt": "a\n" }, "root");
  const feature1 = add([root], { "a.txt": "a\n", "f.txt": "f\n" }, "feature 1");
  const feature2 = add([feature1], { "a.txt": "a\n", "f.txt": "f2\n" }, "feature 2");
  const main1 = add([root], { "a.txt": "A\n" }, "main 1");

  it("finds the merge base and lists base..head oldest first", () => {
    expect(mergeBase(graph, main1, feature2)).toBe(root);
    expect(commitsBetween(graph, main1, feature2).map((c) => c.message)).toEqual(["feature 1", "feature 2"]);
    expect(commitsBetween(graph, feature2, main1).map((c) => c.message)).toEqual(["main 1"]);
  });

  it("merges whole files three ways and refuses files changed on both sides", () => {
    const at = (sha: string) => graph.get(sha)?.tree ?? new Map<string, string>();
    expect(Object.fromEntries(mergeTrees(at(root), at(feature2), at(main1)))).toEqual({ "a.txt": "A\n", "f.txt": "f2\n" });
    const clash = add([root], { "a.txt": "B\n" }, "clash");
    expect(() => mergeTrees(at(root), at(main1), at(clash))).toThrow(MergeConflictError);
  });
});
