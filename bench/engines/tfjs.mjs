// tfjs-layers on the `cpu` or `wasm` backend (argv: cpu|wasm) on the workloads. Run by
// bench/runtime.mjs as `node bench/engines/tfjs.mjs '<workload-json>' cpu`. The .wasm files are
// loaded from node_modules (no network).
import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { drive, progress } from "../lib/harness.mjs";
import { tfjsModel, tfjsRunner } from "../lib/tfjs-model.mjs";

const backend = process.argv.slice(2).find((a) => a === "cpu" || a === "wasm");
if (!backend) {
  console.error("usage: node bench/engines/tfjs.mjs '<workload-json>' cpu|wasm");
  process.exit(2);
}
if (backend === "wasm") {
  const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + "/");
}
if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} did not initialise`);
await tf.ready();
if (backend === "wasm") {
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  progress(`tfjs-wasm: simd ${simd}, multithread ${threads}`);
}

await drive(`tfjs-${backend}`, (wl, kase) => {
  const { model, gruResetAfter } = tfjsModel(tf, wl, kase);
  return {
    run: tfjsRunner(tf, wl, kase, model),
    isAsync: false,
    outputs: (outs) => outs,
    refOptions: { gruResetAfter },
    note: gruResetAfter ? undefined : "GRU resetAfter=false (tfjs-layers cannot run reset_after=true)",
    dispose: () => model.dispose(),
  };
});
