// onnxruntime-node (CPU execution provider) on the workloads: the ONNX model is built in memory
// (bench/lib/onnx.mjs). Timed call: wrap the input Float32Array, session.run, read the outputs.
// Run by bench/runtime.mjs as `node bench/engines/ort.mjs '<workload-json>' [1]`: with `1`, one
// intra-op thread (engine ort-node-1t), else ONNX Runtime's default (one per core; engine ort).
import ort from "onnxruntime-node";
import { drive } from "../lib/harness.mjs";
import { onnxModel, onnxOutputs } from "../lib/onnx.mjs";

const oneThread = process.argv.slice(2).includes("1");

await drive(oneThread ? "ort-node-1t" : "ort", async (wl, kase) => {
  const { bytes, outputNames } = onnxModel(wl, kase, { linearBeforeReset: 1 });
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    ...(oneThread ? { intraOpNumThreads: 1, interOpNumThreads: 1 } : {}),
  });
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
