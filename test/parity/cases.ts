// The numeric parity cases, shared by every backend's suite: each is a .rnn source, its weights and
// inputs, the float64 reference's outputs (reference.ts, validated against tfjs-layers by
// reference.test.ts) and, where tfjs-layers computes the same thing, tfjs-layers' outputs.
//
// A backend suite is one line: `runCases("cpu", runModel)` with
// `runModel(source, modelName, weights, inputs) => TensorData[] | Promise<TensorData[]>`.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { TensorData, WeightSet } from "../../src/types/tensor-data.js";
import { compareOutputs, type Flat } from "./compare.js";
import {
  LAYER_NAME,
  layerText,
  outputCount,
  randomData,
  randomMask,
  randomSeq,
  randomWeight,
  recurrentInputs,
  recurrentSource,
  referenceOutputs,
  Rng,
  seedOf,
  tensorF32,
  tensorI32,
  tfjsOutputs,
  tfjsSupports,
  weightSet,
  initialNames,
  type RecurrentSpec,
} from "./generate.js";
import {
  bidirectionalLayer,
  denseSeq,
  denseRows,
  embedding,
  rnnLayer,
  unflatten,
  type Activation,
  type CellKind,
  type Mat,
  type Merge,
  type Nested,
  type Seq,
  type Weight,
} from "./reference.js";
import { runTfjsDense, runTfjsRecurrent, tfjsReady } from "./tfjs.js";
import { attentionCases, mergeCases } from "./attention-cases.js";
import { sequenceLayerCases } from "./sequence-cases.js";

/** Absolute tolerance of every comparison (float32 backends against float64 and float32 oracles). */
export const TOLERANCE = 1e-5;

export interface GoldenValues {
  /** Which output. */
  output: number;
  /** Flat row-major offset of the first value. */
  offset: number;
  values: number[];
  /** Where the numbers come from. */
  what: string;
}

export interface ParityCase {
  name: string;
  /** For grouping in the report: "plain", "bidirectional", "activation", "mask", … */
  group: string;
  source: string;
  model: string;
  /** Keras-layout weights by layer name; absent: the initializers written in the source. */
  weights: WeightSet | undefined;
  inputs: Record<string, TensorData>;
  /** The float64 reference's outputs, in return order. */
  reference: () => Nested[];
  /** tfjs-layers' outputs, where tfjs-layers computes the same function (no GRU reset_after, no masks). */
  tfjs?: () => Promise<Flat[]>;
  /** Published numbers the outputs must also match (to 1e-6: they are printed with 7 digits). */
  golden?: GoldenValues[];
}

export type RunModel = (
  source: string,
  modelName: string,
  weights: WeightSet | undefined,
  inputs: Record<string, TensorData>,
) => TensorData[] | Promise<TensorData[]>;

const memo = <T>(f: () => T): (() => T) => {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
};

// ---------------------------------------------------------------------------------------------
// One recurrent layer on x.

interface Variant {
  label: string;
  cell: CellKind;
  resetAfter: boolean;
}

const VARIANTS: Variant[] = [
  { label: "rnn", cell: "simple_rnn", resetAfter: false },
  { label: "lstm", cell: "lstm", resetAfter: false },
  { label: "gru(reset_after=false)", cell: "gru", resetAfter: false },
  { label: "gru(reset_after=true)", cell: "gru", resetAfter: true },
];
const MERGES: Merge[] = ["concat", "sum", "mul", "ave", "none"];
const ACTIVATIONS: Activation[] = ["tanh", "sigmoid", "relu", "softmax", "linear", "hard_sigmoid"];
const SEQ_STATE = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

function spec(rng: Rng, v: Variant, fixed: Partial<RecurrentSpec>): RecurrentSpec {
  return {
    cell: v.cell,
    resetAfter: v.resetAfter,
    units: rng.int(1, 4),
    seq: false,
    state: false,
    backwards: false,
    activation: "tanh",
    recurrentActivation: "sigmoid",
    useBias: true,
    B: rng.int(1, 3),
    T: rng.int(1, 6),
    F: rng.int(1, 5),
    initial: false,
    mask: false,
    ...fixed,
  };
}

function sizes(s: RecurrentSpec): string {
  return `B${s.B} T${s.T} F${s.F} u${s.units}${s.initial ? " initial" : ""}`;
}

function recurrentCase(group: string, name: string, s: RecurrentSpec): ParityCase {
  const data = randomData(s, new Rng(seedOf(`data ${name}`)));
  // tfjs-layers agrees with Keras everywhere without a mask; with one it follows another rule (§6).
  const withTfjs = tfjsSupports(s) && !s.mask;
  return {
    name: `${name} [${sizes(s)}]`,
    group,
    source: recurrentSource(s),
    model: "M",
    weights: weightSet({ [LAYER_NAME]: data.weights }),
    inputs: recurrentInputs(s, data),
    reference: memo(() => referenceOutputs(s, data)),
    ...(withTfjs ? { tfjs: () => tfjsOutputs(s, data) } : {}),
  };
}

function recurrentCases(): ParityCase[] {
  const cases: ParityCase[] = [];
  // Every seq/state combination, forwards and backwards, with and without initial states.
  for (const v of VARIANTS) {
    for (const [seq, state] of SEQ_STATE) {
      for (const backwards of [false, true]) {
        const name = `${v.label} seq=${seq} state=${state}${backwards ? " backwards" : ""}`;
        const rng = new Rng(seedOf(name));
        cases.push(recurrentCase("plain", name, spec(rng, v, { seq, state, backwards, initial: rng.bool(0.5) })));
      }
    }
  }
  // Bidirectional: every merge mode in every seq/state combination; the shorthand and the wrapper.
  for (const v of VARIANTS) {
    for (const merge of MERGES) {
      for (const [seq, state] of SEQ_STATE) {
        const name = `bidirectional ${v.label} merge=${merge} seq=${seq} state=${state}`;
        const rng = new Rng(seedOf(name));
        cases.push(
          recurrentCase("bidirectional", name, spec(rng, v, { seq, state, merge, shorthand: rng.bool(), initial: rng.bool(0.4) })),
        );
      }
    }
  }
  // Every activation, as `activation` and as `recurrent_activation`.
  for (const v of VARIANTS) {
    for (const activation of ACTIVATIONS) {
      const name = `${v.label} activation=${activation}`;
      const rng = new Rng(seedOf(name));
      cases.push(recurrentCase("activation", name, spec(rng, v, { activation, seq: true, state: true, backwards: rng.bool(0.3) })));
      if (v.cell === "simple_rnn") continue;
      const rname = `${v.label} recurrent_activation=${activation}`;
      const rrng = new Rng(seedOf(rname));
      cases.push(recurrentCase("activation", rname, spec(rrng, v, { recurrentActivation: activation, seq: true, state: true })));
    }
  }
  // use_bias=false, plain and bidirectional.
  for (const v of VARIANTS) {
    for (const merge of [undefined, "concat"] as const) {
      const name = `${v.label} use_bias=false${merge ? " bidirectional" : ""}`;
      const rng = new Rng(seedOf(name));
      cases.push(
        recurrentCase(
          "use_bias",
          name,
          spec(rng, v, { useBias: false, seq: true, state: true, initial: true, ...(merge ? { merge } : {}) }),
        ),
      );
    }
  }
  // Masks from an explicit bool input: leading masked steps, fully masked samples, right padding, holes.
  const maskConfigs: { label: string; fixed: Partial<RecurrentSpec> }[] = [
    { label: "seq=false", fixed: { seq: false, state: true } },
    { label: "seq=true", fixed: { seq: true, state: true } },
    { label: "seq=true initial", fixed: { seq: true, state: true, initial: true } },
    { label: "backwards seq=true initial", fixed: { seq: true, state: true, backwards: true, initial: true } },
    { label: "backwards seq=false", fixed: { seq: false, state: true, backwards: true } },
    { label: "bidirectional concat seq=true", fixed: { seq: true, state: true, merge: "concat" } },
    { label: "bidirectional none seq=false initial", fixed: { seq: false, state: true, merge: "none", initial: true } },
    { label: "bidirectional ave seq=true initial", fixed: { seq: true, state: false, merge: "ave", initial: true } },
  ];
  for (const v of VARIANTS) {
    for (const { label, fixed } of maskConfigs) {
      const name = `mask ${v.label} ${label}`;
      const rng = new Rng(seedOf(name));
      cases.push(recurrentCase("mask", name, spec(rng, v, { ...fixed, mask: true, B: 3, T: rng.int(2, 6) })));
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Embedding with mask_zero feeding a recurrent layer.

function embeddingCase(name: string, v: Variant, fixed: Partial<RecurrentSpec>): ParityCase {
  const rng = new Rng(seedOf(name));
  const vocab = rng.int(3, 10);
  const D = rng.int(1, 5);
  const s = spec(rng, v, { ...fixed, F: D, B: 3, T: rng.int(2, 6) });
  const table = randomWeight(rng, [vocab, D], -1, 1);
  const ids = randomMask(rng, s.B, s.T, rng.int(0, 4)).map((row) => row.map((used) => (used ? rng.int(1, vocab - 1) : 0)));
  const data = randomData({ ...s, initial: false, mask: false }, rng);
  const outs = Array.from({ length: outputCount(s) }, (_, i) => `o${i}`);
  const source =
    `model M(ids: int[${s.B}, ${s.T}]) {\n` +
    `  e = embedding(${vocab}, ${D}, mask_zero=true, name="emb")(ids)\n` +
    `  ${outs.join(", ")} = ${layerText(s)}(e)\n` +
    `  return ${outs.join(", ")}\n}\n`;
  return {
    name: `${name} [${sizes(s)} V${vocab}]`,
    group: "embedding mask_zero",
    source,
    model: "M",
    weights: weightSet({ emb: [table], [LAYER_NAME]: data.weights }),
    inputs: { ids: tensorI32(ids) },
    reference: memo(() => {
      const e = embedding(ids, table);
      return referenceOutputs(s, { ...data, x: e.output, mask: e.mask });
    }),
  };
}

function embeddingCases(): ParityCase[] {
  const [rnn, lstm, gruF, gruT] = VARIANTS as [Variant, Variant, Variant, Variant];
  return [
    embeddingCase("embedding mask_zero → lstm seq state", lstm, { seq: true, state: true }),
    embeddingCase("embedding mask_zero → gru backwards seq state", gruT, { seq: true, state: true, backwards: true }),
    embeddingCase("embedding mask_zero → gru(reset_after=false) last", gruF, { seq: false, state: true }),
    embeddingCase("embedding mask_zero → bilstm seq", lstm, { seq: true, state: true, merge: "concat", shorthand: true }),
    embeddingCase("embedding mask_zero → birnn merge=none last", rnn, { seq: false, state: true, merge: "none", shorthand: true }),
    embeddingCase("embedding mask_zero → bigru sum seq", gruT, { seq: true, state: false, merge: "sum" }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Dense.

function denseCase(name: string, rank: 2 | 3, activation: Activation, useBias: boolean, edition: 2 | 3 = 2): ParityCase {
  const rng = new Rng(seedOf(name));
  const B = rng.int(1, 3);
  const T = rng.int(1, 5);
  const F = rng.int(1, 5);
  const u = rng.int(1, 4);
  const x = randomSeq(rng, B, T, F);
  const weights = [randomWeight(rng, [F, u]), ...(useBias ? [randomWeight(rng, [u])] : [])];
  const dims = rank === 3 ? `${B}, ${T}, ${F}` : `${B}, ${F}`;
  const args = [
    `${u}`,
    ...(activation !== "linear" ? [`activation=${activation}`] : []),
    ...(useBias ? [] : ["use_bias=false"]),
    `name="d"`,
  ];
  const input = rank === 3 ? x : x.map((steps) => steps[0]!);
  return {
    name: `${name} [B${B}${rank === 3 ? ` T${T}` : ""} F${F} u${u}]`,
    group: "dense",
    source: `${edition === 3 ? editionLine(3) : ""}model M(x: [${dims}]) {\n  return dense(${args.join(", ")})(x)\n}\n`,
    model: "M",
    weights: weightSet({ d: weights }),
    inputs: { x: tensorF32(input) },
    reference: memo(() => {
      const computed = edition === 3 && activation === "hard_sigmoid" ? "hard_sigmoid3" : activation;
      return [rank === 3 ? denseSeq(x, weights, computed) : denseRows(input as Mat, weights, computed)];
    }),
    // tfjs-layers' hard_sigmoid is Keras 2's.
    ...(edition === 3 && activation === "hard_sigmoid"
      ? {}
      : { tfjs: async () => [await runTfjsDense(u, activation, useBias, weights, tensorF32(input))] }),
  };
}

function denseCases(): ParityCase[] {
  return [
    denseCase("dense rank 3 linear", 3, "linear", true),
    denseCase("dense rank 3 relu", 3, "relu", true),
    denseCase("dense rank 3 softmax", 3, "softmax", true),
    denseCase("dense rank 3 tanh use_bias=false", 3, "tanh", false),
    denseCase("dense rank 2 sigmoid", 2, "sigmoid", true),
    denseCase("dense rank 3 hard_sigmoid", 3, "hard_sigmoid", true),
    denseCase("keras 3 dense rank 3 hard_sigmoid", 3, "hard_sigmoid", true, 3),
  ];
}

// ---------------------------------------------------------------------------------------------
// Models of several layers.

const toSeq = (o: Flat): Seq => unflatten(o.data, o.shape) as Seq;
const toMat = (o: Flat): Mat => unflatten(o.data, o.shape) as Mat;

const cellCfg = (
  kind: CellKind,
  units: number,
  extra: { resetAfter?: boolean; seq?: boolean; state?: boolean; backwards?: boolean } = {},
) => ({
  kind,
  units,
  activation: "tanh" as const,
  recurrentActivation: "sigmoid" as const,
  useBias: true,
  resetAfter: extra.resetAfter ?? false,
  returnSequences: extra.seq ?? false,
  returnState: extra.state ?? false,
  goBackwards: extra.backwards ?? false,
});

const tfjsCell = (cell: CellKind, units: number, seq: boolean) => ({
  cell,
  units,
  returnSequences: seq,
  returnState: false,
  goBackwards: false,
  activation: "tanh" as const,
  recurrentActivation: "sigmoid" as const,
  useBias: true,
  resetAfter: false,
});

/** lstm(seq=true) → gru → dense(softmax), written with calls or with the pipeline. */
function stackedCase(name: string, resetAfter: boolean, pipeline: boolean): ParityCase {
  const rng = new Rng(seedOf(name));
  const B = rng.int(1, 3);
  const T = rng.int(2, 6);
  const F = rng.int(1, 5);
  const u1 = rng.int(1, 4);
  const u2 = rng.int(1, 4);
  const k = rng.int(2, 4);
  const x = randomSeq(rng, B, T, F);
  const lstmW = [randomWeight(rng, [F, 4 * u1]), randomWeight(rng, [u1, 4 * u1]), randomWeight(rng, [4 * u1])];
  const gruW = [randomWeight(rng, [u1, 3 * u2]), randomWeight(rng, [u2, 3 * u2]), randomWeight(rng, resetAfter ? [2, 3 * u2] : [3 * u2])];
  const denseW = [randomWeight(rng, [u2, k]), randomWeight(rng, [k])];
  const gruText = `gru(${u2}${resetAfter ? "" : ", reset_after=false"}, name="g")`;
  const body = pipeline
    ? `  return x |> lstm(${u1}, seq=true, name="l") |> ${gruText} |> dense(${k}, activation=softmax, name="d")\n`
    : `  a = lstm(${u1}, seq=true, name="l")(x)\n  b = ${gruText}(a)\n  return dense(${k}, activation=softmax, name="d")(b)\n`;
  return {
    name: `${name} [B${B} T${T} F${F} u${u1}→${u2}→${k}]`,
    group: "stacked",
    source: `model M(x: [${B}, ${T}, ${F}]) {\n${body}}\n`,
    model: "M",
    weights: weightSet({ l: lstmW, g: gruW, d: denseW }),
    inputs: { x: tensorF32(x) },
    reference: memo(() => {
      const [a] = rnnLayer(cellCfg("lstm", u1, { seq: true }), lstmW, x);
      const [b] = rnnLayer(cellCfg("gru", u2, { resetAfter }), gruW, a as Seq);
      return [denseRows(b as Mat, denseW, "softmax")];
    }),
    ...(resetAfter
      ? {}
      : {
          tfjs: async () => {
            const [a] = await runTfjsRecurrent(tfjsCell("lstm", u1, true), lstmW, x);
            const [b] = await runTfjsRecurrent(tfjsCell("gru", u2, false), gruW, toSeq(a!));
            return [await runTfjsDense(k, "softmax", true, denseW, { shape: b!.shape, data: b!.data })];
          },
        }),
  };
}

/** ids → embedding(mask_zero) → lstm(seq=true) → bigru → dense: the mask flows through the LSTM. */
function stackedMaskedCase(name: string): ParityCase {
  const rng = new Rng(seedOf(name));
  const B = 3;
  const T = rng.int(3, 6);
  const vocab = rng.int(3, 8);
  const D = rng.int(1, 4);
  const u1 = rng.int(1, 4);
  const u2 = rng.int(1, 3);
  const k = rng.int(1, 3);
  const ids = randomMask(rng, B, T, 0).map((row) => row.map((used) => (used ? rng.int(1, vocab - 1) : 0)));
  const table = randomWeight(rng, [vocab, D], -1, 1);
  const lstmW = [randomWeight(rng, [D, 4 * u1]), randomWeight(rng, [u1, 4 * u1]), randomWeight(rng, [4 * u1])];
  const gruOne = () => [randomWeight(rng, [u1, 3 * u2]), randomWeight(rng, [u2, 3 * u2]), randomWeight(rng, [2, 3 * u2])];
  const gruW = [...gruOne(), ...gruOne()];
  const denseW = [randomWeight(rng, [2 * u2, k]), randomWeight(rng, [k])];
  return {
    name: `${name} [B${B} T${T} V${vocab} D${D} u${u1}→${u2}→${k}]`,
    group: "stacked",
    source:
      `model M(ids: int[${B}, ${T}]) {\n  return ids\n    |> embedding(${vocab}, ${D}, mask_zero=true, name="e")\n` +
      `    |> lstm(${u1}, seq=true, name="l")\n    |> bigru(${u2}, name="g")\n    |> dense(${k}, name="d")\n}\n`,
    model: "M",
    weights: weightSet({ e: [table], l: lstmW, g: gruW, d: denseW }),
    inputs: { ids: tensorI32(ids) },
    reference: memo(() => {
      const e = embedding(ids, table);
      const [a] = rnnLayer(cellCfg("lstm", u1, { seq: true }), lstmW, e.output, undefined, e.mask);
      const [b] = bidirectionalLayer({ ...cellCfg("gru", u2, { resetAfter: true }), merge: "concat" }, gruW, a as Seq, undefined, e.mask);
      return [denseRows(b as Mat, denseW, "linear")];
    }),
  };
}

/** One layer applied to two inputs shares its weights. */
function sharedCase(name: string): ParityCase {
  const rng = new Rng(seedOf(name));
  const B = rng.int(1, 3);
  const F = rng.int(1, 5);
  const u = rng.int(1, 4);
  const x1 = randomSeq(rng, B, 3, F);
  const x2 = randomSeq(rng, B, 5, F);
  const w = [randomWeight(rng, [F, 4 * u]), randomWeight(rng, [u, 4 * u]), randomWeight(rng, [4 * u])];
  return {
    name: `${name} [B${B} F${F} u${u}]`,
    group: "stacked",
    source: `model M(x1: [${B}, 3, ${F}], x2: [${B}, 5, ${F}]) {\n  enc = lstm(${u}, seq=true)\n  a = enc(x1)\n  b = enc(x2)\n  return a, b\n}\n`,
    model: "M",
    weights: weightSet({ enc: w }),
    inputs: { x1: tensorF32(x1), x2: tensorF32(x2) },
    reference: memo(() => [rnnLayer(cellCfg("lstm", u, { seq: true }), w, x1)[0]!, rnnLayer(cellCfg("lstm", u, { seq: true }), w, x2)[0]!]),
    tfjs: async () => [
      (await runTfjsRecurrent(tfjsCell("lstm", u, true), w, x1))[0]!,
      (await runTfjsRecurrent(tfjsCell("lstm", u, true), w, x2))[0]!,
    ],
  };
}

/** An encoder's final states handed to a decoder as its initial state (LANGUAGE.md's Seq2Seq). */
function seq2seqCase(name: string): ParityCase {
  const rng = new Rng(seedOf(name));
  const B = rng.int(1, 3);
  const S = rng.int(1, 5);
  const T = rng.int(1, 5);
  const F1 = rng.int(1, 5);
  const F2 = rng.int(1, 5);
  const u = rng.int(1, 4);
  const src = randomSeq(rng, B, S, F1);
  const tgt = randomSeq(rng, B, T, F2);
  const encW = [randomWeight(rng, [F1, 4 * u]), randomWeight(rng, [u, 4 * u]), randomWeight(rng, [4 * u])];
  const decW = [randomWeight(rng, [F2, 4 * u]), randomWeight(rng, [u, 4 * u]), randomWeight(rng, [4 * u])];
  return {
    name: `${name} [B${B} S${S} T${T} u${u}]`,
    group: "stacked",
    source:
      `model M(src: [${B}, ${S}, ${F1}], tgt: [${B}, ${T}, ${F2}]) {\n  _, h, c = lstm(${u}, state=true, name="enc")(src)\n` +
      `  return lstm(${u}, seq=true, name="dec")(tgt, initial=(h, c))\n}\n`,
    model: "M",
    weights: weightSet({ enc: encW, dec: decW }),
    inputs: { src: tensorF32(src), tgt: tensorF32(tgt) },
    reference: memo(() => {
      const [, h, c] = rnnLayer(cellCfg("lstm", u, { state: true }), encW, src);
      return [rnnLayer(cellCfg("lstm", u, { seq: true }), decW, tgt, [h as Mat, c as Mat])[0]!];
    }),
    tfjs: async () => {
      const [, h, c] = await runTfjsRecurrent({ ...tfjsCell("lstm", u, false), returnState: true }, encW, src);
      return [(await runTfjsRecurrent(tfjsCell("lstm", u, true), decW, tgt, [toMat(h!), toMat(c!)]))[0]!];
    },
  };
}

function stackedCases(): ParityCase[] {
  return [
    stackedCase("stacked lstm(seq) → gru(reset_after=false) → dense(softmax)", false, false),
    stackedCase("stacked lstm(seq) |> gru |> dense(softmax), pipeline", true, true),
    stackedMaskedCase("stacked embedding(mask_zero) |> lstm(seq) |> bigru |> dense"),
    sharedCase("shared lstm applied to two inputs"),
    seq2seqCase("seq2seq: encoder states as the decoder's initial state"),
  ];
}

// ---------------------------------------------------------------------------------------------
// The seed walkthrough (LANGUAGE.md §2): constant initializers, no weights.

/** The input of the seed walkthrough, whose Keras outputs LANGUAGE.md §2 quotes. */
export const SEED_WALKTHROUGH_X = [
  [
    [0.1, 4.2, 1.5, 1.1, 2.8],
    [1.0, 3.1, 2.5, 0.7, 1.1],
    [0.3, 2.1, 1.5, 2.1, 0.1],
    [2.2, 1.4, 0.5, 0.9, 1.1],
  ],
];

const SEED_SOURCE = `model BiSeed(x: [1, 4, 5]) {
  y, fh, fc, bh, bc = bilstm(3, seq=true, state=true,
                             kernel=constant(0.1), recurrent=constant(0.1), bias=zeros)(x)
  return y, fh, bh
}
`;

/** Weights as the seed's initializers make them: 0.1 everywhere, bias zeros but the forget gate's 1 (unit_forget_bias). */
function constantLstmWeights(F: number, u: number): Weight[] {
  const bias = Array.from({ length: 4 * u }, (_, i) => (i >= u && i < 2 * u ? 1 : 0));
  return [
    { shape: [F, 4 * u], data: new Array<number>(F * 4 * u).fill(0.1) },
    { shape: [u, 4 * u], data: new Array<number>(u * 4 * u).fill(0.1) },
    { shape: [4 * u], data: bias },
  ];
}

const constantRnnWeights = (F: number, u: number): Weight[] => [
  { shape: [F, u], data: new Array<number>(F * u).fill(0.1) },
  { shape: [u, u], data: new Array<number>(u * u).fill(0.1) },
  { shape: [u], data: new Array<number>(u).fill(0) },
];

function seedCases(): ParityCase[] {
  const x = SEED_WALKTHROUGH_X.map((steps) => steps.map((v) => v.map(Math.fround)));
  const lstmW = constantLstmWeights(5, 3);
  const biSeed = (input: Seq) => {
    const [y, fh, , bh] = bidirectionalLayer(
      { ...cellCfg("lstm", 3, { seq: true, state: true }), merge: "concat" },
      [...lstmW, ...lstmW],
      input,
    );
    return [y!, fh!, bh!];
  };
  const cases: ParityCase[] = [
    {
      name: "seed walkthrough BiSeed (LANGUAGE.md §2), no weights",
      group: "seed",
      source: SEED_SOURCE,
      model: "BiSeed",
      weights: undefined,
      inputs: { x: tensorF32(x) },
      reference: memo(() => biSeed(x)),
      golden: [
        { output: 1, offset: 0, values: [0.6303139, 0.6303139, 0.6303139], what: "fh (LANGUAGE.md §2, real Keras)" },
        { output: 2, offset: 0, values: [0.7038734, 0.7038734, 0.7038734], what: "bh (LANGUAGE.md §2, real Keras)" },
        {
          output: 0,
          offset: 0,
          values: [0.3590647, 0.3590647, 0.3590647, 0.7038734, 0.7038734, 0.7038734],
          what: "y[0][0] (LANGUAGE.md §2, real Keras)",
        },
      ],
    },
  ];
  // examples/seed.rnn on examples/seed.x.json, every model, against the reference.
  const root = new URL("../../examples/", import.meta.url);
  const file = readFileSync(new URL("seed.rnn", root), "utf8");
  const fileX = (JSON.parse(readFileSync(new URL("seed.x.json", root), "utf8")) as number[][][]).map((s) =>
    s.map((v) => v.map(Math.fround)),
  );
  const lstm = (o: { seq?: boolean; state?: boolean }) => rnnLayer(cellCfg("lstm", 3, o), lstmW, fileX);
  const rnn = (o: { seq?: boolean; state?: boolean }) => rnnLayer({ ...cellCfg("simple_rnn", 3, o) }, constantRnnWeights(5, 3), fileX);
  const bi = (o: { seq?: boolean; state?: boolean }) =>
    bidirectionalLayer({ ...cellCfg("lstm", 3, o), merge: "concat" }, [...lstmW, ...lstmW], fileX);
  const models: Record<string, () => Nested[]> = {
    BiSeed: () => biSeed(fileX),
    SeedRnn: () => [...rnn({}), ...rnn({ seq: true }), ...rnn({ state: true }), ...rnn({ seq: true, state: true })],
    SeedLstm: () => [...lstm({}), ...lstm({ seq: true }), ...lstm({ state: true }), ...lstm({ seq: true, state: true })],
    SeedBiLstm: () => [...bi({}), ...bi({ seq: true }), ...bi({ state: true }), ...bi({ seq: true, state: true })],
  };
  for (const [model, reference] of Object.entries(models)) {
    cases.push({
      name: `examples/seed.rnn ${model} on examples/seed.x.json`,
      group: "seed",
      source: file,
      model,
      weights: undefined,
      inputs: { x: tensorF32(fileX) },
      reference: memo(reference),
    });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Editions (LANGUAGE.md §6) and zero_output_for_mask.

function editionCases(): ParityCase[] {
  const cases: ParityCase[] = [];
  const [, lstm] = VARIANTS as [Variant, Variant, Variant, Variant];
  // Keras 3's hard_sigmoid as the output and the gates' activation, plain and bidirectional.
  for (const v of VARIANTS) {
    const name = `keras 3 ${v.label} hard_sigmoid`;
    const rng = new Rng(seedOf(name));
    const fixed: Partial<RecurrentSpec> = {
      edition: 3,
      activation: "hard_sigmoid",
      recurrentActivation: "hard_sigmoid",
      seq: true,
      state: true,
    };
    cases.push(recurrentCase("keras 3", name, spec(rng, v, { ...fixed, initial: rng.bool(0.5) })));
  }
  const biName = "keras 3 bilstm recurrent_activation=hard_sigmoid";
  cases.push(
    recurrentCase(
      "keras 3",
      biName,
      spec(new Rng(seedOf(biName)), lstm, { edition: 3, recurrentActivation: "hard_sigmoid", seq: true, merge: "concat" }),
    ),
  );
  // zero_output_for_mask on every plain cell: masked steps output zeros (states still carried).
  for (const v of VARIANTS) {
    for (const seq of [true, false]) {
      const name = `zero_output_for_mask ${v.label} seq=${seq}`;
      const rng = new Rng(seedOf(name));
      cases.push(
        recurrentCase(
          "zero_output_for_mask",
          name,
          spec(rng, v, { zeroOutputForMask: true, mask: true, seq, state: true, initial: true, B: 3, T: rng.int(2, 6) }),
        ),
      );
    }
  }
  for (const edition of [2, 3] as const) {
    for (const merge of [undefined, "concat"] as const) cases.push(initialWithMaskCase(edition, merge));
    for (const merge of ["add", "concat"] as const) {
      cases.push(mergedMaskCase(edition, merge, true));
      cases.push(mergedMaskCase(edition, merge, false));
    }
  }
  return cases;
}

/** `keras N` as a file's first line, for sources built here. */
const editionLine = (edition: 2 | 3) => `keras ${edition}\n`;

/** A mask from embedding(mask_zero=true) reaching a layer applied with initial=: honoured under keras 2, ignored under keras 3. */
function initialWithMaskCase(edition: 2 | 3, merge: "concat" | undefined): ParityCase {
  const name = `keras ${edition} initial= with an incoming mask${merge ? " bidirectional" : ""}`;
  const rng = new Rng(seedOf(name));
  const vocab = rng.int(3, 10);
  const D = rng.int(1, 4);
  const s = spec(rng, VARIANTS[1]!, { seq: true, state: true, initial: true, F: D, B: 3, T: rng.int(2, 6), ...(merge ? { merge } : {}) });
  const table = randomWeight(rng, [vocab, D], -1, 1);
  const ids = randomMask(rng, s.B, s.T, 1).map((row) => row.map((used) => (used ? rng.int(1, vocab - 1) : 0)));
  const data = randomData({ ...s, mask: false }, rng);
  const init = initialNames(s);
  const outs = Array.from({ length: outputCount(s) }, (_, i) => `o${i}`);
  const source =
    editionLine(edition) +
    `model M(ids: int[${s.B}, ${s.T}], ${init.map((n) => `${n}: [${s.B}, ${s.units}]`).join(", ")}) {\n` +
    `  e = embedding(${vocab}, ${D}, mask_zero=true, name="emb")(ids)\n` +
    `  ${outs.join(", ")} = ${layerText(s)}(e, initial=(${init.join(", ")}))\n` +
    `  return ${outs.join(", ")}\n}\n`;
  const { x: _x, ...initialInputs } = recurrentInputs(s, data);
  return {
    name: `${name} [${sizes(s)}]`,
    group: "keras 3 masks",
    source,
    model: "M",
    weights: weightSet({ emb: [table], [LAYER_NAME]: data.weights }),
    inputs: { ids: tensorI32(ids), ...initialInputs },
    reference: memo(() => {
      const e = embedding(ids, table);
      return referenceOutputs(s, { ...data, x: e.output, ...(edition === 2 ? { mask: e.mask } : {}) });
    }),
  };
}

/**
 * A merge of a masked embedding with another masked embedding (`bothMasked`) or an unmasked tensor,
 * into an LSTM: keras 2 ANDs the masks there are, keras 3 ORs them and drops the mask when an input has none.
 */
function mergedMaskCase(edition: 2 | 3, merge: "add" | "concat", bothMasked: boolean): ParityCase {
  const name = `keras ${edition} ${merge} of ${bothMasked ? "two masked inputs" : "a masked and an unmasked input"}`;
  const rng = new Rng(seedOf(name));
  const vocab = rng.int(3, 10);
  const D = rng.int(1, 4);
  const F = merge === "concat" ? 2 * D : D;
  const s = spec(rng, VARIANTS[1]!, { seq: true, state: true, F, B: 5, T: rng.int(3, 6) });
  const tables = [randomWeight(rng, [vocab, D], -1, 1), randomWeight(rng, [vocab, D], -1, 1)];
  const idsOf = (offset: number) => randomMask(rng, s.B, s.T, offset).map((row) => row.map((used) => (used ? rng.int(1, vocab - 1) : 0)));
  const ids = [idsOf(0), idsOf(2)];
  const other = randomSeq(rng, s.B, s.T, D);
  const data = randomData({ ...s, mask: false, initial: false }, rng);
  const secondInput = bothMasked ? `ids2: int[${s.B}, ${s.T}]` : `z: [${s.B}, ${s.T}, ${D}]`;
  const second = bothMasked ? `embedding(${vocab}, ${D}, mask_zero=true, name="emb2")(ids2)` : "z";
  const source =
    editionLine(edition) +
    `model M(ids1: int[${s.B}, ${s.T}], ${secondInput}) {\n` +
    `  e = embedding(${vocab}, ${D}, mask_zero=true, name="emb1")(ids1)\n` +
    `  o0, o1, o2 = ${layerText(s)}(${merge}(e, ${second}))\n` +
    `  return o0, o1, o2\n}\n`;
  return {
    name: `${name} [${sizes(s)}]`,
    group: "keras 3 masks",
    source,
    model: "M",
    weights: weightSet({ emb1: [tables[0]!], ...(bothMasked ? { emb2: [tables[1]!] } : {}), [LAYER_NAME]: data.weights }),
    inputs: { ids1: tensorI32(ids[0]!), ...(bothMasked ? { ids2: tensorI32(ids[1]!) } : { z: tensorF32(other) }) },
    reference: memo(() => {
      const a = embedding(ids[0]!, tables[0]!);
      const b = bothMasked ? embedding(ids[1]!, tables[1]!) : { output: other, mask: undefined };
      const x = a.output.map((steps, i) =>
        steps.map((row, t) => (merge === "add" ? row.map((v, k) => v + b.output[i]![t]![k]!) : [...row, ...b.output[i]![t]!])),
      );
      const masks = [a.mask, ...(b.mask ? [b.mask] : [])];
      const combine = (i: number, t: number) => (edition === 2 ? masks.every((m) => m[i]![t]) : masks.some((m) => m[i]![t]));
      const mask = edition === 3 && !b.mask ? undefined : a.mask.map((row, i) => row.map((_, t) => combine(i, t)));
      return referenceOutputs(s, { ...data, x, ...(mask ? { mask } : {}) });
    }),
  };
}

/** Every parity case, in a stable order. */
export const CASES: readonly ParityCase[] = [
  ...recurrentCases(),
  ...embeddingCases(),
  ...denseCases(),
  ...stackedCases(),
  ...seedCases(),
  // layers-a: masking, activation, layer_norm, conv1d, global pooling, flatten
  ...sequenceLayerCases(),
  // attention and the element-wise merges (attention-cases.ts)
  ...attentionCases(),
  ...mergeCases(),
  ...editionCases(),
];

export interface RunCasesOptions {
  /** Also compare with tfjs-layers where a case has it (default true). */
  tfjs?: boolean;
  tolerance?: number;
  /** Run only the cases this accepts. */
  filter?: (c: ParityCase) => boolean;
}

/** Checks one case's outputs: against the reference, tfjs-layers and golden numbers. Returns the problems. */
export async function checkCase(c: ParityCase, outputs: readonly TensorData[], options: RunCasesOptions = {}): Promise<string[]> {
  const tol = options.tolerance ?? TOLERANCE;
  const problems = compareOutputs(outputs, c.reference(), tol).map((p) => `vs float64 reference: ${p}`);
  if (c.tfjs && options.tfjs !== false) problems.push(...compareOutputs(outputs, await c.tfjs(), tol).map((p) => `vs tfjs-layers: ${p}`));
  for (const g of c.golden ?? []) {
    const out = outputs[g.output];
    const got = out ? Array.from(out.data.subarray(g.offset, g.offset + g.values.length)) : [];
    if (got.length !== g.values.length || got.some((v, i) => !(Math.abs(v - g.values[i]!) <= 1e-6))) {
      problems.push(`${g.what}: got [${got.join(", ")}], expected [${g.values.join(", ")}]`);
    }
  }
  return problems;
}

/** A describe block with one test per case, running each through `runModel`. */
export function runCases(name: string, runModel: RunModel, options: RunCasesOptions = {}): void {
  const cases = CASES.filter(options.filter ?? (() => true));
  describe(name, () => {
    beforeAll(async () => {
      if (options.tfjs !== false) await tfjsReady();
    });
    const groups = [...new Set(cases.map((c) => c.group))];
    for (const group of groups) {
      describe(group, () => {
        for (const c of cases.filter((k) => k.group === group)) {
          it(c.name, async () => {
            const outputs = await runModel(c.source, c.model, c.weights, c.inputs);
            const problems = await checkCase(c, outputs, options);
            expect(problems, `${c.source}\n`).toEqual([]);
          });
        }
      });
    }
  });
}
