// The figures behind choosing Graphviz (@viz-js/viz) over elkjs for `rnnc graph` (docs/decisions.md,
// "Model pictures"): `npx tsx test/graph/measure-layout.ts [--png DIR]`. Times the first picture
// (start-up included) and then each of the clean example models, with viz (DOT → SVG) and with elkjs
// (layered layout, drawn by a minimal SVG writer here — elkjs draws nothing itself); prints the
// minified and gzipped browser bundle sizes; with --png, writes both pictures of every model as PNG
// (headless Chromium) to look at side by side.
import { build } from "esbuild";
import ElkModule, { type ELK, type ElkNode } from "elkjs/lib/elk.bundled.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { graphToSvg, modelGraph, type ModelGraph } from "../../src/index.js";
import { edgeLabel, nodeLabel } from "../../src/graph/labels.js";
import { launchChromium } from "../browser/chromium.js";
import { exampleModels } from "./examples.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CHAR = 11 * 0.6; // a monospace character at 11 pt
const LINE = 14;

// elkjs is CommonJS: its default export is the constructor at run time, the module to TypeScript.
const Elk = ElkModule as unknown as new () => ELK;
let elk: ELK | undefined;

interface Laid extends ElkNode {
  lines?: string[];
  title?: string;
  edges?: (ElkNode["edges"] extends (infer E)[] | undefined ? E & { kind?: string } : never)[];
}

async function elkSvg(graph: ModelGraph): Promise<string> {
  elk ??= new Elk();
  const children = (parent: string | undefined): Laid[] => [
    ...graph.nodes
      .filter((n) => n.cluster === parent)
      .map((n) => {
        const l = nodeLabel(n);
        const lines = [`${l.name} (${l.kerasClass})`, ...(l.call ? [l.call] : []), ...l.types, ...(l.shared ? [l.shared] : [])];
        return { id: n.id, width: Math.max(...lines.map((s) => s.length)) * CHAR + 16, height: lines.length * LINE + 10, lines };
      }),
    ...graph.clusters
      .filter((c) => c.parent === parent)
      .map((c) => ({
        id: `cluster:${c.id}`,
        title: c.model,
        layoutOptions: { "elk.padding": "[top=24,left=12,bottom=12,right=12]" },
        children: children(c.id),
      })),
  ];
  const root: Laid = {
    id: "root",
    layoutOptions: { "elk.algorithm": "layered", "elk.direction": "DOWN", "elk.hierarchyHandling": "INCLUDE_CHILDREN" },
    children: children(undefined),
    edges: graph.edges.map((e, i) => {
      const text = edgeLabel(e);
      return {
        id: `e${i}`,
        sources: [e.from],
        targets: [e.to],
        kind: e.kind,
        labels: text ? [{ text, width: text.length * 5.4, height: 12 }] : [],
      };
    }),
  };
  const laid = (await elk.layout(root)) as Laid;
  const parts: string[] = [];
  // An edge's points are relative to its container (the cluster holding both ends): where each is.
  const origin = new Map<string, { x: number; y: number }>([["root", { x: 0, y: 0 }]]);
  const draw = (node: Laid, dx: number, dy: number): void => {
    for (const c of (node.children ?? []) as Laid[]) {
      const x = dx + c.x!;
      const y = dy + c.y!;
      origin.set(c.id, { x, y });
      if (c.children) {
        parts.push(
          `<rect x="${x}" y="${y}" width="${c.width}" height="${c.height}" rx="6" fill="none" stroke="#777" stroke-dasharray="4"/>`,
        );
        parts.push(`<text x="${x + 8}" y="${y + 14}" font-family="monospace" font-size="11">${c.title}</text>`);
        draw(c, x, y);
        continue;
      }
      parts.push(`<rect x="${x}" y="${y}" width="${c.width}" height="${c.height}" rx="6" fill="#e8f0fb" stroke="#4a6285"/>`);
      c.lines!.forEach((s, i) =>
        parts.push(
          `<text x="${x + c.width! / 2}" y="${y + 16 + i * LINE}" text-anchor="middle" font-family="monospace" font-size="11">${s}</text>`,
        ),
      );
    }
  };
  draw(laid, 0, 0);
  for (const e of laid.edges ?? []) {
    const at = origin.get((e as { container?: string }).container ?? "root") ?? { x: 0, y: 0 };
    for (const s of e.sections ?? []) {
      const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => `${p.x + at.x},${p.y + at.y}`).join(" ");
      parts.push(`<polyline points="${points}" fill="none" stroke="#444"${e.kind === "state" ? ' stroke-dasharray="5"' : ""}/>`);
    }
    for (const l of e.labels ?? [])
      parts.push(`<text x="${l.x! + at.x}" y="${l.y! + at.y + 10}" font-family="monospace" font-size="9">${l.text}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${laid.width}" height="${laid.height}">${parts.join("")}</svg>`;
}

const graphs = exampleModels().map((e) => modelGraph(e.checked, e.model.name));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function time(name: string, draw: (g: ModelGraph) => Promise<string>): Promise<void> {
  let start = performance.now();
  await draw(graphs[0]!);
  const first = performance.now() - start;
  const perModel: number[] = [];
  for (let round = 0; round < 5; round++) {
    start = performance.now();
    for (const g of graphs) await draw(g);
    perModel.push((performance.now() - start) / graphs.length);
  }
  console.log(
    `${name}: first picture ${first.toFixed(0)} ms (start-up included), then ${median(perModel).toFixed(1)} ms per model (median of 5 rounds over ${graphs.length} models)`,
  );
}

async function bundleSize(name: string, contents: string): Promise<void> {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  const bytes = out.outputFiles[0]!.contents;
  console.log(
    `${name}: ${(bytes.length / 1000).toFixed(0)} KB minified, ${(gzipSync(bytes, { level: 9 }).length / 1000).toFixed(0)} KB gzipped`,
  );
}

await time("viz (DOT → SVG)", graphToSvg);
await time("elkjs (layout + minimal SVG)", elkSvg);
await bundleSize("viz bundle (with src/graph)", `export { renderGraphSvg } from "./src/graph/svg.ts"; import "@viz-js/viz";`);
await bundleSize("elkjs bundle (layout only)", `import ELK from "elkjs/lib/elk.bundled.js"; export const elk = new ELK();`);

const pngAt = process.argv.indexOf("--png");
if (pngAt >= 0) {
  const dir = process.argv[pngAt + 1] ?? join(ROOT, ".scratch", "layouts");
  mkdirSync(dir, { recursive: true });
  const browser = await launchChromium();
  const page = await browser.newPage({ deviceScaleFactor: 2 });
  for (const g of graphs) {
    for (const [engine, svg] of [
      ["viz", await graphToSvg(g)],
      ["elk", await elkSvg(g)],
    ] as const) {
      await page.setContent(`<body style="margin:0;background:white">${svg.replace(/^[\s\S]*?(<svg)/, "$1")}</body>`);
      writeFileSync(join(dir, `${g.model}.${engine}.png`), await page.locator("svg").screenshot());
    }
  }
  await browser.close();
  console.log(`pictures in ${dir}`);
}
