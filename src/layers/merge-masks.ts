// How a merge layer (add, concat, multiply, average, maximum, …) combines its inputs' Keras masks:
// the one rule every merge calls, in its shape rule (does the output carry a mask?) and in its
// lowering (which mask?). It depends on the file's edition (LANGUAGE.md §6):
// - keras 2 ANDs the masks that exist (an unmasked input constrains nothing);
// - keras 3 ORs them, and an input without a mask makes the output unmasked: for element-wise merges
//   Keras 3 passes on no mask then, and for concat the unmasked input counts as all-true, so the OR
//   is all-true — which masks nothing, so rnnc passes on no mask there too (same numbers everywhere).
import { NONE } from "../ir/graph.js";
import type { Edition } from "../types/edition.js";
import type { LowerContext, LoweredTensor } from "./layer.js";

/** Whether the merged output carries a mask, from whether each input does. */
export function mergedHasMask(edition: Edition, inputs: readonly { mask: boolean }[]): boolean {
  return edition === 3 ? inputs.every((i) => i.mask) : inputs.some((i) => i.mask);
}

/** The merged mask's value in the graph being built (NONE for no mask). */
export function mergeMasks(ctx: LowerContext, inputs: readonly LoweredTensor[]): number {
  const masks = inputs.map((i) => i.mask).filter((m) => m !== NONE);
  if (ctx.edition === 3 && masks.length < inputs.length) return NONE;
  if (masks.length <= 1) return masks[0] ?? NONE;
  return ctx.builder.op({ kind: ctx.edition === 3 ? "maskOr" : "maskAnd" }, masks, "mask", "bool");
}
