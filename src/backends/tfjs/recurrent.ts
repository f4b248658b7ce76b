// The recurrent loop written with tfjs-core ops, its cell math read from ir/cells.ts. Per run: one
// matMul projects every step of the input at once (x·K + b; this backend's graph is not hoisted),
// laid out time-major; per step: h·R, the gates, the new state, Keras's TensorFlow-backend masking.
// The two directions of a bidirectional layer (one RecurrentOp.pair) run as one cell of 2u units
// with block-diagonal kernels when they are small: per-op dispatch, not arithmetic, is then what costs.
//
// Layout: the cpu backend (and webgl, webgpu, …) keeps a step as [units, batch], so that the gate
// blocks are rows and splitting them is contiguous (the cpu backend slices other blocks element by
// element), and takes the steps as views by unstacking the projection once. On the wasm backend a
// step is [batch, units] (its matmul is fastest that way); its slices copy their whole input (so
// unstacking T steps copies the projection T times) and its gather takes ~20 ns a float, so a large
// projection is read once with dataSync() and each step's rows go back in with tf.tensor (two
// memcpys of the projection in all). Its splits copy their whole input once per output too, so for
// wide cells and batches the gates stay apart there: one matmul per gate, each gate's rows uploaded
// apart.
import { CELLS, gateActivation, gateCount, gateIndex, type Update } from "../../ir/cells.js";
import { NONE, type RecurrentOp } from "../../ir/graph.js";
import type { Activation } from "../../types/activations.js";
import { activate, isElementwise } from "./activations.js";
import type { TfContext } from "./context.js";
import { columns, combineLanes, gateOrder, transposeMatrix, type LaneWeights, type Matrix } from "./recurrent-weights.js";
import type { TfTensor } from "./tfjs-core.js";

export interface Layout {
  /** A step is [units, batch] (true) or [batch, units] (false). */
  transposed: boolean;
  /** Take a large projection's steps through the host (needs `transposed: false`), or always unstack it. */
  hostSteps: boolean;
  /** Add same-shape tensors with addN (the cpu backend's add takes an index modulo per element; wasm's addN is the slower). */
  addN: boolean;
}

export function layoutFor(backend: string): Layout {
  return backend === "wasm" ? { transposed: false, hostSteps: true, addN: false } : { transposed: true, hostSteps: false, addN: true };
}

/** One recurrent op of the graph, as the loop sees it. */
export interface Lane {
  op: RecurrentOp;
  /** Value ids (NONE where absent): the input [B,T,F] (the loop projects it), the mask [B,T], h0, c0. */
  x: number;
  mask: number;
  h0: number;
  c0: number;
  /** Value ids of the op's outputs: the output, h, and c for an LSTM. */
  outputs: number[];
  weights: LaneWeights;
}

/** A cell's weights as tfjs tensors, uploaded once (kept until the backend's dispose()). */
interface CellTensors {
  /** F, the features of one lane's input. */
  features: number;
  /** [L·F (+1), W], or its transpose [W, L·F (+1)] in the transposed layout; the last row is the bias if `biasRow`. */
  kernel: TfTensor;
  biasRow: boolean;
  /** The recurrent kernel(s) (see CellWeights.recurrent), oriented for the layout. */
  recurrent: TfTensor[];
  /** With `hostSteps` and at least PER_GATE_UNITS units: one [Lu, Lu] kernel per gate (in gate order). */
  gateKernels: TfTensor[] | undefined;
  candidateBias: TfTensor | undefined;
}

/** Two lanes run as one cell while B·G·u·(u+F) — about the extra multiply-adds per step — stays under this. */
const FUSE_LIMIT = 8192;
/**
 * With `hostSteps`, projections of more floats than this go through the host; smaller ones are
 * unstacked (T copies of a small tensor cost less than T uploads).
 */
const HOST_ABOVE = 16384;
/** With `hostSteps`, cells of this many units or more, run on batches of PER_GATE_BATCH or more, keep their gates apart (no splits). */
const PER_GATE_UNITS = 32;
const PER_GATE_BATCH = 8;

type Env = (TfTensor | undefined)[];

/** A cell's math for the loop: its gates in the loop's order, their activations, and the state update. */
interface CellMath {
  names: string[];
  fnOf: (gate: string) => Activation;
  /** GRU: the candidate gate (last in `names`) and the index of the reset gate. */
  candidate: string | undefined;
  resetIndex: number;
  update: (gate: TfTensor[], h: TfTensor | undefined, c: TfTensor | undefined) => { h: TfTensor; c?: TfTensor };
}

/** One recurrent op, or two fusable ones (same input, cell and options), as a unit of the program. */
export class RecurrentProgram {
  private readonly single: CellTensors[];
  private readonly fused: CellTensors | undefined;
  /** B·G·u·(u+F) / B: the fused cell's extra work per step and sample. */
  private readonly fuseCost: number;
  private readonly cellMaths = new Map<RecurrentOp, CellMath>();

  constructor(
    private readonly ctx: TfContext,
    private readonly layout: Layout,
    private readonly lanes: Lane[],
    features: number,
  ) {
    const op = lanes[0]!.op;
    const upload = (lanesWeights: LaneWeights[]) =>
      this.upload(combineLanes(op.cell, op.resetAfter, op.units, features, lanesWeights), lanesWeights.length);
    this.single = lanes.map((lane) => upload([lane.weights]));
    this.fuseCost = gateCount(op.cell) * op.units * (op.units + features);
    this.fused = lanes.length === 2 && this.fuseCost <= FUSE_LIMIT ? upload(lanes.map((l) => l.weights)) : undefined;
  }

  /** Whether two ops can run as one program: same input, cell, options and mask, nothing element-wise-free. */
  static canFuse(a: RecurrentOp, b: RecurrentOp): boolean {
    return (
      a.cell === b.cell &&
      a.units === b.units &&
      a.activation === b.activation &&
      a.recurrentActivation === b.recurrentActivation &&
      a.resetAfter === b.resetAfter &&
      a.zeroOutputForMask === b.zeroOutputForMask &&
      a.outputStartsAtState === b.outputStartsAtState &&
      a.returnSequences === b.returnSequences &&
      isElementwise(a.activation) &&
      isElementwise(a.recurrentActivation)
    );
  }

  /** a + b, of one shape. */
  private readonly sum = (a: TfTensor, b: TfTensor): TfTensor => (this.layout.addN ? this.ctx.tf.addN([a, b]) : this.ctx.tf.add(a, b));

  run(env: Env): void {
    const batch = env[this.lanes[0]!.x]!.shape[0]!;
    if (this.fused && batch * this.fuseCost <= FUSE_LIMIT) {
      this.runCell(env, this.fused, this.lanes);
      return;
    }
    this.lanes.forEach((lane, i) => this.runCell(env, this.single[i]!, [lane]));
  }

  private upload(w: ReturnType<typeof combineLanes>, lanes: number): CellTensors {
    const { ctx, layout } = this;
    const matrix = (m: Matrix) => ctx.upload(m.data, [m.rows, m.cols]);
    const Lu = lanes * w.units;
    const oriented = (m: Matrix) => matrix(layout.transposed ? transposeMatrix(m) : m);
    // Per gate: the kernels' column blocks (GRU reset_after=false already has the candidate's apart).
    const gateBlocks = (m: Matrix) => Array.from({ length: m.cols / Lu }, (_, g) => columns(m, g * Lu, (g + 1) * Lu));
    const perGate = layout.hostSteps && !layout.transposed && w.units >= PER_GATE_UNITS;
    return {
      features: w.features,
      kernel: oriented(w.kernel),
      biasRow: w.biasRow,
      recurrent: w.recurrent.map(oriented),
      gateKernels: perGate ? w.recurrent.flatMap(gateBlocks).map(matrix) : undefined,
      candidateBias: w.candidateBias && ctx.upload(w.candidateBias, layout.transposed ? [Lu, 1] : [1, Lu]),
    };
  }

  /** Runs `lanes` (one, or two fused) through `cell` and binds their outputs in `env`. */
  private runCell(env: Env, cell: CellTensors, lanes: Lane[]): void {
    const { tf } = this.ctx;
    const { transposed, hostSteps } = this.layout;
    const op = lanes[0]!.op;
    const x = env[lanes[0]!.x]!;
    const [B, T] = x.shape as [number, number, number];
    const L = lanes.length;
    const u = op.units;
    const Lu = L * u;
    const W = gateCount(op.cell) * Lu;
    // The loop runs in the first lane's direction; a lane going the other way reads its input reversed.
    const backwards = op.goBackwards;
    const reversed = (t: TfTensor, lane: Lane) => (lane.op.goBackwards === backwards ? t : tf.reverse(t, 1));

    // The projection of every step at once, one matMul: the lanes' inputs side by side, and a
    // feature of ones for the bias row (an add would broadcast, which the cpu backend does slowly).
    const parts = lanes.map((lane) => reversed(x, lane));
    if (cell.biasRow) parts.push(tf.tensor(new Float32Array(B * T).fill(1), [B, T, 1], "float32"));
    const input = parts.length === 1 ? parts[0]! : tf.concat(parts, 2);
    const features = L * cell.features + (cell.biasRow ? 1 : 0);
    const perGate = cell.gateKernels !== undefined && B >= PER_GATE_BATCH;
    /** Step t's projected input: all gates in one tensor, or one tensor per gate (`perGate`). */
    let stepInput: (t: number) => TfTensor[];
    if (transposed) {
      // [T, W, B] straight from the matMul (Kᵀ against each step's rows): one view per step.
      const timeMajor = B === 1 ? tf.reshape(input, [T, 1, features]) : tf.transpose(input, [1, 0, 2]);
      const steps = tf.unstack(tf.matMul(cell.kernel, timeMajor, false, true), 0);
      stepInput = (t) => [steps[t]!];
    } else {
      const projected = tf.matMul(tf.reshape(input, [B * T, features]), cell.kernel); // [B·T, W], batch-major rows
      if (perGate || (hostSteps && T * B * W > HOST_ABOVE)) {
        const data = projected.dataSync();
        const host = data instanceof Float32Array ? data : Float32Array.from(data);
        // Columns [from, from + width) of step t's rows.
        const rows = (t: number, from: number, width: number) => {
          const out = new Float32Array(B * width);
          for (let b = 0; b < B; b++) out.set(host.subarray((b * T + t) * W + from, (b * T + t) * W + from + width), b * width);
          return tf.tensor(out, [B, width], "float32");
        };
        const G = W / Lu;
        stepInput = perGate ? (t) => Array.from({ length: G }, (_, g) => rows(t, g * Lu, Lu)) : (t) => [rows(t, 0, W)];
      } else {
        const timeMajor = B === 1 ? tf.reshape(projected, [T, 1, W]) : tf.transpose(tf.reshape(projected, [B, T, W]), [1, 0, 2]);
        const steps = tf.unstack(timeMajor, 0);
        stepInput = (t) => [steps[t]!];
      }
    }

    // Masks per step, 1 where used, as wide as a state ([Lu, B] or [B, Lu]: the element-wise ops
    // then need no broadcasting), and 1 − mask.
    let masks: TfTensor[] | undefined;
    let unmasks: TfTensor[] | undefined;
    if (lanes[0]!.mask !== NONE) {
      const mask = tf.cast(env[lanes[0]!.mask]!, "float32");
      const perLane = lanes.map((lane) => {
        const timeMajorMask = B === 1 ? tf.reshape(reversed(mask, lane), [T, 1]) : tf.transpose(reversed(mask, lane), [1, 0]);
        const m = tf.reshape(timeMajorMask, transposed ? [T, 1, B] : [T, B, 1]);
        return tf.tile(m, transposed ? [1, u, 1] : [1, 1, u]);
      });
      const all = L === 1 ? perLane[0]! : tf.concat(perLane, transposed ? 1 : 2);
      masks = tf.unstack(all, 0);
      unmasks = tf.unstack(tf.sub(this.ctx.scalar(1), all), 0);
    }

    // Initial states, in the step layout; undefined: zeros (the first step then skips h·R).
    const initial = (slot: "h0" | "c0"): TfTensor | undefined => {
      if (lanes.every((lane) => lane[slot] === NONE)) return undefined;
      const parts = lanes.map((lane) => {
        const given = lane[slot] === NONE ? tf.tensor(new Float32Array(B * u), [B, u], "float32") : env[lane[slot]]!;
        return transposed ? (B === 1 ? tf.reshape(given, [u, 1]) : tf.transpose(given, [1, 0])) : given;
      });
      return parts.length === 1 ? parts[0]! : tf.concat(parts, transposed ? 0 : 1);
    };
    let h = initial("h0");
    let c = CELLS[op.cell].states.includes("c") ? initial("c0") : undefined;
    // With zero initial states (or a stateful layer's carried ones, RecurrentOp.outputStartsAtState)
    // and no zeroing, the output follows h exactly (both start alike and both take the new h on used
    // steps); otherwise it is tracked apart.
    const outputFollowsState = (h === undefined || op.outputStartsAtState === true) && !op.zeroOutputForMask;
    let output: TfTensor | undefined;
    const sequence: TfTensor[] = [];
    const wantSequence = op.returnSequences && lanes.some((lane) => lane.op.used[0]);
    // GRU reset_after's candidate bias, as wide as a state.
    const candidateBias = cell.candidateBias && (B === 1 ? cell.candidateBias : tf.tile(cell.candidateBias, transposed ? [1, B] : [B, 1]));
    const step = this.stepFunction(cell, op, Lu, candidateBias, perGate);

    for (let s = 0; s < T; s++) {
      const t = backwards ? T - 1 - s : s;
      const next = step(stepInput(t), h, c);
      if (masks && unmasks) {
        const m = masks[t]!;
        const keep = unmasks[t]!;
        // where(mask, new, old) as new·m + old·(1−m): exact for finite values, and no broadcast ops.
        const blend = (fresh: TfTensor, old: TfTensor | undefined) =>
          old ? this.sum(tf.mul(fresh, m), tf.mul(old, keep)) : tf.mul(fresh, m);
        h = blend(next.h, h);
        if (next.c) c = blend(next.c, c);
        output = op.zeroOutputForMask ? tf.mul(next.h, m) : outputFollowsState ? h : blend(next.h, output);
      } else {
        h = next.h;
        c = next.c;
        output = h;
      }
      if (wantSequence) sequence.push(output);
    }

    // Back to [B, …] per lane, for the outputs someone reads. A lane whose sequence is wanted in time
    // order (RecurrentOp.sequenceInTimeOrder) has its steps stacked the other way round.
    const timeOrdered = (lane: Lane) => lane.op.goBackwards && lane.op.sequenceInTimeOrder;
    const used = (i: number) => lanes.some((lane) => lane.op.used[i]);
    const bind = (slot: number, perLane: TfTensor[]) =>
      lanes.forEach((lane, l) => {
        if (lane.op.used[slot]) env[lane.outputs[slot]!] = perLane[l]!;
      });
    if (used(0)) {
      if (!op.returnSequences) bind(0, this.splitState(output!, B, L, u));
      else if (L === 1) bind(0, this.splitSequence(timeOrdered(lanes[0]!) ? sequence.reverse() : sequence, B, T, L, u));
      else
        bind(
          0,
          this.splitSequence(sequence, B, T, L, u).map((t, l) => (timeOrdered(lanes[l]!) ? tf.reverse(t, 1) : t)),
        );
    }
    if (used(1)) bind(1, this.splitState(h!, B, L, u));
    if (CELLS[op.cell].states.includes("c") && used(2)) bind(2, this.splitState(c!, B, L, u));
  }

  /** A step's state ([Lu, B] or [B, Lu]) as one [B, u] tensor per lane. */
  private splitState(state: TfTensor, B: number, L: number, u: number): TfTensor[] {
    const { tf } = this.ctx;
    if (!this.layout.transposed) return L === 1 ? [state] : tf.split(state, [u, u], 1);
    if (L === 1) return [B === 1 ? tf.reshape(state, [1, u]) : tf.transpose(state, [1, 0])];
    return tf.unstack(B === 1 ? tf.reshape(state, [L, 1, u]) : tf.transpose(tf.reshape(state, [L, u, B]), [0, 2, 1]), 0);
  }

  /** The per-step outputs as one [B, T, u] sequence per lane, in processing order. */
  private splitSequence(steps: TfTensor[], B: number, T: number, L: number, u: number): TfTensor[] {
    const { tf } = this.ctx;
    if (!this.layout.transposed) {
      const all = tf.stack(steps, 1);
      return L === 1 ? [all] : tf.split(all, [u, u], 2);
    }
    const all = tf.stack(steps, 0); // [T, Lu, B]
    if (L === 1) return [B === 1 ? tf.reshape(all, [1, T, u]) : tf.transpose(all, [2, 0, 1])];
    return tf.unstack(tf.transpose(tf.reshape(all, [T, L, u, B]), [1, 3, 0, 2]), 0);
  }

  /** The cell's gates and state update as closures over tfjs ops, made once per op (not per run or step). */
  private cellMath(op: RecurrentOp): CellMath {
    const known = this.cellMaths.get(op);
    if (known) return known;
    const { ctx } = this;
    const { tf } = ctx;
    const transposed = this.layout.transposed;
    const act = (fn: Activation, t: TfTensor) => activate(ctx, fn, t, transposed);
    const sum = this.sum;
    const facts = CELLS[op.cell];
    // The gates in this loop's order (gateOrder: those under recurrent_activation first, a reset gate's candidate last).
    const names = gateOrder(op.cell).map((k) => facts.gates[k]!.name);
    const fnOf = (name: string) => gateActivation(op, facts.gates[gateIndex(op.cell, name)]!);
    const candidate = facts.reset?.candidate;
    const reset = facts.reset?.gate;
    /**
     * The state update of cells.ts as closures over tfjs ops, built once per op (the loop then pays no
     * interpretation per step). A step's gates come as an array in `names` order; states are indexed as
     * facts.states; undefined stands for zeros (a first step without initial states).
     */
    type Part = (gate: TfTensor[], before: State, after: State) => TfTensor | undefined;
    type State = (TfTensor | undefined)[];
    const stateIndex = (name: string) => facts.states.indexOf(name);
    const compile = (e: Update): Part => {
      if ("gate" in e) {
        const g = names.indexOf(e.gate);
        return (gate) => gate[g];
      }
      if ("state" in e) {
        const k = stateIndex(e.state);
        return (_, before) => before[k];
      }
      if ("updated" in e) {
        const k = stateIndex(e.updated);
        return (_, __, after) => after[k];
      }
      if ("activate" in e) {
        const inner = compile(e.activate);
        return (g, b, a) => act(op.activation, inner(g, b, a)!);
      }
      if ("add" in e) {
        const [l, r] = e.add.map(compile) as [Part, Part];
        return (g, b, a) => {
          const x = l(g, b, a);
          const y = r(g, b, a);
          return x && y ? sum(x, y) : (x ?? y);
        };
      }
      if ("mul" in e) {
        const [l, r] = e.mul.map(compile) as [Part, Part];
        return (g, b, a) => {
          const x = l(g, b, a);
          const y = r(g, b, a);
          return x && y ? tf.mul(x, y) : undefined;
        };
      }
      // z∘x + (1−z)∘y, as y + z∘(x − y).
      const [zOf, xOf, yOf] = e.mix.map(compile) as [Part, Part, Part];
      return (g, b, a) => {
        const z = zOf(g, b, a)!;
        const x = xOf(g, b, a);
        const y = yOf(g, b, a)!;
        return x ? sum(y, tf.mul(z, tf.sub(x, y))) : tf.sub(y, tf.mul(z, y));
      };
    };
    const updates = facts.update.map(({ state, value }) => ({ k: stateIndex(state), part: compile(value) }));
    const hasC = facts.states.length > 1;
    const update = (gate: TfTensor[], h: TfTensor | undefined, c: TfTensor | undefined) => {
      const before: State = [h, c];
      const after: State = [undefined, undefined];
      for (const { k, part } of updates) after[k] = part(gate, before, after);
      return hasC ? { h: after[0]!, c: after[1]! } : { h: after[0]! };
    };
    const resetIndex = reset === undefined ? -1 : names.indexOf(reset);
    const math: CellMath = { names, fnOf, candidate, resetIndex, update };
    this.cellMaths.set(op, math);
    return math;
  }

  /** The cell's step: (projected input, h, c) → new h (and c); undefined states are zeros. */
  private stepFunction(
    cell: CellTensors,
    op: RecurrentOp,
    Lu: number,
    candidateBias: TfTensor | undefined,
    perGate: boolean,
  ): (p: TfTensor[], h: TfTensor | undefined, c: TfTensor | undefined) => { h: TfTensor; c?: TfTensor } {
    const { ctx } = this;
    const { tf } = ctx;
    const transposed = this.layout.transposed;
    const axis = transposed ? 0 : 1;
    const recur = (state: TfTensor, kernel: TfTensor) => (transposed ? tf.matMul(kernel, state) : tf.matMul(state, kernel));
    const act = (fn: Activation, t: TfTensor) => activate(ctx, fn, t, transposed);
    const sum = this.sum;
    /** Activates gate blocks of width Lu, one activation per block, with as few ops as adjacent equal activations allow. */
    const gates = (fns: Activation[]): ((z: TfTensor) => TfTensor[]) => {
      const groups: { fn: Activation; widths: number[] }[] = [];
      for (const fn of fns) {
        const last = groups[groups.length - 1];
        if (last && last.fn === fn && isElementwise(fn)) last.widths.push(Lu);
        else groups.push({ fn, widths: [Lu] });
      }
      const sizes = groups.map((g) => g.widths.length * Lu);
      return (z) => {
        const parts = groups.length === 1 ? [z] : tf.split(z, sizes, axis);
        const out: TfTensor[] = [];
        groups.forEach((g, i) => {
          const a = act(g.fn, parts[i]!);
          if (g.widths.length === 1) out.push(a);
          else out.push(...tf.split(a, g.widths, axis));
        });
        return out;
      };
    };
    const { names, fnOf, candidate, resetIndex, update } = this.cellMath(op);
    const [kernel, candidateKernel] = cell.recurrent as [TfTensor, TfTensor | undefined];
    /** The candidate's activated value from its input part, the reset gate and h (reset_after: h·R_h + b apart, else R_h). */
    const candidateOf = (p: TfTensor, r: TfTensor, h: TfTensor | undefined, recurrentH: TfTensor | undefined, R: TfTensor) =>
      op.resetAfter
        ? act(fnOf(candidate!), recurrentH ? sum(p, tf.mul(r, recurrentH)) : p)
        : act(fnOf(candidate!), h ? sum(p, recur(tf.mul(r, h), R)) : p);

    if (perGate) {
      // One input and one kernel per gate: p_g + h·R_g, no splits.
      const R = cell.gateKernels!;
      const pre = (p: TfTensor[], g: number, h: TfTensor | undefined) => (h ? sum(p[g]!, recur(h, R[g]!)) : p[g]!);
      const last = names.length - 1;
      return (p, h, c) => {
        const gate: TfTensor[] = [];
        names.forEach((name, g) => {
          if (name !== candidate) gate[g] = act(fnOf(name), pre(p, g, h));
        });
        if (candidate !== undefined) {
          const recurrentH =
            op.resetAfter && h ? (candidateBias ? sum(recur(h, R[last]!), candidateBias) : recur(h, R[last]!)) : candidateBias;
          gate[last] = candidateOf(p[last]!, gate[resetIndex]!, h, op.resetAfter ? recurrentH : undefined, R[last]!);
        }
        return update(gate, h, c);
      };
    }

    if (candidate === undefined) {
      const allGates = gates(names.map(fnOf));
      return ([p], h, c) => update(allGates(h ? sum(p!, recur(h, kernel)) : p!), h, c);
    }
    // A reset gate: the gates before the candidate together, the candidate from its own part.
    const others = names.slice(0, -1);
    const otherGates = gates(others.map(fnOf));
    const width = others.length * Lu;
    if (op.resetAfter) {
      return ([p], h) => {
        const [pOthers, pH] = tf.split(p!, [width, Lu], axis) as [TfTensor, TfTensor];
        let pre = pOthers;
        let recurrentH = candidateBias;
        if (h) {
          const [mOthers, mH] = tf.split(recur(h, kernel), [width, Lu], axis) as [TfTensor, TfTensor];
          pre = sum(pOthers, mOthers);
          recurrentH = candidateBias ? sum(mH, candidateBias) : mH;
        }
        const gate = otherGates(pre);
        gate.push(candidateOf(pH, gate[resetIndex]!, h, recurrentH, kernel));
        return update(gate, h, undefined);
      };
    }
    return ([p], h) => {
      const [pOthers, pH] = tf.split(p!, [width, Lu], axis) as [TfTensor, TfTensor];
      const gate = otherGates(h ? sum(pOthers, recur(h, kernel)) : pOthers);
      gate.push(candidateOf(pH, gate[resetIndex]!, h, undefined, candidateKernel!));
      return update(gate, h, undefined);
    };
  }
}
