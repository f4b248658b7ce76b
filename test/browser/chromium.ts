// A real browser for tests: headless Chromium from the npm package @sparticuz/chromium (a
// devDependency: nothing is downloaded at install time), driven by playwright-core. Launch once per
// test file; the caller closes it.
import chromium from "@sparticuz/chromium";
import { chromium as playwright, type Browser } from "playwright-core";

export async function launchChromium(): Promise<Browser> {
  const executablePath = await chromium.executablePath();
  return playwright.launch({ executablePath, args: chromium.args, headless: true });
}
