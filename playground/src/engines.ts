// The engines a run can use. cpu: rnnc's own kernels (WebAssembly SIMD). tfjs: TensorFlow.js ops on
// its cpu backend. ort: onnxruntime-web's WebAssembly build running the model exported to ONNX in
// memory (loadModel's "ort" backend). tfjs and ort are bundled as chunks loaded on first use; ORT's
// .wasm is copied beside the page by the build (dist/ort/), so nothing comes from a CDN.
import { loadModel, type CheckedFile, type LoadOptions, type TensorData, type TensorInput, type WeightSet } from "../../src/index.js";
import { ORT_WASM } from "./ort-wasm-path.js";

/** A loaded model, whatever its engine: ORT's run asynchronously, so every engine's run is awaited. */
export interface LoadedModel {
  name: string;
  outputs: string[];
  run(inputs: Readonly<Record<string, TensorInput>>): Promise<TensorData[]>;
  dispose(): Promise<void> | void;
}

export interface Engine {
  id: string;
  label: string;
  load(checked: CheckedFile, options: LoadOptions): Promise<LoadedModel>;
}

let tfjs: Promise<LoadOptions["tf"]> | undefined;
let ort: Promise<LoadOptions["ort"]> | undefined;

function synchronous(options: LoadOptions, checked: CheckedFile): LoadedModel {
  const model = loadModel(checked, options as LoadOptions & { backend: "cpu" | "tfjs"; ort?: undefined });
  return { name: model.name, outputs: model.outputs, run: async (inputs) => model.run(inputs), dispose: () => model.dispose() };
}

export const ENGINES: Engine[] = [
  {
    id: "cpu",
    label: "rnnc cpu (WebAssembly SIMD)",
    load: async (checked, options) => synchronous({ ...options, backend: "cpu" }, checked),
  },
  {
    id: "tfjs",
    label: "TensorFlow.js (cpu backend)",
    load: async (checked, options) => {
      tfjs ??= (async () => {
        const tf = await import("@tensorflow/tfjs");
        await tf.setBackend("cpu");
        await tf.ready();
        return tf as unknown as LoadOptions["tf"];
      })();
      return synchronous({ ...options, backend: "tfjs", tf: await tfjs }, checked);
    },
  },
  {
    id: "ort",
    label: "onnxruntime-web (wasm)",
    load: async (checked, options) => {
      ort ??= (async () => {
        const module = await import("onnxruntime-web/wasm");
        module.env.wasm.wasmPaths = { wasm: new URL(ORT_WASM, document.baseURI).href };
        // Several threads need a cross-origin-isolated page (SharedArrayBuffer), which a plain static server does not give.
        module.env.wasm.numThreads = 1;
        return module as unknown as LoadOptions["ort"];
      })();
      return loadModel(checked, { ...options, backend: "ort", ort: (await ort)! });
    },
  },
];

export function loadOn(engine: Engine, checked: CheckedFile, model: string, weights: WeightSet | undefined): Promise<LoadedModel> {
  return engine.load(checked, { model, ...(weights ? { weights } : {}) });
}
