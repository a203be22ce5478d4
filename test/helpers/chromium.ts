import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium: the project never downloads a browser of its own. */
export const CHROMIUM = "/usr/bin/chromium";

export const CHROMIUM_MISSING = `${CHROMIUM} is missing: the browser tests drive Debian's Chromium. Install it with \`apt-get install -y chromium\` (CI's .ci/run does).`;

/** Headless Chromium with nothing that reaches out on its own (updates, sync, field trials); a fresh profile each launch. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
