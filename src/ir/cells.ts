// The recurrent cells as data, in one place: each cell's gates in the order of Keras's weight column
// blocks, the activation each gate uses, its states, and the state update as a small expression.
// The CPU step renderer (backends/cpu/kernels/recurrent-code.ts, which the emitter writes into
// modules and the CPU backend runs), the tfjs loop and the weight layouts all read these facts;
// none of them restates the equations.
import type { CellKind, RecurrentOp } from "./graph.js";

/** Which of the op's two activations a gate goes through. */
export type GateActivation = "activation" | "recurrentActivation";

export interface Gate {
  /** Keras's name of the gate (and of its column block in kernel, recurrent_kernel and bias). */
  readonly name: string;
  readonly activation: GateActivation;
}

/**
 * A state's new value. `gate`: the gate's activated value this step; `state`: the state before the
 * step; `updated`: a state's value already updated this step; `activate`: the op's `activation`;
 * `mix(z, a, b)`: z∘a + (1 − z)∘b.
 */
export type Update =
  | { gate: string }
  | { state: string }
  | { updated: string }
  | { add: readonly [Update, Update] }
  | { mul: readonly [Update, Update] }
  | { mix: readonly [Update, Update, Update] }
  | { activate: Update };

export interface CellFacts {
  /** In the order of Keras's weight column blocks ([F, G·u] kernels: gate g is columns g·u … (g+1)·u). */
  readonly gates: readonly Gate[];
  /** The states, the output state first (h, then LSTM's c): the op's outputs after its output. */
  readonly states: readonly string[];
  /** Each state's new value, in the order they are computed (a later one may read an `updated` earlier one). */
  readonly update: readonly { readonly state: string; readonly value: Update }[];
  /**
   * GRU: the candidate gate whose pre-activation the reset gate scales — after the recurrent matmul
   * (`reset_after=true`, Keras's default: x_h + r∘(h·R_h + b_rh)) or before it (x_h + (r∘h)·R_h).
   */
  readonly reset?: { readonly gate: string; readonly candidate: string };
  /** The gates in ONNX's order (its LSTM packs i, o, f, c; GRU z, r, h), for an ONNX lowering. */
  readonly onnxGateOrder: readonly string[];
  /** The equations, for people. */
  readonly doc: string;
}

const gate = (name: string): Update => ({ gate: name });
const state = (name: string): Update => ({ state: name });

export const CELLS: Readonly<Record<CellKind, CellFacts>> = {
  simple_rnn: {
    gates: [{ name: "h", activation: "activation" }],
    states: ["h"],
    update: [{ state: "h", value: gate("h") }],
    onnxGateOrder: ["h"],
    doc: "h' = φ(x·K + h·R + b)",
  },
  gru: {
    gates: [
      { name: "z", activation: "recurrentActivation" },
      { name: "r", activation: "recurrentActivation" },
      { name: "h", activation: "activation" },
    ],
    states: ["h"],
    update: [{ state: "h", value: { mix: [gate("z"), state("h"), gate("h")] } }],
    reset: { gate: "r", candidate: "h" },
    onnxGateOrder: ["z", "r", "h"],
    doc: "z = σ(x·K_z + h·R_z + b_z), r = σ(…), ĥ = φ(x·K_h + r∘(h·R_h + b_rh)) (reset_after) or φ(x·K_h + (r∘h)·R_h + b_h); h' = z∘h + (1 − z)∘ĥ",
  },
  lstm: {
    gates: [
      { name: "i", activation: "recurrentActivation" },
      { name: "f", activation: "recurrentActivation" },
      { name: "c", activation: "activation" },
      { name: "o", activation: "recurrentActivation" },
    ],
    states: ["h", "c"],
    update: [
      { state: "c", value: { add: [{ mul: [gate("f"), state("c")] }, { mul: [gate("i"), gate("c")] }] } },
      { state: "h", value: { mul: [gate("o"), { activate: { updated: "c" } }] } },
    ],
    onnxGateOrder: ["i", "o", "f", "c"],
    doc: "i, f, o = σ(x·K + h·R + b) blocks, g = φ(…); c' = f∘c + i∘g; h' = o∘φ(c')",
  },
};

/** The number of gate blocks: the kernels are [F, G·u] and [u, G·u]. */
export function gateCount(cell: CellKind): number {
  return CELLS[cell].gates.length;
}

/** The block of gate `name` in Keras's weights. */
export function gateIndex(cell: CellKind, name: string): number {
  const index = CELLS[cell].gates.findIndex((g) => g.name === name);
  if (index < 0) throw new Error(`${cell} has no gate ${name}`);
  return index;
}

/** The activation gate `g` of `op`'s cell goes through. */
export function gateActivation(op: Pick<RecurrentOp, "activation" | "recurrentActivation">, g: Gate) {
  return op[g.activation];
}

/** The gates an update expression reads, in the order it reads them. */
export function gatesRead(value: Update): string[] {
  if ("gate" in value) return [value.gate];
  if ("state" in value || "updated" in value) return [];
  if ("activate" in value) return gatesRead(value.activate);
  const parts = "add" in value ? value.add : "mul" in value ? value.mul : value.mix;
  return [...new Set(parts.flatMap(gatesRead))];
}

/** Whether an update expression applies the activation to something (which softmax must do block-wise). */
export function activates(value: Update): boolean {
  if ("activate" in value) return true;
  if ("gate" in value || "state" in value || "updated" in value) return false;
  const parts = "add" in value ? value.add : "mul" in value ? value.mul : value.mix;
  return parts.some(activates);
}
