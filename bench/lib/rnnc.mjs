// rnnc's built public API (dist/: `npm run build` first) as the bench engines use it: load a
// workload's model with its Keras-layout weights, on a given backend, and read `model.run`'s result.
import { kerasWeightList, rnnSource } from "../workloads.mjs";

const api = await import("../../dist/node.js").catch((e) => ({ importError: e }));

/** Why rnnc cannot run (dist/ missing or without loadModel), or undefined. */
export const unavailable = api.importError
  ? `rnnc: dist/node.js does not load (${String(api.importError.message).split("\n")[0]}); run npm run build`
  : typeof api.loadModel !== "function"
    ? "rnnc: loadModel not available"
    : undefined;

const isTensorData = (v) => v && typeof v === "object" && Array.isArray(v.shape) && ArrayBuffer.isView(v.data);

/** `model.run`'s result as a list of outputs, in order (an array, a Map or an object by name, or one tensor). */
export function outputList(result) {
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

/**
 * The drive() setup of an rnnc engine: generates the workload's .rnn source, gives it the Keras
 * weights, `loadModel(check(src), { ...options })`, and times `model.run({ x: { shape, data } })`.
 */
export async function rnncRunner(wl, kase, options = {}) {
  if (unavailable) return { unavailable };
  const { check, loadModel } = api;
  const src = rnnSource(wl);
  const checked = check(src.text);
  const errors = checked.diagnostics.filter((d) => d.severity === undefined || d.severity === "error");
  if (errors.length > 0) throw new Error(`rnnc: the generated source does not check: ${errors[0].message}`);
  const weights = { layers: new Map([[src.layerName, kerasWeightList(kase)]]), source: "bench" };
  // With an `ort` module loadModel returns a promise (ORT's sessions load asynchronously).
  const model = await loadModel(checked, { model: src.name, weights, ...options });
  const { data, shape } = kase.x;
  const run = () => model.run({ x: { shape, data } });
  // An API that returns a promise is timed with await.
  const probe = run();
  const isAsync = typeof probe?.then === "function";
  if (isAsync) await probe;
  return { run, isAsync, outputs: outputList, model, dispose: () => model.dispose?.() };
}
