// The recurrent loop on projected inputs (x·K + b already computed for every step): per step one
// `h·R` matmul, then one fused pass over the units computing the gates, the new state and the
// output, with Keras's TensorFlow-backend masking. All buffers come from the plan's arena, once.
import type { RecurrentOp } from "../../../ir/graph.js";
import type { Activation } from "../../../types/activations.js";
import { Arena } from "../wasm/arena.js";
import { activateInPlace, fastExp, scalarActivation } from "./activations.js";

export interface RecurrentBuffers {
  /** [B, T, G·u]: x·K + input bias. */
  projected: Float32Array;
  /** [u, G·u]. */
  recurrentKernel: Float32Array;
  /** [G·u]: GRU reset_after's recurrent bias. */
  recurrentBias: Float32Array | undefined;
  /** [B, T]: 1 where the step is used. */
  mask: Uint8Array | undefined;
  h0: Float32Array | undefined;
  c0: Float32Array | undefined;
  /** [B, T, u] with returnSequences, else [B, u]; undefined when nobody reads it. */
  output: Float32Array | undefined;
  /** [B, u] final states; undefined when nobody reads them. */
  h: Float32Array | undefined;
  c: Float32Array | undefined;
}

/** Gate blocks per cell: SimpleRNN 1, GRU 3 (z, r, h), LSTM 4 (i, f, c, o). */
function gateCount(op: RecurrentOp): number {
  return op.cell === "lstm" ? 4 : op.cell === "gru" ? 3 : 1;
}

/** Runs one recurrent op for a batch of `batch` sequences of `steps` steps. */
export class RecurrentKernel {
  private readonly h: Float32Array;
  private readonly c: Float32Array;
  /** Pre-activations of the gates, [B, G·u]. */
  private readonly gates: Float32Array;
  /** GRU: h·R (+ b_rec) kept apart from x·K, since the reset gate multiplies only this part. */
  private readonly recurrentPart: Float32Array;
  /** The previous step's output, for masked steps (zeros before the first); also the new h. */
  private readonly previous: Float32Array;
  /** GRU reset_after=false: r∘h, and R split into its z,r columns and its h columns. */
  private readonly resetState: Float32Array;
  private readonly kernelZr: Float32Array;
  private readonly kernelH: Float32Array;
  private packed: Float32Array | undefined;
  private packedZr: Float32Array | undefined;
  private packedH: Float32Array | undefined;
  /** Softmax is not element-wise: with it, activations run over whole gate blocks (Keras does the same). */
  private readonly blockwise: boolean;
  /** tanh and sigmoid, the defaults: the hot path spells them out instead of calling through a variable. */
  private readonly kerasDefaults: boolean;
  private readonly act: (x: number) => number;
  private readonly recAct: (x: number) => number;

  constructor(
    private readonly op: RecurrentOp,
    private readonly batch: number,
    private readonly steps: number,
    private readonly arena: Arena,
  ) {
    const u = op.units;
    const width = gateCount(op) * u;
    const gruBefore = op.cell === "gru" && !op.resetAfter;
    this.h = arena.f32(batch * u);
    this.c = arena.f32(op.cell === "lstm" ? batch * u : 0);
    this.gates = arena.f32(batch * width);
    this.recurrentPart = arena.f32(op.cell === "gru" ? batch * width : 0);
    this.previous = arena.f32(batch * u);
    this.resetState = arena.f32(gruBefore ? batch * u : 0);
    this.kernelZr = arena.f32(gruBefore ? u * 2 * u : 0);
    this.kernelH = arena.f32(gruBefore ? u * u : 0);
    this.blockwise = op.activation === "softmax" || op.recurrentActivation === "softmax";
    this.kerasDefaults = op.activation === "tanh" && op.recurrentActivation === "sigmoid";
    this.act = this.blockwise ? (x) => x : scalarActivation(op.activation);
    this.recAct = this.blockwise ? (x) => x : scalarActivation(op.recurrentActivation);
  }

  /** The floats a kernel for this op and batch takes from the arena. */
  static arenaFloats(op: RecurrentOp, batch: number): number[] {
    const u = op.units;
    const width = gateCount(op) * u;
    const gruBefore = op.cell === "gru" && !op.resetAfter;
    const packed = gruBefore ? [Arena.packedFloats(u, 2 * u), Arena.packedFloats(u, u)] : [Arena.packedFloats(u, width)];
    return [
      batch * u,
      op.cell === "lstm" ? batch * u : 0,
      batch * width,
      op.cell === "gru" ? batch * width : 0,
      batch * u,
      gruBefore ? batch * u : 0,
      gruBefore ? 2 * u * u : 0,
      gruBefore ? u * u : 0,
      ...packed,
    ];
  }

  /** Lays the (constant) recurrent kernel out for the SIMD matmul, once, before the first run. */
  prepare(recurrentKernel: Float32Array): void {
    const u = this.op.units;
    if (this.op.cell === "gru" && !this.op.resetAfter) {
      this.splitRecurrent(recurrentKernel);
      this.packedZr = this.arena.packStrips(this.kernelZr, u, 2 * u);
      this.packedH = this.arena.packStrips(this.kernelH, u, u);
    } else {
      this.packed = this.arena.packStrips(recurrentKernel, u, gateCount(this.op) * u);
    }
  }

  run(io: RecurrentBuffers): void {
    const { batch, steps, op } = this;
    const u = op.units;
    if (io.h0) this.h.set(io.h0);
    else this.h.fill(0);
    if (op.cell === "lstm") {
      if (io.c0) this.c.set(io.c0);
      else this.c.fill(0);
    }
    this.previous.fill(0);
    for (let s = 0; s < steps; s++) {
      const t = op.goBackwards ? steps - 1 - s : s;
      if (op.cell === "lstm") this.lstmStep(io, t);
      else if (op.cell === "gru") this.gruStep(io, t);
      else this.simpleStep(io, t);
      if (io.output && op.returnSequences) {
        const out = io.output;
        const previous = this.previous;
        for (let b = 0; b < batch; b++) {
          const to = (b * steps + s) * u;
          const from = b * u;
          for (let j = 0; j < u; j++) out[to + j] = previous[from + j]!;
        }
      }
    }
    if (io.output && !op.returnSequences) io.output.set(this.previous);
    if (io.h) io.h.set(this.h);
    if (io.c && op.cell === "lstm") io.c.set(this.c);
  }

  /** gates[b, :] = projected[b, t, :] (+ h[b, :]·R when `withRecurrent`). */
  private load(io: RecurrentBuffers, t: number, width: number, withRecurrent: boolean): void {
    const { batch, steps, gates } = this;
    const projected = io.projected;
    for (let b = 0; b < batch; b++) {
      const from = (b * steps + t) * width;
      const to = b * width;
      for (let j = 0; j < width; j++) gates[to + j] = projected[from + j]!;
    }
    if (withRecurrent)
      this.arena.matmulAccumulate(this.h, 0, this.op.units, batch, this.op.units, io.recurrentKernel, width, gates, 0, width, this.packed);
  }

  /** Whether sample b uses step t. */
  private used(io: RecurrentBuffers, b: number, t: number): boolean {
    return io.mask === undefined || io.mask[b * this.steps + t] !== 0;
  }

  /** A masked step: the state stays, the output is the previous output or zeros. */
  private maskedOutput(b: number): void {
    if (this.op.zeroOutputForMask) this.previous.fill(0, b * this.op.units, (b + 1) * this.op.units);
  }

  /** With softmax somewhere: apply `fn` to gate block `block` of every row of `a` (row width `width`). */
  private activateBlock(fn: Activation, a: Float32Array, width: number, block: number): void {
    const u = this.op.units;
    for (let b = 0; b < this.batch; b++) activateInPlace(fn, a, b * width + block * u, b * width + (block + 1) * u, u);
  }

  private lstmStep(io: RecurrentBuffers, t: number): void {
    const u = this.op.units;
    const width = 4 * u;
    this.load(io, t, width, true);
    const { gates, h, c, previous, act, recAct, blockwise } = this;
    if (blockwise) {
      for (const block of [0, 1, 3]) this.activateBlock(this.op.recurrentActivation, gates, width, block);
      this.activateBlock(this.op.activation, gates, width, 2);
    }
    if (this.kerasDefaults && !io.mask) {
      this.lstmDefaultStep();
      return;
    }
    for (let b = 0; b < this.batch; b++) {
      if (!this.used(io, b, t)) {
        this.maskedOutput(b);
        continue;
      }
      const z = b * width;
      const s = b * u;
      for (let j = 0; j < u; j++) {
        const i = recAct(gates[z + j]!);
        const f = recAct(gates[z + u + j]!);
        const g = act(gates[z + 2 * u + j]!);
        const cj = f * c[s + j]! + i * g;
        c[s + j] = cj;
        previous[s + j] = act(cj);
      }
      if (blockwise) activateInPlace(this.op.activation, previous, s, s + u, u);
      for (let j = 0; j < u; j++) {
        const hj = recAct(gates[z + 3 * u + j]!) * previous[s + j]!;
        h[s + j] = hj;
        previous[s + j] = hj;
      }
    }
  }

  /** The LSTM step with Keras's default activations (sigmoid gates, tanh) and no mask, written out. */
  private lstmDefaultStep(): void {
    const u = this.op.units;
    const width = 4 * u;
    const { gates, h, c, previous } = this;
    for (let b = 0; b < this.batch; b++) {
      const z = b * width;
      const s = b * u;
      for (let j = 0; j < u; j++) {
        const i = 1 / (1 + fastExp(-gates[z + j]!));
        const f = 1 / (1 + fastExp(-gates[z + u + j]!));
        const g = 1 - 2 / (fastExp(2 * gates[z + 2 * u + j]!) + 1);
        const o = 1 / (1 + fastExp(-gates[z + 3 * u + j]!));
        const cj = f * c[s + j]! + i * g;
        c[s + j] = cj;
        const hj = o * (1 - 2 / (fastExp(2 * cj) + 1));
        h[s + j] = hj;
        previous[s + j] = hj;
      }
    }
  }

  private gruStep(io: RecurrentBuffers, t: number): void {
    const { batch, h, previous, act, recAct, gates, recurrentPart, blockwise, op } = this;
    const u = op.units;
    const width = 3 * u;
    this.load(io, t, width, false);
    if (op.resetAfter) {
      // z, r from x·K + h·R (+ b_rec); ĥ = φ(x_h + r ∘ (h·R_h + b_rec,h)).
      for (let b = 0; b < batch; b++) {
        if (io.recurrentBias) recurrentPart.set(io.recurrentBias, b * width);
        else recurrentPart.fill(0, b * width, (b + 1) * width);
      }
      this.arena.matmulAccumulate(h, 0, u, batch, u, io.recurrentKernel, width, recurrentPart, 0, width, this.packed);
      for (let i = 0; i < batch * width; i++) {
        if (i % width < 2 * u) gates[i] = gates[i]! + recurrentPart[i]!;
      }
    } else {
      // z, r from x·K + h·R_zr; ĥ = φ(x_h + (r ∘ h)·R_h).
      this.arena.matmulAccumulate(h, 0, u, batch, u, this.kernelZr, 2 * u, gates, 0, width, this.packedZr);
    }
    if (blockwise) {
      this.activateBlock(op.recurrentActivation, gates, width, 0);
      this.activateBlock(op.recurrentActivation, gates, width, 1);
    }
    if (op.resetAfter) {
      for (let b = 0; b < batch; b++) {
        const z = b * width;
        for (let j = 0; j < u; j++)
          gates[z + 2 * u + j] = gates[z + 2 * u + j]! + recAct(gates[z + u + j]!) * recurrentPart[z + 2 * u + j]!;
      }
    } else {
      const { resetState } = this;
      for (let b = 0; b < batch; b++) {
        const z = b * width;
        const s = b * u;
        for (let j = 0; j < u; j++) resetState[s + j] = recAct(gates[z + u + j]!) * h[s + j]!;
      }
      this.arena.matmulAccumulate(resetState, 0, u, batch, u, this.kernelH, u, gates, 2 * u, width, this.packedH);
    }
    if (blockwise) this.activateBlock(op.activation, gates, width, 2);
    for (let b = 0; b < batch; b++) {
      if (!this.used(io, b, t)) {
        this.maskedOutput(b);
        continue;
      }
      const z = b * width;
      const s = b * u;
      for (let j = 0; j < u; j++) {
        const zg = recAct(gates[z + j]!);
        const hj = zg * h[s + j]! + (1 - zg) * act(gates[z + 2 * u + j]!);
        previous[s + j] = hj;
      }
      for (let j = 0; j < u; j++) h[s + j] = previous[s + j]!;
    }
  }

  private simpleStep(io: RecurrentBuffers, t: number): void {
    const u = this.op.units;
    this.load(io, t, u, true);
    const { gates, h, previous, act } = this;
    if (this.blockwise) this.activateBlock(this.op.activation, gates, u, 0);
    for (let b = 0; b < this.batch; b++) {
      if (!this.used(io, b, t)) {
        this.maskedOutput(b);
        continue;
      }
      const s = b * u;
      for (let j = 0; j < u; j++) {
        const hj = act(gates[s + j]!);
        h[s + j] = hj;
        previous[s + j] = hj;
      }
    }
  }

  /** R [u, 3u] as R_zr [u, 2u] and R_h [u, u]. */
  private splitRecurrent(r: Float32Array): void {
    const u = this.op.units;
    for (let i = 0; i < u; i++) {
      this.kernelZr.set(r.subarray(i * 3 * u, i * 3 * u + 2 * u), i * 2 * u);
      this.kernelH.set(r.subarray(i * 3 * u + 2 * u, (i + 1) * 3 * u), i * u);
    }
  }
}
