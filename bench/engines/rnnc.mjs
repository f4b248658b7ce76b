// rnnc's CPU backend on the workloads, through the BUILT public API (dist/: `npm run build` first).
// Per workload: generate the .rnn source, give the Keras-layout weights, `loadModel(check(src), …)`,
// and time `model.run({ x: { shape, data } })`. Run by bench/runtime.mjs as
// `node bench/engines/rnnc.mjs '<workload-json>' [relaxed]`. Without `loadModel` in dist/node.js every
// workload reports "rnnc: loadModel not available" instead of failing. With `relaxed` (engine
// rnnc-cpu-relaxed), V8's relaxed SIMD is switched on first, as current browsers have it: the arena
// then runs the fused multiply-add build of its kernels. With `1t` (engine rnnc-cpu-1t), the kernels
// keep to this thread (threads: 1); otherwise they use the machine's cores (loadModel's default).
import v8 from "node:v8";

const relaxed = process.argv.slice(2).includes("relaxed");
const oneThread = process.argv.slice(2).includes("1t");
if (relaxed) v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
const { drive, progress } = await import("../lib/harness.mjs");
const { rnncRunner } = await import("../lib/rnnc.mjs");
const { Arena } = await import("../../dist/backends/cpu/wasm/arena.js");
if (relaxed && Arena.kernels() !== "relaxed-simd") progress(`rnnc-cpu-relaxed: the arena runs ${Arena.kernels()} kernels`);

await drive(relaxed ? "rnnc-cpu-relaxed" : oneThread ? "rnnc-cpu-1t" : "rnnc-cpu", (wl, kase) =>
  rnncRunner(wl, kase, oneThread ? { threads: 1 } : {}),
);
