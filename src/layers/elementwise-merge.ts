// What the element-wise merges multiply, average and maximum share (add.ts keeps its own copy): the
// shape rule — every input of one dtype and shape, symbolic dims unified by name — and the one place
// where their output mask is decided, so that the edition's rule can replace it in one edit.
import { Codes } from "../source/catalog.js";
import { formatType, sameDims } from "../types/types.js";
import { combineMasks, type ApplyArgs, type ApplyContext, type LayerOutput, type LowerContext, type LoweredTensor } from "./layer.js";

/** The shape rule of an element-wise merge named `name`: one output of the inputs' shape, or undefined (reported). */
export function elementwiseOutput(name: string, args: ApplyArgs, ctx: ApplyContext): LayerOutput | undefined {
  const first = args.inputs[0]!;
  let ok = true;
  for (const other of args.inputs.slice(1)) {
    if (other.type.dtype === first.type.dtype && sameDims(other.type.dims, first.type.dims)) continue;
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
      `${name} needs tensors of one shape: ${formatType(first.type)} and ${formatType(other.type)}.${
        names ? " Two different dim names are two sizes that may differ; if they are the same size, use one name." : ""
      }`,
    );
    ok = false;
  }
  if (!ok) return undefined;
  if (first.type.dtype !== "f32") {
    ctx.report(Codes.DtypeMismatch, first.range, `${name} works on f32 tensors, found ${formatType(first.type)}.`);
    return undefined;
  }
  return { items: [{ type: first.type, mask: args.inputs.some((i) => i.mask), label: "output" }], tuple: false };
}

/**
 * The output mask of an element-wise merge. Keras 2's rule (as add.ts): a step is kept where every
 * input that has a mask keeps it. The edition-aware helper (Keras 3 ORs) replaces this at merge.
 */
export function elementwiseMask(ctx: LowerContext, inputs: readonly LoweredTensor[]): number {
  return combineMasks(ctx, inputs);
}
