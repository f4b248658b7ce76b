// The playground in a real browser (headless Chromium, test/browser/chromium.ts): built once, served
// from dist/ on 127.0.0.1:0, then used as a person would — typing, hovering, completing, running,
// sharing a link, downloading. PLAYGROUND_SCREENSHOTS=1 also saves the screenshots the README shows
// (docs/images/).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlayground } from "../../playground/build.js";
import { serveStatic } from "../../playground/serve.js";
import { decodeSource, encodeSource } from "../../playground/src/share-link.js";
import { formatRnn } from "../../src/format/index.js";
import { check, exportOnnx, modelGraph } from "../../src/index.js";
import { hasRelaxedSimd, launchChromium } from "../browser/chromium.js";
import { rnnc, ROOT } from "../cli-process.js";

const SEED = readFileSync(join(ROOT, "examples/seed.rnn"), "utf8");
const SEED_X = JSON.parse(readFileSync(join(ROOT, "examples/seed.x.json"), "utf8")) as unknown;
const SCREENSHOTS = process.env["PLAYGROUND_SCREENSHOTS"] === "1";

/** README's stacking mistake: lstm(16) returns its last step only, and lstm(8) wants a sequence. */
const STACKING = `# The first LSTM returns its last step only: the second gets [B,16], not a sequence.
# Hover the mistake for the fix.
model Stacking(x: [B, T, 8]) {
  a = lstm(16)(x)
  b = lstm(8)(a)
  return b
}
`;

let browser: Browser;
let context: BrowserContext;
let server: Server;
let url: string;
/** Each open page's uncaught errors and off-server requests: a test's last check is that there are none. */
const pageErrors = new Map<Page, string[]>();

async function closeClean(page: Page): Promise<void> {
  expect(pageErrors.get(page)).toEqual([]);
  await page.close();
}

beforeAll(async () => {
  const dist = await buildPlayground();
  ({ server, url } = await serveStatic(dist, 0));
  browser = await launchChromium();
  // The launcher's Chromium runs in one process (--single-process): closing a context or its last
  // page ends it, so the tests share one context and a blank page that stays open.
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  await context.newPage();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** A fresh page on the playground holding `source`; resolves once the language server has answered (inlay types shown). */
async function open(source: string, options: { waitForTypes?: boolean } = {}): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // Offline once served: a request anywhere but the playground's own server fails the test.
  await page.route(
    (address) => !address.href.startsWith(url),
    (route) => {
      errors.push(`requested ${route.request().url()}`);
      return route.abort();
    },
  );
  await page.goto(url + encodeSource(source));
  if (options.waitForTypes ?? true) await page.locator(".cm-inlay-type").first().waitFor({ timeout: 60_000 });
  expect(errors).toEqual([]);
  pageErrors.set(page, errors);
  return page;
}

/**
 * Moves the mouse over the character `offset` places into the first `text` of the editor's line
 * that contains it (a DOM Range over that character; the line's inlay types are skipped).
 */
async function hoverText(page: Page, text: string, offset = 0): Promise<void> {
  const box = await page.evaluate(
    `(() => {
      for (const line of document.querySelectorAll(".cm-content .cm-line")) {
        const nodes = [];
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (!node.parentElement.closest(".cm-inlay-type")) nodes.push(node);
        }
        const at = nodes.map((n) => n.data).join("").indexOf(${JSON.stringify(text)});
        if (at < 0) continue;
        let target = at + ${offset};
        for (const node of nodes) {
          if (target < node.data.length) {
            const range = document.createRange();
            range.setStart(node, target);
            range.setEnd(node, target + 1);
            const r = range.getBoundingClientRect();
            return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
          }
          target -= node.data.length;
        }
      }
      return null;
    })()`,
  );
  if (!box) throw new Error(`the editor shows no ${JSON.stringify(text)}`);
  const { x, y } = box as { x: number; y: number };
  await page.mouse.move(x, y);
}

/** The run panel's text without its timing line. */
async function runOutput(page: Page): Promise<string> {
  await page
    .locator("#output")
    .filter({ hasText: /\(\w+, [\d.]+ ms\)/ })
    .waitFor({ timeout: 60_000 });
  return (await page.locator("#output").textContent())!.replace(/\n\n\(\w+, [\d.]+ ms\)$/, "");
}

/**
 * A run's printed outputs against `rnnc run`'s: the same text, numbers aside, and the same numbers to
 * `tolerance`; bit for bit (the same text) where the tolerance is 0.
 */
function expectCliOutput(text: string, cli: string, tolerance: number, label: string): void {
  if (tolerance === 0) {
    expect(text, label).toBe(cli.trimEnd());
    return;
  }
  expect(text.replace(/-?\d[\d.e+-]*/g, "#"), label).toBe(cli.trimEnd().replace(/-?\d[\d.e+-]*/g, "#"));
  const numbers = numbersIn(text);
  const expected = numbersIn(cli);
  expect(numbers, label).toHaveLength(expected.length);
  numbers.forEach((v, i) => expect(Math.abs(v - expected[i]!), `${label}, value ${i}`).toBeLessThan(tolerance));
}

/**
 * The tolerance of rnnc's cpu kernels in the page against `rnnc run` in Node: 0 (bit for bit), or 1e-6
 * where the page has relaxed SIMD and so runs the fused multiply-add build (an ulp or so apart).
 */
async function cpuTolerance(page: Page): Promise<number> {
  return (await hasRelaxedSimd(page)) ? 1e-6 : 0;
}

/** The values of printed outputs (not the numbers in their `Model output i f32[…]:` headers). */
function numbersIn(text: string): number[] {
  const values = text
    .split("\n")
    .filter((line) => !/ output \d+ /.test(line))
    .join("\n");
  return [...values.matchAll(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?=[,\]])/g)].map((m) => Number(m[0]));
}

describe("the playground in Chromium", () => {
  it("loads the source from the link: the summary, no errors, inlay types from the language server", async () => {
    const page = await open(SEED);
    expect(await page.title()).toBe("rnnc playground");
    await expect.poll(() => page.locator("#summary").textContent()).toContain('Model: "BiSeed"');
    expect(await page.locator("#summary").textContent()).toContain("Total params: 216");
    expect(await page.locator("#status").textContent()).toBe("4 models, no errors");
    const types = await page.locator(".cm-inlay-type").allTextContents();
    expect(types.slice(0, 5)).toEqual([": f32[1,4,6]", ": f32[1,3]", ": f32[1,3]", ": f32[1,3]", ": f32[1,3]"]);
    expect(await page.locator("#model option").allTextContents()).toEqual(["BiSeed", "SeedRnn", "SeedLstm", "SeedBiLstm"]);
    if (SCREENSHOTS) {
      await page.check('input[name="input-kind"][value="json"]');
      await page.fill("#inputs-json", JSON.stringify({ x: SEED_X }));
      await page.click("#run");
      await runOutput(page);
      // Tall enough for the summary, the picture and the run's outputs in one view.
      await page.setViewportSize({ width: 1500, height: 1400 });
      await page.locator("aside").evaluate((e) => e.scrollTo(0, 0));
      await page.screenshot({ path: join(ROOT, "docs/images/playground.png") });
    }
    await closeClean(page);
  });

  it("puts every example in the menu, and choosing one loads it, runs it on random inputs of its types", async () => {
    const page = await open(SEED);
    const names = readdirSync(join(ROOT, "examples"))
      .filter((f) => f.endsWith(".rnn"))
      .map((f) => f.slice(0, -4));
    expect((await page.locator("#examples option").allTextContents()).slice(1).sort()).toEqual(names.sort());
    await page.selectOption("#examples", "tagger");
    const tagger = readFileSync(join(ROOT, "examples/tagger.rnn"), "utf8");
    await expect.poll(() => decodeSource(new URL(page.url()).hash)).toBe(tagger);
    await expect.poll(() => page.locator("#summary").textContent()).toContain('Model: "Tagger"');
    await page.click("#run");
    const output = await runOutput(page);
    // One sample (B = 1) of 4 steps (T = 4), 17 tags each.
    expect(output).toMatch(/^Tagger output 0 f32\[B,T,17\]:\n\[\[\[/);
    const rows = output.split("\n").slice(1);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(numbersIn(row)).toHaveLength(17);
    const inputs = JSON.parse(await page.locator("#inputs-json").inputValue()) as { tokens: number[][] };
    expect(inputs.tokens).toHaveLength(1);
    expect(inputs.tokens[0]).toHaveLength(4);
    await closeClean(page);
  });

  it("draws the chosen model's graph: every node of rnnc graph's, for each model picked", async () => {
    const page = await open(SEED);
    for (const model of ["BiSeed", "SeedLstm"]) {
      await page.selectOption("#model", model);
      const ids = modelGraph(check(SEED), model)
        .nodes.map((n) => n.id)
        .sort();
      await expect
        .poll(async () => (await page.locator("#graph svg g.node > title").allTextContents()).sort(), { timeout: 60_000 })
        .toEqual(ids);
    }
    expect(await page.locator("#graph svg").textContent()).toContain("f32[1,4,3]");
    await page.selectOption("#examples", "attention-seq2seq");
    const source = readFileSync(join(ROOT, "examples/attention-seq2seq.rnn"), "utf8");
    const ids = modelGraph(check(source))
      .nodes.map((n) => n.id)
      .sort();
    await expect
      .poll(async () => (await page.locator("#graph svg g.node > title").allTextContents()).sort(), { timeout: 60_000 })
      .toEqual(ids);
    if (SCREENSHOTS) await page.screenshot({ path: join(ROOT, "docs/images/playground-graph.png") });
    await closeClean(page);
  });

  it("shows the stacking mistake as RNN020, and its quick fix clears it", async () => {
    const page = await open(STACKING, { waitForTypes: false });
    const error = page.locator(".cm-lintRange-error");
    await error.first().waitFor({ timeout: 60_000 });
    await hoverText(page, "lstm(8)(a)", 8);
    const tooltip = page.locator(".cm-tooltip-lint .cm-diagnostic-error");
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toContain("lstm(8) expects a sequence [B,T,F] (ndim=3), found f32[B,16] (ndim=2)");
    expect(await tooltip.locator(".cm-diagnosticSource").textContent()).toBe("RNN020");
    if (SCREENSHOTS) await page.screenshot({ path: join(ROOT, "docs/images/playground-diagnostic.png") });
    await tooltip.locator(".cm-diagnosticAction", { hasText: "Set seq=true on lstm(…)" }).click();
    await expect.poll(() => decodeSource(new URL(page.url()).hash)).toBe(STACKING.replace("lstm(16)", "lstm(16, seq=true)"));
    await expect.poll(() => error.count(), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => page.locator("#status").textContent()).toBe("1 model, no errors");
    await closeClean(page);
  });

  it("hovering a binding shows its shape", async () => {
    const page = await open(SEED);
    await hoverText(page, "y, fh, fc", 3);
    const hover = page.locator(".cm-tooltip-hover .cm-lsp-documentation, .cm-tooltip-hover");
    await expect.poll(() => hover.first().textContent(), { timeout: 30_000 }).toContain("f32[1,3]");
    await closeClean(page);
  });

  it("completion offers layers", async () => {
    const page = await open(STACKING.replace("  return b", "  c = \n  return b"), { waitForTypes: false });
    await page.locator(".cm-lintRange-error").first().waitFor({ timeout: 60_000 });
    await page.locator(".cm-line", { hasText: "c =" }).click();
    await page.keyboard.press("End");
    await page.keyboard.type("bil");
    const options = page.locator(".cm-tooltip-autocomplete .cm-completionLabel");
    await expect.poll(() => options.allTextContents(), { timeout: 30_000 }).toEqual(expect.arrayContaining(["bilstm", "bidirectional"]));
    await closeClean(page);
  });

  it("runs the seed on its inputs and prints `rnnc run`'s numbers, on rnnc's cpu kernels, tfjs and onnxruntime-web", async () => {
    const cli = rnnc("run", "examples/seed.rnn", "--input", "x=examples/seed.x.json");
    expect(cli.code).toBe(0);
    const page = await open(SEED);
    await page.check('input[name="input-kind"][value="json"]');
    await page.fill("#inputs-json", JSON.stringify({ x: SEED_X }));
    await page.click("#run");
    expectCliOutput(await runOutput(page), cli.stdout, await cpuTolerance(page), "cpu");
    // TensorFlow.js's and ONNX Runtime's kernels round differently: the same numbers to 1e-5.
    for (const engine of ["tfjs", "ort"]) {
      await page.selectOption("#engine", engine);
      await page.locator("#output").evaluate((e) => (e.textContent = ""));
      await page.click("#run");
      expectCliOutput(await runOutput(page), cli.stdout, 1e-5, engine);
      expect(await page.locator("#output").textContent()).toContain(`(${engine}, `);
    }
    await closeClean(page);
  });

  it("runs on weights picked from a file, with `rnnc run --weights`'s numbers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rnnc-playground-"));
    const weightsPath = join(dir, "seed-weights.json");
    const full = (rows: number, cols: number, start: number) =>
      Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => start + ((r * cols + c) % 7) / 50));
    const direction = (start: number) => [full(5, 12, start), full(3, 12, start / 2), full(1, 12, -start)[0]];
    writeFileSync(weightsPath, JSON.stringify({ bidirectional: [...direction(0.05), ...direction(-0.03)] }));
    const cli = rnnc("run", "examples/seed.rnn", "--input", "x=examples/seed.x.json", "--weights", weightsPath);
    expect(cli.code, cli.stderr).toBe(0);
    const page = await open(SEED);
    await page.setInputFiles("#weights", weightsPath);
    await expect.poll(() => page.locator("#weights-name").textContent()).toBe("seed-weights.json");
    await page.check('input[name="input-kind"][value="json"]');
    await page.fill("#inputs-json", JSON.stringify({ x: SEED_X }));
    await page.click("#run");
    expectCliOutput(await runOutput(page), cli.stdout, await cpuTolerance(page), "cpu");
    rmSync(dir, { recursive: true, force: true });
    await closeClean(page);
  });

  it.each([
    ["a Keras 3 .keras", "keras/birnn_mul.json", ["keras/birnn_mul.keras"]],
    [
      "a TensorFlow.js model.json with its shard",
      "tfjs/lstm_time_distributed.json",
      ["tfjs/lstm_time_distributed/model.json", "tfjs/lstm_time_distributed/weights.bin"],
    ],
  ])("runs on %s picked as the weights, with Keras's numbers", async (_what, fixture, files) => {
    const dir = join(ROOT, "test/fixtures/model-files");
    const f = JSON.parse(readFileSync(join(dir, fixture), "utf8")) as {
      source: string;
      inputs: Record<string, { shape: number[]; data: number[] }>;
      outputs: { shape: number[]; data: number[] }[] | { float32: { shape: number[]; data: number[] }[] };
    };
    const expected = (Array.isArray(f.outputs) ? f.outputs : f.outputs.float32).flatMap((o) => o.data);
    const page = await open(f.source);
    await page.setInputFiles(
      "#weights",
      files.map((file) => join(dir, file)),
    );
    await expect.poll(() => page.locator("#weights-name").textContent()).toMatch(/^(\S+\.keras|model\.json \+ 1 shard)$/);
    await page.check('input[name="input-kind"][value="json"]');
    await page.fill("#inputs-json", JSON.stringify(f.inputs));
    await page.click("#run");
    const got = numbersIn(await runOutput(page));
    expect(got).toHaveLength(expected.length);
    got.forEach((v, i) => expect(Math.abs(v - expected[i]!), `value ${i}`).toBeLessThan(1e-5));
    await closeClean(page);
  });

  it("reports bad pasted inputs and a wrong weights file in one line naming the problem", async () => {
    const page = await open(SEED);
    await page.check('input[name="input-kind"][value="json"]');
    for (const [pasted, message] of [
      ["{x: 1", /^inputs: not valid JSON \(/],
      [JSON.stringify({ x: [[[1, 2]]] }), /\bx\b.*\[1,4,5\]|\[1,4,5\].*\bx\b/],
    ] as const) {
      await page.fill("#inputs-json", pasted);
      await page.locator("#output").evaluate((e) => (e.textContent = ""));
      await page.click("#run");
      const output = page.locator("#output.error");
      await output.waitFor();
      const text = (await output.textContent())!;
      expect(text).toMatch(message);
      expect(text).not.toContain("\n");
    }
    const dir = mkdtempSync(join(tmpdir(), "rnnc-playground-"));
    writeFileSync(join(dir, "notes.txt"), "not weights");
    await page.setInputFiles("#weights", join(dir, "notes.txt"));
    await page.fill("#inputs-json", JSON.stringify({ x: SEED_X }));
    await page.click("#run");
    await expect.poll(() => page.locator("#output.error").textContent()).toMatch(/^notes\.txt: not a weights file rnnc reads/);
    rmSync(dir, { recursive: true, force: true });
    await closeClean(page);
  });

  it("formats the source with the language server's formatter", async () => {
    const messy = "model M(x:[1,4,5]){ y=lstm(3,seq=true)(x)\n    return y}\n";
    const page = await open(messy);
    await page.click("#format");
    const formatted = await formatRnn(messy);
    expect(formatted).not.toBe(messy);
    await expect.poll(() => decodeSource(new URL(page.url()).hash)).toBe(formatted);
    await closeClean(page);
  });

  it("keeps the source in the URL's hash: an edit updates the link, and the link restores the text", async () => {
    const source = `# café ✓ — a UTF-8 comment\n${STACKING.replace("lstm(16)", "lstm(16, seq=true)")}`;
    const page = await open(source);
    expect(decodeSource(new URL(page.url()).hash)).toBe(source);
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("# shared");
    await expect.poll(() => decodeSource(new URL(page.url()).hash)).toBe(`${source}# shared`);
    const again = await open(`${source}# shared`);
    expect(await again.locator(".cm-line").last().textContent()).toBe("# shared");
    expect(await again.locator(".cm-line").first().textContent()).toBe("# café ✓ — a UTF-8 comment");
    await closeClean(page);
    await closeClean(again);
  });

  it("downloads a compiled module that runs the seed with `rnnc run`'s numbers, and the ONNX file rnnc export writes", async () => {
    const page = await open(SEED);
    const [moduleDownload] = await Promise.all([page.waitForEvent("download", { timeout: 120_000 }), page.click("#download-module")]);
    expect(moduleDownload.suggestedFilename()).toBe("model.js");
    const dir = mkdtempSync(join(tmpdir(), "rnnc-playground-"));
    const modulePath = join(dir, "model.mjs");
    await moduleDownload.saveAs(modulePath);
    const compiled = (await import(pathToFileURL(modulePath).href)) as Record<
      string,
      { create(): { run(i: object): { data: Float32Array }[] } }
    >;
    const outputs = compiled["BiSeed"]!.create().run({ x: SEED_X });
    const cli = rnnc("run", "examples/seed.rnn", "--input", "x=examples/seed.x.json", "--json");
    const expected = (JSON.parse(cli.stdout) as { outputs: { data: number[] }[] }).outputs.map((o) => o.data);
    expect(outputs.map((o) => Array.from(o.data, (v) => Number(v.toPrecision(9))))).toEqual(expected);

    const [onnxDownload] = await Promise.all([page.waitForEvent("download"), page.click("#download-onnx")]);
    expect(onnxDownload.suggestedFilename()).toBe("BiSeed.onnx");
    const onnxPath = join(dir, "BiSeed.onnx");
    await onnxDownload.saveAs(onnxPath);
    expect(new Uint8Array(readFileSync(onnxPath))).toEqual(exportOnnx(check(SEED), { model: "BiSeed" }));
    rmSync(dir, { recursive: true, force: true });
    await closeClean(page);
  });
});
