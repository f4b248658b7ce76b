// The browser the browser tests use starts, and runs WebAssembly SIMD (rnnc's CPU kernels need it).
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium } from "./chromium.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);
afterAll(() => browser?.close());

it("headless Chromium validates a WebAssembly SIMD module", async () => {
  const page = await browser.newPage();
  // (module (func (result v128) (v128.const i32x4 0 0 0 0)))
  const simd = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 11,
  ];
  const valid = await page.evaluate((bytes) => WebAssembly.validate(new Uint8Array(bytes)), simd);
  expect(valid).toBe(true);
  expect(await page.evaluate((bytes) => WebAssembly.validate(new Uint8Array(bytes.slice(0, 20))), simd)).toBe(false);
});
