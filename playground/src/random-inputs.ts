// Random inputs of a model's input types: a named dimension is 1 for a batch (`B`, as Keras's
// batch axis) and 4 otherwise; floats uniform in [-1, 1), integer ids in [0, 10), masks true or false.
import type { CheckedModel, NestedArray } from "../../src/index.js";

const BATCH_NAMES = new Set(["B", "N", "batch"]);

export function randomInputs(model: CheckedModel, random: () => number = Math.random): Record<string, NestedArray> {
  const inputs: Record<string, NestedArray> = {};
  for (const input of model.inputs) {
    const shape = input.type.dims.map((d, i) => (typeof d === "number" ? d : i === 0 && BATCH_NAMES.has(d) ? 1 : 4));
    const value = () =>
      input.type.dtype === "f32"
        ? Math.round((random() * 2 - 1) * 1000) / 1000
        : input.type.dtype === "i32"
          ? Math.floor(random() * 10)
          : random() < 0.5;
    const build = (depth: number): NestedArray =>
      (depth === shape.length - 1
        ? Array.from({ length: shape[depth]! }, value)
        : Array.from({ length: shape[depth]! }, () => build(depth + 1))) as NestedArray;
    inputs[input.name] = shape.length === 0 ? (value() as unknown as NestedArray) : build(0);
  }
  return inputs;
}
