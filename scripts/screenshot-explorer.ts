// `npm run screenshot:explorer`: writes docs/explorer.png, the README's picture of the policy
// explorer: the spec's example policy with a teams file, a question in the who-can box, taken
// with the same headless Chromium as the browser test (Debian's /usr/bin/chromium).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { main } from "../src/cli/main.js";
import { launchChromium } from "../test/helpers/chromium.js";

const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, "docs", "explorer.png");

const dir = mkdtempSync(join(tmpdir(), "rolegate-screenshot-"));
try {
  writeFileSync(join(dir, "teams.yml"), "acme/developers: [dev1, olga]\nacme/devops: [olga]\n");
  // Run from the repository so the page names the policy by its relative path.
  const argv = [
    "explore",
    "test/fixtures/spec-example.yml",
    "--teams",
    join(dir, "teams.yml"),
    "--now",
    "2026-11-23T12:00:00Z",
    "--output",
    join(dir, "page.html"),
  ];
  const code = await main(argv, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: ROOT, env: {} });
  if (code !== 0) throw new Error(`rolegate explore exited ${code}`);
  const url = pathToFileURL(join(dir, "page.html")).href;
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1180, height: 800 }, deviceScaleFactor: 1 });
    await context.route("**/*", (route) => (route.request().url() === url ? route.continue() : route.abort()));
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    await page.selectOption("#filter-category", "infrastructure");
    await page.fill("#who-path", "envs/staging/main.tf");
    await page.selectOption("#who-action", "approve");
    // The header, the filtered matrix and the box's answer; the rest of the page is more of the same.
    const bottom = await page.locator("#who-allowed").evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
    await page.screenshot({ path: OUT, fullPage: true, clip: { x: 0, y: 0, width: 1180, height: Math.ceil(bottom) + 16 } });
    console.log(`wrote ${OUT}`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
