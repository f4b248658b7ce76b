// `rnnc export … --check`: the exported model run in onnxruntime-node beside rnnc's CPU backend on
// the same random inputs (named dims set to small sizes), and the largest difference printed. Past
// CHECK_TOLERANCE the check fails: ORT's sigmoid/tanh are approximations (~5e-7), so anything near
// 1e-4 is a wrong export, not rounding.
import { DataError, loadModel, type CheckedFile, type CheckedModel, type OrtModule, type TensorData, type WeightSet } from "../node.js";
import { FEED_TYPES } from "../backends/ort/executor.js";
import type { OrtTensor } from "../backends/ort/ort-module.js";
import { maxDifference, randomInputs } from "../report/random-inputs.js";

export const CHECK_TOLERANCE = 1e-4;

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
    const feeds: Record<string, OrtTensor> = Object.fromEntries(
      model.inputs.map((i) => {
        const t = inputs[i.name]!;
        return [i.name, new ort.Tensor(FEED_TYPES[i.type.dtype], t.data, t.shape)];
      }),
    );
    // A stateful model's carried states are extra inputs (docs/onnx.md): zeros, as a stream starts.
    const declared = new Set(model.inputs.map((i) => i.name));
    const metadata = (session as { inputMetadata?: readonly { name: string; shape?: readonly (number | string)[] }[] }).inputMetadata;
    for (const name of session.inputNames) {
      if (declared.has(name)) continue;
      const shape = metadata?.find((m) => m.name === name)?.shape;
      if (!shape || !shape.every((d): d is number => typeof d === "number"))
        throw new DataError(`the file's input ${JSON.stringify(name)} (a carried state) has no fixed shape to start it from`);
      feeds[name] = new ort.Tensor("float32", new Float32Array(shape.reduce((a, b) => a * b, 1)), [...shape]);
    }
    const results = await session.run(feeds);
    found = session.outputNames.map((name) => {
      const r = results[name]!;
      return { shape: r.dims.map(Number), data: r.data as TensorData["data"] };
    });
  } finally {
    await session.release();
  }
  // The file's outputs: the model's, then a stateful model's new states (not compared).
  const { maxDiff, where, values } = maxDifference(expected, found.slice(0, expected.length), "ONNX Runtime");
  return { maxDiff, where, values, sizes: [...sizes].map(([d, n]) => `${d}=${n}`).join(", ") };
}
