// onnxruntime-node (CPU execution provider) on the workloads: the ONNX model is built in memory
// (bench/lib/onnx.mjs). Timed call: wrap the input Float32Array, session.run, read the outputs.
// Run by bench/runtime.mjs as `node bench/engines/ort.mjs '<workload-json>' [1]`: with `1`, one
// intra-op thread (engine ort-node-1t), else ONNX Runtime's default (one per core; engine ort).
import ort from "onnxruntime-node";
import { drive } from "../lib/harness.mjs";
import { ortEngine } from "../lib/onnx.mjs";

const oneThread = process.argv.slice(2).includes("1");

await drive(
  oneThread ? "ort-node-1t" : "ort",
  ortEngine(ort, { executionProviders: ["cpu"], ...(oneThread ? { intraOpNumThreads: 1, interOpNumThreads: 1 } : {}) }),
);
