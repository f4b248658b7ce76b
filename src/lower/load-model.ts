// Checked program + weights → a model that runs. Nothing runs on a program with errors or on
// partial weights: both are reported before any graph is built.
import { CpuBackend } from "../backends/cpu/executor.js";
import { TfjsBackend } from "../backends/tfjs/executor.js";
import type { TfjsCore } from "../backends/tfjs/tfjs-core.js";
import type { CheckedFile, CheckedModel } from "../check/program.js";
import type { TensorInput } from "../ir/inputs.js";
import { DataError, type TensorData, type WeightSet } from "../types/tensor-data.js";
import { formatType } from "../types/types.js";
import { echo } from "../source/echo.js";
import { lowerModel } from "./lower.js";
import { bindWeights } from "./weights.js";

export interface LoadOptions {
  /** Which model of the file; default: the first. */
  model?: string;
  /** Weights by layer name; default: the initializers in the source. */
  weights?: WeightSet;
  /** false: run the plain JavaScript kernels even where WebAssembly SIMD is available. */
  simd?: boolean;
  /** "cpu" (default): rnnc's own kernels; "tfjs": TensorFlow.js ops on `tf`'s active backend. */
  backend?: "cpu" | "tfjs";
  /** For backend "tfjs": the caller's `@tensorflow/tfjs` module, with the backend to use set (cpu, wasm, webgl, webgpu…). */
  tf?: TfjsCore;
}

export interface RunnableModel {
  name: string;
  inputs: { name: string; type: string }[];
  outputs: string[];
  /** Runs the model on one set of inputs; the results are the caller's. */
  run(inputs: Readonly<Record<string, TensorInput>>): TensorData[];
  /** Releases what the backend holds (the tfjs backend's weight tensors); the model cannot run afterwards. */
  dispose(): void;
}

export function loadModel(checked: CheckedFile, options: LoadOptions = {}): RunnableModel {
  const backendName = options.backend ?? "cpu";
  if (backendName !== "cpu" && backendName !== "tfjs")
    throw new DataError(`unknown backend ${echo(String(backendName))} (available: cpu, tfjs)`);
  const tf = options.tf;
  if (backendName === "tfjs" && (typeof tf !== "object" || tf === null || typeof tf.matMul !== "function")) {
    throw new DataError('backend "tfjs" needs the tf option: your TensorFlow.js module (import * as tf from "@tensorflow/tfjs")');
  }
  const model = pickModel(checked, options.model);
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !model.ok) {
    const first = errors[0];
    const where = first ? ` (first: line ${first.range.start.line + 1}: ${first.code} ${first.message})` : "";
    throw new DataError(`the file has ${errors.length} error${errors.length === 1 ? "" : "s"}; fix them before running${where}`);
  }
  const models = new Map<string, CheckedModel>(checked.models.map((m) => [m.name, m]));
  const weights = bindWeights(model, models, options.weights);
  const graph = lowerModel(checked, model, weights);
  const backend = backendName === "tfjs" ? new TfjsBackend(graph, tf!) : new CpuBackend(graph, options.simd ?? true);
  return {
    name: model.name,
    inputs: model.inputs.map((i) => ({ name: i.name, type: formatType(i.type) })),
    outputs: model.outputs.map(formatType),
    run: (inputs) => backend.run(inputs),
    dispose: () => (backend instanceof TfjsBackend ? backend.dispose() : undefined),
  };
}

function pickModel(checked: CheckedFile, name: string | undefined): CheckedModel {
  if (checked.models.length === 0) throw new DataError("the file defines no model");
  if (name === undefined) return checked.models[0]!;
  const model = checked.models.find((m) => m.name === name);
  if (!model) throw new DataError(`no model named ${echo(name)} (models: ${checked.models.map((m) => echo(m.name)).join(", ")})`);
  return model;
}
