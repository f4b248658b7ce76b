// A recurrent op's constant weights, rearranged once (in JavaScript, at load) for the tfjs loop:
// gate blocks reordered so that gates sharing an activation are adjacent, and one or two "lanes"
// (the two directions of a bidirectional layer) combined into one cell of L·u units whose kernels
// are block-diagonal, so that both directions run in one set of ops per step.
import { CELLS, gateCount, gateIndex } from "../../ir/cells.js";
import type { CellKind } from "../../ir/graph.js";

/** Row-major [rows, cols]. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** One direction's weights, as the graph holds them (Keras layout, gates in Keras order). */
export interface LaneWeights {
  /** [F, G·u]. */
  kernel: Float32Array;
  /** [G·u], or absent (use_bias=false). */
  inputBias: Float32Array | undefined;
  /** [u, G·u]. */
  recurrentKernel: Float32Array;
  /** [G·u]: GRU reset_after's recurrent bias. */
  recurrentBias: Float32Array | undefined;
}

/**
 * The order the tfjs loop keeps the gates in (position → Keras gate): those under
 * `recurrent_activation` first, so that they are one block (LSTM i, f, o, c), the others after them
 * in Keras order — a reset gate's candidate last, where its separate matmul's columns are.
 */
export function gateOrder(cell: CellKind): number[] {
  const gates = CELLS[cell].gates.map((g, index) => ({ ...g, index }));
  const order = [
    ...gates.filter((g) => g.activation === "recurrentActivation"),
    ...gates.filter((g) => g.activation !== "recurrentActivation"),
  ];
  const candidate = CELLS[cell].reset?.candidate;
  if (candidate !== undefined && order[order.length - 1]!.name !== candidate)
    throw new Error(`${cell}: the reset gate's candidate must come last`);
  return order.map((g) => g.index);
}

/** The combined weights of L lanes: W = G·L·u columns, gate-major (in `gateOrder`), then lane, then unit. */
export interface CellWeights {
  lanes: number;
  units: number;
  features: number;
  /**
   * [L·F, W], or [L·F + 1, W] with the bias as its last row (`biasRow`): lane l reads features
   * l·F … (l+1)·F of the (lane-concatenated) input, and the bias row an input feature of ones.
   * The bias is the input bias plus GRU reset_after's recurrent bias of z and r (it adds up the same).
   */
  kernel: Matrix;
  biasRow: boolean;
  /**
   * [L·u, W]; for GRU reset_after=false two parts, z and r [L·u, 2·L·u] then h [L·u, L·u], since the
   * candidate's matmul takes r∘h.
   */
  recurrent: Matrix[];
  /** GRU reset_after: the candidate's recurrent bias, inside r∘(…), [L·u]; absent if there is none. */
  candidateBias: Float32Array | undefined;
}

export function combineLanes(cell: CellKind, resetAfter: boolean, units: number, features: number, lanes: LaneWeights[]): CellWeights {
  const u = units;
  const F = features;
  const L = lanes.length;
  const G = gateCount(cell);
  const order = gateOrder(cell);
  const Lu = L * u;
  const W = G * Lu;
  const column = (p: number, l: number, j: number) => p * Lu + l * u + j;

  const reset = CELLS[cell].reset;
  const candidate = reset ? gateIndex(cell, reset.candidate) : -1;
  const biasRow = lanes.some((lane) => lane.inputBias || (reset !== undefined && resetAfter && lane.recurrentBias));
  const kernel = new Float32Array((L * F + (biasRow ? 1 : 0)) * W);
  const bias = kernel.subarray(L * F * W);
  const recurrent = new Float32Array(Lu * W);
  let candidateBias: Float32Array | undefined;
  lanes.forEach((lane, l) => {
    for (let p = 0; p < G; p++) {
      const g = order[p]!;
      for (let f = 0; f < F; f++) {
        for (let j = 0; j < u; j++) kernel[(l * F + f) * W + column(p, l, j)] = lane.kernel[f * G * u + g * u + j]!;
      }
      for (let i = 0; i < u; i++) {
        for (let j = 0; j < u; j++) recurrent[(l * u + i) * W + column(p, l, j)] = lane.recurrentKernel[i * G * u + g * u + j]!;
      }
      // reset_after: the recurrent bias of the gates but the candidate joins the input bias; the candidate's stays apart.
      const foldRecurrent = reset !== undefined && resetAfter && g !== candidate && lane.recurrentBias !== undefined;
      if (lane.inputBias || foldRecurrent) {
        for (let j = 0; j < u; j++) {
          const k = g * u + j;
          bias[column(p, l, j)] = (lane.inputBias?.[k] ?? 0) + (foldRecurrent ? lane.recurrentBias![k]! : 0);
        }
      }
    }
    if (reset !== undefined && resetAfter && lane.recurrentBias) {
      candidateBias ??= new Float32Array(Lu);
      candidateBias.set(lane.recurrentBias.subarray(candidate * u, (candidate + 1) * u), l * u);
    }
  });
  const full: Matrix = { rows: Lu, cols: W, data: recurrent };
  return {
    lanes: L,
    units: u,
    features: F,
    kernel: { rows: L * F + (biasRow ? 1 : 0), cols: W, data: kernel },
    biasRow,
    recurrent: reset !== undefined && !resetAfter ? [columns(full, 0, W - Lu), columns(full, W - Lu, W)] : [full],
    candidateBias,
  };
}

/** Columns [from, to) of a matrix. */
export function columns(m: Matrix, from: number, to: number): Matrix {
  const cols = to - from;
  const data = new Float32Array(m.rows * cols);
  for (let r = 0; r < m.rows; r++) data.set(m.data.subarray(r * m.cols + from, r * m.cols + to), r * cols);
  return { rows: m.rows, cols, data };
}

export function transposeMatrix(m: Matrix): Matrix {
  const data = new Float32Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) data[c * m.rows + r] = m.data[r * m.cols + c]!;
  return { rows: m.cols, cols: m.rows, data };
}
