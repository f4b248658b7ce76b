// What each box and arrow of a model picture says, shared by the DOT and Mermaid writers so that the
// two pictures read the same: a box's name and class, its rnnc call, its output types (one line per
// output, per call where a shared layer's calls differ), and an arrow's slot, call and mask.
import type { GraphEdge, GraphNode } from "./model-graph.js";

export interface NodeLabel {
  /** `lstm_1` */
  name: string;
  /** `LSTM`, `InputLayer`, `Output`. */
  kerasClass: string;
  /** `lstm(64, seq=true)`, for layers. */
  call?: string;
  /** `f32[B,T,64]`, or `h: f32[B,64]` for a multi-output layer, `#2 f32[…]` per call where calls differ. */
  types: string[];
  /** `shared: 2 calls` for a layer applied more than once. */
  shared?: string;
}

/** A box's words; each distinct set of output types once, numbered by the first call that gave it. */
export function nodeLabel(node: GraphNode): NodeLabel {
  const key = (slots: string[]) => slots.join("\u0000");
  const firstCalls = node.types.flatMap((slots, k) => (node.types.findIndex((t) => key(t) === key(slots)) === k ? [k] : []));
  const types: string[] = [];
  for (const k of firstCalls) {
    const call = firstCalls.length > 1 ? `#${k + 1} ` : "";
    node.types[k]!.forEach((type, i) => types.push(`${call}${node.slots[i] !== undefined ? `${node.slots[i]}: ` : ""}${type}`));
  }
  const label: NodeLabel = { name: node.name, kerasClass: node.kerasClass, types };
  if (node.call !== undefined) label.call = node.call;
  if (node.kind === "layer" && node.calls > 1) label.shared = `shared: ${node.calls} calls`;
  return label;
}

/** The words on an arrow: `h`, `initial`, `mask=`, `call 2`, `masked`; empty for a plain tensor. */
export function edgeLabel(edge: GraphEdge): string {
  const parts: string[] = [];
  if (edge.slot !== undefined) parts.push(edge.slot);
  if (edge.kind === "state") parts.push("initial");
  if (edge.kind === "mask") parts.push("mask=");
  if (edge.fromCall !== undefined && edge.toCall !== undefined) parts.push(`call ${edge.fromCall} to call ${edge.toCall}`);
  else if (edge.fromCall !== undefined) parts.push(`call ${edge.fromCall}`);
  else if (edge.toCall !== undefined) parts.push(`call ${edge.toCall}`);
  if (edge.masked) parts.push(MASK_MARK);
  return parts.join(" · ");
}

/** How an arrow carrying a Keras mask is marked: a word, which reads in any font (a glyph may not). */
export const MASK_MARK = "masked";
