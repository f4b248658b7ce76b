// One recurrent op as one ONNX LSTM/GRU/RNN node, with Keras's weights rearranged (INTEROP.md §1.2–1.4),
// or as a Scan (scan.ts) when the fused node cannot compute it.
import { CELLS } from "../ir/cells.js";
import { recurrentInputs, type Node, type RecurrentOp } from "../ir/graph.js";
import { echo } from "../source/echo.js";
import type { Activation } from "../types/activations.js";
import type { AttributeValue } from "./messages.js";
import { scanRecurrent, type RecurrentSources, type RecurrentTargets } from "./scan.js";
import type { OnnxWriter } from "./writer.js";

/** ONNX's name for an activation inside LSTM/GRU/RNN, with the alpha and beta it takes (ONNX's LSTM spec). */
function recurrentActivation(fn: Activation, layer: string): { name: string; alpha?: number; beta?: number } {
  switch (fn) {
    case "tanh":
      return { name: "Tanh" };
    case "sigmoid":
      return { name: "Sigmoid" };
    case "relu":
      return { name: "Relu" };
    case "linear":
      return { name: "Affine", alpha: 1, beta: 0 };
    case "hard_sigmoid":
      return { name: "HardSigmoid", alpha: 0.2, beta: 0.5 };
    case "hard_sigmoid3":
      return { name: "HardSigmoid", alpha: 1 / 6, beta: 0.5 };
    case "softmax":
      throw new Error(`layer ${echo(layer)}: a softmax cell is lowered as a Scan, not a fused node`);
  }
}

/** Whether ONNX's LSTM/GRU/RNN can take the op's activations (softmax is not among them). */
function fusable(op: RecurrentOp): boolean {
  return op.activation !== "softmax" && op.recurrentActivation !== "softmax";
}

/** One recurrent node: a fused ONNX node, or a Scan for a masked op or a softmax cell. */
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
  if (sources.mask !== undefined || !fusable(op)) scanRecurrent(w, node, op, layer, sources, targets);
  else fusedRecurrent(w, node, op, layer, sources, targets);
}

/**
 * One ONNX LSTM/GRU/RNN node, layout 0 ([T,B,F]: ORT's CPU kernels refuse layout 1), so x is
 * transposed in and Y out. ONNX writes Y in input order; a plain go_backwards layer's Keras output
 * is in processing order, so it is reversed over T. `lengths` (int32 [B]) is its sequence_lens.
 */
export function fusedRecurrent(
  w: OnnxWriter,
  node: Node,
  op: RecurrentOp,
  layer: string,
  sources: RecurrentSources,
  targets: RecurrentTargets,
  lengths?: string,
): void {
  const named = recurrentInputs(node);
  if (op.projected) throw new Error("the ONNX exporter prepares graphs without hoisting");
  const cell = CELLS[op.cell];
  const u = op.units;
  const G = cell.gates.length;
  const kernel = w.weight(named.kernel, layer)!;
  const recurrentKernel = w.weight(named.recurrentKernel, layer)!;
  const inputBias = w.weight(named.inputBias, layer);
  const recurrentBias = w.weight(named.recurrentBias, layer);
  const F = kernel.shape[0]!;
  const order = cell.onnxGateOrder.map((g) => cell.gates.findIndex((k) => k.name === g));
  const prefix = w.fresh(op.cell);
  const W = w.initializer(`${prefix}_W`, [1, G * u, F], toOnnxMatrix(kernel.data as Float32Array, F, u, order));
  const R = w.initializer(`${prefix}_R`, [1, G * u, u], toOnnxMatrix(recurrentKernel.data as Float32Array, u, u, order));
  let B = "";
  if (inputBias || recurrentBias) {
    // B = [Wb ‖ Rb]: Rb is Keras's second GRU bias row (reset_after), else zeros.
    const bias = new Float32Array(2 * G * u);
    order.forEach((src, k) => {
      for (let j = 0; j < u; j++) {
        if (inputBias) bias[k * u + j] = (inputBias.data as Float32Array)[src * u + j]!;
        if (recurrentBias) bias[G * u + k * u + j] = (recurrentBias.data as Float32Array)[src * u + j]!;
      }
    });
    B = w.initializer(`${prefix}_B`, [1, 2 * G * u], bias);
  }
  const x = w.fresh(`${prefix}_x_tbf`);
  w.emit("Transpose", [sources.x], [x], { perm: { ints: [1, 0, 2] } });
  let axis0Name: string | undefined;
  const axis0 = () => (axis0Name ??= w.int64s(`${prefix}_axis0`, [0]));
  const initial = [sources.h0, sources.c0].map((v) => {
    if (v === undefined) return "";
    const state = w.fresh(`${prefix}_initial`);
    w.emit("Unsqueeze", [v, axis0()], [state]);
    return state;
  });
  const inputs = [x, W, R, B, lengths ?? "", ...initial.slice(0, op.cell === "lstm" ? 2 : 1)];
  while (inputs[inputs.length - 1] === "") inputs.pop();
  const acts = (
    op.cell === "lstm"
      ? [op.recurrentActivation, op.activation, op.activation]
      : op.cell === "gru"
        ? [op.recurrentActivation, op.activation]
        : [op.activation]
  ).map((fn) => recurrentActivation(fn, layer));
  const attributes: Record<string, AttributeValue> = {
    hidden_size: { int: u },
    direction: { string: op.goBackwards ? "reverse" : "forward" },
    activations: { strings: acts.map((a) => a.name) },
  };
  const alphas = acts.filter((a) => a.alpha !== undefined).map((a) => a.alpha!);
  if (alphas.length > 0) {
    attributes["activation_alpha"] = { floats: alphas };
    attributes["activation_beta"] = { floats: acts.filter((a) => a.beta !== undefined).map((a) => a.beta!) };
  }
  if (op.cell === "gru") attributes["linear_before_reset"] = { int: op.resetAfter ? 1 : 0 };
  const output = targets.output;
  const Y = output !== undefined && op.returnSequences ? w.fresh(`${prefix}_Y`) : "";
  const Yh = w.fresh(`${prefix}_Y_h`);
  const Yc = op.cell === "lstm" && targets.c !== undefined ? w.fresh(`${prefix}_Y_c`) : "";
  const outputs = [Y, Yh, Yc];
  while (outputs[outputs.length - 1] === "") outputs.pop();
  w.emit({ lstm: "LSTM", gru: "GRU", simple_rnn: "RNN" }[op.cell], inputs, outputs, attributes);
  if (output !== undefined) {
    if (op.returnSequences) {
      // Y [T, 1, B, u] → [T, B, u] → [B, T, u], reversed over T for a plain go_backwards layer.
      const squeezed = w.fresh(`${prefix}_Y_tbu`);
      w.emit("Squeeze", [Y, w.int64s(`${prefix}_axis1`, [1])], [squeezed]);
      const reverse = op.goBackwards && !op.sequenceInTimeOrder;
      const batchFirst = reverse ? w.fresh(`${prefix}_Y_btu`) : output;
      w.emit("Transpose", [squeezed], [batchFirst], { perm: { ints: [1, 0, 2] } });
      if (reverse) reverseTime(w, batchFirst, output);
    } else {
      w.emit("Squeeze", [Yh, axis0()], [output]);
    }
  }
  if (targets.h !== undefined) w.emit("Squeeze", [Yh, axis0()], [targets.h]);
  if (targets.c !== undefined && Yc) w.emit("Squeeze", [Yc, axis0()], [targets.c]);
}

/** [B,T,…] reversed over T (a Slice with step −1). */
export function reverseTime(w: OnnxWriter, input: string, output: string): void {
  const starts = w.int64s("starts", [-1]);
  const ends = w.int64s("ends", [-(2n ** 63n)]);
  const axes = w.int64s("axes", [1]);
  const steps = w.int64s("steps", [-1]);
  w.emit("Slice", [input, starts, ends, axes, steps], [output]);
}

/** A Keras [rows, G·u] matrix (gate blocks in columns) as ONNX's [G·u, rows] (blocks in rows), block k taken from Keras's block order[k]. */
function toOnnxMatrix(keras: Float32Array, rows: number, u: number, order: readonly number[]): Float32Array {
  const width = order.length * u;
  const out = new Float32Array(width * rows);
  order.forEach((src, k) => {
    for (let j = 0; j < u; j++) {
      const o = (k * u + j) * rows;
      for (let r = 0; r < rows; r++) out[o + r] = keras[r * width + src * u + j]!;
    }
  });
  return out;
}
