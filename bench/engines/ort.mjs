// onnxruntime-node (CPU execution provider) on the workloads: the ONNX model is built in memory
// (bench/lib/onnx.mjs). Timed call: wrap the input Float32Array, session.run, read the outputs.
// Run by bench/runtime.mjs as `node bench/engines/ort.mjs '<workload-json>'`.
import ort from "onnxruntime-node";
import { drive } from "../lib/harness.mjs";
import { onnxModel, onnxOutputs } from "../lib/onnx.mjs";

await drive("ort", async (wl, kase) => {
  const { bytes, outputNames } = onnxModel(wl, kase, { linearBeforeReset: 1 });
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["cpu"], graphOptimizationLevel: "all" });
  const { data, shape } = kase.x;
  const run = async () => {
    const result = await session.run({ x: new ort.Tensor("float32", data, shape) });
    for (const name of outputNames) result[name].data;
    return result;
  };
  return {
    run,
    isAsync: true,
    outputs: (result) => onnxOutputs(wl, result),
    note: wl.cell === "gru" ? "linear_before_reset=1" : undefined,
    dispose: () => session.release(),
  };
});
