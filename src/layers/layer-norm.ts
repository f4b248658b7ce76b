// LayerNormalization over the last axis: per sample and step, (x - mean) / sqrt(var + epsilon), then
// scaled by gamma and shifted by beta, as Keras's LayerNormalization computes it.
import { Codes } from "../source/catalog.js";
import { formatType } from "../types/types.js";
import { formatInitializer, type Initializer } from "./initializers.js";
import { NONE } from "../ir/graph.js";
import { deriveSeed } from "./random.js";
import type { LayerDefinition, WeightSpec } from "./layer.js";
import { nameParam } from "./recurrent.js";
import { drawn } from "./weight-recipe.js";

export interface LayerNormConfig {
  axis: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gammaInitializer: Initializer;
  betaInitializer: Initializer;
}

function describeLayerNorm(c: LayerNormConfig): string {
  const parts: string[] = [];
  if (c.axis !== -1) parts.push(`axis=${c.axis}`);
  if (c.epsilon !== 0.001) parts.push(`epsilon=${c.epsilon}`);
  if (!c.center) parts.push("center=false");
  if (!c.scale) parts.push("scale=false");
  if (c.gammaInitializer.kind !== "ones") parts.push(`gamma=${formatInitializer(c.gammaInitializer)}`);
  if (c.betaInitializer.kind !== "zeros") parts.push(`beta=${formatInitializer(c.betaInitializer)}`);
  return `layer_norm(${parts.join(", ")})`;
}

export const layerNormLayer: LayerDefinition<LayerNormConfig> = {
  name: "layer_norm",
  aliases: ["LayerNormalization"],
  kerasClass: "LayerNormalization",
  autoName: "layer_normalization",
  doc: "Normalises each sample's last axis to mean 0 and variance 1: `(x - mean) / sqrt(var + epsilon) · gamma + beta`. Any f32 tensor of rank ≥ 2; the shape and a mask pass through. Params: `2F` (gamma `[F]`, beta `[F]`; `F` each without `scale` or `center`).",
  params: [
    { name: "axis", kind: "axis", default: -1, doc: "The axis normalised: the last one (-1), the only one rnnc supports." },
    { name: "epsilon", kind: "number", default: 0.001, doc: "Added to the variance before its square root. Default 1e-3, as Keras." },
    { name: "center", kind: "bool", default: true, doc: "Whether to add the learned offset `beta`." },
    { name: "scale", kind: "bool", default: true, doc: "Whether to multiply by the learned scale `gamma`." },
    {
      name: "gamma",
      aliases: ["gamma_initializer"],
      kind: "initializer",
      default: { kind: "ones" },
      doc: "Initializer of gamma `[F]`. Default ones.",
    },
    {
      name: "beta",
      aliases: ["beta_initializer"],
      kind: "initializer",
      default: { kind: "zeros" },
      doc: "Initializer of beta `[F]`. Default zeros.",
    },
    nameParam,
  ],
  callKeywords: [],
  inputs: { min: 1, max: 1 },
  configure: (args, ctx) => {
    const epsilon = args.get("epsilon") as number;
    if (!(epsilon > 0)) {
      ctx.error(
        "epsilon",
        Codes.BadArgumentValue,
        `layer_norm(epsilon=${epsilon}): epsilon must be positive (it keeps the division defined).`,
      );
      return undefined;
    }
    return {
      axis: args.get("axis") as number,
      epsilon,
      center: args.get("center") as boolean,
      scale: args.get("scale") as boolean,
      gammaInitializer: args.get("gamma") as Initializer,
      betaInitializer: args.get("beta") as Initializer,
    };
  },
  apply(layer, args, ctx) {
    const input = args.inputs[0]!;
    const t = input.type;
    const text = describeLayerNorm(layer.config);
    if (t.dims.length < 2) {
      ctx.report(Codes.RankMismatch, input.range, `${text} expects a tensor of rank 2 or more [B,...,F], found ${formatType(t)}.`);
      return undefined;
    }
    if (t.dtype !== "f32") {
      ctx.report(Codes.DtypeMismatch, input.range, `${text} expects f32 input, found ${formatType(t)}.`);
      return undefined;
    }
    const r = t.dims.length;
    const axis = layer.config.axis < 0 ? r + layer.config.axis : layer.config.axis;
    if (axis !== r - 1) {
      const where = layer.argRanges?.get("axis") ?? layer.constructorCall.range;
      const outside = axis < 1 || axis >= r;
      ctx.report(
        Codes.AxisOutOfRange,
        where,
        outside
          ? `layer_norm axis ${layer.config.axis} is outside the non-batch axes of ${formatType(t)} (1..${r - 1}, or -1..-${r - 1}).`
          : `layer_norm normalises the last axis only (axis=-1 or ${r - 1} for ${formatType(t)}); axis ${layer.config.axis} is another. Move that axis last first.`,
      );
      return undefined;
    }
    const features = t.dims[r - 1]!;
    if (typeof features !== "number") {
      ctx.report(
        Codes.UnknownFeatureDim,
        input.range,
        `${text} sizes gamma and beta from the input's last dim, which is the name ${features}; declare it as a number.`,
      );
      return undefined;
    }
    return { items: [{ type: t, mask: input.mask, label: "output" }], tuple: false };
  },
  weights: (config, input) => {
    const features = input.dims[input.dims.length - 1] as number;
    const weights: WeightSpec[] = [];
    if (config.scale) weights.push({ name: "gamma", shape: [features] });
    if (config.center) weights.push({ name: "beta", shape: [features] });
    return weights;
  },
  initialWeights: (config, input, seed) => {
    const features = input.dims[input.dims.length - 1] as number;
    return [
      ...(config.scale ? [drawn(config.gammaInitializer, [features], deriveSeed(seed, "gamma"))] : []),
      ...(config.center ? [drawn(config.betaInitializer, [features], deriveSeed(seed, "beta"))] : []),
    ];
  },
  lower: (layer, args, ctx) => {
    const input = args.inputs[0]!;
    const { scale, center, epsilon } = layer.config;
    const gamma = scale ? ctx.weight(0) : NONE;
    const beta = center ? ctx.weight(scale ? 1 : 0) : NONE;
    return [{ value: ctx.builder.op({ kind: "layerNorm", epsilon }, [input.value, gamma, beta], "layer_norm"), mask: input.mask }];
  },
  describe: describeLayerNorm,
};
