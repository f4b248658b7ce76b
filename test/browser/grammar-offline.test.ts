// grammar/diagrams.html draws its railroad diagrams with no network: Chromium opens it with every
// request refused, and every rule of the grammar gets its diagram.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "../cli-process.js";
import { grammarEbnf } from "../../scripts/grammar.js";
import { launchChromium } from "./chromium.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);
afterAll(() => browser?.close());

it("grammar/diagrams.html draws a diagram per rule offline", async () => {
  const page = await browser.newPage();
  const requested: string[] = [];
  await page.route("**/*", (route) => {
    requested.push(route.request().url());
    return route.abort();
  });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.setContent(readFileSync(join(ROOT, "grammar", "diagrams.html"), "utf8"), { waitUntil: "load" });
  const rules = [...grammarEbnf().matchAll(/^(\w+) ::= /gm)].map((m) => m[1]!).filter((name) => /^[a-z]/.test(name));
  const drawn = await page.locator("#diagrams svg").count();
  expect(errors).toEqual([]);
  expect(requested).toEqual([]);
  expect(rules.length).toBeGreaterThan(5);
  expect(drawn).toBeGreaterThanOrEqual(rules.length);
});
