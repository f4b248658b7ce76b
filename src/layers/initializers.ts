// Weight initializers a source can name. Their numbers are the backends' business; here they are
// values the checker validates and hover shows.

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
