// Masking: starts a Keras mask — a step is masked where every feature equals mask_value — and, as
// Keras's Masking does, zeroes the masked steps of its output.
import { Codes } from "../source/catalog.js";
import { formatType } from "../types/types.js";
import type { LayerDefinition } from "./layer.js";
import { nameParam } from "./recurrent.js";

export interface MaskingConfig {
  maskValue: number;
}

const describeMasking = (c: MaskingConfig): string => (c.maskValue === 0 ? "masking()" : `masking(${c.maskValue})`);

export const maskingLayer: LayerDefinition<MaskingConfig> = {
  name: "masking",
  aliases: ["Masking"],
  kerasClass: "Masking",
  autoName: "masking",
  doc: "Starts a mask: a step of `[B,T,F]` is masked where every feature equals `mask_value`; masked steps are skipped by the recurrent layers downstream and their output here is zeros, as in Keras. Replaces any mask flowing in. No params.",
  params: [
    {
      name: "mask_value",
      kind: "number",
      positional: true,
      default: 0,
      doc: "The value that marks padding: a step all of whose features equal it is masked. Default 0.0.",
    },
    nameParam,
  ],
  callKeywords: [],
  inputs: { min: 1, max: 1 },
  configure: (args) => ({ maskValue: args.get("mask_value") as number }),
  apply(layer, args, ctx) {
    const input = args.inputs[0]!;
    const t = input.type;
    if (t.dims.length !== 3) {
      ctx.report(
        Codes.RankMismatch,
        input.range,
        `${describeMasking(layer.config)} expects a sequence [B,T,F] (ndim=3), found ${formatType(t)}.`,
      );
      return undefined;
    }
    if (t.dtype !== "f32") {
      ctx.report(Codes.DtypeMismatch, input.range, `${describeMasking(layer.config)} expects f32 input, found ${formatType(t)}.`);
      return undefined;
    }
    return { items: [{ type: t, mask: true, label: "output" }], tuple: false };
  },
  weights: () => [],
  initialWeights: () => [],
  lower: (layer, args, ctx) => {
    const x = args.inputs[0]!.value;
    const mask = ctx.builder.op({ kind: "maskNotEqual", value: layer.config.maskValue }, [x], "masking mask", "bool");
    return [{ value: ctx.builder.op({ kind: "applyMask" }, [x, mask], "masking"), mask }];
  },
  describe: describeMasking,
};
