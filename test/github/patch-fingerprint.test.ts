import { describe, expect, it } from "vitest";
import { unifiedPatch } from "../fake-github/diff.js";
import { patchFingerprint, type PatchedFile } from "../../src/github/patch-fingerprint.js";

// Time budget: milliseconds. The fingerprint normalises as `git patch-id --stable` does.

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
const modified = (filename: string, before: string, after: string): PatchedFile => ({ filename, status: "modified", patch: unifiedPatch(before, after).patch });

describe("patchFingerprint", () => {
  const text = lines(40);
  const change = modified("k8s/deploy.tf", text, text.replace("line 20\n", "line twenty\n"));

  it("ignores line numbers: the same edit lower in a longer file has the same fingerprint", () => {
    const longer = `${"head\n".repeat(15)}${text}`;
    const moved = modified("k8s/deploy.tf", longer, longer.replace("line 20\n", "line twenty\n"));
    expect(moved.patch).not.toBe(change.patch);
    expect(patchFingerprint([moved])).toBe(patchFingerprint([change]));
  });

  it("ignores whitespace and file order", () => {
    const other = modified("src/app.ts", "a\n", "b\n");
    const spaced = { ...change, patch: change.patch!.replace("+line twenty", "+line   twenty\t") };
    expect(patchFingerprint([other, spaced])).toBe(patchFingerprint([change, other]));
  });

  it("differs when the content, a file's name or its status differs", () => {
    const fp = patchFingerprint([change]);
    expect(patchFingerprint([modified("k8s/deploy.tf", text, text.replace("line 20\n", "line 2O\n"))])).not.toBe(fp);
    expect(patchFingerprint([{ ...change, filename: "k8s/other.tf" }])).not.toBe(fp);
    expect(patchFingerprint([{ ...change, status: "renamed", previous_filename: "k8s/old.tf" }])).not.toBe(fp);
    expect(patchFingerprint([change, modified("src/app.ts", "a\n", "b\n")])).not.toBe(fp);
  });

  it("cannot fingerprint a missing patch or an empty diff: whoever compares fails closed", () => {
    expect(patchFingerprint([])).toBeUndefined();
    expect(patchFingerprint([change, { filename: "logo.png", status: "modified" }])).toBeUndefined();
    expect(patchFingerprint([{ ...change, patch: "" }])).toBeUndefined();
  });
});
