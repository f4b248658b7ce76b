// onnxruntime-web (its WebAssembly build, SIMD, in Node) on the workloads, on 1 or 2 threads
// (argv: 1|2): what a web page gets from ONNX Runtime. The ONNX model is built in memory
// (bench/lib/onnx.mjs) as for onnxruntime-node. Timed call: wrap the input Float32Array, session.run,
// read the outputs. Run by bench/runtime.mjs as `node bench/engines/ort-web.mjs '<workload-json>' 1`.
import ort from "onnxruntime-web";
import { drive } from "../lib/harness.mjs";
import { ortEngine } from "../lib/onnx.mjs";

const threads = Number(process.argv.slice(2).find((a) => a === "1" || a === "2"));
if (!threads) {
  console.error("usage: node bench/engines/ort-web.mjs '<workload-json>' 1|2");
  process.exit(2);
}
ort.env.wasm.numThreads = threads;
ort.env.wasm.simd = true;
ort.env.logLevel = "error";

await drive(`ort-web-${threads}t`, ortEngine(ort, { executionProviders: ["wasm"] }));
// The wasm build's worker threads keep the process alive.
process.exit(0);
