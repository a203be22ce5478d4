import { matchPathSegments, type PathGlob } from "./glob.js";

/**
 * Many globs, compiled once, answering "which of them match this path?" while testing
 * a path only against globs that can match it:
 * - anchored globs are bucketed by their first literal segment;
 * - floating one-segment literals (`Jenkinsfile`) by that name;
 * - floating `*.ext` globs by extension (of any path segment: a glob that matches a
 *   directory also covers the files inside it);
 * - everything else is tested for every path.
 */
export class GlobIndex<T> {
  private readonly byFirstSegment = new Map<string, { glob: PathGlob; tag: T }[]>();
  private readonly byName = new Map<string, { glob: PathGlob; tag: T }[]>();
  private readonly byExtension = new Map<string, { glob: PathGlob; tag: T }[]>();
  private readonly always: { glob: PathGlob; tag: T }[] = [];

  add(glob: PathGlob, tag: T): void {
    const entry = { glob, tag };
    const first = glob.literalPrefix[0];
    const only = glob.segments.length === 1 ? glob.segments[0]! : undefined;
    if (glob.anchored && first !== undefined) push(this.byFirstSegment, first, entry);
    else if (!glob.anchored && only?.kind === "literal") push(this.byName, only.text, entry);
    else if (!glob.anchored && glob.extension !== undefined) push(this.byExtension, glob.extension, entry);
    else this.always.push(entry);
  }

  /** Tags of every glob matching the path (a tag may repeat when several of its globs match). */
  match(segments: readonly string[]): T[] {
    const out: T[] = [];
    const test = (list: { glob: PathGlob; tag: T }[] | undefined) => {
      if (list) for (const e of list) if (matchPathSegments(e.glob, segments)) out.push(e.tag);
    };
    test(this.byFirstSegment.get(segments[0]!));
    const seenNames = new Set<string>();
    const seenExt = new Set<string>();
    for (const seg of segments) {
      if (!seenNames.has(seg)) {
        seenNames.add(seg);
        test(this.byName.get(seg));
      }
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
