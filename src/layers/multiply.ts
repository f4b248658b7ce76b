// Multiply tensors of one shape, element by element (Keras's Multiply).
import type { LayerDefinition } from "./layer.js";
import { elementwiseMask, elementwiseOutput } from "./elementwise-merge.js";
import { nameParam } from "./recurrent.js";

export const multiplyLayer: LayerDefinition<Record<string, never>> = {
  name: "multiply",
  aliases: ["Multiply"],
  kerasClass: "Multiply",
  autoName: "multiply",
  doc: "Multiplies tensors of the same shape element by element: `multiply(a, b)`, any number ≥ 2 of them, folded left to right as Keras does. A mask passes on as with `add`. No params.",
  params: [nameParam],
  callKeywords: [],
  inputs: { min: 2, max: Infinity },
  appliesDirectly: true,
  configure: () => ({}),
  apply: (_layer, args, ctx) => elementwiseOutput("multiply", args, ctx),
  weights: () => [],
  initialWeights: () => [],
  lower: (_layer, args, ctx) => {
    // Keras: output = multiply(output, x) for each further input.
    let value = args.inputs[0]!.value;
    for (const input of args.inputs.slice(1)) value = ctx.builder.op({ kind: "mul" }, [value, input.value], "multiply");
    return [{ value, mask: elementwiseMask(ctx, args.inputs) }];
  },
  describe: () => "multiply()",
};
