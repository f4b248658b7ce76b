// Seeded random inputs for a checked model, and the largest difference between two engines' outputs
// on them: what `rnnc export --check` (rnnc vs ONNX Runtime) and `rnnc import` (rnnc vs tfjs-layers)
// compare. Named dims take small sizes (a first one 2, any other 5); floats are in [-1, 1]; ids stay
// below the file's smallest embedding vocabulary; masks keep each row's first step and about three
// quarters of the others.
import { isLayerRow, type CheckedFile, type CheckedModel } from "../check/program.js";
import type { TensorData } from "../types/tensor-data.js";

const BATCH_SIZE = 2;
const OTHER_SIZE = 5;
/** Ids when no embedding bounds them. */
const DEFAULT_VOCABULARY = 10;

/** Each input's shape, in declaration order, and the size each named dim took. */
export function randomInputShapes(model: CheckedModel): { shapes: number[][]; sizes: Map<string, number> } {
  const sizes = new Map<string, number>();
  const shapes = model.inputs.map((input) =>
    input.type.dims.map((d, axis) => {
      if (typeof d === "number") return d;
      if (!sizes.has(d)) sizes.set(d, axis === 0 ? BATCH_SIZE : OTHER_SIZE);
      return sizes.get(d)!;
    }),
  );
  return { shapes, sizes };
}

/** The inputs by name, from a fixed seed, and the sizes the named dims took ("B=2, T=5" once joined). */
export function randomInputs(
  checked: CheckedFile,
  model: CheckedModel,
): { inputs: Record<string, TensorData>; sizes: Map<string, number> } {
  let vocab = Infinity;
  for (const m of checked.models)
    for (const row of m.rows) if (isLayerRow(row) && row.kerasClass === "Embedding") vocab = Math.min(vocab, row.weights[0]!.shape[0]!);
  const ids = Number.isFinite(vocab) ? vocab : DEFAULT_VOCABULARY;
  let seed = 20261207;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const { shapes, sizes } = randomInputShapes(model);
  const inputs: Record<string, TensorData> = {};
  model.inputs.forEach((input, k) => {
    const shape = shapes[k]!;
    const n = shape.reduce((a, b) => a * b, 1);
    const steps = shape[1] ?? 1;
    inputs[input.name] = {
      shape,
      data:
        input.type.dtype === "f32"
          ? Float32Array.from({ length: n }, () => next() * 2 - 1)
          : input.type.dtype === "i32"
            ? Int32Array.from({ length: n }, () => Math.floor(next() * ids))
            : Uint8Array.from({ length: n }, (_, i) => (i % steps === 0 || next() < 0.75 ? 1 : 0)),
    };
  });
  return { inputs, sizes };
}

export interface Difference {
  /** The largest |a − b| over every output value; Infinity for NaN or a shape that differs. */
  maxDiff: number;
  /** Where it is: "output 0 element 7", or the shapes that differ. */
  where: string;
  /** How many values were compared. */
  values: number;
}

/** `found` against `expected`, output by output in return order (a different count is Infinity). */
export function maxDifference(expected: readonly TensorData[], found: readonly TensorData[], engine: string): Difference {
  let maxDiff = 0;
  let where = "";
  let values = 0;
  if (found.length !== expected.length) {
    return { maxDiff: Infinity, where: `${engine} returned ${found.length} outputs, rnnc ${expected.length}`, values };
  }
  expected.forEach((want, o) => {
    const got = found[o]!;
    if (got.shape.join() !== want.shape.join()) {
      maxDiff = Infinity;
      where = `output ${o}: ${engine}'s shape [${got.shape.join(",")}] is not rnnc's [${want.shape.join(",")}]`;
      return;
    }
    for (let i = 0; i < want.data.length; i++) {
      const d = Math.abs(want.data[i]! - got.data[i]!);
      // NaN anywhere is a difference too (Math.max would pass it on; a comparison would not).
      if (d > maxDiff || Number.isNaN(d)) {
        maxDiff = Number.isNaN(d) ? Infinity : d;
        where = `output ${o} element ${i}`;
      }
    }
    values += want.data.length;
  });
  return { maxDiff, where, values };
}
