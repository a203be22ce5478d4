/**
 * JSON that is safe inside an HTML `<script type="application/json">` element: no policy
 * text can end the element (`</script>`), open a comment (`<!--`) or, if the page is ever
 * read as JavaScript, end a line (U+2028, U+2029). Escaping `<`, `>` and `&` as `\u00XX`
 * keeps the JSON equal: `JSON.parse` gives back the same value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Script text is inlined verbatim, so it must not be able to end its own element or open a comment. */
export function assertInlineSafe(script: string, what: string): string {
  if (/<\/script|<!--/i.test(script)) throw new Error(`${what} contains "</script" or "<!--" and cannot be inlined in a <script> element`);
  return script;
}
