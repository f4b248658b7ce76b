// Embedding: int ids `[...]` → vectors `[..., dim]`; with mask_zero=true id 0 is padding and a mask
// (ids != 0) flows on to the recurrent layers, as in Keras.
import { Codes } from "../source/catalog.js";
import { formatType, tensor } from "../types/types.js";
import { formatInitializer, type Initializer } from "./initializers.js";
import { deriveSeed } from "./random.js";
import { NONE } from "../ir/graph.js";
import type { LayerDefinition } from "./layer.js";
import { nameParam } from "./recurrent.js";
import { drawn } from "./weight-recipe.js";

export interface EmbeddingConfig {
  vocab: number;
  dim: number;
  maskZero: boolean;
  initializer: Initializer;
}

function describeEmbedding(c: EmbeddingConfig): string {
  const parts = [String(c.vocab), String(c.dim)];
  if (c.maskZero) parts.push("mask_zero=true");
  if (c.initializer.kind !== "random_uniform" || c.initializer.seed !== undefined)
    parts.push(`embeddings=${formatInitializer(c.initializer)}`);
  return `embedding(${parts.join(", ")})`;
}

export const embeddingLayer: LayerDefinition<EmbeddingConfig> = {
  name: "embedding",
  aliases: ["Embedding"],
  kerasClass: "Embedding",
  autoName: "embedding",
  doc: "Looks up a learned vector for each token id: `int[...]` → `f32[..., dim]`. With `mask_zero=true`, id 0 is padding and its steps are masked in the recurrent layers downstream. Params: `vocab·dim`.",
  params: [
    {
      name: "vocab",
      aliases: ["input_dim"],
      kind: "int",
      positional: true,
      required: true,
      doc: "The number of token ids (Keras `input_dim`): ids run from 0 to vocab-1.",
    },
    {
      name: "dim",
      aliases: ["output_dim"],
      kind: "int",
      positional: true,
      required: true,
      doc: "The size of each vector (Keras `output_dim`).",
    },
    { name: "mask_zero", kind: "bool", default: false, doc: "Treat id 0 as padding: a mask (ids != 0) flows on to the recurrent layers." },
    {
      name: "embeddings",
      aliases: ["embeddings_initializer"],
      kind: "initializer",
      default: { kind: "random_uniform", minval: -0.05, maxval: 0.05 },
      doc: "Initializer of the table `[vocab, dim]`. Default: uniform in ±0.05, as Keras.",
    },
    nameParam,
  ],
  callKeywords: [],
  inputs: { min: 1, max: 1 },
  configure: (args) => ({
    vocab: args.get("vocab") as number,
    dim: args.get("dim") as number,
    maskZero: args.get("mask_zero") as boolean,
    initializer: args.get("embeddings") as Initializer,
  }),
  apply(layer, args, ctx) {
    const input = args.inputs[0]!;
    if (input.type.dtype !== "i32") {
      ctx.report(
        Codes.DtypeMismatch,
        input.range,
        `${describeEmbedding(layer.config)} looks up token ids and expects an int tensor (declare the input as int[...]); found ${formatType(input.type)}.`,
      );
      return undefined;
    }
    const out = tensor("f32", [...input.type.dims, layer.config.dim]);
    return { items: [{ type: out, mask: layer.config.maskZero, label: "output" }], tuple: false };
  },
  weights: (config) => [{ name: "embeddings", shape: [config.vocab, config.dim] }],
  lower: (layer, args, ctx) => {
    const ids = args.inputs[0]!.value;
    const value = ctx.builder.op({ kind: "gather" }, [ids, ctx.weight(0)], "embedding");
    const mask = layer.config.maskZero ? ctx.builder.op({ kind: "maskNotZero" }, [ids], "mask_zero", "bool") : NONE;
    return [{ value, mask }];
  },
  initialWeights: (config, _input, seed) => [drawn(config.initializer, [config.vocab, config.dim], deriveSeed(seed, "embeddings"))],
  describe: describeEmbedding,
};
