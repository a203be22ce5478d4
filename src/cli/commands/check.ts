import { evaluate, type Result } from "../../core/evaluate.js";
import { applyPolicyChange, type PolicyChangeReport } from "../../core/policy-change.js";
import { checkMarkdown } from "../../core/render/check.js";
import { resultJson, resultText } from "../../core/render/result.js";
import type { ChangedFile } from "../../core/state.js";
import type { Policy } from "../../core/policy/types.js";
import { stateFromFlags } from "../context.js";
import { changedFiles, repoRoot, showFile, verifyRevision } from "../git.js";
import { EXIT, InputError, type CliIo } from "../io.js";
import { extendsOptions, findPolicy, loadUsable, loadWithParents, POLICY_CANDIDATES } from "../policy-source.js";
import type { Parsed } from "../args.js";

function neutral(files: ChangedFile[]): Result {
  return {
    conclusion: "neutral",
    title: "No rolegate policy in this repository",
    files: files.map((f) => ({ path: f.path, status: f.status, categories: [], environments: [], level: 0, shape: -1 })),
    requirements: [],
    violations: [],
    blocking: [],
    errors: [],
    warnings: ["no policy: nothing is enforced (GitHub counts a neutral check as passing)"],
    touchedCategories: [],
  };
}

export async function runCheck(io: CliIo, args: Parsed): Promise<number> {
  const v = args.values as Record<string, string | undefined>;
  const format = v.format ?? "text";
  if (!["text", "markdown", "json"].includes(format)) throw new InputError(`--format: "${format}" is not one of text, markdown, json`);
  const flags = stateFromFlags(io.cwd, args.values);
  let files: ChangedFile[];
  let base: string | undefined;
  let head = "HEAD";
  if (v.base !== undefined) {
    if (v.files !== undefined) throw new InputError("give either --base or --files, not both");
    base = verifyRevision(io.cwd, v.base);
    head = verifyRevision(io.cwd, v.head ?? "HEAD");
    files = changedFiles(io.cwd, base, head);
  } else if (v.files !== undefined) {
    if (v.head !== undefined) throw new InputError("--head needs --base");
    files = v.files
      .split(",")
      .map((p) => p.trim().replace(/^\//, ""))
      .filter(Boolean)
      .map((path) => ({ path, status: "modified" as const }));
  } else {
    throw new InputError("check needs the change: --base REV [--head REV], or --files P1,P2,...");
  }

  const source = findPolicy(io.cwd, args.positionals[0], args.positionals[0] === undefined ? base : undefined);
  let result: Result;
  let policy: Policy | undefined;
  let report: PolicyChangeReport | undefined;
  if (!source) {
    result = neutral(files);
  } else {
    const usable = await loadUsable(io.cwd, source, flags.now, extendsOptions(args.values));
    policy = usable.policy;
    result = evaluate(policy, { ...flags, files, filesComplete: true });
    // Membership-count and expiry findings are warnings in a check, so the fix can merge.
    result.warnings.push(...usable.loaded.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`));
    // A change that edits the policy file: show what the head's version would change.
    const touched = files.flatMap((f) => [f.path, f.previousPath]).find((p) => p && (POLICY_CANDIDATES as readonly string[]).includes(p));
    if (base !== undefined && args.positionals[0] === undefined && touched) {
      const text = showFile(repoRoot(io.cwd), head, source.file);
      if (text !== undefined) {
        const applied = applyPolicyChange(
          result,
          policy,
          await loadWithParents(io.cwd, { file: source.file, text }, flags.now, extendsOptions(args.values)),
          flags.now,
          flags.teams,
        );
        result = applied.result;
        report = applied.report;
      }
    }
  }

  if (format === "json") io.stdout(JSON.stringify(resultJson(result), null, 2) + "\n");
  else if (format === "markdown")
    io.stdout(checkMarkdown(result, policy, { policyFile: source?.file, targetBranch: flags.targetBranch, policyChange: report }) + "\n");
  else
    io.stdout(
      resultText(result) +
        (report
          ? `\nThis change edits the policy. Under the new policy:\n${report.diff.map((d) => `  ${d}`).join("\n") || "  no permission changes"}\n${report.findings.map((f) => `  lint: ${f}`).join("\n")}\n`
          : ""),
    );
  return result.conclusion === "success" || result.conclusion === "neutral" ? EXIT.ok : EXIT.notAllowed;
}
