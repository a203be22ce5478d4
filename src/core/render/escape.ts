/** Text safe inside a markdown table cell: no pipes, no line breaks, no HTML. */
export function cell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/[\r\n]+/g, " ")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** A path or login in code style; backticks inside are replaced so the span cannot break. */
export function code(text: string): string {
  return (
    "`" +
    text
      .replace(/`/g, "'")
      .replace(/\|/g, "\\|")
      .replace(/[\r\n]+/g, " ") +
    "`"
  );
}

/**
 * Free text (a break-glass reason) as a fenced block: no markdown, HTML or mention inside it is
 * rendered, and the fence is longer than any run of backticks in the text, so it cannot close early.
 */
export function fenced(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text.replace(/\r\n?/g, "\n")}\n${fence}`;
}

export function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function csv(text: string): string {
  // Quote always; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** A list shown in full up to `max` items, then "and N more". */
export function shortList(items: readonly string[], max: number, fmt: (s: string) => string = (s) => s): string {
  if (items.length === 0) return "—";
  const shown = items.slice(0, max).map(fmt).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
