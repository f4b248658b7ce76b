// The recurrent loop on projected inputs (x·K + b already computed for every step): per step one
// `h·R` matmul, then one fused pass over the units computing the gates, the new state and the
// output, with Keras's TensorFlow-backend masking. All buffers are allocated once, at plan time.
import type { RecurrentOp } from "../../../ir/graph.js";
import { scalarActivation } from "./activations.js";
import { matmul, matmulAccumulate } from "./matmul.js";

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

/** Runs one recurrent op for a batch of `batch` sequences of `steps` steps. */
export class RecurrentKernel {
  private readonly h: Float32Array;
  private readonly c: Float32Array;
  private readonly gates: Float32Array;
  /** GRU: h·R kept apart from x·K, since the reset gate multiplies only the recurrent part. */
  private readonly recurrentPart: Float32Array;
  /** The previous step's output, for masked steps (zeros before the first). */
  private readonly previous: Float32Array;
  /** GRU reset_after=false: r∘h, and R split into its z,r columns and its h columns. */
  private readonly resetState: Float32Array;
  private splitKernel: { zr: Float32Array; h: Float32Array; source: Float32Array } | undefined;
  private readonly act: (x: number) => number;
  private readonly recAct: (x: number) => number;

  constructor(
    private readonly op: RecurrentOp,
    private readonly batch: number,
    private readonly steps: number,
  ) {
    const u = op.units;
    const g = op.cell === "lstm" ? 4 : op.cell === "gru" ? 3 : 1;
    this.h = new Float32Array(batch * u);
    this.c = new Float32Array(op.cell === "lstm" ? batch * u : 0);
    this.gates = new Float32Array(batch * g * u);
    this.recurrentPart = new Float32Array(op.cell === "gru" ? batch * g * u : 0);
    this.previous = new Float32Array(batch * u);
    this.resetState = new Float32Array(op.cell === "gru" && !op.resetAfter ? batch * u : 0);
    this.act = scalarActivation(op.activation);
    this.recAct = scalarActivation(op.recurrentActivation);
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
        for (let b = 0; b < batch; b++) io.output.set(this.previous.subarray(b * u, (b + 1) * u), (b * steps + s) * u);
      }
    }
    if (io.output && !op.returnSequences) io.output.set(this.previous);
    if (io.h) io.h.set(this.h);
    if (io.c && op.cell === "lstm") io.c.set(this.c);
  }

  /** gates[b, :] = projected[b, t, :] + h[b, :]·R. */
  private project(io: RecurrentBuffers, t: number, width: number): void {
    const { batch, steps } = this;
    for (let b = 0; b < batch; b++) {
      const from = (b * steps + t) * width;
      this.gates.set(io.projected.subarray(from, from + width), b * width);
    }
    matmulAccumulate(this.h, 0, this.op.units, batch, this.op.units, io.recurrentKernel, width, this.gates, 0, width);
  }

  /** Whether sample b uses step t. */
  private used(io: RecurrentBuffers, b: number, t: number): boolean {
    return io.mask === undefined || io.mask[b * this.steps + t] !== 0;
  }

  /** A masked step: the state stays, the output is the previous output or zeros. */
  private maskedOutput(b: number): void {
    if (this.op.zeroOutputForMask) this.previous.fill(0, b * this.op.units, (b + 1) * this.op.units);
  }

  private lstmStep(io: RecurrentBuffers, t: number): void {
    const u = this.op.units;
    const width = 4 * u;
    this.project(io, t, width);
    const { gates, h, c, previous, act, recAct } = this;
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
        const o = recAct(gates[z + 3 * u + j]!);
        const cj = f * c[s + j]! + i * g;
        c[s + j] = cj;
        const hj = o * act(cj);
        h[s + j] = hj;
        previous[s + j] = hj;
      }
    }
  }

  private gruStep(io: RecurrentBuffers, t: number): void {
    const { batch, steps, h, previous, act, recAct, gates, recurrentPart } = this;
    const u = this.op.units;
    const width = 3 * u;
    for (let b = 0; b < batch; b++) {
      const from = (b * steps + t) * width;
      gates.set(io.projected.subarray(from, from + width), b * width);
    }
    if (this.op.resetAfter) {
      // h·R + b_rec, kept apart: ĥ = φ(x_h + r ∘ (h·R_h + b_rec,h)).
      matmul(h, 0, u, batch, u, io.recurrentKernel, width, io.recurrentBias, recurrentPart, 0, width);
      for (let b = 0; b < batch; b++) {
        if (!this.used(io, b, t)) {
          this.maskedOutput(b);
          continue;
        }
        const z = b * width;
        const s = b * u;
        for (let j = 0; j < u; j++) {
          const zg = recAct(gates[z + j]! + recurrentPart[z + j]!);
          const r = recAct(gates[z + u + j]! + recurrentPart[z + u + j]!);
          const candidate = act(gates[z + 2 * u + j]! + r * recurrentPart[z + 2 * u + j]!);
          const hj = zg * h[s + j]! + (1 - zg) * candidate;
          previous[s + j] = hj;
        }
      }
      this.commitGru(io, t);
      return;
    }
    // reset_after=false: z, r from h·R_zr; ĥ = φ(x_h + (r ∘ h)·R_h).
    const split = this.splitRecurrent(io.recurrentKernel);
    matmulAccumulate(h, 0, u, batch, u, split.zr, 2 * u, gates, 0, width);
    const { resetState } = this;
    for (let b = 0; b < batch; b++) {
      const z = b * width;
      const s = b * u;
      for (let j = 0; j < u; j++) resetState[s + j] = recAct(gates[z + u + j]!) * h[s + j]!;
    }
    matmulAccumulate(resetState, 0, u, batch, u, split.h, u, gates, 2 * u, width);
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
    }
    this.commitGru(io, t);
  }

  /** The GRU's new h was written to `previous` for used samples; make it the state. */
  private commitGru(io: RecurrentBuffers, t: number): void {
    const u = this.op.units;
    for (let b = 0; b < this.batch; b++) {
      if (this.used(io, b, t)) this.h.set(this.previous.subarray(b * u, (b + 1) * u), b * u);
    }
  }

  private simpleStep(io: RecurrentBuffers, t: number): void {
    const u = this.op.units;
    this.project(io, t, u);
    const { gates, h, previous, act } = this;
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

  /** R [u, 3u] as R_zr [u, 2u] and R_h [u, u], split once per weights. */
  private splitRecurrent(r: Float32Array): { zr: Float32Array; h: Float32Array } {
    if (this.splitKernel?.source === r) return this.splitKernel;
    const u = this.op.units;
    const zr = new Float32Array(u * 2 * u);
    const hk = new Float32Array(u * u);
    for (let i = 0; i < u; i++) {
      zr.set(r.subarray(i * 3 * u, i * 3 * u + 2 * u), i * 2 * u);
      hk.set(r.subarray(i * 3 * u + 2 * u, (i + 1) * 3 * u), i * u);
    }
    this.splitKernel = { zr, h: hk, source: r };
    return this.splitKernel;
  }
}
