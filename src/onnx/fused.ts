// The fused ONNX LSTM/GRU/RNN node: Keras's weights rearranged (INTEROP.md §1.2–1.4), the cell's
// attributes, and the node itself for one or two directions. Used by the unmasked path
// (recurrent.ts), the padded fast paths (padded.ts) and bidirectional.ts.
import { CELLS, gateCount } from "../ir/cells.js";
import { recurrentInputs, type Node, type RecurrentOp } from "../ir/graph.js";
import { echo } from "../source/echo.js";
import type { Activation } from "../types/activations.js";
import type { AttributeValue } from "./messages.js";
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

/** The fused node's weights as ONNX initializers: W [1,G·u,F], R [1,G·u,u], B [1,2·G·u] ("" without biases). */
export interface FusedWeights {
  W: string;
  R: string;
  B: string;
}

/** Keras's weights rearranged for ONNX's LSTM/GRU/RNN (INTEROP.md §1.2), one direction's: W [G·u,F], R [G·u,u], B [2·G·u] (absent without biases). */
export function fusedWeightData(
  w: OnnxWriter,
  node: Node,
  op: RecurrentOp,
  layer: string,
): { W: Float32Array; R: Float32Array; B?: Float32Array; F: number } {
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
  const W = toOnnxMatrix(kernel.data as Float32Array, F, u, order);
  const R = toOnnxMatrix(recurrentKernel.data as Float32Array, u, u, order);
  if (!inputBias && !recurrentBias) return { W, R, F };
  // B = [Wb ‖ Rb]: Rb is Keras's second GRU bias row (reset_after), else zeros.
  const B = new Float32Array(2 * G * u);
  order.forEach((src, k) => {
    for (let j = 0; j < u; j++) {
      if (inputBias) B[k * u + j] = (inputBias.data as Float32Array)[src * u + j]!;
      if (recurrentBias) B[G * u + k * u + j] = (recurrentBias.data as Float32Array)[src * u + j]!;
    }
  });
  return { W, R, B, F };
}

/** One direction's weights as initializers [1,…]: written once per op, read by every branch. */
export function fusedWeights(w: OnnxWriter, node: Node, op: RecurrentOp, layer: string): FusedWeights {
  const data = fusedWeightData(w, node, op, layer);
  const Gu = gateCount(op.cell) * op.units;
  const prefix = w.fresh(op.cell);
  return {
    W: w.initializer(`${prefix}_W`, [1, Gu, data.F], data.W),
    R: w.initializer(`${prefix}_R`, [1, Gu, op.units], data.R),
    B: data.B ? w.initializer(`${prefix}_B`, [1, 2 * Gu], data.B) : "",
  };
}

/** The attributes of ONNX's LSTM/GRU/RNN for `op`'s cell, its activations listed once per direction. */
export function cellAttributes(
  op: RecurrentOp,
  layer: string,
  direction: "forward" | "reverse" | "bidirectional",
): Record<string, AttributeValue> {
  const once = (
    op.cell === "lstm"
      ? [op.recurrentActivation, op.activation, op.activation]
      : op.cell === "gru"
        ? [op.recurrentActivation, op.activation]
        : [op.activation]
  ).map((fn) => recurrentActivation(fn, layer));
  const acts = direction === "bidirectional" ? [...once, ...once] : once;
  const attributes: Record<string, AttributeValue> = {
    hidden_size: { int: op.units },
    direction: { string: direction },
    activations: { strings: acts.map((a) => a.name) },
  };
  const alphas = acts.filter((a) => a.alpha !== undefined).map((a) => a.alpha!);
  if (alphas.length > 0) {
    attributes["activation_alpha"] = { floats: alphas };
    attributes["activation_beta"] = { floats: acts.filter((a) => a.beta !== undefined).map((a) => a.beta!) };
  }
  if (op.cell === "gru") attributes["linear_before_reset"] = { int: op.resetAfter ? 1 : 0 };
  return attributes;
}

/** A fused node's results: Y [T,B,u] in input time order (when asked for), h and c [B,u]. */
export interface FusedResults {
  sequence?: string;
  h: string;
  c?: string;
}

/**
 * One ONNX LSTM/GRU/RNN node on x [T,B,F] (layout 0: ORT's CPU kernels refuse layout 1), from the
 * initial states [B,u] and `lengths` (int32 [B], its sequence_lens) when given. With two
 * directions' initial states (and weights stacked [2,…]) it is one bidirectional node, its results
 * split per direction (the backward sequence in input time order, as ONNX writes it).
 */
export function fusedNode(
  w: OnnxWriter,
  op: RecurrentOp,
  layer: string,
  weights: FusedWeights,
  x: string,
  initialStates: readonly { h0?: string; c0?: string }[],
  wanted: { sequence: boolean; c: boolean; lengths?: string },
): FusedResults[] {
  const prefix = w.fresh(op.cell);
  const D = initialStates.length;
  const axis0 = w.int64s(`${prefix}_axis0`, [0]);
  let axis1Name: string | undefined; // only a sequence output is squeezed on axis 1
  const axis1 = () => (axis1Name ??= w.int64s(`${prefix}_axis1`, [1]));
  // [B,u] per direction → [D,B,u].
  const initial = (["h0", "c0"] as const).map((state) => {
    if (initialStates[0]![state] === undefined) return "";
    const parts = initialStates.map((s) => {
      const part = w.fresh(`${prefix}_initial_${state}`);
      w.emit("Unsqueeze", [s[state]!, axis0], [part]);
      return part;
    });
    if (D === 1) return parts[0]!;
    const stacked = w.fresh(`${prefix}_initial_${state}`);
    w.emit("Concat", parts, [stacked], { axis: { int: 0 } });
    return stacked;
  });
  const inputs = [x, weights.W, weights.R, weights.B, wanted.lengths ?? "", ...initial.slice(0, op.cell === "lstm" ? 2 : 1)];
  while (inputs[inputs.length - 1] === "") inputs.pop();
  const attributes = cellAttributes(op, layer, D === 2 ? "bidirectional" : op.goBackwards ? "reverse" : "forward");
  const Y = wanted.sequence ? w.fresh(`${prefix}_Y`) : "";
  const Yh = w.fresh(`${prefix}_Y_h`);
  const Yc = op.cell === "lstm" && wanted.c ? w.fresh(`${prefix}_Y_c`) : "";
  const outputs = [Y, Yh, Yc];
  while (outputs[outputs.length - 1] === "") outputs.pop();
  w.emit({ lstm: "LSTM", gru: "GRU", simple_rnn: "RNN" }[op.cell], inputs, outputs, attributes);
  // Each direction's slice, squeezed: Y [T,D,B,u] → [T,B,u]; Y_h, Y_c [D,B,u] → [B,u].
  const perDirection = (value: string, axis: 0 | 1, label: string) => {
    const parts = D === 1 ? [value] : initialStates.map(() => w.fresh(`${prefix}_${label}_direction`));
    if (D > 1) w.emit("Split", [value], parts, { axis: { int: axis } });
    return parts.map((part) => {
      const squeezed = w.fresh(`${prefix}_${label}`);
      w.emit("Squeeze", [part, axis === 0 ? axis0 : axis1()], [squeezed]);
      return squeezed;
    });
  };
  const sequences = Y ? perDirection(Y, 1, "Y_tbu") : [];
  const hs = perDirection(Yh, 0, "h");
  const cs = Yc ? perDirection(Yc, 0, "c") : [];
  return hs.map((h, d) => ({
    ...(Y ? { sequence: sequences[d]! } : {}),
    h,
    ...(Yc ? { c: cs[d]! } : {}),
  }));
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
