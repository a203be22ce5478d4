import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { describeChange, diffPolicies } from "../../src/core/diff.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { renderExplorerPage } from "../../src/explore/render/page.js";
import { EVIL, EVIL_ACTION, EVIL_CATEGORY, EVIL_LEAD, EVIL_LOGIN, EVIL_ROLE, hostilePolicy } from "../fixtures/hostile-explorer.js";
import { CHROMIUM, CHROMIUM_MISSING, launchChromium } from "../helpers/chromium.js";
import { rolegate } from "../helpers/cli.js";

// Time budget: about 10 s: one headless Chromium (Debian's /usr/bin/chromium, never downloaded), a page per test.

const ROOT = join(import.meta.dirname, "..", "..");
const SPEC_EXAMPLE = join(ROOT, "test", "fixtures", "spec-example.yml");
const NOW = "2026-11-23T12:00:00.000Z";
const TEAMS = "acme/developers: [dev1, olga]\nacme/devops: [olga]\n";
/** The spec example before: sam was not yet a system administrator, and tess was a DevOps engineer. */
const OLD_POLICY = readFileSync(SPEC_EXAMPLE, "utf8")
  .replace("members: [sam]", "members: [tess]")
  .replace('- "@acme/devops"', '- "@acme/devops"\n      - tess');

/** `rolegate ARGV…` in-process (test/helpers/cli.ts). */
const run = rolegate;

let dir: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // Fail, never skip: CI installs Chromium (.ci/run), and a missing browser must be noticed.
  if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
  dir = mkdtempSync(join(tmpdir(), "rolegate-explorer-browser-"));
  writeFileSync(join(dir, "teams.yml"), TEAMS);
  writeFileSync(join(dir, "old.yml"), OLD_POLICY);
  for (const [out, extra] of [
    ["page.html", []],
    ["compare.html", ["--compare", "old.yml"]],
  ] as const) {
    const r = await run(dir, "explore", SPEC_EXAMPLE, "--teams", "teams.yml", "--now", NOW, "--output", out, ...extra);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  const { policy, value } = hostilePolicy();
  writeFileSync(join(dir, "hostile.html"), renderExplorerPage({ policy, value, now: new Date(NOW) }));
  browser = await launchChromium();
}, 60_000);

afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  /** Every request the page made, allowed or not. */
  requests: string[];
  dialogs: string[];
  errors: string[];
}

/** Opens a written page from its file:// URL; any request but the file itself is refused and recorded. */
async function open(name: string): Promise<Opened> {
  const url = pathToFileURL(join(dir, name)).href;
  const context = await browser.newContext();
  contexts.push(context);
  await context.route("**/*", (route) => (route.request().url() === url ? route.continue() : route.abort()));
  const page = await context.newPage();
  const opened: Opened = { page, requests: [], dialogs: [], errors: [] };
  page.on("request", (r) => opened.requests.push(r.url()));
  page.on("dialog", (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("pageerror", (e) => opened.errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") opened.errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 10_000 });
  return opened;
}

const visibleTexts = (page: Page, selector: string) => page.locator(`${selector}:visible`).allTextContents();
const cell = (page: Page, category: string, action: string, role: string) =>
  page.locator(`td[data-category="${category}"][data-action="${action}"][data-role="${role}"]`);

describe("the explorer page in Chromium", () => {
  it("opens from a file:// URL, runs its script and requests nothing but itself", async () => {
    const { page, requests, errors } = await open("page.html");
    expect(requests).toEqual([pathToFileURL(join(dir, "page.html")).href]);
    expect(errors).toEqual([]);
    expect(await page.title()).toBe(`rolegate policy explorer: ${SPEC_EXAMPLE}`);
    expect(await page.locator("#script-error").count()).toBe(0);
  });

  it("filters the matrix by role", async () => {
    const { page } = await open("page.html");
    expect(await visibleTexts(page, 'section[data-category="pipeline"] thead th')).toEqual([
      "Action",
      "developer",
      "system-administrator",
      "devops-engineer",
      "contractor",
      "security-contact",
    ]);
    await page.selectOption("#filter-role", "devops-engineer");
    expect(await visibleTexts(page, 'section[data-category="pipeline"] thead th')).toEqual(["Action", "devops-engineer"]);
    expect(await visibleTexts(page, 'section[data-category="infrastructure"] td')).toEqual(["Yes", "Yes", "Yes"]);
  });

  it("filters the matrix by user: the roles a login holds, through its teams too", async () => {
    const { page } = await open("page.html");
    await page.fill("#filter-user", "sam");
    expect(await visibleTexts(page, 'section[data-category="infrastructure"] thead th')).toEqual(["Action", "developer", "system-administrator"]);
    expect(await visibleTexts(page, 'section[data-category="infrastructure"] td')).toEqual(["Yes", "Yes", "No", "Up to level 3", "No", "No"]);
    expect(await page.textContent("#user-status")).toBe(
      "sam holds system-administrator (member of system-administrator), developer (member of system-administrator, which inherits developer).",
    );
    await page.fill("#filter-user", "olga");
    expect(await visibleTexts(page, 'section[data-category="infrastructure"] thead th')).toEqual([
      "Action",
      "developer",
      "system-administrator",
      "devops-engineer",
    ]);
    await page.fill("#filter-user", "nobody-here");
    expect(await visibleTexts(page, 'section[data-category="infrastructure"] thead th')).toEqual(["Action"]);
    expect(await page.textContent("#user-status")).toBe("nobody-here holds no role in this policy.");
    // With the role filter too: only the roles both allow.
    await page.fill("#filter-user", "olga");
    await page.selectOption("#filter-role", "security-contact");
    expect(await visibleTexts(page, 'section[data-category="infrastructure"] thead th')).toEqual(["Action"]);
  });

  it("filters by category and shows the cells as they apply at one level", async () => {
    const { page } = await open("page.html");
    await page.selectOption("#filter-category", "infrastructure");
    expect(await page.locator("section.matrix-block:visible").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.category))).toEqual([
      "infrastructure",
    ]);
    const sysadmin = cell(page, "infrastructure", "approve", "system-administrator");
    expect(await sysadmin.textContent()).toBe("Up to level 3");
    await page.selectOption("#filter-level", "3");
    expect(await sysadmin.textContent()).toBe("Yes");
    expect(await sysadmin.getAttribute("class")).toBe("yes");
    await page.selectOption("#filter-level", "4");
    expect(await sysadmin.textContent()).toBe("No");
    expect(await sysadmin.getAttribute("class")).toBe("no");
    // A deny from level 4 on a category where approve is not enforced.
    await page.selectOption("#filter-category", "");
    expect(await cell(page, "other", "approve", "contractor").textContent()).toBe("No");
    await page.selectOption("#filter-level", "3");
    expect(await cell(page, "other", "approve", "contractor").textContent()).toBe("Yes");
    await page.selectOption("#filter-level", "");
    expect(await cell(page, "other", "approve", "contractor").textContent()).toBe("Denied from level 4");
    expect(await sysadmin.textContent()).toBe("Up to level 3");
  });

  it("answers who can do this, with the reasons rolegate explain gives", async () => {
    const { page } = await open("page.html");
    const names = (list: string) => page.locator(`${list} > li > .who`).allTextContents();
    const reasonsOf = (list: string, who: string) =>
      page
        .locator(`${list} > li`)
        .filter({ has: page.locator(".who", { hasText: who }) })
        .locator("ol > li")
        .allTextContents();
    const explain = async (user: string, action: string, path: string) =>
      JSON.parse(
        (await run(dir, "explain", SPEC_EXAMPLE, "--user", user, "--action", action, "--path", path, "--teams", "teams.yml", "--now", NOW, "--format", "json"))
          .stdout,
      );

    await page.fill("#who-path", "k8s/deploy.yaml");
    await page.selectOption("#who-action", "approve");
    expect(await page.textContent("#who-file")).toBe("k8s/deploy.yaml: infrastructure; level 0.");
    expect(await names("#who-allowed")).toEqual(["@acme/devops", "olga", "sam"]);
    expect(await reasonsOf("#who-allowed", "olga")).toEqual((await explain("olga", "approve", "k8s/deploy.yaml")).reasons);
    expect(await reasonsOf("#who-allowed", "olga")).toContain("devops-engineer grants approve on infrastructure (file is level 0)");
    expect(await page.textContent("#who-not-allowed-count")).toBe("5");

    // Not enforced on `other`: anyone may, but a deny from level 4 stops the contractor on staging.
    await page.fill("#who-path", "envs/staging/app.ts");
    expect(await names("#who-allowed")).toContain("anyone (no role needed)");
    expect(await names("#who-not-allowed")).toEqual(["ext-bob"]);
    const bob = await explain("ext-bob", "approve", "envs/staging/app.ts");
    expect(bob.allowed).toBe(false);
    expect(await reasonsOf("#who-not-allowed", "ext-bob")).toEqual(bob.reasons);

    await page.selectOption("#who-action", "merge");
    await page.fill("#who-path", "k8s/deploy.yaml");
    await page.fill("#who-branch", "release/2.0");
    expect(await page.textContent("#who-file")).toBe("k8s/deploy.yaml: infrastructure; level 5 (production).");
    expect(await names("#who-allowed")).toEqual(["@acme/devops", "olga"]);
  });

  it("draws the inheritance graph: a node per role, an edge per inheritance, no boxes overlapping", async () => {
    const { page } = await open("page.html");
    const nodes = page.locator("svg.role-graph g.role-node");
    expect((await nodes.evaluateAll((els) => els.map((e) => e.getAttribute("data-role")))).sort()).toEqual(
      ["contractor", "developer", "devops-engineer", "security-contact", "system-administrator"].sort(),
    );
    const edges = await page
      .locator("svg.role-graph line.inherits")
      .evaluateAll((els) => els.map((e) => `${e.getAttribute("data-from")} -> ${e.getAttribute("data-to")}`));
    expect(edges.sort()).toEqual(["devops-engineer -> system-administrator", "system-administrator -> developer"]);
    const boxes = await page.locator("svg.role-graph rect").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1)) expect(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top).toBe(true);
    // Each role's name fits in its box.
    const fits = await nodes.evaluateAll((els) =>
      els.map((g) => {
        const r = g.querySelector("rect")!.getBoundingClientRect();
        const t = g.querySelector("text")!.getBoundingClientRect();
        return t.left >= r.left && t.right <= r.right;
      }),
    );
    expect(fits).toEqual([true, true, true, true, true]);
  });

  it("shows the permission diff with --compare", async () => {
    const { page, requests } = await open("compare.html");
    expect(requests).toHaveLength(1);
    const before = loadPolicy("old.yml", OLD_POLICY, new Date(NOW)).policy!;
    const after = loadPolicy("new.yml", readFileSync(SPEC_EXAMPLE, "utf8"), new Date(NOW)).policy!;
    const teams = {
      members: new Map([
        ["acme/developers", new Set(["dev1", "olga"])],
        ["acme/devops", new Set(["olga"])],
      ]),
      errors: new Map(),
    };
    const expected = diffPolicies(before, after, new Date(NOW), teams).map(describeChange);
    const shown = await page.locator("#diff-table tbody tr td:last-child").allTextContents();
    expect(shown).toEqual(expected);
    expect(shown).toContain("sam gains approve on infrastructure at levels 0-3");
    expect(shown).toContain("tess loses merge on pipeline at levels 0-5");
    expect(await page.textContent("#changes-empty")).toBe("No other policy changes listed.");
  });

  it("shows hostile names and descriptions as text: nothing runs, nothing is injected", async () => {
    const { page, dialogs, errors, requests } = await open("hostile.html");
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("script").count()).toBe(2);
    expect(await page.locator("img, b, i, main script").count()).toBe(0);
    expect(await page.locator("#matrix thead th[data-role]").first().textContent()).toBe(EVIL_ROLE);
    expect(await page.locator(`section.matrix-block h3`).first().textContent()).toBe(EVIL_CATEGORY);
    expect(await page.locator("section.matrix-block p.description").first().textContent()).toBe(EVIL);
    expect(await page.locator("#who-action option").allTextContents()).toContain(EVIL_ACTION);
    expect(await page.locator("svg.role-graph text").allTextContents()).toEqual([EVIL_ROLE, EVIL_LEAD]);
    // The conditional grant's label is shown as text in the matrix.
    expect(await page.locator("td.partial").first().textContent()).toBe(`Yes (when labels: ${EVIL})`);

    // Through the script: the user filter and the who-can box put names in as text too.
    await page.fill("#filter-user", EVIL_LOGIN);
    expect(await page.textContent("#user-status")).toContain(`${EVIL_LOGIN} holds ${EVIL_LEAD} (member of ${EVIL_LEAD})`);
    await page.fill("#who-path", "src/a.ts");
    await page.selectOption("#who-action", "merge");
    // No teams file: the team is unresolved, so every login is refused, by name.
    expect(await page.locator("#who-not-allowed > li > .who").allTextContents()).toEqual(["@acme/dev", 'ali"ce', EVIL_LOGIN]);
    expect(await page.locator("img, b, i, main script").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });
});
