// Writes the README's picture, docs/images/<example>.png, from `rnnc graph`'s SVG drawn in headless
// Chromium (the browser the tests use): `npx tsx test/graph/picture.ts [examples/NAME.rnn] [MODEL]`.
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { check, renderGraphSvg } from "../../src/index.js";
import { launchChromium } from "../browser/chromium.js";

const ROOT = join(import.meta.dirname, "..", "..");
const [file = "examples/attention-seq2seq.rnn", model] = process.argv.slice(2);
const svg = await renderGraphSvg(check(readFileSync(join(ROOT, file), "utf8")), model);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ deviceScaleFactor: 2 });
  await page.setContent(
    `<!doctype html><html><body style="margin:0;background:white">${svg.replace(/^[\s\S]*?(<svg)/, "$1")}</body></html>`,
  );
  const out = join(ROOT, "docs", "images", `${basename(file, ".rnn")}.png`);
  writeFileSync(out, await page.locator("svg").screenshot());
  process.stdout.write(`${out}\n`);
} finally {
  await browser.close();
}
