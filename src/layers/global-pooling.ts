// GlobalAveragePooling1D and GlobalMaxPooling1D: `[B,T,F]` → `[B,F]` over time. As in Keras, the
// average honours a mask (the mean of the kept steps) and the max takes none; both end the mask.
import { Codes } from "../source/catalog.js";
import { formatType, tensor } from "../types/types.js";
import { NONE } from "../ir/graph.js";
import type { LayerDefinition } from "./layer.js";
import { nameParam } from "./recurrent.js";

export type PoolConfig = Record<string, never>;

function poolingLayer(mode: "avg" | "max"): LayerDefinition<PoolConfig> {
  const name = `global_${mode}_pool1d`;
  const avg = mode === "avg";
  return {
    name,
    aliases: avg
      ? ["GlobalAveragePooling1D", "GlobalAvgPool1D", "global_average_pooling1d"]
      : ["GlobalMaxPooling1D", "GlobalMaxPool1D", "global_max_pooling1d"],
    kerasClass: avg ? "GlobalAveragePooling1D" : "GlobalMaxPooling1D",
    autoName: avg ? "global_average_pooling1d" : "global_max_pooling1d",
    doc: avg
      ? "The mean over time: `[B,T,F]` → `[B,F]`. With a mask, the mean of the steps it keeps (NaN for a sample it masks entirely, as Keras); the mask ends here. No params."
      : "The maximum over time: `[B,T,F]` → `[B,F]`. Like Keras's GlobalMaxPooling1D it takes no mask: every step counts (a Masking layer before it has zeroed the masked ones); the mask ends here. No params.",
    params: [nameParam],
    callKeywords: [],
    inputs: { min: 1, max: 1 },
    configure: () => ({}),
    apply(_layer, args, ctx) {
      const input = args.inputs[0]!;
      const t = input.type;
      if (t.dims.length !== 3) {
        ctx.report(Codes.RankMismatch, input.range, `${name}() expects a sequence [B,T,F] (ndim=3), found ${formatType(t)}.`);
        return undefined;
      }
      if (t.dtype !== "f32") {
        ctx.report(Codes.DtypeMismatch, input.range, `${name}() expects f32 input, found ${formatType(t)}.`);
        return undefined;
      }
      return { items: [{ type: tensor("f32", [t.dims[0]!, t.dims[2]!]), mask: false, label: "output" }], tuple: false };
    },
    weights: () => [],
    initialWeights: () => [],
    lower: (_layer, args, ctx) => {
      const input = args.inputs[0]!;
      const inputs = avg && input.mask !== NONE ? [input.value, input.mask] : [input.value];
      return [{ value: ctx.builder.op({ kind: "poolTime", mode }, inputs, name), mask: NONE }];
    },
    describe: () => `${name}()`,
  };
}

export const globalAvgPool1dLayer = poolingLayer("avg");
export const globalMaxPool1dLayer = poolingLayer("max");
