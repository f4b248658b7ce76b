// The ONNX exporter against rnnc's CPU backend: a model is exported, run in onnxruntime-node and
// compared with loadModel's outputs to 1e-5 (ORT's sigmoid/tanh are approximations, ~5e-7).
import ort from "onnxruntime-node";
import { expect } from "vitest";
import { check, exportOnnx, loadModel, type TensorData } from "../../src/index.js";

/** A deterministic input of the model's input type, dims resolved by `sizes` (ids 1…9, floats in [-1, 1), bools 70% true). */
export function inputFor(dtype: string, dims: readonly (number | string)[], sizes: Record<string, number>, seed: number): TensorData {
  const shape = dims.map((d) => (typeof d === "number" ? d : sizes[d]!));
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  if (dtype === "i32") return { shape, data: Int32Array.from({ length: n }, () => 1 + Math.floor(next() * 9)) };
  if (dtype === "bool") return { shape, data: Uint8Array.from({ length: n }, () => (next() < 0.7 ? 1 : 0)) };
  return { shape, data: Float32Array.from({ length: n }, () => next() * 2 - 1) };
}

/** rnnc's data as an ORT tensor. */
export function ortTensor(t: TensorData): ort.Tensor {
  return new ort.Tensor(t.data instanceof Int32Array ? "int32" : t.data instanceof Uint8Array ? "bool" : "float32", t.data, t.shape);
}

/** Runs an exported model in onnxruntime-node on the given inputs: each output's dims and data. */
export async function runOnnx(bytes: Uint8Array, inputs: Record<string, TensorData>): Promise<TensorData[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, ortTensor(t)]));
    const result = await session.run(feeds);
    return session.outputNames.map((name) => ({ shape: [...result[name]!.dims], data: result[name]!.data as Float32Array }));
  } finally {
    await session.release();
  }
}

export interface CompareOptions {
  /** Which model of the source; default: the first. */
  model?: string;
  /** Inputs by name, instead of the generated ones (to put mask values, zeros or NaN where a test needs them). */
  inputs?: Record<string, TensorData>;
}

/**
 * Exports a model, runs it in onnxruntime-node and in rnnc's CPU backend on the same inputs, and
 * expects equal dims and values within 1e-5 (NaN where rnnc has NaN). Returns the largest difference.
 */
export async function compare(source: string, sizes: Record<string, number> = {}, options: CompareOptions | string = {}): Promise<number> {
  const { model, inputs } = typeof options === "string" ? { model: options, inputs: undefined } : options;
  return compareSizes(source, [sizes], { model, inputs });
}

/**
 * One exported model (named dims stay symbolic in it) run for each of several sizes of its named
 * dims, each against rnnc's CPU backend as `compare` does. Returns the largest difference.
 */
export async function compareSizes(source: string, sizesList: Record<string, number>[], options: CompareOptions = {}): Promise<number> {
  const { model, inputs: given } = options;
  const checked = check(source);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const picked = model === undefined ? checked.models[0]! : checked.models.find((m) => m.name === model)!;
  const bytes = exportOnnx(checked, { model });
  let worst = 0;
  for (const sizes of sizesList) {
    const inputs = given ?? Object.fromEntries(picked.inputs.map((i, k) => [i.name, inputFor(i.type.dtype, i.type.dims, sizes, 17 + k)]));
    const expected = loadModel(checked, { model }).run(inputs);
    const got = await runOnnx(bytes, inputs);
    expected.forEach((want, i) => {
      expect(got[i]!.shape).toEqual(want.shape);
      want.data.forEach((v, j) => {
        const g = Number(got[i]!.data[j]);
        if (Number.isNaN(v)) expect(g, `output ${i} [${j}]`).toBeNaN();
        else worst = Math.max(worst, Math.abs(Number(v) - g));
      });
    });
  }
  expect(worst).toBeLessThan(1e-5);
  return worst;
}

/** Expects ORT's outputs to have rnnc's dims and values within 1e-5; returns the largest difference. */
export function expectClose(expected: readonly TensorData[], got: readonly TensorData[]): number {
  let worst = 0;
  expected.forEach((want, i) => {
    expect(got[i]!.shape).toEqual(want.shape);
    want.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(Number(v) - Number(got[i]!.data[j])))));
  });
  expect(worst).toBeLessThan(1e-5);
  return worst;
}

/**
 * One exported model run on several input sets — each may leave inputs out, which are generated
 * from `sizes` — each against rnnc's CPU backend: every mask kind on the same bytes. Returns the
 * largest difference.
 */
export async function compareInputSets(
  source: string,
  sizes: Record<string, number>,
  sets: readonly Record<string, TensorData>[],
  model?: string,
): Promise<number> {
  const checked = check(source);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const picked = model === undefined ? checked.models[0]! : checked.models.find((m) => m.name === model)!;
  const bytes = exportOnnx(checked, { model });
  const loaded = loadModel(checked, { model });
  let worst = 0;
  for (const given of sets) {
    const inputs = Object.fromEntries(
      picked.inputs.map((i, k) => [i.name, given[i.name] ?? inputFor(i.type.dtype, i.type.dims, sizes, 17 + k)]),
    );
    worst = Math.max(worst, expectClose(loaded.run(inputs), await runOnnx(bytes, inputs)));
  }
  return worst;
}
