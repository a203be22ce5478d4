import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { InputError } from "../cli/io.js";
import { localParentReader } from "../cli/policy-source.js";

/** The preset `rolegate init` starts from unless told otherwise, and whose globs it always scans for. */
export const DEFAULT_PRESET = "platform";

// The package's policies/ folder, as the preset reader in cli/policy-source.ts finds it.
const PRESETS_DIR = fileURLToPath(new URL("../../policies/", import.meta.url));

/** Names of the presets shipped in policies/ (`preset:NAME`), sorted. */
export function presetNames(): string[] {
  return readdirSync(PRESETS_DIR)
    .filter((f) => f.endsWith(".yml"))
    .map((f) => f.slice(0, -".yml".length))
    .sort();
}

export interface PresetText {
  name: string;
  /** For messages: `preset:NAME`. */
  file: string;
  text: string;
}

/** A shipped preset's text; an unknown name is bad input that lists the presets there are. */
export async function readPreset(name: string): Promise<PresetText> {
  const names = presetNames();
  if (!names.includes(name)) throw new InputError(`--preset: no preset "${name}"; the presets are: ${names.join(", ")}`);
  const read = await localParentReader(PRESETS_DIR, {})({ kind: "preset", name, key: `preset:${name}` });
  if ("error" in read) throw new InputError(`preset:${name}: cannot read the preset: ${read.error}`);
  return { name, file: read.file, text: read.text };
}
