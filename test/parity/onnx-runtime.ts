// Runs a model on ONNX Runtime the way a user would: `rnnc run --backend ort` / `loadModel` with
// `backend: "ort"` — the model exported to ONNX (exportOnnx's bytes) in an onnxruntime-node session,
// inputs fed by name, outputs in return order. test/onnx/ checks the exported file's own inputs,
// outputs and state hand-over.
import ort from "onnxruntime-node";
import { check, loadModel, type TensorData, type WeightSet } from "../../src/index.js";
import type { TensorInput } from "../../src/ir/inputs.js";

/**
 * A model on rnnc's ORT backend (`loadModel` with `backend: "ort"` and onnxruntime-node): the model
 * exported to ONNX in memory and run by ONNX Runtime, states carried by `step` for a stateful model.
 */
export async function loadOnOnnxRuntime(source: string, modelName: string, weights: WeightSet | undefined) {
  const checked = check(source);
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`diagnostics:\n${errors.map((d) => `${d.code} ${d.message}`).join("\n")}\n${source}`);
  return loadModel(checked, { model: modelName, ...(weights ? { weights } : {}), backend: "ort", ort });
}

/** The model's outputs, in return order, computed by ONNX Runtime on its exported ONNX model (states from zeros). */
export async function runOnOnnxRuntime(
  source: string,
  modelName: string,
  weights: WeightSet | undefined,
  inputs: Readonly<Record<string, TensorInput>>,
): Promise<TensorData[]> {
  const model = await loadOnOnnxRuntime(source, modelName, weights);
  try {
    return await model.run(inputs);
  } finally {
    model.dispose();
  }
}
