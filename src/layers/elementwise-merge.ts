// What the element-wise merges add, multiply, average and maximum share: the shape rule — every input
// of one dtype and shape, symbolic dims unified by name — and the lowering, whose output mask is
// merge-masks.ts's edition-aware rule. Under `keras 3` a merge may also let its inputs' masks change
// its values (Keras 3's Multiply and Maximum do: multiply.ts, maximum.ts).
import { Codes } from "../source/catalog.js";
import { formatType, sameDims } from "../types/types.js";
import { NONE, type GraphBuilder } from "../ir/graph.js";
import type { ApplyArgs, ApplyContext, LayerDefinition, LayerOutput, LowerContext, LoweredTensor } from "./layer.js";
import { mergedHasMask, mergeMasks } from "./merge-masks.js";
import { nameParam } from "./recurrent.js";

/** What multiply, average and maximum say of their inputs and masks in their docs. */
export const MERGE_DOC_TAIL = "Any number ≥ 2 of tensors of one shape; a mask passes on as with `add`. No params.";

/** An element-wise merge layer: `name(a, b, …)`, no params. */
export function elementwiseMerge(spec: {
  name: string;
  kerasClass: string;
  doc: string;
  /** Whether the inputs must be f32 (add takes any one dtype). */
  floatOnly: boolean;
  /** The ops that compute the merge from the inputs' values (Keras 2, and Keras 3 where masks do not change the values). */
  combine: (values: number[], builder: GraphBuilder) => number;
  /**
   * Under `keras 3`, when some input has a mask: the ops that compute the merge from the inputs'
   * values and masks, given the merged output mask (NONE when there is none). Absent: masks do not
   * change the values (Keras 3's Add and Average).
   */
  combineMasked?: (inputs: readonly LoweredTensor[], outputMask: number, builder: GraphBuilder) => number;
}): LayerDefinition<Record<string, never>> {
  return {
    name: spec.name,
    aliases: [spec.kerasClass],
    kerasClass: spec.kerasClass,
    autoName: spec.name,
    doc: spec.doc,
    params: [nameParam],
    callKeywords: [],
    inputs: { min: 2, max: Infinity },
    appliesDirectly: true,
    configure: () => ({}),
    apply: (_layer, args, ctx) => elementwiseOutput(spec.name, spec.floatOnly, args, ctx),
    weights: () => [],
    initialWeights: () => [],
    lower: (_layer, args, ctx) => {
      const mask = mergeMasks(ctx, args.inputs);
      return [{ value: lowerValues(spec, args.inputs, mask, ctx), mask }];
    },
    describe: () => `${spec.name}()`,
  };
}

function lowerValues(
  spec: Pick<Parameters<typeof elementwiseMerge>[0], "combine" | "combineMasked">,
  inputs: readonly LoweredTensor[],
  outputMask: number,
  ctx: LowerContext,
): number {
  const masked = inputs.some((i) => i.mask !== NONE);
  if (ctx.edition === 3 && masked && spec.combineMasked) return spec.combineMasked(inputs, outputMask, ctx.builder);
  return spec.combine(
    inputs.map((i) => i.value),
    ctx.builder,
  );
}

/** The shape rule of an element-wise merge named `name`: one output of the inputs' shape, or undefined (reported). */
function elementwiseOutput(name: string, floatOnly: boolean, args: ApplyArgs, ctx: ApplyContext): LayerOutput | undefined {
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
  if (floatOnly && first.type.dtype !== "f32") {
    ctx.report(Codes.DtypeMismatch, first.range, `${name} works on f32 tensors, found ${formatType(first.type)}.`);
    return undefined;
  }
  return { items: [{ type: first.type, mask: mergedHasMask(ctx.edition, args.inputs), label: "output" }], tuple: false };
}
