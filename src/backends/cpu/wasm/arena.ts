// One block of WebAssembly memory per plan, holding every buffer the plan uses, so that the SIMD
// matmul can read and write them in place. Buffers are views into it, allocated once.
import { matmulAccumulate } from "../kernels/matmul.js";
import { KERNELS_WASM, KERNELS_WASM_RELAXED, KERNELS_WASM_RELAXED_SHARED, KERNELS_WASM_SHARED } from "./kernels.generated.js";
import { DataError } from "../../../types/tensor-data.js";
import { defaultThreads, MAX_PARTS, PART_INTS, PART_KERNELS, Pool, threadsProblem, type PartKernel } from "./pool.js";
import { splitMatmul, splitSamples } from "./split.js";

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
  matmul_acc(x: number, xs: number, m: number, k: number, w: number, n: number, ws: number, out: number, os: number, wp: number): void;
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

const compiled: { plain?: WebAssembly.Module | null; shared?: WebAssembly.Module | null } = {};
let compiledKind: "relaxed-simd" | "simd" | "js" = "js";

/**
 * The compiled kernels, or null where this engine has no WebAssembly SIMD (then JS kernels run): the
 * relaxed-SIMD build (fused multiply-adds) where the engine validates it — current browsers; Node 20
 * with --experimental-wasm-relaxed-simd — else the plain-SIMD one. Both sum the same products in the
 * same order; a fused multiply-add rounds once instead of twice. `shared`: the build importing a
 * shared memory (threads), null where the engine has no WebAssembly threads.
 */
function kernelsModule(shared: boolean): WebAssembly.Module | null {
  const key = shared ? "shared" : "plain";
  const cached = compiled[key];
  if (cached !== undefined) return cached;
  compiled[key] = null;
  const builds = shared
    ? ([
        ["relaxed-simd", KERNELS_WASM_RELAXED_SHARED],
        ["simd", KERNELS_WASM_SHARED],
      ] as const)
    : ([
        ["relaxed-simd", KERNELS_WASM_RELAXED],
        ["simd", KERNELS_WASM],
      ] as const);
  for (const [kind, base64] of builds) {
    try {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      if (!WebAssembly.validate(bytes)) continue;
      compiled[key] = new WebAssembly.Module(bytes);
      if (!shared) compiledKind = kind;
      break;
    } catch {
      // This build does not compile here: try the next.
    }
  }
  return compiled[key];
}

/**
 * loadModel's and compiled modules' kernel options resolved: SIMD unless refused, the threads asked
 * for or the machine's cores; a DataError (its message after `where`) for a threads option out of range.
 */
export function resolveKernels(options: KernelOptions, where = ""): Required<KernelOptions> {
  const problem = threadsProblem(options.threads);
  if (problem) throw new DataError(where + problem);
  return { simd: options.simd !== false, threads: options.threads ?? defaultThreads() };
}

/** How an arena's kernels run. */
export interface KernelOptions {
  /** false: the JavaScript kernels even where WebAssembly SIMD is available (tests, the fallback). */
  simd?: boolean;
  /** Threads the SIMD kernels may use, this one included (default 1); more need shared memory and workers, else one. */
  threads?: number;
}

const PAGE = 65536;
/** WebAssembly's 32-bit memories hold at most 65,536 pages: 4 GiB. */
const MAX_WASM_BYTES = 65536 * PAGE;
/** Below this many multiply-adds a matmul runs in JavaScript: the call into WebAssembly costs more than it saves. */
export const SMALL_MATMUL = 2048;
/** From this many multiply-adds a matmul is split across threads (a batch-1 LSTM(256) step's h·R has 262,144). */
export const PARALLEL_MACS = 1 << 17;
/** From this many units (samples × units) a gates step is split across threads by samples. */
const PARALLEL_UNITS = 2048;
const LSTM_GATES = PART_KERNELS.indexOf("lstm_gates");
const GRU_GATES = PART_KERNELS.indexOf("gru_gates");
const GRU_RESET = PART_KERNELS.indexOf("gru_reset");
const GRU_UPDATE = PART_KERNELS.indexOf("gru_update");
const RNN_GATES = PART_KERNELS.indexOf("rnn_gates");
const ALIGN = 16;

export class Arena {
  private readonly memory: ArrayBufferLike;
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
  /** The threads its kernels may use: 1, or as asked where workers can run (they start with its first job big enough to split). */
  readonly threads: number;

  /** An arena of at least `bytes` bytes; its kernels as `kernels` asks (SIMD unless simd: false, on one thread unless threads > 1). */
  constructor(bytes: number, kernels: KernelOptions = {}) {
    const useWasm = kernels.simd !== false;
    const threads = Math.max(1, Math.floor(kernels.threads ?? 1));
    let pool = useWasm && threads > 1 ? Pool.forThreads() : undefined;
    let module = pool ? kernelsModule(true) : null;
    if (!module) {
      pool = undefined;
      module = useWasm ? kernelsModule(false) : null;
    }
    if (module) {
      // A RangeError naming WebAssembly.Memory is what loadModel's guard turns into its message
      // (lower/memory.ts); a compiled module passes this one on as it is.
      if (bytes > MAX_WASM_BYTES) {
        throw new RangeError(
          `WebAssembly.Memory: a run of these sizes needs ${gigabytes(bytes)} of working memory, more than WebAssembly's 4 GB; lower the sizes`,
        );
      }
      const pages = Math.max(1, Math.ceil(bytes / PAGE));
      const memory = new WebAssembly.Memory(pool ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
      const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
      this.memory = memory.buffer;
      const member = pool?.member(
        this,
        module,
        memory,
        PART_KERNELS.map((name) => exports[name] as PartKernel),
        threads - 1,
      );
      this.threads = member ? member.workers + 1 : 1;
      const parts = new Int32Array(MAX_PARTS * PART_INTS);
      /** Threads for a job of `work` units: 1 (run it here alone) below `threshold` or without workers. */
      const threadsFor = (work: number, threshold: number) => (member && work >= threshold ? pool!.participants(member) : 1);
      /** Runs the `count` parts written to `parts` on the threads; false when there is one part (run the call here). */
      const runParts = (count: number) => count > 1 && (pool!.run(member!, parts, count), true);
      const matmul = (x: number, xs: number, m: number, k: number, w: number, n: number, out: number, os: number, wp: number) => {
        const p = threadsFor(m * k * n, PARALLEL_MACS);
        if (p > 1 && runParts(splitMatmul(parts, partsFor(p, m * k * n, PARALLEL_MACS), x, xs, m, k, w, n, out, os, wp))) return;
        exports.matmul_acc(x, xs, m, k, w, n, n, out, os, wp);
      };
      this.matmulAccumulate = (x, xo, xs, m, k, w, n, out, oo, os, packed) => {
        if (m * k * n < SMALL_MATMUL) matmulAccumulate(x, xo, xs, m, k, w, n, out, oo, os);
        else matmul(x.byteOffset + 4 * xo, xs, m, k, w.byteOffset, n, out.byteOffset + 4 * oo, os, packed ? packed.byteOffset : 0);
      };
      this.packStrips = (w, k, n) => {
        const packed = this.f32(Arena.packedFloats(k, n));
        exports.pack_strips(w.byteOffset, k, n, packed.byteOffset);
        return packed;
      };
      // The step kernels run on the threads by samples, where the batch is big enough: `steps` takes
      // each argument's bytes per sample (0: the same for all), and where the batch count is. A mask goes
      // in as its step's byte address and the batch stride in bytes (0: no mask). On one thread the
      // kernel is called directly: no array is made per step.
      const stepThreads = (u: number, b: number) => (b > 1 ? threadsFor(b * u, PARALLEL_UNITS) : 1);
      const steps = (p: number, kind: number, u: number, b: number, batchAt: number, args: number[], perSample: number[]) => {
        if (!runParts(splitSamples(parts, partsFor(p, b * u, PARALLEL_UNITS), kind, args, perSample, batchAt))) {
          (exports[PART_KERNELS[kind]!] as PartKernel)(...args);
        }
      };
      this.lstmGates = (g, go, gs, c, h, prev, u, b, mask, mo, ms, zero) => {
        const at = g.byteOffset + 4 * go;
        const ma = maskAddress(mask, mo);
        const mb = mask ? ms : 0;
        const z = zero ? 1 : 0;
        const p = stepThreads(u, b);
        if (p === 1) return exports.lstm_gates(at, 4 * gs, c.byteOffset, h.byteOffset, prev.byteOffset, u, b, ma, mb, z);
        const args = [at, 4 * gs, c.byteOffset, h.byteOffset, prev.byteOffset, u, b, ma, mb, z];
        steps(p, LSTM_GATES, u, b, 6, args, [4 * gs, 0, 4 * u, 4 * u, 4 * u, 0, 0, mb, 0, 0]);
      };
      this.gruGates = (g, go, gs, part, h, prev, u, b, mask, mo, ms, zero) => {
        const at = g.byteOffset + 4 * go;
        const ma = maskAddress(mask, mo);
        const mb = mask ? ms : 0;
        const z = zero ? 1 : 0;
        const p = stepThreads(u, b);
        if (p === 1) return exports.gru_gates(at, 4 * gs, part.byteOffset, h.byteOffset, prev.byteOffset, u, b, ma, mb, z);
        const args = [at, 4 * gs, part.byteOffset, h.byteOffset, prev.byteOffset, u, b, ma, mb, z];
        steps(p, GRU_GATES, u, b, 6, args, [4 * gs, 0, 12 * u, 4 * u, 4 * u, 0, 0, mb, 0, 0]);
      };
      this.gruReset = (g, go, gs, h, reset, u, b) => {
        const at = g.byteOffset + 4 * go;
        const p = stepThreads(u, b);
        if (p === 1) return exports.gru_reset(at, 4 * gs, h.byteOffset, reset.byteOffset, u, b);
        steps(p, GRU_RESET, u, b, 5, [at, 4 * gs, h.byteOffset, reset.byteOffset, u, b], [4 * gs, 0, 4 * u, 4 * u, 0, 0]);
      };
      this.gruUpdate = (g, go, gs, h, prev, u, b, mask, mo, ms, zero) => {
        const at = g.byteOffset + 4 * go;
        const ma = maskAddress(mask, mo);
        const mb = mask ? ms : 0;
        const z = zero ? 1 : 0;
        const p = stepThreads(u, b);
        if (p === 1) return exports.gru_update(at, 4 * gs, h.byteOffset, prev.byteOffset, u, b, ma, mb, z);
        const args = [at, 4 * gs, h.byteOffset, prev.byteOffset, u, b, ma, mb, z];
        steps(p, GRU_UPDATE, u, b, 5, args, [4 * gs, 0, 4 * u, 4 * u, 0, 0, mb, 0, 0]);
      };
      this.rnnGates = (g, go, gs, h, prev, u, b, mask, mo, ms, zero) => {
        const at = g.byteOffset + 4 * go;
        const ma = maskAddress(mask, mo);
        const mb = mask ? ms : 0;
        const z = zero ? 1 : 0;
        const p = stepThreads(u, b);
        if (p === 1) return exports.rnn_gates(at, 4 * gs, h.byteOffset, prev.byteOffset, u, b, ma, mb, z);
        const args = [at, 4 * gs, h.byteOffset, prev.byteOffset, u, b, ma, mb, z];
        steps(p, RNN_GATES, u, b, 5, args, [4 * gs, 0, 4 * u, 4 * u, 0, 0, mb, 0, 0]);
      };
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
      this.threads = 1;
    }
  }

  /** Which matmul kernels arenas run here: "relaxed-simd", "simd" or "js" (no WebAssembly SIMD). */
  static kernels(): "relaxed-simd" | "simd" | "js" {
    kernelsModule(false);
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

/**
 * Parts for `threads` threads: up to 4 per thread, none under `threshold` units of work, so that a
 * thread that started late or runs slower (a core waking up) takes fewer instead of being waited for.
 */
function partsFor(threads: number, work: number, threshold: number): number {
  return threads * Math.max(1, Math.min(4, Math.floor(work / (threads * threshold)) * 2));
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}
