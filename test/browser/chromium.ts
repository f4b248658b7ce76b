// A real browser for tests: headless Chromium from the npm package @sparticuz/chromium (a
// devDependency: nothing is downloaded at install time), driven by playwright-core. Launch once per
// test file; the caller closes it.
import chromium from "@sparticuz/chromium";
import { chromium as playwright, type Browser, type Page } from "playwright-core";

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

/** A module using f32x4.relaxed_madd: it validates where the engine has relaxed SIMD. */
const v128Zero = [0xfd, 0x0c, ...Array<number>(16).fill(0)];
const relaxedBody = [0x00, ...v128Zero, ...v128Zero, ...v128Zero, 0xfd, 0x85, 0x02, 0x0b];
// The header; a type () → v128; one function of it; its body.
const RELAXED_SIMD_PROBE = [
  ...[0, 97, 115, 109, 1, 0, 0, 0],
  ...[1, 5, 1, 96, 0, 1, 123],
  ...[3, 2, 1, 0],
  ...[10, relaxedBody.length + 2, 1, relaxedBody.length, ...relaxedBody],
];

/**
 * Whether the page's engine has relaxed SIMD, and so runs rnnc's fused multiply-add kernels: their
 * numbers are Node 20's (plain SIMD) within an ulp or so, not bit for bit (docs/decisions.md, "CPU kernels").
 */
export function hasRelaxedSimd(page: Page): Promise<boolean> {
  return page.evaluate((bytes) => WebAssembly.validate(new Uint8Array(bytes)), RELAXED_SIMD_PROBE);
}
