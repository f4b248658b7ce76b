// Keras's Attention (Luong-style, dot-product or concat scores), written like the merges: its tensors
// first, its settings after — `attention(q, v)`, `attention(q, v, k, use_scale=true, score_mode="concat")`.
// What it shares with additive_attention (the shape rule, the masks, the lowering) is exported here.
import { NONE } from "../ir/graph.js";
import type { AttentionScore } from "../ir/graph.js";
import { Codes } from "../source/catalog.js";
import { formatType, tensor } from "../types/types.js";
import type {
  ApplyArgs,
  ApplyContext,
  TensorArg,
  LayerDefinition,
  LayerOutput,
  LowerArgs,
  LowerContext,
  LoweredTensor,
  ParamSpec,
} from "./layer.js";
import { nameParam } from "./recurrent.js";
import { drawn } from "./weight-recipe.js";

export interface AttentionConfig {
  useScale: boolean;
  score: AttentionScore;
  causal: boolean;
  returnScores: boolean;
}

/** The keywords both attention layers take besides their own: Keras's call arguments are settings here. */
export const attentionCallParams: readonly ParamSpec[] = [
  { name: "dropout", kind: "rate", default: 0, doc: "Dropout on the attention weights while training: no effect at inference." },
  {
    name: "use_causal_mask",
    kind: "bool",
    default: false,
    doc: "Query step i attends to value steps j ≤ i only (decoder self-attention). A Keras call argument, given here with the settings.",
  },
  {
    name: "return_attention_scores",
    kind: "bool",
    default: false,
    doc: "Also return the attention distribution `[B, Tq, Tv]` (after masking and softmax): `out, scores = attention(q, v, return_attention_scores=true)`. A Keras call argument, given here with the settings.",
  },
  { name: "seed", kind: "int", doc: "The seed of the dropout: no effect at inference." },
];

const INPUT_NAMES = ["query", "value", "key"];

/**
 * The shape rule of both attention layers: q [B,Tq,D], v [B,Tv,Dv], k [B,Tv,D] (v when absent) →
 * [B,Tq,Dv], carrying the query's mask; with return_attention_scores also the scores [B,Tq,Tv].
 */
export function attentionOutput(name: string, config: AttentionConfig, args: ApplyArgs, ctx: ApplyContext): LayerOutput | undefined {
  for (const [i, input] of args.inputs.entries()) {
    if (input.type.dims.length !== 3) {
      ctx.report(
        Codes.RankMismatch,
        input.range,
        `${name} expects its ${INPUT_NAMES[i]} as a sequence [B,T,F] (ndim=3), found ${formatType(input.type)}.`,
      );
      return undefined;
    }
    if (input.type.dtype !== "f32") {
      ctx.report(
        Codes.DtypeMismatch,
        input.range,
        `${name} expects f32 tensors, found ${formatType(input.type)} as its ${INPUT_NAMES[i]}.`,
      );
      return undefined;
    }
  }
  const [q, v, k = v] = args.inputs as [TensorArg, TensorArg, TensorArg?];
  // The dims that must be one size: [what they are, the tensor reported, the other, the axis].
  type Pair = [string, TensorArg, TensorArg, number];
  const withKey: Pair[] = [
    ["batch sizes", k!, q!, 0],
    ["steps of key and value", k!, v!, 1],
  ];
  const pairs: Pair[] = [
    ["batch sizes", v!, q!, 0],
    ...(args.inputs.length > 2 ? withKey : []),
    ["features of query and key (the value when no key is given), which are scored against each other,", k!, q!, 2],
  ];
  let ok = true;
  for (const [what, t, other, axis] of pairs) {
    const [x, y] = [t.type.dims[axis]!, other.type.dims[axis]!];
    if (x === y) continue;
    ok = false;
    const names = typeof x === "string" && typeof y === "string";
    ctx.report(
      Codes.DimMismatch,
      t.range,
      `${name}: the ${what} differ: ${y} in ${formatType(other.type)} but ${x} in ${formatType(t.type)}.${names ? " Two different dim names are two sizes that may differ; if they are the same size, use one name." : ""}`,
    );
  }
  if (!ok) return undefined;
  const [b, tq] = q!.type.dims;
  const output = { type: tensor("f32", [b!, tq!, v!.type.dims[2]!]), mask: q!.mask, label: "output" };
  if (!config.returnScores) return { items: [output], tuple: false };
  return { items: [output, { type: tensor("f32", [b!, tq!, v!.type.dims[1]!]), mask: false, label: "scores" }], tuple: true };
}

/** The attention op on q, k, v and the layer's weights; the output carries the query's mask (Keras's compute_mask). */
export function lowerAttention(
  config: AttentionConfig,
  args: LowerArgs,
  ctx: LowerContext,
  weights: { scale?: number; concatWeight?: number },
): LoweredTensor[] {
  const [q, v, k = v] = args.inputs as [LoweredTensor, LoweredTensor, LoweredTensor?];
  const [output, scores] = ctx.builder.add(
    { kind: "attention", score: config.score, causal: config.causal },
    [q.value, k!.value, v.value, weights.scale ?? NONE, weights.concatWeight ?? NONE, q.mask, v.mask],
    [
      { dtype: "f32", note: "attention" },
      { dtype: "f32", note: "attention scores" },
    ],
  );
  const out = { value: output!, mask: q.mask };
  return config.returnScores ? [out, { value: scores!, mask: NONE }] : [out];
}

/** The keywords that differ from their defaults, for hover. */
export function describeAttention(name: string, c: AttentionConfig, useScaleDefault: boolean): string {
  const parts: string[] = [];
  if (c.useScale !== useScaleDefault) parts.push(`use_scale=${c.useScale}`);
  if (c.score === "concat") parts.push(`score_mode="concat"`);
  if (c.causal) parts.push("use_causal_mask=true");
  if (c.returnScores) parts.push("return_attention_scores=true");
  return `${name}(${parts.join(", ")})`;
}

export const attentionLayer: LayerDefinition<AttentionConfig> = {
  name: "attention",
  aliases: ["Attention"],
  kerasClass: "Attention",
  autoName: "attention",
  doc:
    "Dot-product (Luong-style) attention: `attention(query, value)` or `attention(query, value, key)`, the key being the value when absent. " +
    'query `[B,Tq,D]`, value `[B,Tv,Dv]`, key `[B,Tv,D]` → `[B,Tq,Dv]`: scores `q·kᵀ` (or `Σ tanh(q + k)` with `score_mode="concat"`), a softmax over the value steps, the values weighted by it. ' +
    "The value's mask hides its masked steps; the query's mask zeroes the output there and is the output's mask. " +
    "Params: 1 (`scale`) with `use_scale=true`, 1 (`concat_score_weight`) with concat scores.",
  params: [
    {
      name: "use_scale",
      kind: "bool",
      default: false,
      doc: "Learn a scalar `scale` multiplying the scores (concat: the sum q + k before tanh). Initialized to 1.",
    },
    {
      name: "score_mode",
      kind: "string",
      default: "dot",
      doc: '`"dot"`: scores q·kᵀ; `"concat"`: `concat_score_weight · Σ tanh(q + k)` over the features, with a learnt scalar `concat_score_weight` (initialized to 1).',
    },
    ...attentionCallParams,
    nameParam,
  ],
  callKeywords: [],
  inputs: { min: 2, max: 3 },
  appliesDirectly: true,
  inputNames: ["query", "value", "key"],
  configure(args, ctx) {
    const mode = args.get("score_mode") as string;
    if (mode !== "dot" && mode !== "concat") {
      ctx.error("score_mode", Codes.BadArgumentValue, `attention(score_mode=…) is "dot" or "concat", found ${JSON.stringify(mode)}.`);
      return undefined;
    }
    return {
      useScale: args.get("use_scale") as boolean,
      score: mode,
      causal: args.get("use_causal_mask") as boolean,
      returnScores: args.get("return_attention_scores") as boolean,
    };
  },
  apply: (layer, args, ctx) => attentionOutput("attention", layer.config, args, ctx),
  // Keras builds `scale` first, then `concat_score_weight`: both scalars.
  weights: (config) => [
    ...(config.useScale ? [{ name: "scale", shape: [] }] : []),
    ...(config.score === "concat" ? [{ name: "concat_score_weight", shape: [] }] : []),
  ],
  initialWeights: (config) => [
    ...(config.useScale ? [drawn({ kind: "ones" }, [], 0)] : []),
    ...(config.score === "concat" ? [drawn({ kind: "ones" }, [], 0)] : []),
  ],
  lower: (layer, args, ctx) => {
    const c = layer.config;
    return lowerAttention(c, args, ctx, {
      ...(c.useScale ? { scale: ctx.weight(0) } : {}),
      ...(c.score === "concat" ? { concatWeight: ctx.weight(c.useScale ? 1 : 0) } : {}),
    });
  },
  describe: (c) => describeAttention("attention", c, false),
};
