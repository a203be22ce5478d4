import { matchPathSegments, type PathGlob } from "./glob.js";

type Entry<T> = {
  glob: PathGlob;
  tag: T;
  /** The last lookup that tested this glob, so a glob found in several buckets is tested once. */
  testedIn: number;
};

/** Globs keyed by their literal leading segments, one trie level per segment. */
interface PrefixNode<T> {
  entries: Entry<T>[];
  children: Map<string, PrefixNode<T>>;
}

/**
 * Many globs, compiled once, answering "which of them match this path?" while testing
 * a path only against globs that can match it. Each glob goes in one bucket, keyed by
 * something every path it matches must contain:
 * - its literal leading segments (`services/api/**` under "services" then "api"), for anchored ones;
 * - else a literal segment, which some path segment must equal (`Jenkinsfile`, the last
 *   literal of `**` + `/secrets/**`);
 * - else the literal tail of its last segment from a dot on (`*.tf`, `azure-pipelines*.yml`):
 *   some path segment ends with it;
 * - else it is tested for every path.
 * A glob that matches a directory matches what is inside it, so names and extensions are
 * looked up for every segment of the path, not only the file name.
 */
export class GlobIndex<T> {
  private readonly byPrefix: PrefixNode<T> = { entries: [], children: new Map() };
  private readonly byName = new Map<string, Entry<T>[]>();
  private readonly byExtension = new Map<string, Entry<T>[]>();
  private readonly always: Entry<T>[] = [];
  /** Most path segments name no bucket: these filters say so without building or hashing a key. */
  private readonly nameFilter = new KeyFilter();
  private readonly extensionFilter = new KeyFilter();
  private lookups = 0;
  /** The buckets one lookup found and the segment where each key was, reused from path to path. */
  private readonly candidates: Entry<T>[][] = [];
  private readonly foundAt: number[] = [];

  add(glob: PathGlob, tag: T): void {
    const entry: Entry<T> = { glob, tag, testedIn: -1 };
    const name = literalSegment(glob);
    const extension = literalExtension(glob);
    if (glob.anchored && glob.literalPrefix.length > 0) {
      // Every path it matches starts with these segments (`a/b` matches `a/b/c` too).
      let node = this.byPrefix;
      for (const segment of glob.literalPrefix) {
        let child = node.children.get(segment);
        if (!child) node.children.set(segment, (child = { entries: [], children: new Map() }));
        node = child;
      }
      node.entries.push(entry);
    } else if (name !== undefined) {
      push(this.byName, name, entry);
      this.nameFilter.add(name, 0, name.length);
    } else if (extension !== undefined) {
      push(this.byExtension, extension, entry);
      this.extensionFilter.add(extension, 0, extension.length);
    } else this.always.push(entry);
  }

  /** Tags of every glob matching the path (a tag may repeat when several of its globs match). */
  match(segments: readonly string[]): T[] {
    const out: T[] = [];
    this.matchText(segments.join("/"), out);
    return out;
  }

  /** `match` for a path as text (a leading `/` is not a segment), appending to `out`. */
  matchInto(path: string, out: T[]): void {
    this.matchText(path.startsWith("/") ? path.slice(1) : path, out);
  }

  /**
   * Walks the segments of `text` (split on `/`), collecting the buckets whose key occurs and
   * where. The common shapes are decided by that position alone; the text is split only for
   * globs that need the full test, and most paths of a change have none.
   */
  private matchText(text: string, out: T[]): void {
    const { candidates, foundAt } = this;
    let found = 0;
    let node: PrefixNode<T> | undefined = this.byPrefix;
    let dot = text.indexOf("."); // the first dot at or after `start`, or -1
    let count = 0; // segments seen
    for (let start = 0; ; ) {
      const slash = text.indexOf("/", start);
      const end = slash < 0 ? text.length : slash;
      let segment: string | undefined;
      let list: Entry<T>[] | undefined;
      if (node && node.children.size > 0) {
        node = node.children.get((segment = text.slice(start, end)));
        if (node && node.entries.length > 0) {
          candidates[found] = node.entries;
          foundAt[found++] = count;
        }
      } else node = undefined;
      if (this.nameFilter.mayHold(text, start, end) && (list = this.byName.get((segment ??= text.slice(start, end))))) {
        candidates[found] = list;
        foundAt[found++] = count;
      }
      // Every suffix starting at a dot, so `*.tar.gz` and `*.gz` are both found.
      for (; dot >= 0 && dot < end; dot = text.indexOf(".", dot + 1)) {
        if (this.extensionFilter.mayHold(text, dot, end) && (list = this.byExtension.get(text.slice(dot, end)))) {
          candidates[found] = list;
          foundAt[found++] = count;
        }
      }
      count++;
      if (slash < 0) break;
      start = slash + 1;
    }
    if (this.always.length > 0) {
      candidates[found] = this.always;
      foundAt[found++] = -1;
    }
    let segments: string[] | undefined;
    const lookup = ++this.lookups;
    for (let k = 0; k < found; k++) {
      for (const e of candidates[k]!) {
        // Keys are found in segment order, so a glob is decided where its key first occurs.
        if (e.testedIn === lookup) continue;
        e.testedIn = lookup;
        const decided = decidedByKey(e.glob, foundAt[k]!, count);
        if (decided ?? matchPathSegments(e.glob, (segments ??= text.split("/")))) out.push(e.tag);
      }
    }
  }
}

/**
 * Does the glob match, knowing its index key first occurs at segment `at` of a path of
 * `count` segments? Undefined when the full test must say (and for the `always` bucket,
 * `at` < 0). The key of an `anyName` or `insideName` glob is its name, of an `anyExt` one its
 * extension (a segment has it as a suffix starting at a dot), of an `under` or `exact` one its
 * literal prefix (`at` is then the prefix's last segment). Each case restates the direct test
 * of `matchPathSegments` for that shape.
 */
function decidedByKey(glob: PathGlob, at: number, count: number): boolean | undefined {
  if (at < 0) return undefined;
  const lastEnd = glob.dirOnly ? count - 1 : count;
  switch (glob.shape.kind) {
    case "anyName":
    case "anyExt":
    case "exact":
      return at < lastEnd;
    case "under":
    case "insideName":
      // One more segment must follow the prefix or the directory.
      return at + 1 < lastEnd;
    default:
      return undefined;
  }
}

/**
 * A set of (length, last character) pairs of the keys of a map: a string whose pair is not in
 * it is not a key. Asked about `text.slice(from, to)` without making that string.
 */
class KeyFilter {
  private readonly bits = new Uint32Array((64 * 128) / 32);

  add(text: string, from: number, to: number): void {
    const bit = KeyFilter.bitOf(text, from, to);
    this.bits[bit >>> 5]! |= 1 << (bit & 31);
  }

  mayHold(text: string, from: number, to: number): boolean {
    const bit = KeyFilter.bitOf(text, from, to);
    return (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  private static bitOf(text: string, from: number, to: number): number {
    // An empty string has no last character: any fixed bit will do.
    return ((to - from) & 63) * 128 + (to > from ? text.charCodeAt(to - 1) & 127 : 0);
  }
}

/** The last literal segment of a glob: a path it matches has a segment equal to it. */
function literalSegment(glob: PathGlob): string | undefined {
  for (let i = glob.segments.length - 1; i >= 0; i--) {
    const s = glob.segments[i]!;
    if (s.kind === "literal") return s.text;
  }
  return undefined;
}

/**
 * For a last segment like `*.tf` or `azure-pipelines*.yml`: the text from the first dot after
 * the last wildcard (`.tf`, `.yml`). A segment the glob's last segment matches ends with it,
 * and that ending starts at one of the segment's dots, where lookups try it.
 */
function literalExtension(glob: PathGlob): string | undefined {
  const last = glob.segments[glob.segments.length - 1]!;
  if (last.kind !== "wild") return undefined;
  const tail = last.text.slice(Math.max(last.text.lastIndexOf("*"), last.text.lastIndexOf("?")) + 1);
  const dot = tail.indexOf(".");
  return dot >= 0 ? tail.slice(dot) : undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
