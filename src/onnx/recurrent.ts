// One recurrent op as one fused ONNX LSTM/GRU/RNN node (fused.ts), the padded fast paths with a mask
// (padded.ts), or a Scan (scan.ts) when the fused node cannot compute it.
import { recurrentInputs, type Node, type RecurrentOp } from "../ir/graph.js";
import { fusedNode, fusedWeights, reverseTime, type FusedResults } from "./fused.js";
import { maskedRecurrent } from "./padded.js";
import { scanRecurrent, type RecurrentSources, type RecurrentTargets } from "./scan.js";
import type { OnnxWriter } from "./writer.js";

/** Whether ONNX's LSTM/GRU/RNN can take the op's activations (softmax is not among them). */
function fusable(op: RecurrentOp): boolean {
  return op.activation !== "softmax" && op.recurrentActivation !== "softmax";
}

/** One recurrent node: a fused ONNX node; with a mask, the If of the padded fast paths and the Scan (padded.ts); a softmax cell as a Scan. */
export function lowerRecurrent(w: OnnxWriter, node: Node, op: RecurrentOp, layer: string): void {
  const named = recurrentInputs(node);
  const sources: RecurrentSources = {
    x: w.name(named.x),
    ...(named.mask !== undefined ? { mask: w.name(named.mask) } : {}),
    ...(named.h0 !== undefined ? { h0: w.name(named.h0) } : {}),
    ...(named.c0 !== undefined ? { c0: w.name(named.c0) } : {}),
  };
  const [outputUsed, hUsed, cUsed] = op.used;
  const [output, h, c] = node.outputs.map((v) => w.name(v));
  const targets: RecurrentTargets = {
    ...(outputUsed ? { output: output! } : {}),
    ...(hUsed ? { h: h! } : {}),
    ...(cUsed && c ? { c } : {}),
  };
  if (!fusable(op)) scanRecurrent(w, op, layer, fusedWeights(w, node, op, layer), sources, targets);
  else if (sources.mask !== undefined) maskedRecurrent(w, [{ op, layer, sources, targets }], fusedWeights(w, node, op, layer));
  else fusedRecurrent(w, node, op, layer, sources, targets);
}

/**
 * An unmasked op as one fused node: x transposed in and Y out. ONNX writes Y in input order; a
 * plain go_backwards layer's Keras output is in processing order, so it is reversed over T.
 */
function fusedRecurrent(
  w: OnnxWriter,
  node: Node,
  op: RecurrentOp,
  layer: string,
  sources: RecurrentSources,
  targets: RecurrentTargets,
): void {
  const weights = fusedWeights(w, node, op, layer);
  const x = w.fresh(`${op.cell}_x_tbf`);
  w.emit("Transpose", [sources.x], [x], { perm: { ints: [1, 0, 2] } });
  const output = targets.output;
  const sequence = output !== undefined && op.returnSequences;
  const [results] = fusedNode(w, op, layer, weights, x, [sources], { sequence, c: targets.c !== undefined }) as [FusedResults];
  if (output !== undefined) {
    if (sequence) {
      const reverse = op.goBackwards && !op.sequenceInTimeOrder;
      const batchFirst = reverse ? w.fresh(`${op.cell}_Y_btu`) : output;
      w.emit("Transpose", [results.sequence!], [batchFirst], { perm: { ints: [1, 0, 2] } });
      if (reverse) reverseTime(w, batchFirst, output);
    } else {
      w.emit("Identity", [results.h], [output]);
    }
  }
  if (targets.h !== undefined) w.emit("Identity", [results.h], [targets.h]);
  if (targets.c !== undefined && results.c) w.emit("Identity", [results.c], [targets.c]);
}
