// The CPU kernels' threads in a real browser (headless Chromium): where pages have SharedArrayBuffer
// (cross-origin-isolated pages; this Chromium gives it to every page by a flag, as it cannot isolate)
// loadModel's workers, started from a Blob URL, run parts of the products and give one thread's
// numbers bit for bit, and a compiled module starts its own worker; in a Chromium without it (what a
// page that is not cross-origin isolated gets) both run on one thread, start no worker, same numbers.
import type { Server } from "node:http";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, compileModule } from "../../src/node.js";
import { ROOT } from "../cli-process.js";
import { launchChromium } from "./chromium.js";
import { BROWSER_BUNDLE, serve } from "./page-server.js";

/** A batch-1 LSTM(256): its h·R per step is past the split threshold. */
const SOURCE = "model Wide(x: f32[1, 8, 64]) { return lstm(256, seq=true)(x) }";
const X = [Array.from({ length: 8 }, (_, t) => Array.from({ length: 64 }, (_, f) => Math.sin(0.3 * t + 0.11 * f)))];

const PAGE = `<!doctype html><title>rnnc threads</title><script type="module">
import * as rnnc from "/rnnc.js";
window.rnnc = rnnc;
window.importModule = (url) => import(url);
window.ready = true;
</script>`;

interface Outputs {
  shape: readonly number[];
  data: ArrayLike<number>;
}

interface PageGlobals {
  rnnc: typeof import("../../src/index.js") & { Pool: typeof import("../../src/backends/cpu/wasm/pool.js").Pool };
  importModule(url: string): Promise<Record<string, { create(w?: unknown, o?: { threads?: number }): { run(i: unknown): Outputs[] } }>>;
  workersStarted: number;
}

let browser: Browser;
let browserWithout: Browser;
let server: Server;
let origin: string;

beforeAll(async () => {
  // The library as a web app bundles it, plus the pool's counters for the test to read.
  const bundled = await build({
    stdin: {
      contents: 'export * from "./src/index.ts";\nexport { Pool } from "./src/backends/cpu/wasm/pool.ts";',
      resolveDir: ROOT,
      loader: "ts",
    },
    ...BROWSER_BUNDLE,
  });
  const compiled = await compileModule(check(SOURCE), { fileName: "wide.rnn" });
  const files: Record<string, { type: string; body: string }> = {
    "/": { type: "text/html", body: PAGE },
    "/rnnc.js": { type: "text/javascript", body: bundled.outputFiles[0]!.text },
    "/wide.js": { type: "text/javascript", body: compiled.js },
  };
  // The headers of a cross-origin-isolated page, as a site serving threads would send them.
  ({ server, origin } = await serve(files, {
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
  }));
  browser = await launchChromium();
  browserWithout = await launchChromium({ sharedArrayBuffer: false });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await browserWithout?.close();
  server?.close();
});

/** A page, with SharedArrayBuffer or not, counting the workers anything on it starts. */
async function openPage(shared: boolean): Promise<Page> {
  const page = await (shared ? browser : browserWithout).newPage();
  await page.addInitScript(() => {
    const scope = globalThis as unknown as PageGlobals & { Worker: new (url: string) => object };
    scope.workersStarted = 0;
    const Original = scope.Worker;
    scope.Worker = new Proxy(Original, {
      construct(target, args) {
        scope.workersStarted++;
        return Reflect.construct(target, args) as object;
      },
    });
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
  return page;
}

/** In the page: loadModel and the compiled module on 1 and 2 threads, run until the pool's workers ran parts (a minute at most). */
async function runBoth(page: Page, shared: boolean) {
  return page.evaluate(
    async ({ source, x, shared }) => {
      const scope = globalThis as unknown as PageGlobals;
      const lib = scope.rnnc;
      const plain = (outputs: Outputs[]) => outputs.map((o) => ({ shape: [...o.shape], data: Array.from(o.data) }));
      const checked = lib.check(source);
      const one = plain(lib.loadModel(checked, { threads: 1 }).run({ x }));
      const two = lib.loadModel(checked, { threads: 2 });
      let threaded = plain(two.run({ x }));
      const deadline = Date.now() + 60_000;
      while (shared && lib.Pool.stats().workerParts === 0 && Date.now() < deadline) {
        for (let i = 0; i < 20; i++) threaded = plain(two.run({ x }));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const workersBeforeModule = scope.workersStarted;
      const { Wide } = await scope.importModule("/wide.js");
      const compiledOne = plain(Wide!.create(undefined, { threads: 1 }).run({ x }));
      const compiledTwo = Wide!.create(undefined, { threads: 2 });
      let compiledThreaded = plain(compiledTwo.run({ x }));
      for (let round = 0; round < 10; round++) {
        for (let i = 0; i < 10; i++) compiledThreaded = plain(compiledTwo.run({ x }));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return {
        shared: typeof SharedArrayBuffer === "function",
        one,
        threaded,
        compiledOne,
        compiledThreaded,
        workerParts: lib.Pool.stats().workerParts,
        libraryWorkers: workersBeforeModule,
        moduleWorkers: scope.workersStarted - workersBeforeModule,
      };
    },
    { source: SOURCE, x: X, shared },
  );
}

describe("threads in Chromium", () => {
  it("with SharedArrayBuffer: workers run parts, numbers bit for bit one thread's, a compiled module starts its own worker", async () => {
    const page = await openPage(true);
    const r = await runBoth(page, true);
    expect(r.shared).toBe(true);
    expect(r.workerParts).toBeGreaterThan(0);
    expect(r.libraryWorkers).toBe(1);
    expect(r.moduleWorkers).toBe(1);
    expect(r.threaded).toEqual(r.one);
    expect(r.compiledThreaded).toEqual(r.one);
    expect(r.compiledOne).toEqual(r.one);
    await page.close();
  }, 120_000);

  it("without SharedArrayBuffer (a page that is not cross-origin isolated): one thread, no worker, the same numbers", async () => {
    const page = await openPage(false);
    const r = await runBoth(page, false);
    expect(r.shared).toBe(false);
    expect(r.workerParts).toBe(0);
    expect(r.libraryWorkers + r.moduleWorkers).toBe(0);
    expect(r.threaded).toEqual(r.one);
    expect(r.compiledThreaded).toEqual(r.one);
    await page.close();
  }, 120_000);
});
