// rnnc's ONNX Runtime backend through the BUILT public API: `loadModel(…, { backend, ort })` with
// onnxruntime-node, the model exported to ONNX in memory by rnnc. argv: `ort` (every call on ORT) or
// `auto` (per call, the engine the cost model of src/lower/engine-choice.ts picks; the engine it
// picked is noted per workload). Run by bench/runtime.mjs as `node bench/engines/rnnc-ort.mjs
// '<workload-json>' auto`.
import ort from "onnxruntime-node";
import { drive } from "../lib/harness.mjs";
import { rnncRunner } from "../lib/rnnc.mjs";

const backend = process.argv.slice(2).find((a) => a === "ort" || a === "auto");
if (!backend) {
  console.error("usage: node bench/engines/rnnc-ort.mjs '<workload-json>' ort|auto");
  process.exit(2);
}

await drive(`rnnc-${backend}`, async (wl, kase) => {
  const runner = await rnncRunner(wl, kase, { backend, ort });
  if (runner.unavailable || backend !== "auto") return runner;
  const choice = runner.model.lastEngine;
  return { ...runner, note: `auto ran ${choice.engine} (${choice.reason.replace(/^auto chose \w+: /, "")})` };
});
