/** A finding about a policy file, always tied to a place a person can open. */
export interface Diagnostic {
  severity: "error" | "warning";
  /** Stable machine-readable identifier of the rule, e.g. `schema`, `inherit-cycle`. */
  code: string;
  message: string;
  file: string;
  line: number;
  col: number;
}

export interface Position {
  line: number;
  col: number;
  /** Set when the position is in another file than the one being judged (a parent policy). */
  file?: string;
}

export const START: Position = { line: 1, col: 1 };

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Errors, then warnings, each in file order: output that reads top to bottom. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic) => (d.severity === "error" ? 0 : 1);
  return [...diagnostics].sort(
    (a, b) => rank(a) - rank(b) || a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message),
  );
}
