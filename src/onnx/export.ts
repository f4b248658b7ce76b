// rnnc's graph → an ONNX model (LANGUAGE.md §8). The graph is lowered as for a run, folded with the
// CPU backend's evaluator (so Keras's GRU bias rows are plain constants) and not hoisted (ONNX's
// recurrent ops take x and the kernel). Each node becomes standard ONNX ops; each recurrent node one
// ONNX LSTM/GRU/RNN node with Keras's weights rearranged (INTEROP.md §1.2–1.4), a bidirectional
// layer's two directions one node (bidirectional.ts), a masked op the If of the padded fast paths
// and a Scan (padded.ts, scan.ts). What this slice cannot export is a DataError naming the layer.
import { evaluateNode } from "../backends/cpu/executor.js";
import type { CheckedModel } from "../check/program.js";
import type { Graph } from "../ir/graph.js";
import { prepareGraph } from "../ir/passes.js";
import { bidirectionalPairs, lowerBidirectional } from "./bidirectional.js";
import { lowerLayerOp } from "./layers.js";
import { lowerRecurrent } from "./recurrent.js";
import { OnnxWriter } from "./writer.js";

/** The ONNX model of a graph lowered for `model` (exportOnnx in src/lower/export-onnx.ts; loadModel's ORT backend exports the graph it lowered). */
export function exportLoweredGraph(graph: Graph, model: CheckedModel): Uint8Array {
  prepareGraph(graph, { evaluate: (node, inputs) => evaluateNode(graph, node, inputs), hoistInputProjection: false });
  return writeGraph(graph, model);
}

/**
 * Lowers each node in order (what it cannot lower is a DataError naming the layer). A stateful
 * layer's carried states stay the graph's extra inputs and outputs (Graph.states): whoever runs
 * the model feeds them and keeps the new values (docs/decisions.md).
 */
function writeGraph(graph: Graph, model: CheckedModel): Uint8Array {
  const w = new OnnxWriter(graph);
  // A bidirectional layer's two directions, written as one node where the first of them is.
  const pairs = bidirectionalPairs(graph);
  const partners = new Set(pairs.values());
  // Constants are named (written) when first read: recurrent weights are read rearranged instead.
  for (const node of graph.nodes) if (node.op.kind === "const") w.constants.set(node.outputs[0]!, node.op.data);
  for (const node of graph.nodes) {
    const op = node.op;
    if (op.kind === "const") continue;
    else if (pairs.has(node)) lowerBidirectional(w, node, pairs.get(node)!);
    else if (partners.has(node)) continue;
    else if (op.kind === "recurrent") lowerRecurrent(w, node, op, node.layer ?? "?");
    else lowerLayerOp(w, node, node.layer ?? "?");
  }
  return w.finish(model);
}
