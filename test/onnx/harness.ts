// Runs an exported model in onnxruntime-node beside rnnc's CPU backend (loadModel) and compares the
// outputs to 1e-5 (ORT's sigmoid/tanh are approximations, ~5e-7). Shared by the ONNX export tests.
import ort from "onnxruntime-node";
import { expect } from "vitest";
import { check, exportOnnx, loadModel, type TensorData } from "../../src/index.js";

/** A deterministic input of the model's input type, dims resolved by `sizes`. */
export function inputFor(dtype: string, dims: readonly (number | string)[], sizes: Record<string, number>, seed: number): TensorData {
  const shape = dims.map((d) => (typeof d === "number" ? d : sizes[d]!));
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  if (dtype === "i32") return { shape, data: Int32Array.from({ length: n }, () => 1 + Math.floor(next() * 9)) };
  if (dtype === "bool") return { shape, data: Uint8Array.from({ length: n }, () => (next() < 0.7 ? 1 : 0)) };
  return { shape, data: Float32Array.from({ length: n }, () => next() * 2 - 1) };
}

/** An ORT tensor of rnnc's data. */
export function ortTensor(t: TensorData): ort.Tensor {
  if (t.data instanceof Int32Array) return new ort.Tensor("int32", t.data, t.shape);
  if (t.data instanceof Uint8Array) return new ort.Tensor("bool", t.data, t.shape);
  return new ort.Tensor("float32", t.data as Float32Array, t.shape);
}

/** The largest difference between rnnc's outputs and ORT's, checking shapes; fails past 1e-5. */
export function expectClose(
  expected: readonly TensorData[],
  result: ort.InferenceSession.OnnxValueMapType,
  names: readonly string[],
): number {
  let worst = 0;
  expected.forEach((want, i) => {
    const got = result[names[i]!]!;
    expect(got.dims).toEqual(want.shape);
    const data = got.data as Float32Array;
    want.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - data[j]!))));
  });
  expect(worst).toBeLessThan(1e-5);
  return worst;
}

/**
 * Exports the model once, then runs each input set (generated from `sizes` when none is given; a
 * given set may leave inputs out, which are generated) on ORT and on rnnc's CPU backend.
 */
export async function compare(
  source: string,
  sizes: Record<string, number> = {},
  model?: string,
  inputSets?: readonly Record<string, TensorData>[],
): Promise<number> {
  const checked = check(source);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const picked = model === undefined ? checked.models[0]! : checked.models.find((m) => m.name === model)!;
  const bytes = exportOnnx(checked, { model });
  const session = await ort.InferenceSession.create(bytes);
  const loaded = loadModel(checked, { model });
  let worst = 0;
  for (const given of inputSets ?? [{}]) {
    const inputs = Object.fromEntries(
      picked.inputs.map((i, k) => [i.name, given[i.name] ?? inputFor(i.type.dtype, i.type.dims, sizes, 17 + k)]),
    );
    const expected = loaded.run(inputs);
    const feeds = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, ortTensor(t)]));
    worst = Math.max(worst, expectClose(expected, await session.run(feeds), session.outputNames));
  }
  await session.release();
  return worst;
}
