// Seeded random recurrent-layer cases: one description (`RecurrentSpec`) from which the .rnn source,
// the weights, the inputs, the float64 reference's outputs and tfjs-layers' outputs are all derived.
import type { TensorData, WeightSet } from "../../src/types/tensor-data.js";
import {
  bidirectionalLayer,
  flatten,
  gateCount,
  rnnLayer,
  stateCount,
  type Activation,
  type CellKind,
  type Mat,
  type Merge,
  type Nested,
  type Seq,
  type Weight,
} from "./reference.js";
import { runTfjsRecurrent, type TfjsOutput } from "./tfjs.js";

// ---------------------------------------------------------------------------------------------
// A small seeded generator (mulberry32): the same cases on every run and machine.

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** A float32-representable value in [lo, hi). */
  float(lo: number, hi: number): number {
    return Math.fround(lo + (hi - lo) * this.next());
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** A seed from a string (FNV-1a), so that each named case has its own stream. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function randomWeight(rng: Rng, shape: number[], lo = -0.5, hi = 0.5): Weight {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Array.from({ length: n }, () => rng.float(lo, hi)) };
}

export function randomSeq(rng: Rng, B: number, T: number, F: number, lo = -1, hi = 1): Seq {
  return Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: F }, () => rng.float(lo, hi))));
}

export function randomMat(rng: Rng, rows: number, cols: number, lo = -1, hi = 1): Mat {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.float(lo, hi)));
}

/**
 * A mask [B][T] (true = step used) whose samples cycle through the interesting patterns: masked steps
 * before the first used one, a fully masked sample, right padding, and random holes.
 */
export function randomMask(rng: Rng, B: number, T: number, offset = 0): boolean[][] {
  const patterns = ["leading", "random", "none-used", "right-padded", "holes"] as const;
  return Array.from({ length: B }, (_, b) => {
    const pattern = patterns[(b + offset) % patterns.length]!;
    switch (pattern) {
      case "none-used":
        return new Array<boolean>(T).fill(false);
      case "leading": {
        const k = rng.int(1, Math.max(1, T - 1));
        return Array.from({ length: T }, (_, t) => t >= k || (t === T - 1 && k >= T));
      }
      case "right-padded": {
        const used = rng.int(1, T);
        return Array.from({ length: T }, (_, t) => t < used);
      }
      case "holes":
        return Array.from({ length: T }, (_, t) => t === 0 || t === T - 1 || rng.bool(0.5));
      case "random":
        return Array.from({ length: T }, () => rng.bool(0.6));
    }
  });
}

// ---------------------------------------------------------------------------------------------
// One recurrent layer applied to x, maybe bidirectional, maybe with initial states and a mask.

export interface RecurrentSpec {
  cell: CellKind;
  units: number;
  seq: boolean;
  state: boolean;
  backwards: boolean;
  activation: Activation;
  recurrentActivation: Activation;
  useBias: boolean;
  /** GRU only. */
  resetAfter: boolean;
  /** Bidirectional with this merge mode when set. */
  merge?: Merge;
  /** `bilstm(...)` instead of `bidirectional(lstm(...))`. */
  shorthand?: boolean;
  B: number;
  T: number;
  F: number;
  initial: boolean;
  mask: boolean;
  /** The file's edition (`keras 3` as its first statement); absent: keras 2, the default. */
  edition?: 3;
  /** Keras `zero_output_for_mask` on a plain layer. */
  zeroOutputForMask?: boolean;
}

/** An activation as the spec's edition computes it: `hard_sigmoid` is Keras 3's under `keras 3`. */
function editionActivation(spec: RecurrentSpec, a: Activation): Activation {
  return spec.edition === 3 && a === "hard_sigmoid" ? "hard_sigmoid3" : a;
}

export interface RecurrentData {
  /** Keras get_weights() order: the forward layer's, then the backward layer's for a bidirectional one. */
  weights: Weight[];
  x: Seq;
  /** In Keras order: [h0, (c0)], forward then backward for a bidirectional layer. */
  initial?: Mat[];
  mask?: boolean[][];
}

const DSL_CELL: Record<CellKind, string> = { simple_rnn: "rnn", gru: "gru", lstm: "lstm" };
const STATE_NAMES: Record<CellKind, string[]> = { simple_rnn: ["h"], gru: ["h"], lstm: ["h", "c"] };

export const LAYER_NAME = "rl";

function cellWeightShapes(spec: RecurrentSpec): number[][] {
  const width = gateCount(spec.cell) * spec.units;
  const shapes = [
    [spec.F, width],
    [spec.units, width],
  ];
  if (spec.useBias) shapes.push(spec.cell === "gru" && spec.resetAfter ? [2, width] : [width]);
  return shapes;
}

export function randomData(spec: RecurrentSpec, rng: Rng): RecurrentData {
  const directions = spec.merge === undefined ? 1 : 2;
  const weights: Weight[] = [];
  for (let d = 0; d < directions; d++) for (const shape of cellWeightShapes(spec)) weights.push(randomWeight(rng, shape));
  const x = randomSeq(rng, spec.B, spec.T, spec.F);
  const data: RecurrentData = { weights, x };
  if (spec.initial) {
    const n = stateCount(spec.cell) * directions;
    data.initial = Array.from({ length: n }, () => randomMat(rng, spec.B, spec.units));
  }
  if (spec.mask) data.mask = randomMask(rng, spec.B, spec.T, rng.int(0, 4));
  return data;
}

export function initialNames(spec: RecurrentSpec): string[] {
  const names = STATE_NAMES[spec.cell];
  if (spec.merge === undefined) return names.map((n) => `${n}0`);
  return [...names.map((n) => `f${n}0`), ...names.map((n) => `b${n}0`)];
}

/** How many tensors the layer returns. */
export function outputCount(spec: RecurrentSpec): number {
  const directions = spec.merge === undefined ? 1 : 2;
  const outs = spec.merge === "none" ? 2 : 1;
  return outs + (spec.state ? stateCount(spec.cell) * directions : 0);
}

/** The layer's constructor text, e.g. `lstm(3, seq=true, state=false, name="rl")`. */
export function layerText(spec: RecurrentSpec, name = LAYER_NAME): string {
  const args = [`${spec.units}`, `seq=${spec.seq}`, `state=${spec.state}`];
  if (spec.backwards) args.push("backwards=true");
  if (spec.activation !== "tanh") args.push(`activation=${spec.activation}`);
  if (spec.cell !== "simple_rnn" && spec.recurrentActivation !== "sigmoid") args.push(`recurrent_activation=${spec.recurrentActivation}`);
  if (!spec.useBias) args.push("use_bias=false");
  if (spec.cell === "gru" && !spec.resetAfter) args.push("reset_after=false");
  if (spec.zeroOutputForMask) args.push("zero_output_for_mask=true");
  const cell = DSL_CELL[spec.cell];
  if (spec.merge === undefined) return `${cell}(${[...args, `name="${name}"`].join(", ")})`;
  if (spec.shorthand) return `bi${cell}(${[...args, `merge=${spec.merge}`, `name="${name}"`].join(", ")})`;
  return `bidirectional(${cell}(${args.join(", ")}), merge=${spec.merge}, name="${name}")`;
}

/** The whole model: `model M(x: [B,T,F], h0: [B,u], ..., m: bool[B,T]) { o0, o1 = layer(x, ...) return o0, o1 }`. */
export function recurrentSource(spec: RecurrentSpec): string {
  const params = [`x: [${spec.B}, ${spec.T}, ${spec.F}]`];
  const init = spec.initial ? initialNames(spec) : [];
  for (const n of init) params.push(`${n}: [${spec.B}, ${spec.units}]`);
  if (spec.mask) params.push(`m: bool[${spec.B}, ${spec.T}]`);
  const callArgs = ["x"];
  if (init.length === 1) callArgs.push(`initial=${init[0]}`);
  else if (init.length > 1) callArgs.push(`initial=(${init.join(", ")})`);
  if (spec.mask) callArgs.push("mask=m");
  const outs = Array.from({ length: outputCount(spec) }, (_, i) => `o${i}`);
  return `${spec.edition === 3 ? "keras 3\n\n" : ""}model M(${params.join(", ")}) {\n  ${outs.join(", ")} = ${layerText(spec)}(${callArgs.join(", ")})\n  return ${outs.join(", ")}\n}\n`;
}

export function tensorF32(v: Nested): TensorData {
  const { shape, data } = flatten(v);
  return { shape, data: Float32Array.from(data) };
}

export function tensorBool(mask: readonly (readonly boolean[])[]): TensorData {
  return { shape: [mask.length, mask[0]?.length ?? 0], data: Uint8Array.from(mask.flat().map((v) => (v ? 1 : 0))) };
}

export function tensorI32(ids: readonly (readonly number[])[]): TensorData {
  return { shape: [ids.length, ids[0]?.length ?? 0], data: Int32Array.from(ids.flat()) };
}

export function weightTensor(w: Weight): TensorData {
  return { shape: w.shape.slice(), data: Float32Array.from(w.data) };
}

export function weightSet(layers: Record<string, readonly Weight[]>): WeightSet {
  return { layers: new Map(Object.entries(layers).map(([name, ws]) => [name, ws.map(weightTensor)])), source: "test" };
}

export function recurrentInputs(spec: RecurrentSpec, data: RecurrentData): Record<string, TensorData> {
  const inputs: Record<string, TensorData> = { x: tensorF32(data.x) };
  if (data.initial) initialNames(spec).forEach((n, i) => (inputs[n] = tensorF32(data.initial![i]!)));
  if (data.mask) inputs["m"] = tensorBool(data.mask);
  return inputs;
}

/** The float64 reference's outputs, in Keras order. */
export function referenceOutputs(spec: RecurrentSpec, data: RecurrentData, maskSemantics: "keras" | "tfjs" = "keras"): Nested[] {
  const cell = {
    kind: spec.cell,
    units: spec.units,
    activation: editionActivation(spec, spec.activation),
    recurrentActivation: editionActivation(spec, spec.recurrentActivation),
    useBias: spec.useBias,
    resetAfter: spec.resetAfter,
    returnSequences: spec.seq,
    returnState: spec.state,
    maskSemantics,
  };
  if (spec.merge === undefined) {
    const plain = { ...cell, goBackwards: spec.backwards, zeroOutputForMask: spec.zeroOutputForMask === true };
    return rnnLayer(plain, data.weights, data.x, data.initial, data.mask);
  }
  return bidirectionalLayer({ ...cell, merge: spec.merge }, data.weights, data.x, data.initial, data.mask);
}

/** Whether tfjs-layers can run this layer at all (its GRU has no reset_after=true, its hard_sigmoid is Keras 2's). */
export function tfjsSupports(spec: RecurrentSpec): boolean {
  const keras3HardSigmoid = spec.edition === 3 && [spec.activation, spec.recurrentActivation].includes("hard_sigmoid");
  return !(spec.cell === "gru" && spec.resetAfter) && !keras3HardSigmoid;
}

export function tfjsOutputs(spec: RecurrentSpec, data: RecurrentData): Promise<TfjsOutput[]> {
  return runTfjsRecurrent(
    {
      cell: spec.cell,
      units: spec.units,
      returnSequences: spec.seq,
      returnState: spec.state,
      goBackwards: spec.backwards,
      activation: spec.activation,
      recurrentActivation: spec.recurrentActivation,
      useBias: spec.useBias,
      resetAfter: false,
      ...(spec.merge !== undefined ? { bidirectional: spec.merge } : {}),
    },
    data.weights,
    data.x,
    data.initial,
    data.mask,
  );
}

/**
 * Where Keras's masked outputs (§6, TF backend) and tfjs-layers' provably agree, per output element
 * (true = compare): every state; an output at a used step; and, outside a zeroing bidirectional
 * sequence, an output after the first used step in processing order (both then repeat the last h),
 * or anywhere when the initial h is zero (both fall back to zeros).
 */
export function maskAgreement(spec: RecurrentSpec, data: RecurrentData): boolean[][] {
  const mask = data.mask;
  const shapes = referenceOutputs(spec, data).map((o) => flatten(o).shape);
  const nOut = spec.merge === "none" ? 2 : 1;
  return shapes.map((shape, k) => {
    const size = shape.reduce((a, b) => a * b, 1);
    if (!mask || k >= nOut) return new Array<boolean>(size).fill(true);
    const B = spec.B;
    const T = spec.T;
    const width = shape[shape.length - 1]!;
    const result: boolean[] = [];
    // Per direction (forward half, backward half of a concat, or one of the two merge=none outputs).
    const directionOf = (j: number): "fwd" | "bwd" => {
      if (spec.merge === undefined) return "fwd";
      if (spec.merge === "none") return k === 0 ? "fwd" : "bwd";
      if (spec.merge === "concat") return j < spec.units ? "fwd" : "bwd";
      return "both" as never;
    };
    const h0Zero = (dir: "fwd" | "bwd", b: number): boolean => {
      if (!data.initial) return true;
      const idx = dir === "fwd" ? 0 : stateCount(spec.cell);
      return data.initial[idx]![b]!.every((v) => v === 0);
    };
    const processedBackwards = (dir: "fwd" | "bwd") => (spec.merge === undefined ? spec.backwards : dir === "bwd");
    // Is output time index `t` (as returned) of direction `dir` comparable for sample b?
    const ok = (dir: "fwd" | "bwd", b: number, t: number): boolean => {
      const zeroing = spec.merge !== undefined && spec.seq;
      const back = processedBackwards(dir);
      // The input step this output belongs to: a bare go_backwards sequence is in processing order;
      // a bidirectional one has been re-aligned with time.
      const step = spec.merge === undefined && back ? T - 1 - t : t;
      if (mask[b]![step]!) return true;
      if (zeroing) return false;
      if (h0Zero(dir, b)) return true;
      const order = back ? Array.from({ length: T }, (_, i) => T - 1 - i) : Array.from({ length: T }, (_, i) => i);
      const pos = order.indexOf(step);
      return order.slice(0, pos).some((s) => mask[b]![s]!);
    };
    for (let b = 0; b < B; b++) {
      const steps = spec.seq ? T : 1;
      for (let t = 0; t < steps; t++) {
        for (let j = 0; j < width; j++) {
          const check = (dir: "fwd" | "bwd"): boolean => {
            if (spec.seq) return ok(dir, b, t);
            // seq=false: the last processed step's fallback output.
            const back = processedBackwards(dir);
            const last = back ? 0 : T - 1;
            return ok(dir, b, spec.merge === undefined && back ? T - 1 - last : last);
          };
          const merged = spec.merge === "sum" || spec.merge === "mul" || spec.merge === "ave";
          result.push(merged ? check("fwd") && check("bwd") : check(directionOf(j)));
        }
      }
    }
    return result;
  });
}
