// Weight initializers a source can name: the values the checker validates and hover shows, and
// `materialize`, which turns one into numbers with Keras's formulas (on rnnc's own generator: see random.ts).
import { orthogonal } from "./orthogonal.js";
import { Random } from "./random.js";

export type Initializer =
  | { kind: "zeros" }
  | { kind: "ones" }
  | { kind: "constant"; value: number }
  | { kind: "random_uniform"; minval: number; maxval: number; seed?: number }
  | { kind: "glorot_uniform"; seed?: number }
  | { kind: "orthogonal"; seed?: number; gain: number };

export interface InitializerSpec {
  name: Initializer["kind"];
  aliases: readonly string[];
  /** Its arguments: positional in this order, or by keyword. */
  args: readonly { name: string; required: boolean; integer?: boolean }[];
  doc: string;
}

export const INITIALIZERS: readonly InitializerSpec[] = [
  { name: "zeros", aliases: ["Zeros"], args: [], doc: "All zeros." },
  { name: "ones", aliases: ["Ones"], args: [], doc: "All ones." },
  { name: "constant", aliases: ["Constant"], args: [{ name: "value", required: true }], doc: "Every weight equal to `value`." },
  {
    name: "random_uniform",
    aliases: ["uniform", "RandomUniform"],
    args: [
      { name: "minval", required: false },
      { name: "maxval", required: false },
      { name: "seed", required: false, integer: true },
    ],
    doc: "Uniform in [minval, maxval), default ±0.05; Keras's default for embeddings.",
  },
  {
    name: "glorot_uniform",
    aliases: ["GlorotUniform"],
    args: [{ name: "seed", required: false, integer: true }],
    doc: "Uniform in ±sqrt(6 / (fan_in + fan_out)); Keras's default kernel initializer.",
  },
  {
    name: "orthogonal",
    aliases: ["Orthogonal"],
    args: [
      { name: "gain", required: false },
      { name: "seed", required: false, integer: true },
    ],
    doc: "A random orthogonal matrix times `gain`; Keras's default recurrent initializer.",
  },
];

export function findInitializer(name: string): InitializerSpec | undefined {
  return INITIALIZERS.find((s) => s.name === name || s.aliases.includes(name));
}

export function makeInitializer(spec: InitializerSpec, args: ReadonlyMap<string, number>): Initializer {
  switch (spec.name) {
    case "zeros":
      return { kind: "zeros" };
    case "ones":
      return { kind: "ones" };
    case "constant":
      return { kind: "constant", value: args.get("value") ?? 0 };
    case "random_uniform": {
      const seed = args.get("seed");
      const range = { minval: args.get("minval") ?? -0.05, maxval: args.get("maxval") ?? 0.05 };
      return seed === undefined ? { kind: "random_uniform", ...range } : { kind: "random_uniform", ...range, seed };
    }
    case "glorot_uniform": {
      const seed = args.get("seed");
      return seed === undefined ? { kind: "glorot_uniform" } : { kind: "glorot_uniform", seed };
    }
    case "orthogonal": {
      const seed = args.get("seed");
      const gain = args.get("gain") ?? 1;
      return seed === undefined ? { kind: "orthogonal", gain } : { kind: "orthogonal", seed, gain };
    }
  }
}

export function formatInitializer(init: Initializer): string {
  switch (init.kind) {
    case "zeros":
    case "ones":
      return init.kind;
    case "constant":
      return `constant(${init.value})`;
    case "random_uniform": {
      const parts = [
        init.minval !== -0.05 ? `minval=${init.minval}` : "",
        init.maxval !== 0.05 ? `maxval=${init.maxval}` : "",
        init.seed !== undefined ? `seed=${init.seed}` : "",
      ].filter(Boolean);
      return parts.length ? `random_uniform(${parts.join(", ")})` : "random_uniform";
    }
    case "glorot_uniform":
      return init.seed === undefined ? "glorot_uniform" : `glorot_uniform(seed=${init.seed})`;
    case "orthogonal": {
      const parts = [init.gain !== 1 ? `gain=${init.gain}` : "", init.seed !== undefined ? `seed=${init.seed}` : ""].filter(Boolean);
      return parts.length ? `orthogonal(${parts.join(", ")})` : "orthogonal";
    }
  }
}

// ---- numbers ----

/**
 * The values of a weight of `shape` (row-major) drawn from `init`, with Keras's formulas. `seed` is
 * used unless the initializer names its own (`glorot_uniform(seed=1)`), which then gives the same
 * numbers wherever it is used, as a seeded Keras initializer does. The numbers are rnnc's own
 * (Keras's come from TensorFlow's RNG), the same on every run and platform.
 */
export function materialize(init: Initializer, shape: readonly number[], seed: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  switch (init.kind) {
    case "zeros":
      return out;
    case "ones":
      return out.fill(1);
    case "constant":
      return out.fill(init.value);
    case "random_uniform":
      fillUniform(out, new Random(init.seed ?? seed), init.minval, init.maxval);
      return out;
    case "glorot_uniform": {
      // Keras: VarianceScaling(scale=1, mode="fan_avg", distribution="uniform").
      const [fanIn, fanOut] = computeFans(shape);
      const limit = Math.sqrt(3 / Math.max(1, (fanIn + fanOut) / 2));
      fillUniform(out, new Random(init.seed ?? seed), -limit, limit);
      return out;
    }
    case "orthogonal":
      if (size === 0) return out;
      out.set(orthogonal(shape, new Random(init.seed ?? seed), init.gain));
      return out;
  }
}

/** Keras's `compute_fans`: the fan-in and fan-out of a weight of this shape. */
export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  let receptive = 1;
  for (const d of shape.slice(0, -2)) receptive *= d;
  return [shape[shape.length - 2]! * receptive, shape[shape.length - 1]! * receptive];
}

/** Uniform in [lo, hi), kept below hi after rounding to float32 (as Keras's half-open range). */
function fillUniform(out: Float32Array, rng: Random, lo: number, hi: number): void {
  const below = hi > lo ? float32Below(hi) : hi;
  for (let i = 0; i < out.length; i++) {
    const v = Math.fround(lo + (hi - lo) * rng.uniform());
    out[i] = hi > lo && v >= hi ? below : v;
  }
}

/** The largest float32 below x. */
function float32Below(x: number): number {
  const f = new Float32Array([x]);
  if (f[0]! < x) return f[0]!;
  const bits = new Int32Array(f.buffer);
  if (f[0] === 0) {
    f[0] = -0;
    bits[0] = bits[0]! + 1; // the smallest negative subnormal
    return f[0]!;
  }
  bits[0] = f[0]! > 0 ? bits[0]! - 1 : bits[0]! + 1;
  return f[0]!;
}
