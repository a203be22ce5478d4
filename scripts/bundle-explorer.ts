// `npm run explorer`: writes src/explore/browser-script.generated.ts; with --check, only says
// whether the committed file is current (exit 1 when not).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATED, generatedModule, ROOT } from "./explorer-script.js";

const text = await generatedModule();
const path = join(ROOT, GENERATED);
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(path, "utf8");
  } catch {}
  if (current !== text) {
    console.error(`${GENERATED} is out of date: run npm run explorer and commit it`);
    process.exit(1);
  }
  console.log(`${GENERATED} is current`);
} else {
  writeFileSync(path, text);
  console.log(`wrote ${GENERATED}`);
}
