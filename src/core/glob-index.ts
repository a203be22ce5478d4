import { matchPathSegments, type PathGlob } from "./glob.js";

type Entry<T> = { glob: PathGlob; tag: T };

/**
 * Many globs, compiled once, answering "which of them match this path?" while testing
 * a path only against globs that can match it. Each glob goes in one bucket, keyed by
 * something every path it matches must contain:
 * - its literal leading segments (`services/api/**` under "services/api"), for anchored ones;
 * - else the literal name of its last segment, which some path segment must equal
 *   (`Jenkinsfile`, or `*` + `/Dockerfile`);
 * - else the extension of its last segment (`*.tf`, `**` + `/*.tf`): some segment ends with it;
 * - else it is tested for every path.
 * A glob that matches a directory matches what is inside it, so names and extensions are
 * looked up for every segment of the path, not only the file name.
 */
export class GlobIndex<T> {
  private readonly byPrefix = new Map<string, Entry<T>[]>();
  private readonly byName = new Map<string, Entry<T>[]>();
  private readonly byExtension = new Map<string, Entry<T>[]>();
  private readonly always: Entry<T>[] = [];
  private maxPrefix = 0;

  add(glob: PathGlob, tag: T): void {
    const entry = { glob, tag };
    const last = glob.segments[glob.segments.length - 1]!;
    if (glob.anchored && glob.literalPrefix.length > 0) {
      // Every path it matches starts with these segments (`a/b` matches `a/b/c` too).
      const prefix = glob.literalPrefix;
      push(this.byPrefix, prefix.join("/"), entry);
      this.maxPrefix = Math.max(this.maxPrefix, prefix.length);
    } else if (last.kind === "literal") push(this.byName, last.text, entry);
    else if (glob.extension !== undefined) push(this.byExtension, glob.extension, entry);
    else this.always.push(entry);
  }

  /** Tags of every glob matching the path (a tag may repeat when several of its globs match). */
  match(segments: readonly string[]): T[] {
    const out: T[] = [];
    const test = (list: Entry<T>[] | undefined) => {
      if (list) for (const e of list) if (matchPathSegments(e.glob, segments)) out.push(e.tag);
    };
    let prefix = "";
    for (let k = 0; k < Math.min(segments.length, this.maxPrefix); k++) {
      prefix = k === 0 ? segments[0]! : `${prefix}/${segments[k]}`;
      test(this.byPrefix.get(prefix));
    }
    const seenNames = new Set<string>();
    const seenExt = new Set<string>();
    for (const seg of segments) {
      if (this.byName.size > 0 && !seenNames.has(seg)) {
        seenNames.add(seg);
        test(this.byName.get(seg));
      }
      if (this.byExtension.size === 0) continue;
      // Every suffix starting at a dot, so `*.tar.gz` and `*.gz` are both found.
      for (let i = seg.indexOf("."); i >= 0; i = seg.indexOf(".", i + 1)) {
        const ext = seg.slice(i);
        if (seenExt.has(ext)) continue;
        seenExt.add(ext);
        test(this.byExtension.get(ext));
      }
    }
    test(this.always);
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
