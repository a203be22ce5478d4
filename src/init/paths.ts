/** The folder of a repository path ("" at the root). */
export function dirOf(path: string): string {
  return path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
}

/** The deepest folder two folders share ("" when only the root). */
export function commonDir(a: string, b: string): string {
  const x = a.split("/");
  const y = b.split("/");
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return x.slice(0, n).join("/");
}

/**
 * A repository path written as a glob that matches at least that path. Policy globs may not hold
 * `!`, `[`, `]` or `\`, so a segment with one of them becomes `*` (wider, never narrower); `*` and
 * `?` in a name already match themselves.
 */
export function globOfPath(path: string): string {
  return path
    .split("/")
    .map((segment) => (/[![\]\\]/.test(segment) ? "*" : segment))
    .join("/");
}
