// The run-time half of a compiled module: what its generated code calls, bundled into the module
// from rnnc's own sources (esbuild keeps only what a module's models use). Weights are checked by
// the binder `rnnc run --weights` uses, inputs by the interpreter's prepareInputs, the layers'
// initial-weight recipes realized by the interpreter's own realizer: a compiled model gives the
// interpreter's messages and numbers.
// Nothing here may touch a Node-only API: a browser loads the module as it is.
import type { Graph } from "../ir/graph.js";
import { prepareInputs, type TensorInput } from "../ir/inputs.js";
import { CarriedStates, type CarriedStateSpec } from "../ir/states.js";
import { bindPlannedWeights, realizeInitialWeights, type InitialGroupRecipe, type WeightPlan } from "../lower/weights.js";
import type { TensorData } from "../types/tensor-data.js";
import type { DType } from "../types/types.js";
import { parseKerasWeights } from "../weights/keras-json.js";
import { resolveKernels, type KernelOptions } from "../backends/cpu/wasm/arena.js";

export { activateInPlace, fastExp, hardSigmoid, hardSigmoid3 } from "../backends/cpu/kernels/activations.js";
export { Arena } from "../backends/cpu/wasm/arena.js";
export { applyMask, im2col, layerNorm, maskNotEqual, poolTime, where } from "../backends/cpu/kernels/sequence-ops.js";
export { attention } from "../backends/cpu/kernels/attention.js";
export { DataError } from "../types/tensor-data.js";

/** What a compiled model's generated code hands defineModel besides its plan function. */
export interface ModelSpec {
  name: string;
  /** The model's inputs, then one per carried state (`states`): the graph's inputs. */
  inputs: { name: string; dtype: DType; dims: (number | string)[]; type: string }[];
  /** The states its stateful layers carry between `step` calls (ir/states.ts), in the graph's order; none if absent. */
  states?: CarriedStateSpec[];
  /** The outputs' types, as the checker prints them. */
  outputs: string[];
  /** Each named dim, in order: the input and the axis its size is read from. */
  dims: [input: number, axis: number][];
  /** What a weights object must hold (the binder's plan). */
  weights: WeightPlan;
  /** The graph's constants, in the plan function's order: each a weight, [layer path, index in its list]. */
  consts: [path: string, index: number][];
  /** The layers' recipes of the starting weights, realized when create() gets none. */
  initial: InitialGroupRecipe[];
}

/**
 * A model's plan for one set of dim sizes: lays out every buffer in one arena, copies the weights in,
 * and returns the function that runs the model. A model without named dims has one plan, whose run
 * takes the inputs as given (checking them with `prepare` unless they are typed data of the exact
 * shapes); a model with named dims has one per set of sizes, run on inputs prepareInputs accepted.
 */
export type PlanFunction = (
  consts: readonly TensorData["data"][],
  kernels: KernelOptions,
  dims: readonly number[],
  prepare: (given: Readonly<Record<string, TensorInput>>) => TensorData[],
) => (inputs: never) => TensorData[];

type StaticRun = (given: Readonly<Record<string, TensorInput>>) => TensorData[];
type SizedRun = (inputs: readonly TensorData[]) => TensorData[];

export interface CreateOptions {
  /** false: the JavaScript kernels even where WebAssembly SIMD is available. */
  simd?: boolean;
  /**
   * Threads the kernels may use, this one included (default: the machine's cores). The module starts
   * its own workers; without SharedArrayBuffer (a page that is not cross-origin isolated) it runs on one.
   */
  threads?: number;
}

export interface CompiledModel {
  name: string;
  inputs: { name: string; type: string }[];
  outputs: string[];
  /** From zero states; the carried states are left as they are. */
  run(inputs: Readonly<Record<string, TensorInput>>): TensorData[];
  /** From the carried states, keeping the new ones (LANGUAGE.md §9). */
  step(inputs: Readonly<Record<string, TensorInput>>): TensorData[];
  /** The carried states back to zeros. */
  reset(): void;
}

export interface CompiledModelFactory {
  name: string;
  inputs: { name: string; type: string }[];
  outputs: string[];
  create(weights?: unknown, options?: CreateOptions): CompiledModel;
}

/** The exported object of one model: `Model.create(weights?)` → `{ run(inputs) }`. */
export function defineModel(spec: ModelSpec, plan: PlanFunction): CompiledModelFactory {
  const carried = spec.states ?? [];
  const inputs = spec.inputs.slice(0, spec.inputs.length - carried.length).map((i) => ({ name: i.name, type: i.type }));
  // prepareInputs reads only the graph's inputs.
  const graph: Graph = {
    values: [],
    nodes: [],
    inputs: spec.inputs.map((i) => ({ name: i.name, value: -1, dtype: i.dtype, dims: i.dims })),
    outputs: [],
    states: carried.map((c) => ({ name: c.name, input: -1, final: -1 })),
  };
  return {
    name: spec.name,
    inputs,
    outputs: spec.outputs,
    create(weights, options = {}) {
      const bound =
        weights === undefined
          ? realizeInitialWeights(spec.initial)
          : bindPlannedWeights(spec.weights, parseKerasWeights(weights, "weights"));
      const consts = spec.consts.map(([path, index]) => {
        const data = bound.get(path)?.[index];
        if (!data) throw new Error(`compiled model ${spec.name}: no weight ${index} for layer ${path}`); // the binder guarantees it
        return data.data;
      });
      const kernels = resolveKernels(options, `compiled model ${spec.name}: `);
      const model = { name: spec.name, inputs: inputs.map((i) => ({ ...i })), outputs: [...spec.outputs] };
      const prepare = (given: Readonly<Record<string, TensorInput>>) => prepareInputs(graph, given);
      const run = runner(spec, (dims) => plan(consts, kernels, dims, prepare), prepare);
      const states = new CarriedStates(carried, spec.outputs.length);
      return {
        ...model,
        run: (given) => states.outputs(run(states.inputs(given, false)), false),
        step: (given) => states.outputs(run(states.inputs(given, true)), true),
        reset: () => states.reset(),
      };
    },
  };
}

/** The run of a model's graph: its inputs and carried states in, its outputs and the states' new values out. */
function runner(
  spec: ModelSpec,
  planFor: (dims: number[]) => (inputs: never) => TensorData[],
  prepare: (given: Readonly<Record<string, TensorInput>>) => TensorData[],
): StaticRun {
  if (spec.dims.length === 0) return planFor([]) as StaticRun;
  // Named dims: one plan per set of sizes, the last one first.
  const plans = new Map<string, SizedRun>();
  let lastDims: number[] = [];
  let last: SizedRun | undefined;
  return (given) => {
    const data = prepare(given);
    const dims = spec.dims.map(([input, axis]) => data[input]!.shape[axis]!);
    if (!last || dims.some((d, i) => d !== lastDims[i])) {
      const key = dims.join(",");
      last = plans.get(key);
      if (!last) {
        last = planFor(dims) as SizedRun;
        plans.set(key, last);
      }
      lastDims = dims;
    }
    return last(data);
  };
}

/** Views of a plan's buffers: the generated layout gives each its byte offset in the arena's block. */
export function f32(block: Uint8Array, byteOffset: number, length: number): Float32Array {
  return new Float32Array(block.buffer, block.byteOffset + byteOffset, length);
}

export function i32(block: Uint8Array, byteOffset: number, length: number): Int32Array {
  return new Int32Array(block.buffer, block.byteOffset + byteOffset, length);
}

export function u8(block: Uint8Array, byteOffset: number, length: number): Uint8Array {
  return new Uint8Array(block.buffer, block.byteOffset + byteOffset, length);
}

/** Bytes rounded up to the arena's 16-byte alignment (SIMD loads). */
export function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
