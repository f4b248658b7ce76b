// Selects a TensorFlow.js backend for the tfjs-backend tests: "cpu", or "wasm" with its .wasm files
// loaded from node_modules (no network).
import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { check, loadModel, type RunnableModel } from "../../src/index.js";
import type { TensorData, WeightSet } from "../../src/types/tensor-data.js";

export { tf };

export type TfjsBackendName = "cpu" | "wasm";

let wasmPathsSet = false;

/** Makes `name` tfjs's active backend (registering the wasm backend on first use). */
export async function useTfjsBackend(name: TfjsBackendName): Promise<typeof tf> {
  if (name === "wasm" && !wasmPathsSet) {
    const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
    setWasmPaths(`${dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json"))}/dist/`);
    wasmPathsSet = true;
  }
  if (tf.getBackend() !== name && !(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} did not initialise`);
  await tf.ready();
  return tf;
}

/** Loads a model on rnnc's tfjs backend (the generated sources are clean: not even a warning). */
export function loadTfjsModel(source: string, modelName: string, weights: WeightSet | undefined): RunnableModel {
  const checked = check(source);
  const diags = checked.diagnostics;
  if (diags.length > 0) throw new Error(`diagnostics:\n${diags.map((d) => `${d.severity} ${d.code} ${d.message}`).join("\n")}\n${source}`);
  return loadModel(checked, { model: modelName, backend: "tfjs", tf, ...(weights ? { weights } : {}) });
}

/**
 * A parity-suite runModel on tfjs backend `name`: loads, runs, disposes, and fails if a tensor is
 * left behind (the weights' tensors included, once disposed).
 */
export function tfjsRunner(name: TfjsBackendName) {
  return async (source: string, modelName: string, weights: WeightSet | undefined, inputs: Record<string, TensorData>) => {
    await useTfjsBackend(name);
    const before = tf.memory().numTensors;
    const model = loadTfjsModel(source, modelName, weights);
    try {
      return model.run(inputs);
    } finally {
      model.dispose();
      const left = tf.memory().numTensors - before;
      if (left !== 0) throw new Error(`${left} tfjs tensors left behind`);
    }
  };
}
