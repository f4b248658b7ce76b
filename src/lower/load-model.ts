// Checked program + weights → a model that runs. Nothing runs on a program with errors or on
// partial weights: both are reported before any graph is built.
import { CpuBackend } from "../backends/cpu/executor.js";
import { TfjsBackend } from "../backends/tfjs/executor.js";
import type { TfjsCore } from "../backends/tfjs/tfjs-core.js";
import type { CheckedFile, CheckedModel } from "../check/program.js";
import { isArrayData, nestedShape, type TensorInput } from "../ir/inputs.js";
import { CarriedStates } from "../ir/states.js";
import { DataError, type TensorData, type WeightSet } from "../types/tensor-data.js";
import { formatType } from "../types/types.js";
import { echo } from "../source/echo.js";
import type { Graph } from "../ir/graph.js";
import { formatShape, sizeOf } from "../types/tensor-data.js";
import { OrtBackend } from "../backends/ort/executor.js";
import { requireOrtModule, type OrtModule } from "../backends/ort/ort-module.js";
import { exportLoweredGraph } from "../onnx/export.js";
import { resolveKernels } from "../backends/cpu/wasm/arena.js";
import { chooseEngine, estimateFlops, type Engine, type EngineChoice } from "./engine-choice.js";
import { lowerModel } from "./lower.js";
import { allocating, defaultMemoryBudget, enforceBudget, estimateRun, estimateWeights, type MemoryEstimate } from "./memory.js";
import { bindWeights } from "./weights.js";

export interface LoadOptions {
  /** Which model of the file; default: the first. */
  model?: string;
  /** Weights by layer name; default: the initializers in the source. */
  weights?: WeightSet;
  /** false: run the plain JavaScript kernels even where WebAssembly SIMD is available. */
  simd?: boolean;
  /**
   * Threads rnnc's CPU kernels may use, this one included (default: the machine's cores). More than
   * one needs SharedArrayBuffer — in browsers, a cross-origin-isolated page — and runs on one without it.
   */
  threads?: number;
  /**
   * "cpu" (default without `ort`): rnnc's own kernels; "tfjs": TensorFlow.js ops on `tf`'s active
   * backend; "ort": ONNX Runtime, the model exported to ONNX in memory; "auto" (default with `ort`):
   * per call, whichever of cpu and ort the cost model (engine-choice.ts) says is faster for the
   * inputs' sizes. With "ort" and "auto" loadModel returns a Promise of an AsyncRunnableModel.
   */
  backend?: "cpu" | "tfjs" | "ort" | "auto";
  /** For backend "tfjs": the caller's `@tensorflow/tfjs` module, with the backend to use set (cpu, wasm, webgl, webgpu…). */
  tf?: TfjsCore;
  /** For backends "ort" and "auto": the caller's ONNX Runtime module (onnxruntime-node in Node, onnxruntime-web in browsers). */
  ort?: OrtModule;
  /**
   * The memory budget in bytes (default: half of the machine's physical memory). Loading refuses
   * weights, and a run refuses input shapes, whose estimated memory is past it (a DataError).
   */
  maxMemory?: number;
}

export interface RunnableModel {
  name: string;
  inputs: { name: string; type: string }[];
  outputs: string[];
  /**
   * Runs the model on one set of inputs; the results are the caller's. A stateful model's layers start
   * from zero states, and the states `step` carries are left as they are.
   */
  run(inputs: Readonly<Record<string, TensorInput>>): TensorData[];
  /**
   * Runs the model with its stateful layers starting from the states the previous `step` ended in
   * (zeros at first and after `reset`), and keeps the states this one ends in: a sequence fed in
   * chunks gives the numbers of the whole. Without stateful layers, the same as `run`.
   */
  step(inputs: Readonly<Record<string, TensorInput>>): TensorData[];
  /** The stateful layers' states back to zeros (Keras's `reset_states()`). */
  reset(): void;
  /** Releases what the backend holds (the tfjs backend's weight tensors); the model cannot run afterwards. */
  dispose(): void;
}

/** The options of a model run on ONNX Runtime (alone, or chosen per call by "auto"). */
export type OrtLoadOptions = LoadOptions & { backend?: "ort" | "auto"; ort: OrtModule };

/** A model on ONNX Runtime (or "auto"): as RunnableModel, but ORT's sessions run asynchronously. */
export interface AsyncRunnableModel {
  name: string;
  inputs: { name: string; type: string }[];
  outputs: string[];
  /** As RunnableModel.run. */
  run(inputs: Readonly<Record<string, TensorInput>>): Promise<TensorData[]>;
  /** As RunnableModel.step; steps run one after the other in the order they were called. */
  step(inputs: Readonly<Record<string, TensorInput>>): Promise<TensorData[]>;
  reset(): void;
  /** Releases the ONNX Runtime session; the model cannot run afterwards. */
  dispose(): Promise<void>;
  /** Which engine ran the last call and why (for "ort": always ort); undefined before the first call. */
  readonly lastEngine: EngineChoice | undefined;
}

export type { Engine, EngineChoice };

export function loadModel(checked: CheckedFile, options: OrtLoadOptions): Promise<AsyncRunnableModel>;
export function loadModel(checked: CheckedFile, options?: LoadOptions & { backend?: "cpu" | "tfjs"; ort?: undefined }): RunnableModel;
export function loadModel(checked: CheckedFile, options?: LoadOptions): RunnableModel | Promise<AsyncRunnableModel>;
export function loadModel(checked: CheckedFile, options: LoadOptions = {}): RunnableModel | Promise<AsyncRunnableModel> {
  const backendName = options.backend ?? (options.ort === undefined ? "cpu" : "auto");
  if (!["cpu", "tfjs", "ort", "auto"].includes(backendName))
    throw new DataError(`unknown backend ${echo(String(backendName))} (available: cpu, tfjs, ort, auto)`);
  if (backendName === "ort" || backendName === "auto")
    return loadOnOrt(checked, options, backendName, requireOrtModule(options.ort, backendName));
  if (options.ort !== undefined) throw new DataError(`the ort option is for backends "ort" and "auto", not ${echo(backendName)}`);
  const tf = options.tf;
  if (backendName === "tfjs" && (typeof tf !== "object" || tf === null || typeof tf.matMul !== "function")) {
    throw new DataError('backend "tfjs" needs the tf option: your TensorFlow.js module (import * as tf from "@tensorflow/tfjs")');
  }
  const { model, backend, guard, states } = lowered(checked, options, (graph) =>
    backendName === "tfjs" ? new TfjsBackend(graph, tf!) : new CpuBackend(graph, resolveKernels(options)),
  );
  const call = (given: Readonly<Record<string, TensorInput>>, carried: boolean) => {
    const inputs = states.inputs(given, carried);
    const estimate = guard.check(inputs);
    const outputs = estimate ? allocating(estimate, guard.what(inputs), () => backend.run(inputs)) : backend.run(inputs);
    return states.outputs(outputs, carried);
  };
  return {
    ...describe(model),
    run: (inputs) => call(inputs, false),
    step: (inputs) => call(inputs, true),
    reset: () => states.reset(),
    dispose: () => (backend instanceof TfjsBackend ? backend.dispose() : undefined),
  };
}

/**
 * "ort": every call on ONNX Runtime (a model the exporter refuses is refused here, with its reason).
 * "auto": the CPU backend and, when the model exports, an ORT session; each call on the one the cost
 * model picks for its input shapes.
 */
async function loadOnOrt(checked: CheckedFile, options: LoadOptions, mode: "ort" | "auto", ort: OrtModule): Promise<AsyncRunnableModel> {
  const { model, graph, backend, guard, states } = lowered(checked, options, (graph, model) => {
    // The graph as lowered, before a backend's passes: the CPU backend prepares it in place afterwards.
    let bytes: Uint8Array | undefined;
    let refusal: string | undefined;
    try {
      bytes = exportLoweredGraph(graph, model);
    } catch (error) {
      if (!(error instanceof DataError) || mode === "ort") throw error;
      refusal = error.message;
    }
    const cpu = mode === "auto" ? new CpuBackend(graph, resolveKernels(options)) : undefined;
    return { bytes, refusal, cpu };
  });
  const session = backend.bytes ? await OrtBackend.create(graph, backend.bytes, ort) : undefined;
  const cpu = backend.cpu;
  const choices = new ChoiceCache(graph, backend.refusal);
  let lastEngine: EngineChoice | undefined;
  let disposed = false;
  // Not an async function: a call that runs on the CPU settles with one Promise.resolve, which on
  // tiny models is a tenth of the call (errors still arrive as rejections).
  const call = (given: Readonly<Record<string, TensorInput>>, carried: boolean): Promise<TensorData[]> => {
    try {
      if (disposed) throw new DataError("this model was disposed (its ONNX Runtime session is released)");
      const inputs = states.inputs(given, carried);
      const estimate = guard.check(inputs);
      const choice = cpu === undefined ? ORT_ONLY : choices.choose(guard.shapes);
      lastEngine = choice;
      if (choice.engine === "ort" && session !== undefined) {
        return session.run(inputs).then((outputs) => states.outputs(outputs, carried));
      }
      const outputs = estimate ? allocating(estimate, guard.what(inputs), () => cpu!.run(inputs)) : cpu!.run(inputs);
      return Promise.resolve(states.outputs(outputs, carried));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  // Steps carry states from one to the next: each waits for the one before.
  let steps: Promise<unknown> = Promise.resolve();
  return {
    ...describe(model),
    run: (inputs) => call(inputs, false),
    step: (inputs) => {
      const result = steps.then(() => call(inputs, true));
      steps = result.catch(() => undefined);
      return result;
    },
    reset: () => states.reset(),
    dispose: async () => {
      disposed = true;
      await session?.dispose();
    },
    get lastEngine() {
      return lastEngine;
    },
  };
}

const ORT_ONLY: EngineChoice = { engine: "ort", reason: 'backend "ort" runs every call on ONNX Runtime', flops: Number.NaN };

/** Auto's choice per set of input shapes, estimated once per shapes (the last one's cost a comparison). */
class ChoiceCache {
  private lastShapes: number[][] | undefined;
  private lastChoice: EngineChoice | undefined;
  private readonly byKey = new Map<string, EngineChoice>();

  constructor(
    private readonly graph: Graph,
    private readonly refusal: string | undefined,
  ) {}

  /** `shapes`: the run guard's reading of the inputs (undefined: they cannot be read). */
  choose(shapes: number[][] | undefined): EngineChoice {
    // Shapes that cannot be read: the CPU backend's conversion names the mistake.
    if (!shapes) return { engine: "cpu", reason: "auto chose cpu: the inputs' shapes are not valid", flops: Number.NaN };
    if (this.lastShapes && this.lastChoice && sameShapes(shapes, this.lastShapes)) return this.lastChoice;
    const key = shapes.map((s) => s.join("x")).join(";");
    let choice = this.byKey.get(key);
    if (!choice) {
      choice = chooseEngine(estimateFlops(this.graph, shapes), this.refusal);
      this.byKey.set(key, choice);
    }
    this.lastShapes = shapes;
    this.lastChoice = choice;
    return choice;
  }
}

function sameShapes(a: readonly number[][], b: readonly number[][]): boolean {
  return a.length === b.length && a.every((s, i) => s.length === b[i]!.length && s.every((d, j) => d === b[i]![j]));
}

/**
 * Checks the program, binds the weights, lowers the model and makes its backend (`make`), inside the
 * memory guard; the guard for runs and the carried states come with it.
 */
function lowered<B>(checked: CheckedFile, options: LoadOptions, make: (graph: Graph, model: CheckedModel) => B) {
  const model = pickModel(checked, options.model);
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !model.ok) {
    const first = errors[0];
    const where = first ? ` (first: line ${first.range.start.line + 1}: ${first.code} ${first.message})` : "";
    throw new DataError(`the file has ${errors.length} error${errors.length === 1 ? "" : "s"}; fix them before running${where}`);
  }
  const budget = memoryBudget(options.maxMemory);
  const models = new Map<string, CheckedModel>(checked.models.map((m) => [m.name, m]));
  const weightsEstimate = estimateWeights(model, models, options.weights === undefined);
  enforceBudget(weightsEstimate, budget, `loading ${echo(model.name)}'s weights`);
  const { graph, backend } = allocating(weightsEstimate, `loading ${echo(model.name)}'s weights`, () => {
    const weights = bindWeights(model, models, options.weights);
    const graph = lowerModel(checked, model, weights);
    return { graph, backend: make(graph, model) };
  });
  const guard = new RunGuard(graph, budget, model.name);
  const states = new CarriedStates(
    graph.states.map((s) => ({ name: s.name, shape: graph.inputs.find((i) => i.value === s.input)!.dims as number[] })),
    model.outputs.length,
  );
  return { model, graph, backend, guard, states };
}

function describe(model: CheckedModel): Pick<RunnableModel, "name" | "inputs" | "outputs"> {
  return {
    name: model.name,
    inputs: model.inputs.map((i) => ({ name: i.name, type: formatType(i.type) })),
    outputs: model.outputs.map(formatType),
  };
}

/** The model named `name` (default: the first), or a DataError listing the models. */
export function pickModel(checked: CheckedFile, name: string | undefined): CheckedModel {
  if (checked.models.length === 0) throw new DataError("the file defines no model");
  if (name === undefined) return checked.models[0]!;
  const model = checked.models.find((m) => m.name === name);
  if (!model) throw new DataError(`no model named ${echo(name)} (models: ${checked.models.map((m) => echo(m.name)).join(", ")})`);
  return model;
}

function memoryBudget(maxMemory: number | undefined): number {
  if (maxMemory === undefined) return defaultMemoryBudget();
  if (typeof maxMemory !== "number" || !(maxMemory > 0)) {
    throw new DataError(`maxMemory is a number of bytes greater than 0; found ${echo(String(maxMemory))}`);
  }
  return maxMemory;
}

/** Estimates each new set of input shapes once (runs with the shapes of the last one cost a comparison). */
class RunGuard {
  private lastShapes: number[][] | undefined;
  private lastEstimate: MemoryEstimate | undefined;
  /** The input shapes the last check read, in graph input order; undefined when one could not be read. */
  shapes: number[][] | undefined;

  constructor(
    private readonly graph: Graph,
    private readonly budget: number,
    private readonly model: string,
  ) {}

  /** The estimate for these inputs' shapes (throws past the budget); undefined when a shape cannot be read (the run reports it). */
  check(inputs: Readonly<Record<string, TensorInput>>): MemoryEstimate | undefined {
    this.shapes = undefined;
    if (typeof inputs !== "object" || inputs === null) return undefined;
    const shapes: number[][] = [];
    for (const input of this.graph.inputs) {
      const shape = Object.hasOwn(inputs, input.name) ? shapeOf(inputs[input.name]) : undefined;
      if (!shape || shape.length !== input.dims.length) return undefined;
      shapes.push(shape);
    }
    this.shapes = shapes;
    if (this.lastShapes && sameShapes(shapes, this.lastShapes)) return this.lastEstimate;
    const estimate = estimateRun(this.graph, shapes);
    enforceBudget(estimate, this.budget, this.what(inputs));
    this.lastShapes = shapes;
    this.lastEstimate = estimate;
    return estimate;
  }

  what(inputs: Readonly<Record<string, TensorInput>>): string {
    const shapes = this.graph.inputs.map((i) => `${echo(i.name)} ${formatShape(shapeOf(inputs[i.name]) ?? [])}`);
    return `running ${echo(this.model)} on ${shapes.join(", ")}`;
  }
}

/** An input's shape without converting it: the lengths along the first elements, or its `shape`. */
function shapeOf(value: TensorInput | undefined): number[] | undefined {
  if (Array.isArray(value)) return nestedShape(value);
  if (typeof value === "object" && value !== null && Array.isArray((value as { shape?: unknown }).shape)) {
    const { shape, data } = value as { shape: unknown[]; data: unknown };
    if (!shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) return undefined;
    // Data that does not hold the shape's values is the conversion's error to report, not a size to estimate.
    return isArrayData(data) && data.length === sizeOf(shape as number[]) ? (shape as number[]) : undefined;
  }
  return undefined;
}
