// rnnc's CPU backend on the workloads, through the BUILT public API (dist/: `npm run build` first).
// Per workload: generate the .rnn source, give the Keras-layout weights, `loadModel(check(src), …)`,
// and time `model.run({ x: { shape, data } })`. Run by bench/runtime.mjs as
// `node bench/engines/rnnc.mjs '<workload-json>'`. Without `loadModel` in dist/index.js every workload
// reports "rnnc: loadModel not available" instead of failing.
import { drive } from "../lib/harness.mjs";
import { rnncRunner } from "../lib/rnnc.mjs";

await drive("rnnc-cpu", (wl, kase) => rnncRunner(wl, kase));
