// `rnnc export … --check`: the exported model run in onnxruntime-node beside rnnc's CPU backend on
// the same random inputs (named dims set to small sizes), and the largest difference printed. Past
// CHECK_TOLERANCE the check fails: ORT's sigmoid/tanh are approximations (~5e-7), so anything near
// 1e-4 is a wrong export, not rounding.
import { loadModel, type CheckedFile, type CheckedModel, type OrtModule, type TensorData, type WeightSet } from "../node.js";
import { isLayerRow } from "../check/program.js";

export const CHECK_TOLERANCE = 1e-4;

/** Sizes of named dims: a batch (a first dim) of 2, any other (time, …) of 5. */
const BATCH_SIZE = 2;
const OTHER_SIZE = 5;

export interface CheckResult {
  /** The largest |ORT − CPU| over every output value. */
  maxDiff: number;
  /** Where it is: "output 0 [1][3]". */
  where: string;
  values: number;
  /** "B=2, T=5", or "" without named dims. */
  sizes: string;
}

export async function checkOnOrt(
  checked: CheckedFile,
  model: CheckedModel,
  bytes: Uint8Array,
  weights: WeightSet | undefined,
  ort: OrtModule,
): Promise<CheckResult> {
  const { inputs, sizes } = randomInputs(checked, model);
  const expected = loadModel(checked, { model: model.name, weights }).run(inputs);
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  let found: TensorData[];
  try {
    const feeds = Object.fromEntries(
      model.inputs.map((i) => {
        const t = inputs[i.name]!;
        return [i.name, new ort.Tensor(i.type.dtype === "f32" ? "float32" : i.type.dtype === "i32" ? "int32" : "bool", t.data, t.shape)];
      }),
    );
    const results = await session.run(feeds);
    found = session.outputNames.map((name) => {
      const r = results[name]!;
      return { shape: r.dims.map(Number), data: r.data as TensorData["data"] };
    });
  } finally {
    await session.release();
  }
  let maxDiff = 0;
  let where = "";
  let values = 0;
  expected.forEach((want, o) => {
    const got = found[o];
    if (!got || got.shape.join() !== want.shape.join()) {
      maxDiff = Infinity;
      where = `output ${o}: ONNX Runtime's shape [${got?.shape.join(",") ?? ""}] is not rnnc's [${want.shape.join(",")}]`;
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
  return { maxDiff, where, values, sizes: [...sizes].map(([d, n]) => `${d}=${n}`).join(", ") };
}

/**
 * Random inputs for the model's declared types from a fixed seed: floats in [-1, 1], ids below the
 * smallest embedding vocabulary of the file, masks that keep each row's first step and about three
 * quarters of the others.
 */
function randomInputs(checked: CheckedFile, model: CheckedModel): { inputs: Record<string, TensorData>; sizes: Map<string, number> } {
  const sizes = new Map<string, number>();
  let vocab = Infinity;
  for (const m of checked.models)
    for (const row of m.rows) if (isLayerRow(row) && row.kerasClass === "Embedding") vocab = Math.min(vocab, row.weights[0]!.shape[0]!);
  const ids = Number.isFinite(vocab) ? vocab : 10;
  let seed = 20261207;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const inputs: Record<string, TensorData> = {};
  for (const input of model.inputs) {
    const shape = input.type.dims.map((d, axis) => {
      if (typeof d === "number") return d;
      if (!sizes.has(d)) sizes.set(d, axis === 0 ? BATCH_SIZE : OTHER_SIZE);
      return sizes.get(d)!;
    });
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
  }
  return { inputs, sizes };
}
