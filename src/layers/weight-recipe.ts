// A layer's starting weights described as data — which initializer fills which run of which weight,
// with which seed — and the one function that turns such a description into numbers. Each layer file
// writes its recipe (`initialWeights`); the interpreter (src/lower/weights.ts) and every compiled
// module's create() (which carries the recipes as a literal and bundles this file) realize it here,
// so a compiled model starts from the interpreter's numbers by construction.
import { sizeOf, type TensorData } from "../types/tensor-data.js";
import { materialize, type Initializer } from "./initializers.js";

/** A run of a weight's values, in row-major order: `init` drawn over `shape` with `seed` (plain JSON). */
export interface RecipePart {
  init: Initializer;
  shape: number[];
  seed: number;
}

/** One weight's starting values: its shape, and the runs that fill it from first element to last. */
export interface WeightRecipe {
  shape: number[];
  parts: RecipePart[];
}

/** A weight drawn whole from one initializer: the usual recipe. */
export function drawn(init: Initializer, shape: readonly number[], seed: number): WeightRecipe {
  return { shape: [...shape], parts: [{ init, shape: [...shape], seed }] };
}

/** A weight made of runs in order (an LSTM bias with unit_forget_bias: init(u) ++ ones(u) ++ init(2u)). */
export function pieces(shape: readonly number[], parts: readonly RecipePart[]): WeightRecipe {
  return { shape: [...shape], parts: parts.map((p) => ({ ...p, shape: [...p.shape] })) };
}

/** The values a recipe describes. Throws when its runs do not fill its shape exactly (a layer file's bug). */
export function realizeWeight(recipe: WeightRecipe): TensorData {
  const data = new Float32Array(sizeOf(recipe.shape));
  let at = 0;
  for (const part of recipe.parts) {
    const length = sizeOf(part.shape);
    if (at + length > data.length) break;
    data.set(materialize(part.init, part.shape, part.seed), at);
    at += length;
  }
  const filled = recipe.parts.reduce((n, p) => n + sizeOf(p.shape), 0);
  if (filled !== data.length) {
    const runs = recipe.parts.map((p) => `${p.init.kind} [${p.shape.join(",")}]`).join(" ++ ");
    throw new Error(
      `initial weight recipe: ${runs} gives ${filled} values for a weight of shape [${recipe.shape.join(",")}] (${data.length})`,
    );
  }
  return { shape: [...recipe.shape], data };
}
