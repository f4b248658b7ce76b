// One block of WebAssembly memory per plan, holding every buffer the plan uses, so that the SIMD
// matmul can read and write them in place. Buffers are views into it, allocated once.
import { matmulAccumulate } from "../kernels/matmul.js";
import { KERNELS_WASM, KERNELS_WASM_RELAXED } from "./kernels.generated.js";

/**
 * out[i, :] += x[i, :] · w on views: offsets and strides in floats. `packed`, from Arena.pack, is the
 * same w laid out for the SIMD kernel; kernels that do not use it ignore it.
 */
export type MatmulAccumulate = (
  x: Float32Array,
  xOffset: number,
  xStride: number,
  m: number,
  k: number,
  w: Float32Array,
  n: number,
  out: Float32Array,
  outOffset: number,
  outStride: number,
  packed?: Float32Array,
) => void;

interface KernelExports {
  matmul_acc(x: number, xs: number, m: number, k: number, w: number, n: number, out: number, os: number, wp: number): void;
  pack_strips(w: number, k: number, n: number, wp: number): void;
  lstm_gates(g: number, gs: number, c: number, h: number, prev: number, u: number, b: number, mask: number, ms: number, zero: number): void;
  gru_gates(
    g: number,
    gs: number,
    part: number,
    h: number,
    prev: number,
    u: number,
    b: number,
    mask: number,
    ms: number,
    zero: number,
  ): void;
  gru_reset(g: number, gs: number, h: number, reset: number, u: number, b: number): void;
  gru_update(g: number, gs: number, h: number, prev: number, u: number, b: number, mask: number, ms: number, zero: number): void;
  rnn_gates(g: number, gs: number, h: number, prev: number, u: number, b: number, mask: number, ms: number, zero: number): void;
}

/**
 * Keras's (TensorFlow backend's) masking, as a step kernel's last arguments: sample s's step runs where
 * mask[maskOffset + s·maskStride] ≠ 0; elsewhere its states stay and its output row is zeros with
 * zeroMasked (zero_output_for_mask), else the previous step's output. `mask` undefined: every step runs.
 */
export type StepMask = [mask: Uint8Array | undefined, maskOffset: number, maskStride: number, zeroMasked: boolean];

/**
 * One LSTM step's activations and state update for `batch` samples (Keras's default activations, any
 * `units`), in float32 SIMD: sample s's gates [i | f | c | o] at gates[gOffset + s·gStride], its states
 * at s·units of c, h and prev (the step's output).
 */
export type LstmGates = (
  ...args: [
    gates: Float32Array,
    gOffset: number,
    gStride: number,
    c: Float32Array,
    h: Float32Array,
    prev: Float32Array,
    units: number,
    batch: number,
    ...StepMask,
  ]
) => void;

/**
 * One GRU (reset_after) step's activations and state update for `batch` samples, as LstmGates: sample
 * s's projected input [z | r | h] at gates[gOffset + s·gStride], its h·R + recurrent bias at s·3·units
 * of `part`, its states at s·units of h and prev.
 */
export type GruGates = (
  ...args: [
    gates: Float32Array,
    gOffset: number,
    gStride: number,
    part: Float32Array,
    h: Float32Array,
    prev: Float32Array,
    units: number,
    batch: number,
    ...StepMask,
  ]
) => void;

/** A GRU (reset_after=false) step's r∘h = σ(r)·h into `reset` (s·units), before the candidate's matmul; r at gates[gOffset + s·gStride + units]. */
export type GruReset = (
  gates: Float32Array,
  gOffset: number,
  gStride: number,
  h: Float32Array,
  reset: Float32Array,
  units: number,
  batch: number,
) => void;

/** A GRU (reset_after=false) step's state update, its candidate's matmul done: h' = σ(z)·h + (1 − σ(z))·tanh(ĥ). */
export type GruUpdate = (
  ...args: [
    gates: Float32Array,
    gOffset: number,
    gStride: number,
    h: Float32Array,
    prev: Float32Array,
    units: number,
    batch: number,
    ...StepMask,
  ]
) => void;

/** A SimpleRNN (tanh) step's state: h' = tanh(gates), h·R already added. */
export type RnnGates = GruUpdate;

let compiled: WebAssembly.Module | null | undefined;
let compiledKind: "relaxed-simd" | "simd" | "js" = "js";

/**
 * The compiled kernels, or null where this engine has no WebAssembly SIMD (then JS kernels run): the
 * relaxed-SIMD build (fused multiply-adds) where the engine validates it — current browsers; Node 20
 * with --experimental-wasm-relaxed-simd — else the plain-SIMD one. Both sum the same products in the
 * same order; a fused multiply-add rounds once instead of twice.
 */
function kernelsModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  for (const [kind, base64] of [
    ["relaxed-simd", KERNELS_WASM_RELAXED],
    ["simd", KERNELS_WASM],
  ] as const) {
    try {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      if (!WebAssembly.validate(bytes)) continue;
      compiled = new WebAssembly.Module(bytes);
      compiledKind = kind;
      break;
    } catch {
      // This build does not compile here: try the next.
    }
  }
  return compiled;
}

const PAGE = 65536;
/** WebAssembly's 32-bit memories hold at most 65,536 pages: 4 GiB. */
const MAX_WASM_BYTES = 65536 * PAGE;
/** Below this many multiply-adds a matmul runs in JavaScript: the call into WebAssembly costs more than it saves. */
export const SMALL_MATMUL = 2048;
const ALIGN = 16;

export class Arena {
  private readonly memory: ArrayBuffer;
  private next = 0;
  readonly matmulAccumulate: MatmulAccumulate;
  /** A constant weight w [k, n] laid out for the SIMD kernel (taken from the arena), or undefined without SIMD. */
  readonly packStrips: (w: Float32Array, k: number, n: number) => Float32Array | undefined;
  /** The SIMD LSTM step (undefined without SIMD: the step text's JavaScript loop runs instead). */
  readonly lstmGates: LstmGates | undefined;
  /** The SIMD GRU (reset_after) step, likewise. */
  readonly gruGates: GruGates | undefined;
  /** The SIMD GRU (reset_after=false) step: r∘h before the candidate's matmul, the update after it. */
  readonly gruReset: GruReset | undefined;
  readonly gruUpdate: GruUpdate | undefined;
  /** The SIMD SimpleRNN (tanh) step. */
  readonly rnnGates: RnnGates | undefined;
  /** Whether the SIMD kernels run (else the JS ones). */
  readonly simd: boolean;

  /** An arena of at least `bytes` bytes; `useWasm: false` forces the JS kernels (for tests). */
  constructor(bytes: number, useWasm = true) {
    const module = useWasm ? kernelsModule() : null;
    if (module) {
      // A RangeError naming WebAssembly.Memory is what loadModel's guard turns into its message
      // (lower/memory.ts); a compiled module passes this one on as it is.
      if (bytes > MAX_WASM_BYTES) {
        throw new RangeError(
          `WebAssembly.Memory: a run of these sizes needs ${gigabytes(bytes)} of working memory, more than WebAssembly's 4 GB; lower the sizes`,
        );
      }
      const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
      const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
      this.memory = memory.buffer;
      this.matmulAccumulate = (x, xo, xs, m, k, w, n, out, oo, os, packed) => {
        if (m * k * n < SMALL_MATMUL) matmulAccumulate(x, xo, xs, m, k, w, n, out, oo, os);
        else
          kernels.matmul_acc(x.byteOffset + 4 * xo, xs, m, k, w.byteOffset, n, out.byteOffset + 4 * oo, os, packed ? packed.byteOffset : 0);
      };
      this.packStrips = (w, k, n) => {
        const packed = this.f32(Arena.packedFloats(k, n));
        kernels.pack_strips(w.byteOffset, k, n, packed.byteOffset);
        return packed;
      };
      // A mask goes in as its step's byte address and the batch stride in bytes (0: no mask); no array is made per step.
      this.lstmGates = (g, go, gs, c, h, prev, u, b, mask, mo, ms, zero) =>
        kernels.lstm_gates(
          g.byteOffset + 4 * go,
          4 * gs,
          c.byteOffset,
          h.byteOffset,
          prev.byteOffset,
          u,
          b,
          maskAddress(mask, mo),
          mask ? ms : 0,
          zero ? 1 : 0,
        );
      this.gruGates = (g, go, gs, part, h, prev, u, b, mask, mo, ms, zero) =>
        kernels.gru_gates(
          g.byteOffset + 4 * go,
          4 * gs,
          part.byteOffset,
          h.byteOffset,
          prev.byteOffset,
          u,
          b,
          maskAddress(mask, mo),
          mask ? ms : 0,
          zero ? 1 : 0,
        );
      this.gruReset = (g, go, gs, h, reset, u, b) => kernels.gru_reset(g.byteOffset + 4 * go, 4 * gs, h.byteOffset, reset.byteOffset, u, b);
      this.gruUpdate = (g, go, gs, h, prev, u, b, mask, mo, ms, zero) =>
        kernels.gru_update(
          g.byteOffset + 4 * go,
          4 * gs,
          h.byteOffset,
          prev.byteOffset,
          u,
          b,
          maskAddress(mask, mo),
          mask ? ms : 0,
          zero ? 1 : 0,
        );
      this.rnnGates = (g, go, gs, h, prev, u, b, mask, mo, ms, zero) =>
        kernels.rnn_gates(
          g.byteOffset + 4 * go,
          4 * gs,
          h.byteOffset,
          prev.byteOffset,
          u,
          b,
          maskAddress(mask, mo),
          mask ? ms : 0,
          zero ? 1 : 0,
        );
      this.simd = true;
    } else {
      this.memory = new ArrayBuffer(bytes);
      this.matmulAccumulate = matmulAccumulate;
      this.packStrips = () => undefined;
      this.lstmGates = undefined;
      this.gruGates = undefined;
      this.gruReset = undefined;
      this.gruUpdate = undefined;
      this.rnnGates = undefined;
      this.simd = false;
    }
  }

  /** Which matmul kernels arenas run here: "relaxed-simd", "simd" or "js" (no WebAssembly SIMD). */
  static kernels(): "relaxed-simd" | "simd" | "js" {
    kernelsModule();
    return compiledKind;
  }

  /** The floats a packed [k, n] weight takes (its full 8-column strips). */
  static packedFloats(k: number, n: number): number {
    return k * (n & ~7);
  }

  /** The bytes `sizes` buffers need, each aligned for SIMD loads. */
  static bytesFor(sizesInBytes: readonly number[]): number {
    return sizesInBytes.reduce((total, s) => total + Math.ceil(s / ALIGN) * ALIGN, 0);
  }

  f32(length: number): Float32Array {
    return new Float32Array(this.memory, this.take(length * 4), length);
  }

  i32(length: number): Int32Array {
    return new Int32Array(this.memory, this.take(length * 4), length);
  }

  u8(length: number): Uint8Array {
    return new Uint8Array(this.memory, this.take(length), length);
  }

  /** A view of the same type holding a copy of `data`. */
  copy<T extends Float32Array | Int32Array | Uint8Array>(data: T): T {
    const view = (
      data instanceof Float32Array ? this.f32(data.length) : data instanceof Int32Array ? this.i32(data.length) : this.u8(data.length)
    ) as T;
    view.set(data);
    return view;
  }

  private take(bytes: number): number {
    const at = this.next;
    this.next += Math.ceil(bytes / ALIGN) * ALIGN;
    if (this.next > this.memory.byteLength) throw new Error("arena overflow: a plan sized it too small");
    return at;
  }
}

/** A step kernel's mask argument: the byte address of sample 0's entry for this step (unused without a mask). */
function maskAddress(mask: Uint8Array | undefined, offset: number): number {
  return mask ? mask.byteOffset + offset : 0;
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}
