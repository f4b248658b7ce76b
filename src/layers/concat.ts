// Concatenate tensors along an axis (default the last); the other dims must agree.
import { Codes } from "../source/catalog.js";
import { formatType, tensor, type Dim } from "../types/types.js";
import type { LayerDefinition } from "./layer.js";
import { mergedHasMask, mergeMasks } from "./merge-masks.js";
import { nameParam } from "./recurrent.js";

export interface ConcatConfig {
  axis: number;
}

export const concatLayer: LayerDefinition<ConcatConfig> = {
  name: "concat",
  aliases: ["concatenate"],
  kerasClass: "Concatenate",
  autoName: "concatenate",
  doc: "Joins tensors along `axis` (default -1, the last): `concat(a, b, axis=-1)`. The other dims must be equal. No params.",
  params: [{ name: "axis", kind: "axis", default: -1, doc: "The axis to join along; negative counts from the end." }, nameParam],
  callKeywords: [],
  inputs: { min: 2, max: Infinity },
  appliesDirectly: true,
  configure: (args) => ({ axis: args.get("axis") as number }),
  apply(layer, args, ctx) {
    const [first, ...rest] = args.inputs;
    const r = first!.type.dims.length;
    const axis = layer.config.axis < 0 ? r + layer.config.axis : layer.config.axis;
    if (axis < 1 || axis >= r) {
      ctx.report(
        Codes.AxisOutOfRange,
        layer.argRanges?.get("axis") ?? layer.constructorCall.range,
        `concat axis ${layer.config.axis} is outside the non-batch axes of ${formatType(first!.type)} (1..${r - 1}, or -1..-${r - 1}).`,
      );
      return undefined;
    }
    if (axis === 1 && r >= 3 && args.inputs.some((i) => i.mask)) {
      // Keras joins the masks along time here; rnnc's masks are combined step by step (merge-masks.ts).
      ctx.report(
        Codes.BadArgumentValue,
        layer.argRanges?.get("axis") ?? layer.constructorCall.range,
        `concat along the time axis (axis ${layer.config.axis}) of masked sequences would join their masks along time, which rnnc does not do; concat along the features (axis=-1), or leave the inputs unmasked.`,
      );
      return undefined;
    }
    let ok = true;
    for (const other of rest) {
      const t = other.type;
      if (t.dims.length !== r) {
        ctx.report(
          Codes.RankMismatch,
          other.range,
          `concat needs tensors of one rank: ${formatType(first!.type)} has ${r} dims, this has ${t.dims.length} (${formatType(t)}).`,
        );
        ok = false;
      } else if (t.dtype !== first!.type.dtype) {
        ctx.report(
          Codes.DtypeMismatch,
          other.range,
          `concat needs tensors of one element type: ${formatType(first!.type)} and ${formatType(t)}.`,
        );
        ok = false;
      } else {
        const bad = t.dims.findIndex((d, i) => i !== axis && d !== first!.type.dims[i]);
        if (bad >= 0) {
          ctx.report(
            Codes.DimMismatch,
            other.range,
            `concat along axis ${layer.config.axis} needs every other dim equal; dim ${bad} is ${first!.type.dims[bad]} in ${formatType(first!.type)} but ${t.dims[bad]} in ${formatType(t)}.${
              typeof first!.type.dims[bad] === "string" && typeof t.dims[bad] === "string"
                ? " If they are the same size, use one name."
                : ""
            }`,
          );
          ok = false;
        }
      }
    }
    if (!ok) return undefined;
    let total = 0;
    for (const input of args.inputs) {
      const d: Dim = input.type.dims[axis]!;
      if (typeof d !== "number") {
        ctx.report(
          Codes.ConcatSymbolicAxis,
          input.range,
          `concat along axis ${layer.config.axis} needs its size as a number to give the result a shape; here it is the name ${d}.`,
        );
        return undefined;
      }
      total += d;
    }
    const dims = first!.type.dims.map((d, i) => (i === axis ? total : d));
    return {
      items: [{ type: tensor(first!.type.dtype, dims), mask: mergedHasMask(ctx.edition, args.inputs), label: "output" }],
      tuple: false,
    };
  },
  weights: () => [],
  initialWeights: () => [],
  lower: (layer, args, ctx) => [
    {
      value: ctx.builder.op(
        { kind: "concat", axis: layer.config.axis },
        args.inputs.map((i) => i.value),
        "concat",
      ),
      mask: mergeMasks(ctx, args.inputs),
    },
  ],
  describe: (c) => `concat(axis=${c.axis})`,
};
