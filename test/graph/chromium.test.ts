// The model picture in a real browser: src/graph bundled by esbuild for platform=browser (so a Node
// import anywhere in it fails the build), run in headless Chromium on every example model; the SVG
// parses as XML, and every box's label is there and visible — each text line has a non-empty box
// inside its node's shape, and no two node shapes overlap.
import { build } from "esbuild";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelGraph, type ModelGraph } from "../../src/index.js";
import { launchChromium } from "../browser/chromium.js";
import { exampleModels } from "./examples.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** The browser side: check a source and draw one model, through the same modules rnnc's API exports. */
const ENTRY = `
import { parse } from "./src/syntax/parse.ts";
import { checkFile } from "./src/check/checker.ts";
import { renderGraphSvg } from "./src/graph/svg.ts";
globalThis.rnncGraph = (text, model) => renderGraphSvg(checkFile(parse(text)), model);
`;

let browser: Browser;
let page: Page;
beforeAll(async () => {
  const bundle = await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: "ts" },
    bundle: true,
    platform: "browser",
    format: "iife",
    write: false,
    logLevel: "silent",
  });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.setContent("<!doctype html><html><body style='margin:0'></body></html>");
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
}, 300_000);
afterAll(() => browser?.close());

interface Measured {
  parseError: string | null;
  nodes: { id: string; shape: Box; texts: { text: string; box: Box; visible: boolean }[] }[];
}
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Draws a model in the page and measures every node: its shape's box and each text line's box. Plain
 * JavaScript run in the page (the tests' TypeScript has no DOM types).
 */
const MEASURE = `async ({ source, model }) => {
  const svgText = await globalThis.rnncGraph(source, model);
  const parsed = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const error = parsed.querySelector("parsererror");
  document.body.replaceChildren(document.importNode(parsed.documentElement, true));
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  };
  const nodes = [...document.querySelectorAll("g.node")].map((g) => ({
    id: g.querySelector("title").textContent,
    shape: box(g.querySelector("path, polygon, ellipse")),
    texts: [...g.querySelectorAll("text")].map((t) => {
      const style = getComputedStyle(t);
      const visible = style.visibility === "visible" && style.display !== "none" && style.opacity !== "0" && t.getAttribute("fill") !== "none";
      return { text: t.textContent, box: box(t), visible };
    }),
  }));
  return { parseError: error ? error.textContent : null, nodes };
}`;

function drawAndMeasure(source: string, model: string): Promise<Measured> {
  return page.evaluate(`(${MEASURE})(${JSON.stringify({ source, model })})`) as Promise<Measured>;
}

const inside = (inner: Box, outer: Box, slack = 0.5) =>
  inner.x >= outer.x - slack &&
  inner.y >= outer.y - slack &&
  inner.x + inner.width <= outer.x + outer.width + slack &&
  inner.y + inner.height <= outer.y + outer.height + slack;
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe.each(exampleModels().map((e) => [`${e.file} ${e.model.name}`, e] as const))("%s in Chromium", (_, { source, checked, model }) => {
  it("draws every box with its label visible and inside it, no two boxes overlapping", async () => {
    const graph: ModelGraph = modelGraph(checked, model.name);
    const drawn = await drawAndMeasure(source, model.name);
    expect(drawn.parseError).toBeNull();
    expect(drawn.nodes.map((n) => n.id).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    for (const node of graph.nodes) {
      const seen = drawn.nodes.find((n) => n.id === node.id)!;
      const words = seen.texts.map((t) => t.text).join(" ");
      expect(words).toContain(node.name);
      expect(words).toContain(`(${node.kerasClass})`);
      for (const type of node.types.flat()) expect(words).toContain(type);
      expect(seen.shape.width * seen.shape.height).toBeGreaterThan(0);
      for (const text of seen.texts) {
        expect(text.visible, `${node.id}: "${text.text}" hidden`).toBe(true);
        expect(text.box.width * text.box.height, `${node.id}: "${text.text}" empty`).toBeGreaterThan(0);
        expect(inside(text.box, seen.shape), `${node.id}: "${text.text}" spills out of its box`).toBe(true);
      }
    }
    for (const [i, a] of drawn.nodes.entries())
      for (const b of drawn.nodes.slice(i + 1)) expect(overlap(a.shape, b.shape), `${a.id} overlaps ${b.id}`).toBe(false);
  });
});
