// Parity cases of attention, additive_attention and the element-wise merges multiply, average and
// maximum: the float64 reference written from Keras 3.15's source (reference.ts; tfjs-layers has no
// Attention) and, for the merges, tfjs-layers too. Part of CASES (cases.ts), so every backend suite
// and the compiled-module suite run them.
import type { TensorData } from "../../src/types/tensor-data.js";
import type { ParityCase } from "./cases.js";
import { randomMask, randomSeq, randomWeight, Rng, seedOf, tensorF32, tensorI32, weightSet } from "./generate.js";
import {
  attentionRef,
  embedding,
  flatten,
  mergeRef,
  rnnLayer,
  type AttentionRefConfig,
  type Nested,
  type Vec,
  type Weight,
} from "./reference.js";
import { runTfjsMerge } from "./tfjs.js";

const once = <T>(f: () => T): (() => T) => {
  let value: { v: T } | undefined;
  return () => (value ??= { v: f() }).v;
};

interface AttentionSpec {
  layer: "attention" | "additive_attention";
  useScale: boolean;
  concat?: boolean;
  key?: boolean;
  causal?: boolean;
  scores?: boolean;
  /** Self-attention: the query is the value (and Tq = Tv). */
  self?: boolean;
  /** No weights file: the initializers (ones for attention's scalars). */
  initial?: boolean;
}

function attentionCase(name: string, s: AttentionSpec): ParityCase {
  const rng = new Rng(seedOf(name));
  const B = rng.int(1, 3);
  const Tq = rng.int(1, 5);
  const Tv = s.self ? Tq : rng.int(1, 5);
  const D = rng.int(1, 5);
  const Dv = s.key ? rng.int(1, 5) : D;
  const q = randomSeq(rng, B, Tq, D, -2, 2);
  const v = s.self ? q : randomSeq(rng, B, Tv, Dv, -2, 2);
  const k = s.key ? randomSeq(rng, B, Tv, D, -2, 2) : undefined;
  const weights: Weight[] = [];
  const cfg: AttentionRefConfig = { score: s.layer === "additive_attention" ? "additive" : s.concat ? "concat" : "dot", causal: s.causal };
  if (s.useScale) {
    const w =
      s.layer === "additive_attention"
        ? randomWeight(rng, [D], -1, 1)
        : s.initial
          ? { shape: [], data: [1] }
          : randomWeight(rng, [], 0.5, 2);
    weights.push(w);
    cfg.scale = s.layer === "additive_attention" ? (Array.from(w.data) as Vec) : w.data[0]!;
  }
  if (s.concat) {
    const w = s.initial ? { shape: [], data: [1] } : randomWeight(rng, [], 0.5, 2);
    weights.push(w);
    cfg.concatWeight = w.data[0]!;
  }
  const settings = [
    ...(s.layer === "attention" && s.useScale ? ["use_scale=true"] : []),
    ...(s.layer === "additive_attention" && !s.useScale ? ["use_scale=false"] : []),
    ...(s.concat ? ['score_mode="concat"'] : []),
    ...(s.causal ? ["use_causal_mask=true"] : []),
    ...(s.scores ? ["return_attention_scores=true"] : []),
    'name="att"',
  ];
  const tensors = s.self ? ["q", "q"] : ["q", "v", ...(s.key ? ["k"] : [])];
  const inputs = [`q: [${B}, ${Tq}, ${D}]`, ...(s.self ? [] : [`v: [${B}, ${Tv}, ${Dv}]`]), ...(s.key ? [`k: [${B}, ${Tv}, ${D}]`] : [])];
  const outs = s.scores ? "o, w" : "o";
  return {
    name: `${name} [B${B} Tq${Tq} Tv${Tv} D${D} Dv${Dv}]`,
    group: "attention",
    source: `model M(${inputs.join(", ")}) {\n  ${outs} = ${s.layer}(${[...tensors, ...settings].join(", ")})\n  return ${outs}\n}\n`,
    model: "M",
    weights: s.initial || weights.length === 0 ? undefined : weightSet({ att: weights }),
    inputs: { q: tensorF32(q), ...(s.self ? {} : { v: tensorF32(v) }), ...(k ? { k: tensorF32(k) } : {}) },
    reference: once(() => {
      const r = attentionRef(cfg, q, v, k);
      return s.scores ? [r.output, r.weights] : [r.output];
    }),
  };
}

/**
 * Query and value from embeddings with mask_zero: masked value steps hidden, masked query steps zero,
 * a fully masked value sample (randomMask's patterns, offset so that sample 2 has the query's first
 * step used and the value's leading steps masked).
 */
function maskedAttentionCase(name: string, layer: "attention" | "additive_attention", causal: boolean, lstmAfter = false): ParityCase {
  const rng = new Rng(seedOf(name));
  const B = 5; // randomMask cycles through its five patterns: a fully masked sample among them
  const Tq = rng.int(2, 5);
  const Tv = causal ? Tq : rng.int(2, 5);
  const vocab = rng.int(3, 8);
  const D = rng.int(1, 4);
  const ids = (T: number, offset: number) =>
    randomMask(rng, B, T, offset).map((row) => row.map((used) => (used ? rng.int(1, vocab - 1) : 0)));
  const qIds = ids(Tq, 1);
  const vIds = ids(Tv, 3);
  const qTable = randomWeight(rng, [vocab, D], -1.5, 1.5);
  const vTable = randomWeight(rng, [vocab, D], -1.5, 1.5);
  const scale = randomWeight(rng, [D], -1, 1);
  const qe = embedding(qIds, qTable);
  const ve = embedding(vIds, vTable);
  // With lstmAfter: the output carries the query's mask on, and the LSTM keeps its state over the masked steps.
  const u = rng.int(1, 3);
  const lstmW = [randomWeight(rng, [D, 4 * u]), randomWeight(rng, [u, 4 * u]), randomWeight(rng, [4 * u])];
  // Causal, with the value's leading steps masked: a query step whose every earlier value step is
  // masked hides them all, and Keras's float32 `score - 1e9` then weighs every value step alike.
  const applied = `${layer}(q, v${causal ? ", use_causal_mask=true" : ""}, name="att")`;
  const body =
    `  q = embedding(${vocab}, ${D}, mask_zero=true, name="eq")(qi)\n` +
    `  v = embedding(${vocab}, ${D}, mask_zero=true, name="ev")(vi)\n` +
    (lstmAfter ? `  a = ${applied}\n  return lstm(${u}, seq=true, name="l")(a)\n` : `  return ${applied}\n`);
  const additive = layer === "additive_attention";
  return {
    name: `${name} [B${B} Tq${Tq} Tv${Tv} V${vocab} D${D}${lstmAfter ? ` → lstm u${u}` : ""}]`,
    group: "attention mask",
    source: `model M(qi: int[${B}, ${Tq}], vi: int[${B}, ${Tv}]) {\n${body}}\n`,
    model: "M",
    weights: weightSet({
      eq: [qTable],
      ev: [vTable],
      ...(additive ? { att: [scale] } : {}),
      ...(lstmAfter ? { l: lstmW } : {}),
    }),
    inputs: { qi: tensorI32(qIds), vi: tensorI32(vIds) },
    reference: once(() => {
      const cfg: AttentionRefConfig = additive ? { score: "additive", scale: Array.from(scale.data), causal } : { score: "dot", causal };
      const out = attentionRef(cfg, qe.output, ve.output, undefined, qe.mask, ve.mask).output;
      if (!lstmAfter) return [out];
      const cell = {
        kind: "lstm",
        units: u,
        activation: "tanh",
        recurrentActivation: "sigmoid",
        useBias: true,
        resetAfter: false,
      } as const;
      return [rnnLayer({ ...cell, returnSequences: true, returnState: false, goBackwards: false }, lstmW, out, undefined, qe.mask)[0]!];
    }),
  };
}

/**
 * Outputs of real Keras 3.15.1 (TensorFlow backend) on three of these cases, printed to 7 significant
 * digits: the model built from the case's source with its weights and inputs, `predict`ed. They pin the
 * float64 reference (which every backend is compared with) to Keras itself: the concat score, the
 * additive score with its masks, and a causal query whose every visible step is masked.
 */
const KERAS_3_15: Record<string, number[]> = {
  "attention concat use_scale with a key": [
    -0.4321455, -0.01738114, 1.030667, 1.401326, 0.2008651, 1.159632, 1.02712, 0.25078, -0.4418071, -0.01181116, 1.037064, 1.394952,
    -0.6166314, 0.1968749, 1.181915, 1.169903,
  ],
  "additive_attention query and value masks": [
    -0.08031236, -0.5367762, 0.2601752, -0.8215448, -0.08213011, -0.4475921, 0.1872551, -0.810629, 0, 0, 0, 0, -0.08213011, -0.4475921,
    0.1872551, -0.810629, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.06520069, -1.278191, 0.8663823, -0.9122915, -0.06520069,
    -1.278191, 0.8663823, -0.9122915, 0, 0, 0, 0, 0, 0, 0, 0, 0.09535029, -0.444891, -0.9670123, 1.113733, 0.09535029, -0.444891,
    -0.9670123, 1.113733, 0, 0, 0, 0, 0.09535029, -0.444891, -0.9670123, 1.113733, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.44136, -1.386883,
    -0.8887525, 0.8289894,
  ],
  "attention causal and value mask": [
    0, -0.3149593, 0, 0, 0, 0, 0.7660199, 0.7660199, 1.226985, 0.1787576, -0.3149593, -0.4444455, 0, 0, 0.5355375,
  ],
};

/** A case with Keras's own numbers where KERAS_3_15 has them. */
function withKeras(c: ParityCase): ParityCase {
  const key = Object.keys(KERAS_3_15).find((k) => c.name.startsWith(`${k} [`));
  return key ? { ...c, golden: [{ output: 0, offset: 0, values: KERAS_3_15[key]!, what: "real Keras 3.15.1" }] } : c;
}

export function attentionCases(): ParityCase[] {
  const cases = [
    attentionCase("attention dot", { layer: "attention", useScale: false }),
    attentionCase("attention dot use_scale with a key", { layer: "attention", useScale: true, key: true }),
    attentionCase("attention concat", { layer: "attention", useScale: false, concat: true }),
    attentionCase("attention concat use_scale with a key", { layer: "attention", useScale: true, concat: true, key: true }),
    attentionCase("attention concat use_scale, initializers", { layer: "attention", useScale: true, concat: true, initial: true }),
    attentionCase("attention causal self-attention", { layer: "attention", useScale: false, causal: true, self: true }),
    attentionCase("attention return_attention_scores", { layer: "attention", useScale: true, scores: true }),
    attentionCase("additive_attention", { layer: "additive_attention", useScale: true }),
    attentionCase("additive_attention use_scale=false with a key", { layer: "additive_attention", useScale: false, key: true }),
    attentionCase("additive_attention causal self-attention, scores", {
      layer: "additive_attention",
      useScale: true,
      causal: true,
      self: true,
      scores: true,
    }),
    maskedAttentionCase("attention query and value masks", "attention", false),
    maskedAttentionCase("additive_attention query and value masks", "additive_attention", false),
    maskedAttentionCase("attention causal and value mask", "attention", true),
    maskedAttentionCase("attention masks, the query's flowing on", "attention", false, true),
  ];
  const golden = cases.map(withKeras);
  if (golden.filter((c) => c.golden).length !== Object.keys(KERAS_3_15).length) throw new Error("a Keras 3.15 golden case was renamed");
  return golden;
}

// ---------------------------------------------------------------------------------------------

type MergeKind = "multiply" | "average" | "maximum";

function mergeCase(kind: MergeKind, count: number, rank: 2 | 3): ParityCase {
  const name = `${kind} of ${count}, rank ${rank}`;
  const rng = new Rng(seedOf(name));
  const B = rng.int(1, 3);
  const T = rng.int(1, 4);
  const F = rng.int(1, 5);
  const xs: Nested[] = Array.from({ length: count }, () => {
    const s = randomSeq(rng, B, T, F, -2, 2);
    return rank === 3 ? s : s.map((steps) => steps[0]!);
  });
  const names = xs.map((_, i) => `x${i}`);
  const dims = rank === 3 ? `${B}, ${T}, ${F}` : `${B}, ${F}`;
  const inputs: Record<string, TensorData> = Object.fromEntries(xs.map((x, i) => [names[i]!, tensorF32(x)]));
  return {
    name: `${name} [B${B}${rank === 3 ? ` T${T}` : ""} F${F}]`,
    group: "merges",
    source: `model M(${names.map((n) => `${n}: [${dims}]`).join(", ")}) {\n  return ${kind}(${names.join(", ")})\n}\n`,
    model: "M",
    weights: undefined,
    inputs,
    reference: once(() => [mergeRef(kind, xs)]),
    tfjs: async () => [
      await runTfjsMerge(
        kind,
        xs.map((x) => flatten(x)),
      ),
    ],
  };
}

/** Which inputs of a masked merge case carry a mask (from an embedding with mask_zero) and which are plain f32 inputs. */
type MergeInput = "masked" | "plain";

/**
 * Merged sequences, some masked by embeddings (mask_zero): under Keras 2 the masks only decide the
 * output mask; under `keras 3` they change multiply's and maximum's values (reference.ts mergeRef).
 */
function maskedMergeCase(kind: MergeKind, edition: 2 | 3, layout: readonly MergeInput[]): ParityCase {
  // The two-masked case keeps its name (and so its seed) from before editions.
  const allMasked = layout.every((l) => l === "masked");
  const what = allMasked ? `${layout.length === 2 ? "" : `${layout.length} `}masked sequences` : `${layout.join(", ")} sequences`;
  const name = `${kind} of ${what}${edition === 3 ? ", keras 3" : ""}`;
  const rng = new Rng(seedOf(name));
  const B = 5;
  const T = rng.int(2, 5);
  const vocab = rng.int(3, 8);
  const D = rng.int(1, 4);
  const ids = (offset: number) => randomMask(rng, B, T, offset).map((row) => row.map((used) => (used ? rng.int(1, vocab - 1) : 0)));
  const idsOf = layout.map((l, i) => (l === "masked" ? ids(2 * i) : undefined));
  const tables = layout.map((l) => (l === "masked" ? randomWeight(rng, [vocab, D], -1.5, 1.5) : undefined));
  const plain = layout.map((l) => (l === "plain" ? randomSeq(rng, B, T, D, -2, 2) : undefined));
  const embedded = layout.map((_, i) => (idsOf[i] ? embedding(idsOf[i], tables[i]!) : undefined));
  const names = layout.map((l, i) => `${l === "masked" ? "ids" : "p"}${i}`);
  const lines = layout.map((l, i) =>
    l === "masked" ? `  x${i} = embedding(${vocab}, ${D}, mask_zero=true, name="e${i}")(${names[i]})\n` : `  x${i} = ${names[i]}\n`,
  );
  const params = layout.map((l, i) => (l === "masked" ? `${names[i]}: int[${B}, ${T}]` : `${names[i]}: [${B}, ${T}, ${D}]`));
  return {
    name: `${name} [B${B} T${T} V${vocab} D${D}]`,
    group: "merges",
    source:
      `${edition === 3 ? "keras 3\n\n" : ""}model M(${params.join(", ")}) {\n${lines.join("")}` +
      `  return ${kind}(${layout.map((_, i) => `x${i}`).join(", ")})\n}\n`,
    model: "M",
    weights: weightSet(Object.fromEntries(tables.flatMap((t, i) => (t ? [[`e${i}`, [t]]] : [])))),
    inputs: Object.fromEntries(layout.map((_, i) => [names[i]!, idsOf[i] ? tensorI32(idsOf[i]) : tensorF32(plain[i]!)])),
    reference: once(() => [
      mergeRef(
        kind,
        layout.map((_, i) => embedded[i]?.output ?? plain[i]!),
        { edition, masks: embedded.map((e) => e?.mask) },
      ),
    ]),
  };
}

export function mergeCases(): ParityCase[] {
  const kinds: MergeKind[] = ["multiply", "average", "maximum"];
  const layouts: MergeInput[][] = [
    ["masked", "masked"],
    ["masked", "masked", "masked"],
    ["masked", "plain"],
    ["plain", "masked", "masked"],
    ["masked", "plain", "masked"],
  ];
  return [
    ...kinds.flatMap((kind) => [mergeCase(kind, 2, 3), mergeCase(kind, 3, 2), mergeCase(kind, 4, 3)]),
    ...kinds.flatMap((kind) => layouts.flatMap((layout) => [maskedMergeCase(kind, 2, layout), maskedMergeCase(kind, 3, layout)])),
  ];
}
