// A model graph as Mermaid flowchart text (`.mmd`; GitHub and many Markdown viewers draw it): the same
// boxes and arrows as the DOT picture. Node ids are n0, n1, … (Mermaid's ids are plain words); called
// models are subgraphs, state hand-offs dotted arrows (`-.->`), masked tensors thick ones (`==>`).
import { COLOURS } from "./dot.js";
import { edgeLabel, nodeLabel } from "./labels.js";
import type { GraphCluster, GraphNode, ModelGraph } from "./model-graph.js";

export function graphToMermaid(graph: ModelGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ["flowchart TB"];
  writeLevel(graph, undefined, ids, "  ", lines);
  graph.edges.forEach((edge) => {
    const label = edgeLabel(edge);
    const arrow = edge.kind === "state" || edge.kind === "mask" ? "-.->" : edge.masked ? "==>" : "-->";
    lines.push(`  ${ids.get(edge.from)} ${arrow}${label === "" ? "" : `|"${text(label)}"|`} ${ids.get(edge.to)}`);
  });
  const masked = graph.edges.flatMap((e, i) => (e.masked ? [i] : []));
  if (masked.length > 0) lines.push(`  linkStyle ${masked.join(",")} stroke:${COLOURS.mask},color:${COLOURS.mask}`);
  lines.push(
    `  classDef input fill:${COLOURS.input},stroke:${COLOURS.border}`,
    `  classDef output fill:${COLOURS.output},stroke:${COLOURS.border}`,
    `  classDef layer fill:${COLOURS.layer},stroke:${COLOURS.border}`,
    `  classDef shared fill:${COLOURS.shared},stroke:${COLOURS.border},stroke-width:2px`,
  );
  for (const kind of ["input", "output", "layer", "shared"] as const) {
    const members = graph.nodes.filter((n) => classOf(n) === kind).map((n) => ids.get(n.id)!);
    if (members.length > 0) lines.push(`  class ${members.join(",")} ${kind}`);
  }
  return `${lines.join("\n")}\n`;
}

function writeLevel(graph: ModelGraph, parent: GraphCluster | undefined, ids: Map<string, string>, indent: string, lines: string[]): void {
  for (const node of graph.nodes) if (node.cluster === parent?.id) lines.push(`${indent}${ids.get(node.id)}${shape(node)}`);
  graph.clusters.forEach((cluster, i) => {
    if (cluster.parent !== parent?.id) return;
    const calls = cluster.calls > 1 ? `, ${cluster.calls} calls` : "";
    lines.push(`${indent}subgraph c${i}["<b>${text(cluster.model)}</b> (model${calls})"]`);
    writeLevel(graph, cluster, ids, `${indent}  `, lines);
    lines.push(`${indent}end`);
  });
}

function shape(node: GraphNode): string {
  const label = nodeLabel(node);
  const rows = [`<b>${text(label.name)}</b> (${text(label.kerasClass)})`];
  if (label.call !== undefined) rows.push(`<small>${text(label.call)}</small>`);
  rows.push(...label.types.map(text));
  if (label.shared !== undefined) rows.push(`<i>${text(label.shared)}</i>`);
  const body = `"${rows.join("<br/>")}"`;
  return node.kind === "layer" ? `[${body}]` : `([${body}])`;
}

function classOf(node: GraphNode): string {
  return node.kind === "layer" && node.calls > 1 ? "shared" : node.kind;
}

/**
 * Text inside a quoted Mermaid label: entity codes keep quotes and markup characters literal; a
 * control character (a line break would end the statement) reads as a space.
 */
function text(value: string): string {
  return value
    .replace(/&/g, "#amp;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/\|/g, "#124;")
    .replace(/[\u0000-\u001f\u007f]/g, " ");
}
