// The two entries: src/node.ts is src/index.ts plus what needs Node — the file readers, and the
// defaults only Node can know (the machine's memory for loadModel's budget; compiled modules bundled
// with only the runtime they call).
import { totalmem } from "node:os";
import { describe, expect, it } from "vitest";
import * as browser from "../../src/index.js";
import * as node from "../../src/node.js";
import { defaultMemoryBudget, formatBytes } from "../../src/lower/memory.js";

/** A model whose weights (10^10 floats) are past any budget: the error names the budget that applied. */
const HUGE = "model Huge(x: [1, 100000]) {\n  return dense(100000)(x)\n}\n";

function budgetNamed(load: () => unknown): string | undefined {
  try {
    load();
  } catch (error) {
    return /memory budget of ([\d.]+ [KMGT]?B)/.exec((error as Error).message)?.[1];
  }
  return undefined;
}

describe("rnnc (browser) and rnnc/node", () => {
  it("the Node entry exports everything the browser entry does, plus the file readers", () => {
    const extra = Object.keys(node).filter((name) => !(name in browser));
    expect(extra.sort()).toEqual(["readModelFileAt", "readTfjsModel", "readWeights"]);
    for (const name of Object.keys(browser)) expect(name in node, name).toBe(true);
  });

  it("loadModel's default budget: half the machine's memory in Node, half of WebAssembly's 4 GiB without it", () => {
    expect(budgetNamed(() => node.loadModel(node.check(HUGE)))).toBe(formatBytes(Math.floor(totalmem() / 2)));
    expect(budgetNamed(() => browser.loadModel(browser.check(HUGE)))).toBe("2.0 GB");
    // An explicit budget is the caller's in both.
    expect(budgetNamed(() => node.loadModel(node.check(HUGE), { maxMemory: 1024 ** 3 }))).toBe("1.0 GB");
  });

  it("in a browser the default follows navigator.deviceMemory", () => {
    const global = globalThis as { navigator?: unknown };
    const saved = Object.getOwnPropertyDescriptor(global, "navigator");
    Object.defineProperty(global, "navigator", { value: { deviceMemory: 8 }, configurable: true });
    try {
      expect(defaultMemoryBudget()).toBe(4 * 1024 ** 3);
    } finally {
      if (saved) Object.defineProperty(global, "navigator", saved);
      else delete global.navigator;
    }
    expect(defaultMemoryBudget(16 * 1024 ** 3)).toBe(8 * 1024 ** 3);
  });

  it("compileModule: Node's module carries only the runtime its models call, the browser's all of it, with the same models", async () => {
    const source = "model M(x: [1, 4, 5]) {\n  return lstm(3)(x)\n}\n";
    const fromNode = await node.compileModule(node.check(source));
    const fromBrowser = await browser.compileModule(browser.check(source));
    expect(fromBrowser.js.length).toBeGreaterThan(fromNode.js.length);
    expect(fromNode.js).not.toContain("function attention(");
    expect(fromBrowser.js).toContain("function attention(");
    const models = (js: string) => js.slice(js.indexOf("// ---- The models ----"));
    expect(models(fromBrowser.js)).toBe(models(fromNode.js));
    expect(fromBrowser.dts).toBe(fromNode.dts);
  });
});
