// Activation: one of rnnc's activations applied on its own, as Keras's Activation layer.
import { Codes } from "../source/catalog.js";
import { formatType, tensor } from "../types/types.js";
import { ACTIVATIONS, type Activation } from "../types/activations.js";
import type { LayerDefinition } from "./layer.js";
import { nameParam } from "./recurrent.js";

export interface ActivationConfig {
  fn: Activation;
}

export const activationLayer: LayerDefinition<ActivationConfig> = {
  name: "activation",
  aliases: ["Activation"],
  kerasClass: "Activation",
  autoName: "activation",
  doc: `Applies an activation element-wise (softmax: over the last axis): \`activation(relu)\`. Any f32 tensor; the shape and a mask pass through. No params. Activations: ${ACTIVATIONS.join(", ")}.`,
  params: [
    { name: "activation", kind: "activation", positional: true, required: true, doc: `The function: ${ACTIVATIONS.join(", ")}.` },
    nameParam,
  ],
  callKeywords: [],
  inputs: { min: 1, max: 1 },
  configure: (args) => ({ fn: args.get("activation") as Activation }),
  apply(layer, args, ctx) {
    const input = args.inputs[0]!;
    if (input.type.dtype !== "f32") {
      ctx.report(Codes.DtypeMismatch, input.range, `activation(${layer.config.fn}) expects f32 input, found ${formatType(input.type)}.`);
      return undefined;
    }
    if (input.type.dims.length < 1) {
      ctx.report(Codes.RankMismatch, input.range, `activation(${layer.config.fn}) expects a tensor, found ${formatType(input.type)}.`);
      return undefined;
    }
    return { items: [{ type: tensor("f32", [...input.type.dims]), mask: input.mask, label: "output" }], tuple: false };
  },
  weights: () => [],
  initialWeights: () => [],
  lower: (layer, args, ctx) => {
    const input = args.inputs[0]!;
    if (layer.config.fn === "linear") return [input];
    return [{ value: ctx.builder.op({ kind: "activation", fn: layer.config.fn }, [input.value], "activation"), mask: input.mask }];
  },
  describe: (c) => `activation(${c.fn})`,
};
