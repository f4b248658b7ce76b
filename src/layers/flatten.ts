// Flatten: `[B, d1, d2, …]` → `[B, d1·d2·…]`, as Keras's Flatten; the mask ends here (Keras's does not pass one).
import { Codes } from "../source/catalog.js";
import { formatType, tensor } from "../types/types.js";
import { NONE } from "../ir/graph.js";
import type { LayerDefinition } from "./layer.js";
import { nameParam } from "./recurrent.js";

export type FlattenConfig = Record<string, never>;

export const flattenLayer: LayerDefinition<FlattenConfig> = {
  name: "flatten",
  aliases: ["Flatten"],
  kerasClass: "Flatten",
  autoName: "flatten",
  doc: "Flattens every axis but the batch: `[B,T,F]` → `[B,T·F]` (`[B]` → `[B,1]`). The dims after the batch must be numbers. A mask does not pass. No params.",
  params: [nameParam],
  callKeywords: [],
  inputs: { min: 1, max: 1 },
  configure: () => ({}),
  apply(_layer, args, ctx) {
    const input = args.inputs[0]!;
    const [batch, ...rest] = input.type.dims;
    if (batch === undefined) {
      ctx.report(Codes.RankMismatch, input.range, `flatten() expects a tensor with a batch axis, found ${formatType(input.type)}.`);
      return undefined;
    }
    const named = rest.find((d) => typeof d !== "number");
    if (named !== undefined) {
      ctx.report(
        Codes.UnknownFeatureDim,
        input.range,
        `flatten() needs the dims after the batch as numbers to size its output; ${formatType(input.type)} has the name ${named}. Declare it as a number, or pool over it (global_avg_pool1d()).`,
      );
      return undefined;
    }
    const size = (rest as number[]).reduce((a, b) => a * b, 1);
    return { items: [{ type: tensor(input.type.dtype, [batch, size]), mask: false, label: "output" }], tuple: false };
  },
  weights: () => [],
  initialWeights: () => [],
  lower: (_layer, args, ctx) => [
    {
      value: ctx.builder.op(
        { kind: "flatten" },
        [args.inputs[0]!.value],
        "flatten",
        ctx.builder.graph.values[args.inputs[0]!.value]!.dtype,
      ),
      mask: NONE,
    },
  ],
  describe: () => "flatten()",
};
