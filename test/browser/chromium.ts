// A real browser for tests: headless Chromium from the npm package @sparticuz/chromium (a
// devDependency: nothing is downloaded at install time), driven by playwright-core. Launch once per
// test file; the caller closes it.
import chromium from "@sparticuz/chromium";
import { chromium as playwright, type Browser } from "playwright-core";

/**
 * `sharedArrayBuffer: false` drops the package's --enable-features=SharedArrayBuffer: pages then have
 * no SharedArrayBuffer, as a page that is not cross-origin isolated in any Chromium. (With it, every
 * page has one; cross-origin isolation itself is out of reach here: the package turns site isolation off.)
 */
export async function launchChromium(options: { sharedArrayBuffer?: boolean } = {}): Promise<Browser> {
  const executablePath = await chromium.executablePath();
  const args =
    options.sharedArrayBuffer === false ? chromium.args.filter((a) => a !== "--enable-features=SharedArrayBuffer") : chromium.args;
  return playwright.launch({ executablePath, args, headless: true });
}
