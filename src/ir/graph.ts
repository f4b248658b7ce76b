// The executable graph: a small set of ops that every backend implements. Values have static dtypes;
// their shapes are resolved when a backend plans a run (named dims come from the inputs then).
import type { Activation } from "../types/activations.js";
import type { DType } from "../types/types.js";
import type { TensorData } from "../types/tensor-data.js";

export type CellKind = "simple_rnn" | "gru" | "lstm";

export interface RecurrentOp {
  kind: "recurrent";
  cell: CellKind;
  units: number;
  goBackwards: boolean;
  /** Output every step (`[B,T,u]`) or only the last (`[B,u]`). */
  returnSequences: boolean;
  activation: Activation;
  recurrentActivation: Activation;
  /** GRU: reset gate applied after the recurrent matmul (Keras's default). */
  resetAfter: boolean;
  /** Masked steps output zeros instead of the previous output (Keras, inside Bidirectional with sequences). */
  zeroOutputForMask: boolean;
  /**
   * The input is already projected, `x·K + b_in` for every step at once (the hoisting pass does this
   * for backends that want it), so the op only runs the recurrence: its `x` input is the projection
   * and it has no `kernel` or `inputBias`. Otherwise it takes x and the kernel itself.
   */
  projected: boolean;
  /**
   * With goBackwards: the output sequence in time order — Bidirectional's backward copy, which Keras
   * re-aligns with time — rather than in processing order (a plain backwards layer's).
   */
  sequenceInTimeOrder: boolean;
  /** The two directions of one bidirectional layer share this number (each layer its own): a backend may run them as one. */
  pair: number | undefined;
  /**
   * h0/c0 are a stateful layer's carried states (Graph.states): the output before the first step the
   * mask keeps is h0, not zeros, so a sequence fed in chunks gives the whole sequence's numbers.
   */
  outputStartsAtState?: boolean;
  /** Which outputs anyone reads: the output, then each state (h, c). Unread ones need no work. */
  used: boolean[];
  /** The name of each of the node's inputs, position by position (absent optional inputs are not listed). */
  inputNames: RecurrentInputName[];
}

/**
 * A recurrent op's inputs: x [B,T,F] (or its projection [B,T,G·u]), kernel [F,G·u], recurrent kernel
 * [u,G·u], input bias [G·u], recurrent bias [G·u] (GRU reset_after only), mask [B,T], initial h, c.
 * Outputs: the output, h, and c for an LSTM.
 */
export interface RecurrentInputs {
  x: number;
  kernel?: number;
  recurrentKernel: number;
  inputBias?: number;
  recurrentBias?: number;
  mask?: number;
  h0?: number;
  c0?: number;
}

export type RecurrentInputName = keyof RecurrentInputs;

/** The order a recurrent node lists its inputs in (x first: the shape rules read it there). */
const RECURRENT_INPUT_ORDER: readonly RecurrentInputName[] = [
  "x",
  "kernel",
  "recurrentKernel",
  "inputBias",
  "recurrentBias",
  "mask",
  "h0",
  "c0",
];

/** A recurrent node's inputs by name. */
export function recurrentInputs(node: Node): RecurrentInputs {
  const op = node.op;
  if (op.kind !== "recurrent") throw new Error(`a ${op.kind} node has no recurrent inputs`);
  const named: Partial<Record<RecurrentInputName, number>> = {};
  op.inputNames.forEach((name, i) => (named[name] = node.inputs[i]!));
  return named as RecurrentInputs;
}

/** A recurrent node's input list and their names, from its inputs by name (NONE counts as absent). */
export function recurrentInputList(inputs: RecurrentInputs): { inputs: number[]; inputNames: RecurrentInputName[] } {
  const inputNames = RECURRENT_INPUT_ORDER.filter((name) => inputs[name] !== undefined && inputs[name] !== NONE);
  return { inputs: inputNames.map((name) => inputs[name]!), inputNames };
}

export type Op =
  /** A model input. */
  | { kind: "input"; name: string }
  /** Constant data: weights, or a folded result. */
  | { kind: "const"; data: TensorData }
  /** `x·w (+ b)` on the last axis of x of any rank, then the activation. Inputs: x, w, b? */
  | { kind: "matmul"; activation: Activation }
  | { kind: "activation"; fn: Activation }
  /** Element-wise over inputs of one shape. */
  | { kind: "add" }
  | { kind: "mul" }
  | { kind: "scale"; factor: number }
  | { kind: "concat"; axis: number }
  /** Rows of a table: ids [..], table [V,D] → [.., D]. */
  | { kind: "gather" }
  /** Keras's mask_zero: ids != 0. */
  | { kind: "maskNotZero" }
  /** The steps that every input's mask keeps. */
  | { kind: "maskAnd" }
  /** The steps that some input's mask keeps (the `keras 3` edition's merges). */
  | { kind: "maskOr" }
  /** [B,F] → [B,n,F]. */
  | { kind: "repeat"; n: number }
  /** Row `index` of a matrix [R,C] → [C]. */
  | { kind: "row"; index: number }
  /** [B,T,...] → [B·T,...], for time_distributed. */
  | { kind: "mergeTime" }
  /** [B·T,...] → [B,T,...]; the second input supplies B and T. */
  | { kind: "splitTime" }
  | RecurrentOp
  // ---- layers-a: masking, layer_norm, conv1d, global pooling, flatten ----
  /** Keras's Masking mask: x [..., F] → bool [...], true where some feature differs from `value`. */
  | { kind: "maskNotEqual"; value: number }
  /** x [..., F] times its mask [...] (Masking's output: masked steps become zeros). */
  | { kind: "applyMask" }
  /** Normalises the last axis: (x - mean) / sqrt(var + epsilon), then · gamma, + beta. Inputs: x, gamma (or NONE), beta (or NONE). */
  | { kind: "layerNorm"; epsilon: number }
  /**
   * Conv1D's patches: x [B,T,F] → [B,T',k·F], patch t holding steps t·strides + j·dilation - padLeft
   * for j < k (zeros outside x), so that conv1d is this times the kernel [k·F, filters].
   */
  | Im2ColOp
  /** [B,T,F] → [B,F]: the mean (over the steps the mask keeps, if a mask is given) or the max. Inputs: x, mask? */
  | { kind: "poolTime"; mode: "avg" | "max" }
  /** [B, ...] → [B, product of the rest]. */
  | { kind: "flatten" }
  // ---- attention and the element-wise merges (multiply, average, maximum) ----
  /** Element-wise maximum over inputs of one shape. */
  | { kind: "maximum" }
  /** Element-wise `x / divisor` (Keras's Average divides the sum; a product by 1/n would round differently). */
  | { kind: "divide"; divisor: number }
  /**
   * Step by step, `x` where the mask keeps the step, else `y` (or the number `fill`): Keras 3's
   * `ops.where(mask, x, y)` on a mask broadcast over the axes it lacks. Inputs: x [B, T, ...], mask
   * [B, T] (any leading axes of x), y of x's shape (absent with `fill`).
   */
  | { kind: "where"; fill?: number }
  | AttentionOp;

export interface Im2ColOp {
  kind: "im2col";
  kernelSize: number;
  strides: number;
  dilation: number;
  padding: "valid" | "same" | "causal";
}

/** Conv1D's output length and left padding for T input steps (TensorFlow's rules for "same"). */
export function convGeometry(op: Im2ColOp, steps: number): { outSteps: number; padLeft: number } {
  const span = (op.kernelSize - 1) * op.dilation + 1;
  switch (op.padding) {
    case "valid":
      return { outSteps: Math.max(0, Math.floor((steps - span) / op.strides) + 1), padLeft: 0 };
    case "causal":
      return { outSteps: Math.floor((steps - 1) / op.strides) + 1, padLeft: span - 1 };
    case "same": {
      const outSteps = Math.ceil(steps / op.strides);
      const total = Math.max(0, (outSteps - 1) * op.strides + span - steps);
      return { outSteps, padLeft: Math.floor(total / 2) };
    }
  }
}

/** Whether a conv1d keeps its input's length whatever it is (so a named T stays T). */
export function convKeepsLength(op: Omit<Im2ColOp, "kind">): boolean {
  return op.strides === 1 && (op.padding !== "valid" || op.kernelSize === 1);
}

/** How an attention op scores a query step against a key step. */
export type AttentionScore = "dot" | "concat" | "additive";

/**
 * Keras's Attention / AdditiveAttention at inference. Inputs, in this order, NONE where absent:
 * query [B,Tq,D], key [B,Tv,D], value [B,Tv,Dv], scale ([] — dot, concat — or [D] — additive),
 * concat_score_weight [] (concat), query mask [B,Tq], value mask [B,Tv]. Outputs: the attended
 * values [B,Tq,Dv] and the attention distribution [B,Tq,Tv].
 */
export interface AttentionOp {
  kind: "attention";
  score: AttentionScore;
  /** Step i attends to steps j ≤ i only (Keras's use_causal_mask). */
  causal: boolean;
}

/** The positions of an attention node's inputs. */
export const ATTENTION_INPUTS = { query: 0, key: 1, value: 2, scale: 3, concatWeight: 4, queryMask: 5, valueMask: 6 } as const;

export const NONE = -1;

export interface ValueInfo {
  dtype: DType;
  /** For reading graphs and for emitters; shapes are computed again when a run is planned. */
  note: string;
}

export interface Node {
  op: Op;
  /** Value ids; NONE for an absent optional input. */
  inputs: number[];
  outputs: number[];
  /** The layer whose lowering added it (its weights path, `Encoder/lstm`), for messages. */
  layer?: string;
}

export interface Graph {
  values: ValueInfo[];
  /** In an order where every node comes after the nodes producing its inputs. */
  nodes: Node[];
  /** The model's inputs, then one per carried state (`states`). */
  inputs: { name: string; value: number; dtype: DType; dims: (number | string)[] }[];
  /** The model's outputs, then each carried state's new value (`states`, in order). */
  outputs: number[];
  /**
   * The states a stateful recurrent layer carries from one call to the next: each is read from an
   * input of the graph (after the model's own) and its new value is an output (after the model's own).
   * Who runs the graph keeps them between calls (ir/states.ts).
   */
  states: CarriedState[];
}

/** One state a stateful layer carries: the graph input it is read from and the value it ends as. */
export interface CarriedState {
  /** The graph input's name (not an identifier: it cannot clash with the model's inputs). */
  name: string;
  /** Value ids: the input holding the state before the call, and the state after it. */
  input: number;
  final: number;
}

/** Builds a graph node by node. */
export class GraphBuilder {
  readonly graph: Graph = { values: [], nodes: [], inputs: [], outputs: [], states: [] };
  private pairs = 0;

  value(dtype: DType, note: string): number {
    this.graph.values.push({ dtype, note });
    return this.graph.values.length - 1;
  }

  add(op: Op, inputs: number[], outputs: { dtype: DType; note: string }[]): number[] {
    const ids = outputs.map((o) => this.value(o.dtype, o.note));
    this.graph.nodes.push({ op, inputs, outputs: ids });
    return ids;
  }

  /** One op with one f32 output (the common case). */
  op(op: Op, inputs: number[], note: string, dtype: DType = "f32"): number {
    return this.add(op, inputs, [{ dtype, note }])[0]!;
  }

  /** A recurrent op on its inputs by name. */
  recurrent(op: Omit<RecurrentOp, "inputNames">, inputs: RecurrentInputs, outputs: { dtype: DType; note: string }[]): number[] {
    const list = recurrentInputList(inputs);
    return this.add({ ...op, inputNames: list.inputNames }, list.inputs, outputs);
  }

  /** The input a stateful layer's state `label` is carried in, `[batch, units]`; `carry` names its new value. */
  carriedInput(label: string, batch: number, units: number): number {
    const name = `${label}#${this.graph.states.length}`;
    const input = this.input(name, "f32", [batch, units]);
    this.graph.states.push({ name, input, final: NONE });
    return input;
  }

  /** The new value of the state read from `input` (a carriedInput). */
  carry(input: number, final: number): void {
    const state = this.graph.states.find((s) => s.input === input);
    if (!state) throw new Error(`value ${input} is not a carried state`);
    state.final = final;
  }

  /** A number no other bidirectional layer of this graph has (RecurrentOp.pair). */
  newPair(): number {
    return this.pairs++;
  }

  constant(data: TensorData, note: string): number {
    const dtype: DType = data.data instanceof Int32Array ? "i32" : data.data instanceof Uint8Array ? "bool" : "f32";
    return this.op({ kind: "const", data }, [], note, dtype);
  }

  input(name: string, dtype: DType, dims: (number | string)[]): number {
    const id = this.op({ kind: "input", name }, [], name, dtype);
    this.graph.inputs.push({ name, value: id, dtype, dims });
    return id;
  }
}
