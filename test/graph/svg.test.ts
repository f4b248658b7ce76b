// The SVG picture of every example model, rendered in Node by Graphviz in WebAssembly: an SVG
// document with one node group per box (titled with its id), one edge group per arrow and one cluster
// group per called model; and `rnnc graph` on the command line. (Whether the XML parses and every
// label is visible is checked in a real browser: chromium.test.ts.)
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { graphToSvg, modelGraph, renderGraphSvg } from "../../src/index.js";
import { rnnc } from "../cli-process.js";
import { exampleModels } from "./examples.js";

/** The `class="…"` groups of a Graphviz SVG, with their <title>s. */
function groups(svg: string, kind: "node" | "edge" | "cluster"): string[] {
  const id = kind === "cluster" ? "clust" : kind;
  return [...svg.matchAll(new RegExp(`<g id="${id}\\d+" class="${kind}">\\s*<title>([^<]*)</title>`, "g"))].map((m) =>
    m[1]!.replace(/&#45;/g, "-").replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&amp;/g, "&"),
  );
}

describe.each(exampleModels().map((e) => [`${e.file} ${e.model.name}`, e] as const))("%s", (_, { checked, model }) => {
  it("renders as SVG with a group per node, edge and cluster", async () => {
    const graph = modelGraph(checked, model.name);
    const svg = await graphToSvg(graph);
    expect(svg.startsWith("<?xml")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain(`<title>${model.name}</title>`);
    expect(groups(svg, "node").sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(groups(svg, "edge").sort()).toEqual(graph.edges.map((e) => `${e.from}->${e.to}`).sort());
    expect(groups(svg, "cluster")).toEqual(graph.clusters.map((c) => `cluster_${c.id}`));
    expect(await renderGraphSvg(checked, model.name)).toBe(svg);
  });
});

describe("rnnc graph", () => {
  const dir = mkdtempSync(join(tmpdir(), "rnnc-graph-"));

  it("prints the first model's SVG by default", () => {
    const r = rnnc("graph", "examples/seed.rnn");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^<\?xml/);
    expect(r.stdout).toContain("<title>BiSeed</title>");
    expect(r.stdout).toContain("<title>bidirectional</title>");
  });

  it("writes SVG, DOT or Mermaid by the output's extension", () => {
    for (const [ext, start] of [
      ["svg", "<?xml"],
      ["dot", 'digraph "Translator" {'],
      ["mmd", "flowchart TB"],
    ] as const) {
      const out = join(dir, `translator.${ext}`);
      const r = rnnc("graph", "examples/seq2seq.rnn", "--model", "Translator", "-o", out);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`examples/seq2seq.rnn → ${out}`);
      const text = readFileSync(out, "utf8");
      expect(text.startsWith(start)).toBe(true);
      expect(text).toContain("Encoder");
    }
  });

  it("exits 2 on bad usage and 1 with the diagnostics for a file with errors", () => {
    const png = rnnc("graph", "examples/seed.rnn", "-o", join(dir, "x.png"));
    expect(png.code).toBe(2);
    expect(png.stderr).toContain("cannot tell the format of");
    const unknown = rnnc("graph", "examples/seed.rnn", "--model", "Nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("has no model named Nope");
    expect(rnnc("graph").code).toBe(2);
    const errors = rnnc("graph", "examples/mistakes.rnn");
    expect(errors.code).toBe(1);
    expect(errors.stdout).toBe("");
    expect(errors.stderr).toContain("error RNN020");
  });
});
