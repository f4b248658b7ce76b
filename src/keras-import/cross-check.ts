// After an import: both models on the same random inputs, the largest difference of their outputs.
// The inputs are drawn from a fixed seed: named dims take small sizes, ids stay below every
// embedding's vocabulary (0 included, so masks are exercised).
import type { CheckedModel } from "../check/program.js";
import type { TensorData } from "../types/tensor-data.js";

/** Sizes of named dims in the random inputs. */
const DIM_SIZES: Record<string, number> = { B: 2, T: 5 };

export interface RandomInput {
  name: string;
  shape: number[];
  dtype: "float32" | "int32" | "bool";
  data: Float32Array | Int32Array | Uint8Array;
}

/** The shapes the random inputs have: named dims take the sizes above (3 for other names). */
export function inputShapes(model: CheckedModel): number[][] {
  return model.inputs.map((input) => input.type.dims.map((d) => (typeof d === "number" ? d : (DIM_SIZES[d] ?? 3))));
}

/** Random inputs for a checked model; `vocab` bounds int inputs (the smallest embedding input_dim). */
export function randomInputs(model: CheckedModel, vocab: number, seed = 1): RandomInput[] {
  const shapes = inputShapes(model);
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32: deterministic across runs and platforms.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  return model.inputs.map((input, i) => {
    const shape = shapes[i]!;
    const size = shape.reduce((a, b) => a * b, 1);
    if (input.type.dtype === "i32")
      return { name: input.name, shape, dtype: "int32", data: Int32Array.from({ length: size }, () => Math.floor(next() * vocab)) };
    if (input.type.dtype === "bool")
      return { name: input.name, shape, dtype: "bool", data: Uint8Array.from({ length: size }, () => (next() < 0.8 ? 1 : 0)) };
    return { name: input.name, shape, dtype: "float32", data: Float32Array.from({ length: size }, () => next() * 2 - 1) };
  });
}

/** The largest |a − b| over outputs in order; a shape or count mismatch is Infinity. */
export function maxDifference(a: readonly TensorData[], b: readonly TensorData[]): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.shape.join() !== b[i]!.shape.join() || a[i]!.data.length !== b[i]!.data.length) return Infinity;
    a[i]!.data.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i]!.data[j]!))));
  }
  return max;
}
