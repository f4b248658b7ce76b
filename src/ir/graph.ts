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
   * The input is already projected, `x·K + b_in` for every step at once (the hoisting pass does this),
   * so the op only runs the recurrence. Otherwise it takes x and the kernel itself.
   */
  projected: boolean;
  /** Which outputs anyone reads: the output, then each state (h, c). Unread ones need no work. */
  used: boolean[];
}

/**
 * Recurrent inputs, by position (NONE where absent): x, kernel [F,G·u], recurrent kernel [u,G·u],
 * input bias [G·u], recurrent bias [G·u] (GRU reset_after only), mask [B,T], initial h, initial c.
 * Outputs: the output, h, and c for an LSTM.
 */
export const RECURRENT_INPUTS = { x: 0, kernel: 1, recurrentKernel: 2, inputBias: 3, recurrentBias: 4, mask: 5, h0: 6, c0: 7 } as const;

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
  /** Reverses axis 1 (time). */
  | { kind: "reverseTime" }
  /** Rows of a table: ids [..], table [V,D] → [.., D]. */
  | { kind: "gather" }
  /** Keras's mask_zero: ids != 0. */
  | { kind: "maskNotZero" }
  /** The steps that every input's mask keeps. */
  | { kind: "maskAnd" }
  /** [B,F] → [B,n,F]. */
  | { kind: "repeat"; n: number }
  /** Row `index` of a matrix [R,C] → [C]. */
  | { kind: "row"; index: number }
  /** [B,T,...] → [B·T,...], for time_distributed. */
  | { kind: "mergeTime" }
  /** [B·T,...] → [B,T,...]; the second input supplies B and T. */
  | { kind: "splitTime" }
  | RecurrentOp;

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
  inputs: { name: string; value: number; dtype: DType; dims: (number | string)[] }[];
  outputs: number[];
}

/** Builds a graph node by node. */
export class GraphBuilder {
  readonly graph: Graph = { values: [], nodes: [], inputs: [], outputs: [] };

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
