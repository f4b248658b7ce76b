// A model graph as SVG: the DOT text laid out and drawn by Graphviz compiled to WebAssembly
// (@viz-js/viz), which runs the same in Node and in a browser and needs no files (its WebAssembly is
// inlined). Loaded on first use — 1.2 MB that no other command needs — and the instance reused.
import type { Viz } from "@viz-js/viz";
import type { CheckedFile } from "../check/program.js";
import { graphToDot } from "./dot.js";
import { modelGraph, type ModelGraph } from "./model-graph.js";

let viz: Promise<Viz> | undefined;

/** The SVG document of a model graph. */
export async function graphToSvg(graph: ModelGraph): Promise<string> {
  viz ??= import("@viz-js/viz").then((module) => module.instance());
  return (await viz).renderString(graphToDot(graph), { format: "svg", engine: "dot" });
}

/** The SVG picture of `model` of a checked file (default: its first model). */
export function renderGraphSvg(checked: CheckedFile, model?: string): Promise<string> {
  return graphToSvg(modelGraph(checked, model));
}
