// Dense on the last axis of a tensor of any rank ≥ 2, as Keras's Dense does.
import { Codes } from "../source/catalog.js";
import { formatType, tensor } from "../types/types.js";
import { activationName, type Activation } from "../types/activations.js";
import { formatInitializer, type Initializer } from "./initializers.js";
import { deriveSeed } from "./random.js";
import type { LayerDefinition } from "./layer.js";
import { nameParam } from "./recurrent.js";
import { drawn } from "./weight-recipe.js";

export interface DenseConfig {
  units: number;
  activation: Activation;
  useBias: boolean;
  kernelInitializer: Initializer;
  biasInitializer: Initializer;
}

function describeDense(c: DenseConfig): string {
  const parts = [String(c.units)];
  if (c.activation !== "linear") parts.push(`activation=${activationName(c.activation)}`);
  if (!c.useBias) parts.push("use_bias=false");
  if (c.kernelInitializer.kind !== "glorot_uniform" || c.kernelInitializer.seed !== undefined)
    parts.push(`kernel=${formatInitializer(c.kernelInitializer)}`);
  if (c.biasInitializer.kind !== "zeros") parts.push(`bias=${formatInitializer(c.biasInitializer)}`);
  return `dense(${parts.join(", ")})`;
}

export const denseLayer: LayerDefinition<DenseConfig> = {
  name: "dense",
  aliases: ["Dense"],
  kerasClass: "Dense",
  autoName: "dense",
  doc: "A fully-connected layer on the last axis: `activation(x·K + b)`. `[..., F]` → `[..., u]` for any rank ≥ 2; a mask passes through. Params: `F·u + u`.",
  params: [
    { name: "units", kind: "int", positional: true, required: true, doc: "The size of the last axis of the output." },
    { name: "activation", kind: "activation", default: "linear", doc: "Default `linear` (none), as in Keras." },
    { name: "use_bias", kind: "bool", default: true, doc: "Whether the layer has a bias vector." },
    {
      name: "kernel",
      aliases: ["kernel_initializer"],
      kind: "initializer",
      default: { kind: "glorot_uniform" },
      doc: "Initializer of the kernel `[F, u]`.",
    },
    { name: "bias", aliases: ["bias_initializer"], kind: "initializer", default: { kind: "zeros" }, doc: "Initializer of the bias `[u]`." },
    nameParam,
  ],
  callKeywords: [],
  inputs: { min: 1, max: 1 },
  configure: (args) => ({
    units: args.get("units") as number,
    activation: args.get("activation") as Activation,
    useBias: args.get("use_bias") as boolean,
    kernelInitializer: args.get("kernel") as Initializer,
    biasInitializer: args.get("bias") as Initializer,
  }),
  apply(layer, args, ctx) {
    const input = args.inputs[0]!;
    const t = input.type;
    const text = describeDense(layer.config);
    if (t.dims.length < 2) {
      ctx.report(Codes.RankMismatch, input.range, `${text} expects a tensor of rank 2 or more [B,...,F], found ${formatType(t)}.`);
      return undefined;
    }
    if (t.dtype !== "f32") {
      const hint = t.dtype === "i32" ? " Token ids need an embedding(vocab, dim) first." : "";
      ctx.report(Codes.DtypeMismatch, input.range, `${text} expects f32 input, found ${formatType(t)}.${hint}`);
      return undefined;
    }
    const features = t.dims[t.dims.length - 1]!;
    if (typeof features !== "number") {
      ctx.report(
        Codes.UnknownFeatureDim,
        input.range,
        `${text} sizes its kernel from the input's last dim, which is the name ${features}; declare it as a number.`,
      );
      return undefined;
    }
    return {
      items: [{ type: tensor("f32", [...t.dims.slice(0, -1), layer.config.units]), mask: input.mask, label: "output" }],
      tuple: false,
    };
  },
  weights: (config, input) => {
    const features = input.dims[input.dims.length - 1] as number;
    return config.useBias
      ? [
          { name: "kernel", shape: [features, config.units] },
          { name: "bias", shape: [config.units] },
        ]
      : [{ name: "kernel", shape: [features, config.units] }];
  },
  lower: (layer, args, ctx) => {
    const input = args.inputs[0]!;
    const weights = layer.config.useBias ? [ctx.weight(0), ctx.weight(1)] : [ctx.weight(0)];
    return [
      {
        value: ctx.builder.op({ kind: "matmul", activation: layer.config.activation }, [input.value, ...weights], "dense"),
        mask: input.mask,
      },
    ];
  },
  initialWeights: (config, input, seed) => {
    const features = input.dims[input.dims.length - 1] as number;
    const kernel = drawn(config.kernelInitializer, [features, config.units], deriveSeed(seed, "kernel"));
    return config.useBias ? [kernel, drawn(config.biasInitializer, [config.units], deriveSeed(seed, "bias"))] : [kernel];
  },
  describe: describeDense,
};
