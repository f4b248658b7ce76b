// rnnc's CPU backend on the workloads, through the BUILT public API (dist/: `npm run build` first).
// Per workload: generate the .rnn source, give the Keras-layout weights, `loadModel(check(src), …)`,
// and time `model.run({ x: { shape, data } })`. Run by bench/runtime.mjs as
// `node bench/engines/rnnc.mjs '<workload-json>'`. Without `loadModel` in dist/index.js every workload
// reports "rnnc: loadModel not available" instead of failing.
import { drive } from "../lib/harness.mjs";
import { kerasWeightList, rnnSource } from "../workloads.mjs";

const api = await import("../../dist/index.js").catch((e) => ({ importError: e }));
const unavailable = api.importError
  ? `rnnc: dist/index.js does not load (${String(api.importError.message).split("\n")[0]}); run npm run build`
  : typeof api.loadModel !== "function"
    ? "rnnc: loadModel not available"
    : undefined;

const isTensorData = (v) => v && typeof v === "object" && Array.isArray(v.shape) && ArrayBuffer.isView(v.data);

/** `model.run`'s result as a list of outputs, in order (an array, a Map or an object by name, or one tensor). */
function outputList(result) {
  if (isTensorData(result)) return [result];
  if (Array.isArray(result)) return result;
  if (result instanceof Map) return [...result.values()];
  if (result && typeof result === "object") {
    if (Array.isArray(result.outputs)) return result.outputs;
    if (result.outputs instanceof Map) return [...result.outputs.values()];
    return Object.values(result).filter(isTensorData);
  }
  throw new Error(`rnnc: model.run returned ${typeof result}`);
}

await drive("rnnc-cpu", async (wl, kase) => {
  if (unavailable) return { unavailable };
  const { check, loadModel } = api;
  const src = rnnSource(wl);
  const checked = check(src.text);
  const errors = checked.diagnostics.filter((d) => d.severity === undefined || d.severity === "error");
  if (errors.length > 0) throw new Error(`rnnc: the generated source does not check: ${errors[0].message}`);
  const weights = { layers: new Map([[src.layerName, kerasWeightList(kase)]]), source: "bench" };
  const model = loadModel(checked, { model: src.name, weights });
  const { data, shape } = kase.x;
  const run = () => model.run({ x: { shape, data } });
  // An API that returns a promise is timed with await.
  const probe = run();
  const isAsync = typeof probe?.then === "function";
  if (isAsync) await probe;
  return { run, isAsync, outputs: outputList, dispose: () => model.dispose?.() };
});
