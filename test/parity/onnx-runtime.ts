// Runs a model the way a user serving it on ONNX Runtime would: `exportOnnx` to ONNX bytes, an
// onnxruntime-node session on them, the inputs fed by name, the outputs read in return order. Not
// through an rnnc backend: this checks the exported file itself.
import ort from "onnxruntime-node";
import { check, exportOnnx, type TensorData, type WeightSet } from "../../src/index.js";
import { toTensorData, type TensorInput } from "../../src/ir/inputs.js";
import type { DType } from "../../src/types/types.js";

const ORT_TYPE: Record<DType, "float32" | "int32" | "bool"> = { f32: "float32", i32: "int32", bool: "bool" };

/** A checked, error-free file's model exported to ONNX (with `weights`, else the source's initializers). */
export function exportChecked(source: string, modelName: string, weights: WeightSet | undefined): Uint8Array {
  const checked = check(source);
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`diagnostics:\n${errors.map((d) => `${d.code} ${d.message}`).join("\n")}\n${source}`);
  return exportOnnx(checked, { model: modelName, ...(weights ? { weights } : {}) });
}

/**
 * An exported model in an onnxruntime-node session. A stateful model's carried states are extra graph
 * inputs (`lstm/h#0`…) and their new values extra outputs after the model's (`lstm/h#0/next`,
 * docs/onnx.md): `run` feeds zeros for them unless `carried` holds them, and returns the new ones.
 */
export async function openOnOnnxRuntime(source: string, modelName: string, weights: WeightSet | undefined) {
  const model = check(source).models.find((m) => m.name === modelName);
  if (!model) throw new Error(`no model ${modelName} in\n${source}`);
  const bytes = exportChecked(source, modelName, weights);
  // One thread: the parity set is hundreds of tiny models, and the machine is shared.
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const modelInputs = new Set(model.inputs.map((i) => i.name));
  const stateInputs = session.inputMetadata.filter((m) => !modelInputs.has(m.name));
  const run = async (inputs: Readonly<Record<string, TensorInput>>, carried?: ReadonlyMap<string, TensorData>) => {
    const feeds: Record<string, ort.Tensor> = {};
    for (const { name, type } of model.inputs) {
      const given = inputs[name];
      if (given === undefined) throw new Error(`input ${name} is not given`);
      const t = toTensorData(given, type.dtype, name);
      feeds[name] = new ort.Tensor(ORT_TYPE[type.dtype], t.data, t.shape);
    }
    for (const state of stateInputs) {
      if (!state.isTensor) throw new Error(`state input ${state.name} is not a tensor`);
      const shape = state.shape.map((d) => {
        if (typeof d !== "number") throw new Error(`state input ${state.name} has a named dim ${d}: a stateful batch is fixed`);
        return d;
      });
      const t = carried?.get(state.name) ?? { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
      feeds[state.name] = new ort.Tensor("float32", t.data as Float32Array, t.shape);
    }
    const result = await session.run(feeds);
    const all = session.outputNames.map((name) => {
      const out = result[name]!;
      const data = out.data;
      if (!(data instanceof Float32Array || data instanceof Int32Array || data instanceof Uint8Array)) {
        throw new Error(`output ${name}: ONNX Runtime returned ${out.type}, which no rnnc model returns`);
      }
      return { shape: [...out.dims], data } as TensorData;
    });
    const states = new Map(stateInputs.map((state, k) => [state.name, all[model.outputs.length + k]!]));
    return { outputs: all.slice(0, model.outputs.length), states };
  };
  return { run, release: () => session.release() };
}

/** The model's outputs, in return order, computed by onnxruntime-node on its exported ONNX model (states from zeros). */
export async function runOnOnnxRuntime(
  source: string,
  modelName: string,
  weights: WeightSet | undefined,
  inputs: Readonly<Record<string, TensorInput>>,
): Promise<TensorData[]> {
  const opened = await openOnOnnxRuntime(source, modelName, weights);
  try {
    return (await opened.run(inputs)).outputs;
  } finally {
    await opened.release();
  }
}
