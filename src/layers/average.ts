// The mean of tensors of one shape, element by element (Keras's Average).
import type { LayerDefinition } from "./layer.js";
import { elementwiseMask, elementwiseOutput } from "./elementwise-merge.js";
import { nameParam } from "./recurrent.js";

export const averageLayer: LayerDefinition<Record<string, never>> = {
  name: "average",
  aliases: ["Average"],
  kerasClass: "Average",
  autoName: "average",
  doc: "The element-wise mean of tensors of the same shape: `average(a, b)`, any number ≥ 2 of them — their sum divided by how many there are, as Keras computes it. A mask passes on as with `add`. No params.",
  params: [nameParam],
  callKeywords: [],
  inputs: { min: 2, max: Infinity },
  appliesDirectly: true,
  configure: () => ({}),
  apply: (_layer, args, ctx) => elementwiseOutput("average", args, ctx),
  weights: () => [],
  initialWeights: () => [],
  lower: (_layer, args, ctx) => {
    const sum = ctx.builder.op(
      { kind: "add" },
      args.inputs.map((i) => i.value),
      "sum",
    );
    return [
      { value: ctx.builder.op({ kind: "divide", divisor: args.inputs.length }, [sum], "average"), mask: elementwiseMask(ctx, args.inputs) },
    ];
  },
  describe: () => "average()",
};
