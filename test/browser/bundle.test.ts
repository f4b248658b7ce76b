// The library bundles for the web and runs there: src/index.ts bundled by esbuild for
// `platform=browser` with no Node built-in left, loaded in headless Chromium from a page served on
// 127.0.0.1, gives `rnnc run`'s numbers on the cpu backend (bit for bit; within 1e-6 where the browser
// has relaxed SIMD) — the SIMD WebAssembly kernels included — and so does the module compileModule
// writes there; check() reports there too.
import type { Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rnnc, ROOT } from "../cli-process.js";
import { check, exportOnnx, formatRnnSync } from "../../src/node.js";
import { hasRelaxedSimd, launchChromium } from "./chromium.js";
import { BROWSER_BUNDLE, serve } from "./page-server.js";

interface Output {
  shape: number[];
  data: (number | string)[];
}

/** A model large enough that its matmuls run in the WebAssembly SIMD kernel (above SMALL_MATMUL). */
const WIDE = `model Wide(x: [2, 6, 32]) {
  h = lstm(48, seq=true)(x)
  g = gru(40)(h)
  return dense(24, activation="tanh")(g)
}
`;
const WIDE_INPUT = [0, 1].map((b) =>
  Array.from({ length: 6 }, (_, t) => Array.from({ length: 32 }, (_, f) => Math.sin(b + 0.3 * t + 0.17 * f))),
);

/** The stacking mistake of the README: RNN020 on the second layer's argument. */
const BAD = `model Stacking(x: [B, T, 8]) {
  a = lstm(16)(x)
  b = lstm(8)(a)
  return b
}
`;

const SEED = join(ROOT, "examples", "seed.rnn");
const SEED_INPUT = join(ROOT, "examples", "seed.x.json");

/**
 * The page: imports the bundle as a web app would, and offers the tests `rnnc` (the library) and
 * `importModule` (for a compiled module's blob URL). The tests' page functions cannot import by
 * themselves: vitest rewrites `import()` in the test file's code.
 */
const PAGE = `<!doctype html><title>rnnc</title><script type="module">

import * as rnnc from "/rnnc.js";
window.rnnc = rnnc;
window.importModule = (url) => import(url);
window.importTfjs = () => import("/tfjs.js");
window.ready = true;
</script>`;

/** What the page offers the tests' functions. */
interface PageGlobals {
  rnnc: typeof import("../../src/index.js");
  importTfjs(): Promise<import("../../src/index.js").TfjsCore & { setBackend(name: string): Promise<boolean>; ready(): Promise<void> }>;
  importModule(
    url: string,
  ): Promise<Record<string, { create(): { run(inputs: unknown): { shape: number[]; data: ArrayLike<number> }[] } }>>;
  wasmInstances: number;
}

let bundle: { js: string; nodeImports: string[] };
let browser: Browser;
let server: Server;
let origin: string;
let folder: string;

/** Bundles src/index.ts as a web app's bundler would, recording every `node:` import it meets (instead of failing on the first). */
async function bundleForBrowser(): Promise<{ js: string; nodeImports: string[] }> {
  const nodeImports: string[] = [];
  const recordNodeImports: Plugin = {
    name: "record-node-imports",
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (args) => {
        nodeImports.push(`${args.path} from ${args.importer.slice(ROOT.length + 1)}`);
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({
    entryPoints: [join(ROOT, "src", "index.ts")],
    absWorkingDir: ROOT,
    ...BROWSER_BUNDLE,
    plugins: [recordNodeImports],
  });
  return { js: result.outputFiles[0]!.text, nodeImports };
}

/** @tensorflow/tfjs for the page, as a web app bundles it: loadModel's tfjs backend runs on the caller's module. */
async function bundleTfjs(): Promise<string> {
  const result = await build({
    stdin: { contents: 'export * from "@tensorflow/tfjs";', resolveDir: ROOT, loader: "js" },
    ...BROWSER_BUNDLE,
  });
  return result.outputFiles[0]!.text;
}

/** `rnnc run --json`'s outputs (float32 to nine significant digits: exact), from the CLI built from src/. */
function cliOutputs(...args: string[]): Output[] {
  const r = rnnc("run", ...args, "--json");
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { outputs: Output[] }).outputs;
}

/** Values in the page are float32 read out as numbers; the CLI's nine digits round to the same float32. */
function asFloat32(outputs: Output[]): Output[] {
  return outputs.map((o) => ({ shape: o.shape, data: o.data.map((v) => (typeof v === "number" ? Math.fround(v) : v)) }));
}

/**
 * Outputs computed in the page against Node's: Node 20 runs the plain-SIMD kernels (the matmul and
 * the recurrent steps); a browser with relaxed SIMD (current Chromium) the fused multiply-add build,
 * which rounds each product-sum once: equal within 1e-6 there, bit for bit otherwise
 * (docs/decisions.md, "CPU kernels").
 */
async function expectNodeNumbers(page: Page, outputs: Output[], expected: Output[]): Promise<void> {
  if (!(await hasRelaxedSimd(page))) {
    expect(outputs).toEqual(expected);
    return;
  }
  expect(outputs.map((o) => o.shape)).toEqual(expected.map((o) => o.shape));
  const worst = Math.max(...outputs.flatMap((o, i) => o.data.map((v, j) => Math.abs(Number(v) - Number(expected[i]!.data[j])))));
  expect(worst).toBeLessThan(1e-6);
}

/** A fresh page on the served origin that counts the WebAssembly instances the library makes. */
async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    const counter = globalThis as unknown as PageGlobals;
    counter.wasmInstances = 0;
    const Original = WebAssembly.Instance;
    WebAssembly.Instance = new Proxy(Original, {
      construct(target, args) {
        counter.wasmInstances++;
        return Reflect.construct(target, args);
      },
    });
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
  return page;
}

beforeAll(async () => {
  bundle = await bundleForBrowser();
  ({ server, origin } = await serve({
    "/": { type: "text/html", body: PAGE },
    "/rnnc.js": { type: "text/javascript", body: bundle.js },
    "/tfjs.js": { type: "text/javascript", body: await bundleTfjs() },
  }));
  browser = await launchChromium();
  folder = mkdtempSync(join(tmpdir(), "rnnc-browser-"));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("src/index.ts bundled for platform=browser", () => {
  it("imports no Node built-in", () => {
    expect(bundle.nodeImports).toEqual([]);
    expect(bundle.js).not.toMatch(/\bfrom\s*["']node:|\brequire\(["']node:|\bimport\(["']node:/);
  });

  it("runs the seed in Chromium with `rnnc run`'s numbers, compileModule's module there gives them too, exportOnnx writes Node's file", async () => {
    const source = readFileSync(SEED, "utf8");
    const x = JSON.parse(readFileSync(SEED_INPUT, "utf8")) as unknown;
    const expected = asFloat32(cliOutputs(SEED, "--input", `x=${SEED_INPUT}`));
    const page = await openPage();
    const result = await page.evaluate(
      async ({ source, x }) => {
        const { rnnc: lib, importModule } = globalThis as unknown as PageGlobals;
        const plain = (outputs: { shape: number[]; data: ArrayLike<number> }[]) =>
          outputs.map((o) => ({ shape: [...o.shape], data: Array.from(o.data) }));
        const checked = lib.check(source);
        const interpreted = plain(lib.loadModel(checked).run({ x: x as number[][][] }));
        const onnx = Array.from(lib.exportOnnx(checked));
        const compiled = await lib.compileModule(checked, { fileName: "seed.rnn" });
        const url = URL.createObjectURL(new Blob([compiled.js], { type: "text/javascript" }));
        const module = await importModule(url);
        const fromModule = plain(module.BiSeed.create().run({ x }));
        return { interpreted, fromModule, onnx, exports: compiled.models.map((m) => m.exportName), dts: compiled.dts };
      },
      { source, x },
    );
    // The module runs the interpreter's text on the same kind of arena: bit for bit in the page.
    expect(result.fromModule).toEqual(result.interpreted);
    await expectNodeNumbers(page, result.interpreted, expected);
    // The ONNX file written in the page is the one Node writes, byte for byte.
    expect(Buffer.from(result.onnx).equals(Buffer.from(exportOnnx(check(source))))).toBe(true);
    expect(result.exports).toEqual(["BiSeed", "SeedRnn", "SeedLstm", "SeedBiLstm"]);
    expect(result.dts).toContain("export declare const BiSeed");
  });

  it("runs a wide model on the SIMD WebAssembly kernels with `rnnc run`'s numbers", async () => {
    const file = join(folder, "wide.rnn");
    const input = join(folder, "wide.x.json");
    writeFileSync(file, WIDE);
    writeFileSync(input, JSON.stringify(WIDE_INPUT));
    const expected = asFloat32(cliOutputs(file, "--input", `x=${input}`));
    const page = await openPage();
    const result = await page.evaluate(
      async ({ source, x }) => {
        const counter = globalThis as unknown as PageGlobals;
        const lib = counter.rnnc;
        const before = counter.wasmInstances;
        const outputs = lib.loadModel(lib.check(source)).run({ x });
        return {
          outputs: outputs.map((o) => ({ shape: [...o.shape], data: Array.from(o.data) })),
          instances: counter.wasmInstances - before,
        };
      },
      { source: WIDE, x: WIDE_INPUT },
    );
    expect(result.instances).toBeGreaterThan(0);
    await expectNodeNumbers(page, result.outputs, expected);
  });

  it("reports check() diagnostics, shapes, and formats, in the page", async () => {
    const page = await openPage();
    const result = await page.evaluate(
      async ({ bad }) => {
        const lib = (globalThis as unknown as PageGlobals).rnnc;
        const diagnostics = lib.check(bad).diagnostics.map((d) => ({
          code: d.code,
          severity: d.severity,
          line: d.range.start.line,
          character: d.range.start.character,
        }));
        const report = lib.shapes(bad.replace("lstm(16)", "lstm(16, seq=true)"));
        return {
          diagnostics,
          outputs: report.models.map((m) => m.outputs),
          formatted: await lib.formatRnn("model  M(x:[1,2,3]){ return lstm(4)(x) }"),
          sync: lib.formatRnnSync(bad),
        };
      },
      { bad: BAD },
    );
    expect(result.diagnostics).toEqual([{ code: "RNN020", severity: "error", line: 2, character: 14 }]);
    expect(result.outputs).toEqual([["f32[B,8]"]]);
    expect(result.formatted).toBe(formatRnnSync("model  M(x:[1,2,3]){ return lstm(4)(x) }"));
    expect(result.sync).toBe(BAD);
  });
  it("runs the seed on the caller's TensorFlow.js (cpu backend) with `rnnc run --backend tfjs`'s numbers", async () => {
    const expected = cliOutputs(SEED, "--input", `x=${SEED_INPUT}`, "--backend", "tfjs");
    const page = await openPage();
    const result = await page.evaluate(
      async ({ source, x }) => {
        const { rnnc: lib, importTfjs } = globalThis as unknown as PageGlobals;
        const tf = await importTfjs();
        await tf.setBackend("cpu");
        await tf.ready();
        const model = lib.loadModel(lib.check(source), { backend: "tfjs", tf });
        const outputs = model.run({ x: x as number[][][] });
        model.dispose();
        return outputs.map((o) => ({ shape: [...o.shape], data: Array.from(o.data) }));
      },
      { source: readFileSync(SEED, "utf8"), x: JSON.parse(readFileSync(SEED_INPUT, "utf8")) as unknown },
    );
    expect(result.map((o) => o.shape)).toEqual(expected.map((o) => o.shape));
    result.forEach((o, i) => o.data.forEach((v, j) => expect(v).toBeCloseTo(expected[i]!.data[j] as number, 6)));
  });

  it("reads a Keras .keras and .h5 from their bytes (zip, HDF5) and gives Keras's predictions", async () => {
    const dir = join(ROOT, "test", "fixtures", "model-files", "keras");
    const fixture = JSON.parse(readFileSync(join(dir, "bilstm_concat_mask_state.json"), "utf8")) as {
      source: string;
      model: string;
      inputs: Record<string, { shape: number[]; data: number[] }>;
      outputs: { shape: number[]; data: number[] }[];
      tolerance: number;
    };
    const files = [".keras", ".h5", ".weights.h5"].map((ext) => ({
      name: `upload${ext}`,
      bytes: readFileSync(join(dir, `bilstm_concat_mask_state${ext}`)).toString("base64"),
    }));
    const page = await openPage();
    const results = await page.evaluate(
      ({ fixture, files }) => {
        const lib = (globalThis as unknown as PageGlobals).rnnc;
        const checked = lib.check(fixture.source);
        const structure = lib.kerasStructure(checked, fixture.model);
        return files.map((file) => {
          const bytes = Uint8Array.from(atob(file.bytes), (c) => c.charCodeAt(0));
          const weights = lib.weightsFromBytes(bytes, { source: file.name, ...(structure ? { structure } : {}) });
          const outputs = lib.loadModel(checked, { model: fixture.model, weights }).run(fixture.inputs);
          return outputs.map((o) => ({ shape: [...o.shape], data: Array.from(o.data) }));
        });
      },
      { fixture, files },
    );
    expect(results).toHaveLength(3);
    for (const outputs of results) {
      expect(outputs.map((o) => o.shape)).toEqual(fixture.outputs.map((o) => o.shape));
      let max = 0;
      outputs.forEach((o, i) => o.data.forEach((v, j) => (max = Math.max(max, Math.abs(v - fixture.outputs[i]!.data[j]!)))));
      expect(max).toBeLessThanOrEqual(fixture.tolerance);
    }
  });
});
