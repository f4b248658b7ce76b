// What the element-wise merges multiply, average and maximum share (add.ts keeps its own copy): the
// shape rule — every input of one dtype and shape, symbolic dims unified by name — and the one place
// where their output mask is decided, so that the edition's rule can replace it in one edit.
import { Codes } from "../source/catalog.js";
import { formatType, sameDims } from "../types/types.js";
import type { GraphBuilder } from "../ir/graph.js";
import {
  combineMasks,
  type ApplyArgs,
  type ApplyContext,
  type LayerDefinition,
  type LayerOutput,
  type LowerContext,
  type LoweredTensor,
} from "./layer.js";
import { nameParam } from "./recurrent.js";

/** An element-wise merge layer: `name(a, b, …)`, no params; `combine` adds the ops that compute it from the inputs' values. */
export function elementwiseMerge(spec: {
  name: string;
  kerasClass: string;
  doc: string;
  combine: (values: number[], builder: GraphBuilder) => number;
}): LayerDefinition<Record<string, never>> {
  return {
    name: spec.name,
    aliases: [spec.kerasClass],
    kerasClass: spec.kerasClass,
    autoName: spec.name,
    doc: `${spec.doc} Any number ≥ 2 of tensors of one shape; a mask passes on as with \`add\`. No params.`,
    params: [nameParam],
    callKeywords: [],
    inputs: { min: 2, max: Infinity },
    appliesDirectly: true,
    configure: () => ({}),
    apply: (_layer, args, ctx) => elementwiseOutput(spec.name, args, ctx),
    weights: () => [],
    initialWeights: () => [],
    lower: (_layer, args, ctx) => [
      {
        value: spec.combine(
          args.inputs.map((i) => i.value),
          ctx.builder,
        ),
        mask: elementwiseMask(ctx, args.inputs),
      },
    ],
    describe: () => `${spec.name}()`,
  };
}

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
  return { items: [{ type: first.type, mask: elementwiseHasMask(args.inputs), label: "output" }], tuple: false };
}

/** Whether an element-wise merge's output carries a mask (Keras 2: when any input does). See elementwiseMask. */
export function elementwiseHasMask(inputs: readonly { mask: boolean }[]): boolean {
  return inputs.some((i) => i.mask);
}

/**
 * The output mask of an element-wise merge. Keras 2's rule (as add.ts): a step is kept where every
 * input that has a mask keeps it. The edition-aware helper (merge-masks.ts on the `editions`
 * branch: Keras 3 ORs) replaces this and elementwiseHasMask at merge.
 */
export function elementwiseMask(ctx: LowerContext, inputs: readonly LoweredTensor[]): number {
  return combineMasks(ctx, inputs);
}
