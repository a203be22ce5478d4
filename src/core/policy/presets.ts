import { nearest } from "../suggest.js";

/**
 * The presets in the folder `listFiles` lists (`minimal.yml` is `preset:minimal`); none when it
 * cannot be listed, and the message then says so. The front end does the listing: the core has no file system.
 */
export function presetNames(listFiles: () => readonly string[]): string[] {
  try {
    return listFiles()
      .filter((f) => f.endsWith(".yml"))
      .map((f) => f.slice(0, -".yml".length))
      .sort();
  } catch {
    return [];
  }
}

/** Why `extends: preset:NAME` cannot be read: which presets exist, and the nearest to what was written. */
export function unknownPresetMessage(name: string, available: readonly string[]): string {
  const guess = nearest(name, available);
  const list = available.length > 0 ? `the presets are ${available.map((n) => `preset:${n}`).join(", ")}` : "no presets are installed";
  return `no preset named "${name}"${guess !== undefined ? ` (did you mean preset:${guess}?)` : ""}; ${list}`;
}
