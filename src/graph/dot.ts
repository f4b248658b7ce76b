// A model graph as Graphviz DOT: boxes with HTML-like labels (name and class in bold, the rnnc call,
// the output types), inputs and outputs in their own colours, shared layers marked, called models as
// `cluster_` subgraphs, state hand-offs dashed, mask= tensors dotted, masked tensors in a mask colour.
import { edgeLabel, nodeLabel } from "./labels.js";
import type { GraphCluster, GraphEdge, GraphNode, ModelGraph } from "./model-graph.js";

const FONT = "Courier";
export const COLOURS = {
  input: "#e3f1e4",
  output: "#fbe4e0",
  layer: "#e8f0fb",
  shared: "#fdf0d5",
  border: "#4a6285",
  edge: "#4d4d4d",
  mask: "#8a3fb0",
  cluster: "#7a7a7a",
};

export function graphToDot(graph: ModelGraph): string {
  const lines = [
    `digraph ${quote(graph.model)} {`,
    `  graph [rankdir=TB, fontname=${quote(FONT)}, fontsize=11, nodesep=0.35, ranksep=0.45, bgcolor="white", labelloc=t];`,
    `  node [shape=box, style="rounded,filled", fontname=${quote(FONT)}, fontsize=11, color=${quote(COLOURS.border)}, margin="0.12,0.06"];`,
    `  edge [fontname=${quote(FONT)}, fontsize=9, color=${quote(COLOURS.edge)}, arrowsize=0.7];`,
  ];
  writeLevel(graph, undefined, "  ", lines);
  for (const edge of graph.edges) lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${edgeAttributes(edge)};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** The nodes and clusters directly inside `parent` (the top level when undefined), clusters nested. */
function writeLevel(graph: ModelGraph, parent: GraphCluster | undefined, indent: string, lines: string[]): void {
  for (const node of graph.nodes) if (node.cluster === parent?.id) lines.push(`${indent}${quote(node.id)} ${nodeAttributes(node)};`);
  for (const cluster of graph.clusters) {
    if (cluster.parent !== parent?.id) continue;
    lines.push(`${indent}subgraph ${quote(`cluster_${cluster.id}`)} {`);
    const calls = cluster.calls > 1 ? `, ${cluster.calls} calls` : "";
    lines.push(
      `${indent}  graph [label=<<b>${html(cluster.model)}</b> (model${calls})>, style="rounded,dashed", color=${quote(COLOURS.cluster)}, fontsize=11];`,
    );
    writeLevel(graph, cluster, `${indent}  `, lines);
    lines.push(`${indent}}`);
  }
}

function nodeAttributes(node: GraphNode): string {
  const label = nodeLabel(node);
  const rows = [`<b>${html(label.name)}</b> (${html(label.kerasClass)})`];
  if (label.call !== undefined) rows.push(`<font point-size="9">${html(label.call)}</font>`);
  rows.push(...label.types.map(html));
  if (label.shared !== undefined) rows.push(`<i>${html(label.shared)}</i>`);
  const fill =
    node.kind === "input" ? COLOURS.input : node.kind === "output" ? COLOURS.output : label.shared ? COLOURS.shared : COLOURS.layer;
  const extra = node.kind === "layer" ? "" : `, shape=box, style="rounded,filled,bold"`;
  // A borderless table rather than <br/> lines: its cell padding keeps a bold name's underscore clear
  // of the line below it (with <br/> the lines touch).
  const table = `<table border="0" cellborder="0" cellspacing="0" cellpadding="1">${rows.map((r) => `<tr><td>${r}</td></tr>`).join("")}</table>`;
  return `[label=<${table}>, fillcolor=${quote(fill)}${label.shared ? ", penwidth=2" : ""}${extra}]`;
}

function edgeAttributes(edge: GraphEdge): string {
  const attributes: string[] = [];
  const label = edgeLabel(edge);
  if (label !== "") attributes.push(`label=${quote(` ${label} `)}`);
  if (edge.kind === "state") attributes.push(`style=dashed`);
  if (edge.kind === "mask") attributes.push(`style=dotted`);
  if (edge.masked) attributes.push(`color=${quote(COLOURS.mask)}`, `fontcolor=${quote(COLOURS.mask)}`, `penwidth=1.6`);
  return attributes.length === 0 ? "" : ` [${attributes.join(", ")}]`;
}

/** A DOT quoted string: `"` and `\` escaped; a control character (not valid in the SVG's XML) as `?`. */
function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, "?")}"`;
}

/** Text inside a DOT HTML-like label; a control character (a line break in a name) reads as a space. */
function html(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/[\u0000-\u001f\u007f]/g, " ");
}
