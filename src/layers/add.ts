// Add tensors of one shape, element by element.
import { Codes } from "../source/catalog.js";
import { formatType, sameDims } from "../types/types.js";
import type { LayerDefinition } from "./layer.js";
import { mergedHasMask, mergeMasks } from "./merge-masks.js";
import { nameParam } from "./recurrent.js";

export const addLayer: LayerDefinition<Record<string, never>> = {
  name: "add",
  aliases: ["Add"],
  kerasClass: "Add",
  autoName: "add",
  doc: "Adds tensors of the same shape element by element: `add(a, b)`. No params.",
  params: [nameParam],
  callKeywords: [],
  inputs: { min: 2, max: Infinity },
  appliesDirectly: true,
  configure: () => ({}),
  apply(_layer, args, ctx) {
    const first = args.inputs[0]!;
    let ok = true;
    for (const other of args.inputs.slice(1)) {
      if (other.type.dtype !== first.type.dtype || !sameDims(other.type.dims, first.type.dims)) {
        const names = other.type.dims.some(
          (d, i) => typeof d === "string" && typeof first.type.dims[i] === "string" && d !== first.type.dims[i],
        );
        ctx.report(
          other.type.dims.length !== first.type.dims.length
            ? Codes.RankMismatch
            : other.type.dtype !== first.type.dtype
              ? Codes.DtypeMismatch
              : Codes.DimMismatch,
          other.range,
          `add needs tensors of one shape: ${formatType(first.type)} and ${formatType(other.type)}.${
            names ? " Two different dim names are two sizes that may differ; if they are the same size, use one name." : ""
          }`,
        );
        ok = false;
      }
    }
    if (!ok) return undefined;
    return { items: [{ type: first.type, mask: mergedHasMask(ctx.edition, args.inputs), label: "output" }], tuple: false };
  },
  weights: () => [],
  initialWeights: () => [],
  lower: (_layer, args, ctx) => [
    {
      value: ctx.builder.op(
        { kind: "add" },
        args.inputs.map((i) => i.value),
        "add",
      ),
      mask: mergeMasks(ctx, args.inputs),
    },
  ],
  describe: () => "add()",
};
