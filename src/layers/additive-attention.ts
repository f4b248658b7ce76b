// Keras's AdditiveAttention (Bahdanau-style): `additive_attention(q, v[, k])`, scores Σ scale ∘ tanh(q + k).
import { Codes } from "../source/catalog.js";
import { formatType } from "../types/types.js";
import { attentionCallParams, attentionOutput, describeAttention, lowerAttention, type AttentionConfig } from "./attention.js";
import { deriveSeed } from "./random.js";
import type { LayerDefinition } from "./layer.js";
import { nameParam } from "./recurrent.js";
import { drawn } from "./weight-recipe.js";

export const additiveAttentionLayer: LayerDefinition<AttentionConfig> = {
  name: "additive_attention",
  aliases: ["AdditiveAttention"],
  kerasClass: "AdditiveAttention",
  autoName: "additive_attention",
  doc:
    "Additive (Bahdanau-style) attention: `additive_attention(query, value)` or `additive_attention(query, value, key)`, the key being the value when absent. " +
    "query `[B,Tq,D]`, value `[B,Tv,Dv]`, key `[B,Tv,D]` → `[B,Tq,Dv]`: scores `Σ scale ∘ tanh(q + k)` over the features, a softmax over the value steps, the values weighted by it. " +
    "The value's mask hides its masked steps; the query's mask zeroes the output there and is the output's mask. Params: `D` (`scale`) with `use_scale=true`, the default.",
  params: [
    {
      name: "use_scale",
      kind: "bool",
      default: true,
      doc: "Learn a vector `scale` `[D]` weighting each feature's tanh(q + k) (glorot_uniform, as Keras); false: a plain sum.",
    },
    ...attentionCallParams,
    nameParam,
  ],
  callKeywords: [],
  inputs: { min: 2, max: 3 },
  appliesDirectly: true,
  inputNames: ["query", "value", "key"],
  configure: (args) => ({
    useScale: args.get("use_scale") as boolean,
    score: "additive",
    causal: args.get("use_causal_mask") as boolean,
    returnScores: args.get("return_attention_scores") as boolean,
  }),
  apply(layer, args, ctx) {
    const out = attentionOutput("additive_attention", layer.config, args, ctx);
    if (!out || !layer.config.useScale) return out;
    const query = args.inputs[0]!;
    const dim = query.type.dims[2];
    if (typeof dim !== "number") {
      ctx.report(
        Codes.UnknownFeatureDim,
        query.range,
        `additive_attention sizes its scale from the query's last dim, which is the name ${dim} in ${formatType(query.type)}; declare it as a number.`,
      );
      return undefined;
    }
    return out;
  },
  // Keras sizes `scale` from the query's last dim (the input type handed here is the query's).
  weights: (config, query) => (config.useScale ? [{ name: "scale", shape: [query.dims[2] as number] }] : []),
  initialWeights: (config, query, seed) =>
    config.useScale ? [drawn({ kind: "glorot_uniform" }, [query.dims[2] as number], deriveSeed(seed, "scale"))] : [],
  lower: (layer, args, ctx) => lowerAttention(layer.config, args, ctx, layer.config.useScale ? { scale: ctx.weight(0) } : {}),
  describe: (c) => describeAttention("additive_attention", c, true),
};
