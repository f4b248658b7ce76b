// Parity cases of the layers of LANGUAGE.md §7 that are not attention or merges: masking, activation,
// layer_norm, conv1d, global_avg_pool1d, global_max_pool1d, flatten — alone against the float64
// reference and tfjs-layers, and stacked with recurrent layers (where masks matter) against the
// reference, which follows Keras.
import type { ParityCase } from "./cases.js";
import { randomMask, randomSeq, randomWeight, Rng, seedOf, tensorF32, tensorI32, weightSet } from "./generate.js";
import {
  activateNested,
  conv1d,
  denseRows,
  embedding,
  flattenLayer,
  globalAvgPool,
  globalMaxPool,
  layerNorm,
  masking,
  rnnLayer,
  type Activation,
  type Conv1dConfig,
  type Mat,
  type Nested,
  type Seq,
  type Weight,
} from "./reference.js";
import { runTfjsDense, runTfjsSequenceLayer } from "./tfjs.js";

const memo = <T>(f: () => T): (() => T) => {
  let value: { v: T } | undefined;
  return () => (value ??= { v: f() }).v;
};

const flat = (x: Nested) => tensorF32(x);

// ---------------------------------------------------------------------------------------------
// conv1d

interface ConvSpec extends Conv1dConfig {
  filters: number;
  useBias: boolean;
  B: number;
  T: number;
  F: number;
  /** Declare the input's batch and time as names (B, T): the length-keeping paddings only. */
  named?: boolean;
}

function convArgs(s: ConvSpec): string {
  return [
    `${s.filters}`,
    `${s.kernelSize}`,
    ...(s.strides !== 1 ? [`strides=${s.strides}`] : []),
    ...(s.padding !== "valid" ? [`padding="${s.padding}"`] : []),
    ...(s.dilation !== 1 ? [`dilation_rate=${s.dilation}`] : []),
    ...(s.activation !== "linear" ? [`activation=${s.activation}`] : []),
    ...(s.useBias ? [] : ["use_bias=false"]),
    `name="c"`,
  ].join(", ");
}

function convCase(
  name: string,
  spec: Omit<ConvSpec, "B" | "T" | "F" | "filters"> & Partial<Pick<ConvSpec, "B" | "T" | "F" | "filters">>,
): ParityCase {
  const rng = new Rng(seedOf(name));
  const s: ConvSpec = { B: rng.int(1, 3), T: rng.int(5, 8), F: rng.int(1, 4), filters: rng.int(1, 4), ...spec };
  const x = randomSeq(rng, s.B, s.T, s.F);
  const weights: Weight[] = [randomWeight(rng, [s.kernelSize, s.F, s.filters]), ...(s.useBias ? [randomWeight(rng, [s.filters])] : [])];
  const dims = s.named ? `B, T, ${s.F}` : `${s.B}, ${s.T}, ${s.F}`;
  return {
    name: `${name} [B${s.B} T${s.T} F${s.F} filters${s.filters}]`,
    group: "conv1d",
    source: `model M(x: [${dims}]) {\n  return conv1d(${convArgs(s)})(x)\n}\n`,
    model: "M",
    weights: weightSet({ c: weights }),
    inputs: { x: flat(x) },
    reference: memo(() => [conv1d(x, weights, s)]),
    // tfjs-layers has no causal padding: there it is "valid" on x with (k-1)·d zero steps in front.
    tfjs: async () =>
      s.padding === "causal"
        ? [
            await runTfjsSequenceLayer(
              { kind: "conv1d", ...s, padding: "valid" },
              weights,
              flat(leftPadded(x, (s.kernelSize - 1) * s.dilation)),
            ),
          ]
        : [await runTfjsSequenceLayer({ kind: "conv1d", ...s }, weights, flat(x))],
  };
}

const leftPadded = (x: Seq, steps: number): Seq => x.map((seq) => [...Array.from({ length: steps }, () => seq[0]!.map(() => 0)), ...seq]);

const conv = (kernelSize: number, padding: Conv1dConfig["padding"], extra: Partial<ConvSpec> = {}) => ({
  kernelSize,
  padding,
  strides: 1,
  dilation: 1,
  activation: "linear" as Activation,
  useBias: true,
  ...extra,
});

function convCases(): ParityCase[] {
  return [
    convCase("conv1d valid k3", conv(3, "valid")),
    convCase("conv1d same k3 relu", conv(3, "same", { activation: "relu" })),
    convCase("conv1d same k4 (even kernel) strides=2", conv(4, "same", { strides: 2 })),
    convCase("conv1d causal k2 dilation_rate=2 tanh", conv(2, "causal", { dilation: 2, activation: "tanh" })),
    convCase("conv1d causal k3 strides=2", conv(3, "causal", { strides: 2 })),
    convCase("conv1d valid k2 strides=3 use_bias=false sigmoid", conv(2, "valid", { strides: 3, useBias: false, activation: "sigmoid" })),
    convCase("conv1d valid k3 dilation_rate=2 softmax", conv(3, "valid", { dilation: 2, activation: "softmax" })),
    convCase("conv1d same k1", conv(1, "same")),
    convCase("conv1d same k3 on named dims [B, T, F]", conv(3, "same", { named: true })),
    // Big enough for the SIMD matmul (and a compiled module's call of it).
    convCase("conv1d same k5 wide", conv(5, "same", { B: 2, T: 24, F: 12, filters: 16, activation: "relu" })),
  ];
}

// ---------------------------------------------------------------------------------------------
// layer_norm, activation, flatten, pooling (no masks): one layer, against tfjs-layers too.

function layerNormCase(name: string, rank: 2 | 3, center: boolean, scale: boolean, epsilon = 0.001): ParityCase {
  const rng = new Rng(seedOf(name));
  const B = rng.int(1, 3);
  const T = rng.int(1, 5);
  const F = rng.int(2, 6);
  const x = randomSeq(rng, B, T, F, -3, 5);
  const input: Nested = rank === 3 ? x : x.map((steps) => steps[0]!);
  const gamma = scale ? randomWeight(rng, [F], 0.5, 1.5) : undefined;
  const beta = center ? randomWeight(rng, [F]) : undefined;
  const args = [
    ...(epsilon !== 0.001 ? [`epsilon=${epsilon}`] : []),
    ...(center ? [] : ["center=false"]),
    ...(scale ? [] : ["scale=false"]),
    `name="n"`,
  ];
  const weights = [gamma, beta].filter((w): w is Weight => w !== undefined);
  return {
    name: `${name} [B${B}${rank === 3 ? ` T${T}` : ""} F${F}]`,
    group: "layer_norm",
    source: `model M(x: [${rank === 3 ? `${B}, ${T}, ${F}` : `${B}, ${F}`}]) {\n  return layer_norm(${args.join(", ")})(x)\n}\n`,
    model: "M",
    weights: weights.length > 0 ? weightSet({ n: weights }) : undefined,
    inputs: { x: flat(input) },
    reference: memo(() => [layerNorm(input, epsilon, gamma, beta)]),
    tfjs: async () => [await runTfjsSequenceLayer({ kind: "layer_norm", epsilon, center, scale }, weights, flat(input))],
  };
}

function activationCase(activation: Activation): ParityCase {
  const name = `activation(${activation})`;
  const rng = new Rng(seedOf(name));
  const [B, T, F] = [rng.int(1, 3), rng.int(1, 5), rng.int(1, 5)];
  const x = randomSeq(rng, B, T, F, -3, 3);
  return {
    name: `${name} [B${B} T${T} F${F}]`,
    group: "activation layer",
    source: `model M(x: [${B}, ${T}, ${F}]) {\n  return x |> activation(${activation})\n}\n`,
    model: "M",
    weights: undefined,
    inputs: { x: flat(x) },
    reference: memo(() => [activateNested(activation, x)]),
    tfjs: async () => [await runTfjsSequenceLayer({ kind: "activation", activation }, [], flat(x))],
  };
}

function poolCase(mode: "avg" | "max"): ParityCase {
  const name = `global_${mode}_pool1d`;
  const rng = new Rng(seedOf(name));
  const [B, T, F] = [rng.int(1, 3), rng.int(1, 6), rng.int(1, 5)];
  const x = randomSeq(rng, B, T, F);
  return {
    name: `${name}() [B${B} T${T} F${F}]`,
    group: "global pooling",
    source: `model M(x: [${B}, ${T}, ${F}]) {\n  return ${name}()(x)\n}\n`,
    model: "M",
    weights: undefined,
    inputs: { x: flat(x) },
    reference: memo(() => [mode === "avg" ? globalAvgPool(x) : globalMaxPool(x)]),
    tfjs: async () => [await runTfjsSequenceLayer({ kind: `global_${mode}_pool1d` }, [], flat(x))],
  };
}

function flattenCase(): ParityCase {
  const name = "flatten |> dense";
  const rng = new Rng(seedOf(name));
  const [B, T, F, u] = [rng.int(1, 3), rng.int(1, 4), rng.int(1, 4), rng.int(1, 4)];
  const x = randomSeq(rng, B, T, F);
  const weights = [randomWeight(rng, [T * F, u]), randomWeight(rng, [u])];
  return {
    name: `${name} [B${B} T${T} F${F} u${u}]`,
    group: "flatten",
    source: `model M(x: [${B}, ${T}, ${F}]) {\n  return x |> flatten() |> dense(${u}, activation=tanh, name="d")\n}\n`,
    model: "M",
    weights: weightSet({ d: weights }),
    inputs: { x: flat(x) },
    reference: memo(() => [denseRows(flattenLayer(x), weights, "tanh")]),
    tfjs: async () => {
      const f = await runTfjsSequenceLayer({ kind: "flatten" }, [], flat(x));
      return [await runTfjsDense(u, "tanh", true, weights, { shape: f.shape, data: f.data })];
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Masks: masking starts one, layer_norm and activation pass it, the recurrent layers and the
// average honour it, conv1d drops it. Against the reference (tfjs-layers' recurrent masking differs).

/** x with the steps the mask drops set to `value` in every feature. */
function padded(rng: Rng, B: number, T: number, F: number, value: number): { x: Seq; mask: boolean[][] } {
  // Patterns "leading", "random", "right-padded", "holes" — never a sample masked entirely (its mean is NaN).
  const mask = randomMask(rng, B, T, 3).map((row) => (row.some((m) => m) ? row : row.map((_, t) => t === 0)));
  const x = randomSeq(rng, B, T, F).map((steps, b) => steps.map((v, t) => (mask[b]![t] ? v : v.map(() => value))));
  return { x, mask };
}

function maskingAloneCase(value: number): ParityCase {
  const name = `masking(${value})`;
  const rng = new Rng(seedOf(name));
  const [B, T, F] = [4, rng.int(3, 6), rng.int(1, 4)];
  const { x } = padded(rng, B, T, F, value);
  return {
    name: `${name} [B${B} T${T} F${F}]`,
    group: "masking",
    source: `model M(x: [${B}, ${T}, ${F}]) {\n  return masking(${value})(x)\n}\n`,
    model: "M",
    weights: undefined,
    inputs: { x: flat(x) },
    reference: memo(() => [masking(x, value).output]),
    tfjs: async () => [await runTfjsSequenceLayer({ kind: "masking", maskValue: value }, [], flat(x))],
  };
}

const cell = (kind: "lstm" | "gru", units: number, seq: boolean) => ({
  kind,
  units,
  activation: "tanh" as const,
  recurrentActivation: "sigmoid" as const,
  useBias: true,
  resetAfter: kind === "gru",
  returnSequences: seq,
  returnState: false,
  goBackwards: false,
});

/** masking |> layer_norm |> activation |> lstm(seq) |> global_avg_pool1d: the mask through all of them. */
function maskedStackCase(): ParityCase {
  const name = "masking |> layer_norm |> activation |> lstm(seq) |> global_avg_pool1d";
  const rng = new Rng(seedOf(name));
  const [B, T, F, u] = [4, rng.int(3, 6), rng.int(2, 4), rng.int(1, 4)];
  const { x } = padded(rng, B, T, F, 0);
  const gamma = randomWeight(rng, [F], 0.5, 1.5);
  const beta = randomWeight(rng, [F]);
  const lstmW = [randomWeight(rng, [F, 4 * u]), randomWeight(rng, [u, 4 * u]), randomWeight(rng, [4 * u])];
  return {
    name: `${name} [B${B} T${T} F${F} u${u}]`,
    group: "masking",
    source:
      `model M(x: [${B}, ${T}, ${F}]) {\n  return x\n    |> masking()\n    |> layer_norm(name="n")\n    |> activation(tanh)\n` +
      `    |> lstm(${u}, seq=true, name="l")\n    |> global_avg_pool1d()\n}\n`,
    model: "M",
    weights: weightSet({ n: [gamma, beta], l: lstmW }),
    inputs: { x: flat(x) },
    reference: memo(() => {
      const m = masking(x, 0);
      const normed = activateNested("tanh", layerNorm(m.output, 0.001, gamma, beta)) as Seq;
      const [h] = rnnLayer(cell("lstm", u, true), lstmW, normed, undefined, m.mask);
      return [globalAvgPool(h as Seq, m.mask)];
    }),
  };
}

/** embedding(mask_zero) |> conv1d(causal) |> gru: conv1d drops the mask, so the GRU sees every step. */
function convDropsMaskCase(): ParityCase {
  const name = "embedding(mask_zero) |> conv1d(causal) |> gru, and the mask into global pools";
  const rng = new Rng(seedOf(name));
  const [B, T, vocab, D, filters, u] = [3, rng.int(4, 6), rng.int(4, 8), rng.int(2, 4), rng.int(2, 4), rng.int(1, 3)];
  const ids = randomMask(rng, B, T, 3).map((row) => row.map((used, t) => (used || t === 0 ? rng.int(1, vocab - 1) : 0)));
  const table = randomWeight(rng, [vocab, D], -1, 1);
  const convW = [randomWeight(rng, [2, D, filters]), randomWeight(rng, [filters])];
  const gruW = [randomWeight(rng, [filters, 3 * u]), randomWeight(rng, [u, 3 * u]), randomWeight(rng, [2, 3 * u])];
  return {
    name: `${name} [B${B} T${T} V${vocab} D${D} filters${filters} u${u}]`,
    group: "masking",
    source:
      `model M(ids: int[${B}, ${T}]) {\n  e = embedding(${vocab}, ${D}, mask_zero=true, name="e")(ids)\n` +
      `  c = conv1d(${filters}, 2, padding="causal", name="c")(e)\n  g = gru(${u}, name="g")(c)\n` +
      `  return g, global_avg_pool1d()(e), global_max_pool1d()(e)\n}\n`,
    model: "M",
    weights: weightSet({ e: [table], c: convW, g: gruW }),
    inputs: { ids: tensorI32(ids) },
    reference: memo(() => {
      const e = embedding(ids, table);
      const c = conv1d(e.output, convW, { kernelSize: 2, strides: 1, dilation: 1, padding: "causal", activation: "linear" });
      const [g] = rnnLayer(cell("gru", u, false), gruW, c);
      return [g as Mat, globalAvgPool(e.output, e.mask), globalMaxPool(e.output)];
    }),
  };
}

/** Every case of this file, in a stable order. */
export function sequenceLayerCases(): ParityCase[] {
  return [
    ...convCases(),
    layerNormCase("layer_norm rank 3", 3, true, true),
    layerNormCase("layer_norm rank 2 epsilon=0.1", 2, true, true, 0.1),
    layerNormCase("layer_norm center=false", 3, false, true),
    layerNormCase("layer_norm scale=false", 3, true, false),
    layerNormCase("layer_norm center=false scale=false", 3, false, false),
    ...(["tanh", "sigmoid", "relu", "softmax", "linear", "hard_sigmoid"] as const).map(activationCase),
    poolCase("avg"),
    poolCase("max"),
    flattenCase(),
    maskingAloneCase(0),
    maskingAloneCase(-1.5),
    maskedStackCase(),
    convDropsMaskCase(),
  ];
}
