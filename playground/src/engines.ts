// The engines a run can use. cpu: rnnc's own kernels (WebAssembly SIMD). tfjs: TensorFlow.js ops
// on its cpu backend, bundled and loaded on first use. onnxruntime-web: listed but unavailable until
// the library's ORT backend lands; to wire it, give its entry a `load` returning
// `{ backend: "ort", ort }` (the options loadModel will take) and drop `unavailable`.
import { loadModel, type CheckedFile, type LoadOptions, type RunnableModel, type WeightSet } from "../../src/index.js";

export interface Engine {
  id: string;
  label: string;
  /** Why the engine cannot be chosen yet (shown in the menu); absent when it can. */
  unavailable?: string;
  /** The loadModel options that select this engine (asynchronous: an engine may load a module first). */
  load(): Promise<Partial<LoadOptions>>;
}

let tfjs: Promise<Partial<LoadOptions>> | undefined;

export const ENGINES: Engine[] = [
  { id: "cpu", label: "rnnc cpu (WebAssembly SIMD)", load: async () => ({ backend: "cpu" }) },
  {
    id: "tfjs",
    label: "TensorFlow.js (cpu backend)",
    load: () =>
      (tfjs ??= (async () => {
        const tf = await import("@tensorflow/tfjs");
        await tf.setBackend("cpu");
        await tf.ready();
        return { backend: "tfjs", tf: tf as unknown as LoadOptions["tf"] };
      })()),
  },
  {
    id: "ort",
    label: "onnxruntime-web",
    unavailable: "waits for rnnc's ORT backend",
    load: () => Promise.reject(new Error("onnxruntime-web is not wired yet: rnnc's ORT backend has not landed")),
  },
];

export async function loadOn(engine: Engine, checked: CheckedFile, model: string, weights: WeightSet | undefined): Promise<RunnableModel> {
  const options = await engine.load();
  return loadModel(checked, { ...options, model, ...(weights ? { weights } : {}) });
}
