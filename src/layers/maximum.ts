// The element-wise maximum of tensors of one shape (Keras's Maximum).
import type { LayerDefinition } from "./layer.js";
import { elementwiseMask, elementwiseOutput } from "./elementwise-merge.js";
import { nameParam } from "./recurrent.js";

export const maximumLayer: LayerDefinition<Record<string, never>> = {
  name: "maximum",
  aliases: ["Maximum"],
  kerasClass: "Maximum",
  autoName: "maximum",
  doc: "The element-wise maximum of tensors of the same shape: `maximum(a, b)`, any number ≥ 2 of them. A mask passes on as with `add`. No params.",
  params: [nameParam],
  callKeywords: [],
  inputs: { min: 2, max: Infinity },
  appliesDirectly: true,
  configure: () => ({}),
  apply: (_layer, args, ctx) => elementwiseOutput("maximum", args, ctx),
  weights: () => [],
  initialWeights: () => [],
  lower: (_layer, args, ctx) => [
    {
      value: ctx.builder.op(
        { kind: "maximum" },
        args.inputs.map((i) => i.value),
        "maximum",
      ),
      mask: elementwiseMask(ctx, args.inputs),
    },
  ],
  describe: () => "maximum()",
};
