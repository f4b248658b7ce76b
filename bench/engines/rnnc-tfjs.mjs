// rnnc's tfjs backend (the IR lowered to tfjs-core ops) on TensorFlow.js's `cpu` or `wasm` backend
// (argv: cpu|wasm), through the BUILT public API: `loadModel(…, { backend: "tfjs", tf })`, timed as
// bench/engines/rnnc.mjs times the CPU backend. Run by bench/runtime.mjs as
// `node bench/engines/rnnc-tfjs.mjs '<workload-json>' cpu`. The .wasm files are loaded from
// node_modules (no network).
import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { drive, progress } from "../lib/harness.mjs";
import { rnncRunner } from "../lib/rnnc.mjs";

const backend = process.argv.slice(2).find((a) => a === "cpu" || a === "wasm");
if (!backend) {
  console.error("usage: node bench/engines/rnnc-tfjs.mjs '<workload-json>' cpu|wasm");
  process.exit(2);
}
if (backend === "wasm") {
  const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + "/");
}
if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} did not initialise`);
await tf.ready();
if (backend === "wasm") progress(`rnnc-tfjs-wasm: simd ${await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")}`);

await drive(`rnnc-tfjs-${backend}`, async (wl, kase) => {
  const before = tf.memory().numTensors;
  const runner = await rnncRunner(wl, kase, { backend: "tfjs", tf });
  if (runner.unavailable) return runner;
  return {
    ...runner,
    dispose: () => {
      runner.dispose();
      // The backend must leave nothing behind once disposed (the timing would otherwise hide a leak).
      const left = tf.memory().numTensors - before;
      if (left !== 0) progress(`rnnc-tfjs-${backend} ${wl.id}: ${left} tensors left behind`);
    },
  };
});
