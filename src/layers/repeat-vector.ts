// RepeatVector: `[B,F]` → `[B,n,F]`, the classic bridge from an encoder's last state to a decoder.
import { Codes } from "../source/catalog.js";
import { formatType, tensor } from "../types/types.js";
import { NONE } from "../ir/graph.js";
import type { LayerDefinition } from "./layer.js";
import { nameParam } from "./recurrent.js";

export interface RepeatVectorConfig {
  n: number;
}

export const repeatVectorLayer: LayerDefinition<RepeatVectorConfig> = {
  name: "repeat_vector",
  aliases: ["RepeatVector"],
  kerasClass: "RepeatVector",
  autoName: "repeat_vector",
  doc: "Repeats a vector n times along a new time axis: `[B,F]` → `[B,n,F]`. No params.",
  params: [{ name: "n", kind: "int", positional: true, required: true, doc: "How many times to repeat the input." }, nameParam],
  callKeywords: [],
  inputs: { min: 1, max: 1 },
  configure: (args) => ({ n: args.get("n") as number }),
  apply(layer, args, ctx) {
    const input = args.inputs[0]!;
    if (input.type.dims.length !== 2) {
      ctx.report(
        Codes.RankMismatch,
        input.range,
        `repeat_vector(${layer.config.n}) expects a vector per sample [B,F] (ndim=2), found ${formatType(input.type)}.`,
      );
      return undefined;
    }
    const [batch, features] = input.type.dims;
    return { items: [{ type: tensor(input.type.dtype, [batch!, layer.config.n, features!]), mask: false, label: "output" }], tuple: false };
  },
  weights: () => [],
  initialWeights: () => [],
  lower: (layer, args, ctx) => [
    { value: ctx.builder.op({ kind: "repeat", n: layer.config.n }, [args.inputs[0]!.value], "repeat_vector"), mask: NONE },
  ],
  describe: (c) => `repeat_vector(${c.n})`,
};
