// The CPU backend: plans a graph for concrete input shapes — every value's shape, one buffer per
// value, one closure per node — then runs the closures. A run allocates nothing but its results;
// a new set of input shapes gets (and caches) a new plan.
import { ATTENTION_INPUTS, convGeometry, NONE, recurrentInputs, type Graph, type Node } from "../../ir/graph.js";
import { prepareInputs, type TensorInput } from "../../ir/inputs.js";
import { inferShapes, numbers } from "../../ir/shapes.js";
import { prepareGraph } from "../../ir/passes.js";
import { DataError, sizeOf, type TensorData } from "../../types/tensor-data.js";
import type { DType } from "../../types/types.js";
import { activateInPlace } from "./kernels/activations.js";
import { attention, type AttentionBuffers } from "./kernels/attention.js";
import { RecurrentStep, type RecurrentBuffers } from "./kernels/recurrent.js";
import * as ops from "./kernels/tensor-ops.js";
import * as sequenceOps from "./kernels/sequence-ops.js";
import { Arena, type KernelOptions } from "./wasm/arena.js";

type Buffer = ops.Buffer;

/** The results, copied out of the arena into one fresh buffer per dtype (one allocation, not one per output). */
function copyOutputs(graph: Graph, plan: Plan): TensorData[] {
  let floats = 0;
  for (const v of graph.outputs) if (graph.values[v]!.dtype === "f32") floats += plan.buffers[v]!.length;
  const block = new Float32Array(floats);
  let at = 0;
  return graph.outputs.map((v) => {
    const source = plan.buffers[v]!;
    const shape = plan.shapes[v]!.slice();
    if (!(source instanceof Float32Array)) return { shape, data: source.slice() };
    const data = block.subarray(at, at + source.length);
    data.set(source);
    at += source.length;
    return { shape, data };
  });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Plan {
  inputShapes: number[][];
  /** Per value: its buffer (inputs are rebound each run). */
  buffers: (Buffer | undefined)[];
  shapes: number[][];
  steps: (() => void)[];
}

export class CpuBackend {
  private readonly graph: Graph;
  private readonly plans = new Map<string, Plan>();
  private lastPlan: Plan | undefined;

  /** `kernels`: SIMD or the JavaScript kernels only (tests of the fallback), and the threads they may use. */
  constructor(
    graph: Graph,
    private readonly kernels: KernelOptions = {},
  ) {
    this.graph = prepareGraph(graph, { evaluate: (node, inputs) => evaluateNode(graph, node, inputs), hoistInputProjection: true });
  }

  /** Runs the model; the results are fresh arrays the caller owns. */
  run(inputs: Readonly<Record<string, TensorInput>>): TensorData[] {
    const data = prepareInputs(this.graph, inputs);
    const plan = this.planFor(data);
    this.graph.inputs.forEach((input, i) => plan.buffers[input.value]!.set(data[i]!.data));
    for (const step of plan.steps) step();
    return copyOutputs(this.graph, plan);
  }

  private planFor(inputs: TensorData[]): Plan {
    // The common case, a run with the shapes of the last: no key to build.
    const last = this.lastPlan;
    if (last && inputs.every((t, i) => sameShape(t.shape, last.inputShapes[i]!))) return last;
    const key = inputs.map((t) => t.shape.join("x")).join(";");
    let plan = this.plans.get(key);
    if (!plan) {
      plan = buildPlan(this.graph, inputs, this.kernels);
      this.plans.set(key, plan);
    }
    this.lastPlan = plan;
    return plan;
  }
}

const BYTES: Record<DType, number> = { f32: 4, i32: 4, bool: 1 };

function allocate(arena: Arena, dtype: DType, size: number): Buffer {
  return dtype === "f32" ? arena.f32(size) : dtype === "i32" ? arena.i32(size) : arena.u8(size);
}

/**
 * Shapes first, then one arena for every buffer — values, copies of the inputs and constants (the
 * SIMD kernels read them in place), and the recurrent kernels' scratch — then one closure per node.
 */
function buildPlan(graph: Graph, inputs: TensorData[], kernels: KernelOptions): Plan {
  const shapes: number[][] = [];
  graph.inputs.forEach((input, i) => (shapes[input.value] = inputs[i]!.shape));
  const bytes: number[] = [];
  const recurrentSteps = new Map<Node, RecurrentStep>();
  for (const node of graph.nodes) {
    if (node.op.kind === "input") continue;
    const outShapes = node.op.kind === "const" ? [node.op.data.shape] : inferShapes(node, shapes, numbers);
    node.outputs.forEach((v, i) => {
      shapes[v] = outShapes[i]!;
      bytes.push(sizeOf(outShapes[i]!) * BYTES[graph.values[v]!.dtype]);
    });
    if (node.op.kind === "recurrent") {
      const step = recurrentStep(graph, node, shapes);
      recurrentSteps.set(node, step);
      for (const floats of step.arenaFloats()) bytes.push(floats * 4);
    }
    if (node.op.kind === "matmul") {
      const [k, n] = shapes[node.inputs[1]!]!;
      bytes.push(Arena.packedFloats(k!, n!) * 4);
    }
  }
  for (const input of graph.inputs) bytes.push(sizeOf(shapes[input.value]!) * BYTES[input.dtype]);
  const arena = new Arena(Arena.bytesFor(bytes), kernels);

  const buffers: (Buffer | undefined)[] = [];
  for (const input of graph.inputs) buffers[input.value] = allocate(arena, input.dtype, sizeOf(shapes[input.value]!));
  const steps: (() => void)[] = [];
  for (const node of graph.nodes) {
    if (node.op.kind === "input") continue;
    if (node.op.kind === "const") {
      buffers[node.outputs[0]!] = arena.copy(node.op.data.data);
      continue;
    }
    for (const v of node.outputs) buffers[v] = allocate(arena, graph.values[v]!.dtype, sizeOf(shapes[v]!));
    const recurrent = recurrentSteps.get(node);
    steps.push(recurrent ? recurrent.instantiate(arena, recurrentBuffers(node, buffers)) : kernelFor(node, shapes, buffers, arena));
  }
  return { inputShapes: inputs.map((t) => [...t.shape]), buffers, shapes, steps };
}

/** The rendered step of a recurrent node for these shapes. */
export function recurrentStep(graph: Graph, node: Node, shapes: number[][]): RecurrentStep {
  if (node.op.kind !== "recurrent") throw new Error("not a recurrent node");
  const op = node.op;
  const inputs = recurrentInputs(node);
  const [batch, steps] = shapes[inputs.x]!;
  const present = new Set<keyof RecurrentBuffers>();
  for (const key of ["recurrentBias", "mask", "h0", "c0"] as const) if (inputs[key] !== undefined) present.add(key);
  (["output", "h", "c"] as const).forEach((key, i) => {
    if (op.used[i]) present.add(key);
  });
  // The projection may be worked on in place when this op is its only reader (the hoisting pass made it for it).
  const x = inputs.x;
  const ownsProjection = !graph.outputs.includes(x) && graph.nodes.filter((n) => n.inputs.includes(x)).length === 1;
  return new RecurrentStep(op, batch!, steps!, present, ownsProjection);
}

/** A recurrent node's buffers in the plan. */
function recurrentBuffers(node: Node, buffers: (Buffer | undefined)[]): RecurrentBuffers {
  const op = node.op;
  if (op.kind !== "recurrent") throw new Error("not a recurrent node");
  const inputs = recurrentInputs(node);
  const input = (name: keyof typeof inputs) => (inputs[name] === undefined ? undefined : buffers[inputs[name]]);
  const output = (i: number) => (op.used[i] ? (buffers[node.outputs[i]!] as Float32Array) : undefined);
  return {
    projected: input("x") as Float32Array,
    recurrentKernel: input("recurrentKernel") as Float32Array,
    recurrentBias: input("recurrentBias") as Float32Array | undefined,
    mask: input("mask") as Uint8Array | undefined,
    h0: input("h0") as Float32Array | undefined,
    c0: input("c0") as Float32Array | undefined,
    output: output(0),
    h: output(1),
    c: output(2),
  };
}

/** Evaluates a node whose inputs are constants (constant folding), with the JavaScript kernels. */
export function evaluateNode(graph: Graph, node: Node, inputs: (TensorData | undefined)[]): TensorData[] {
  const shapes: number[][] = [];
  const buffers: (Buffer | undefined)[] = [];
  node.inputs.forEach((v, i) => {
    if (v === NONE) return;
    shapes[v] = inputs[i]!.shape;
    buffers[v] = inputs[i]!.data;
  });
  const outShapes = inferShapes(node, shapes, numbers);
  const arena = new Arena(Arena.bytesFor(node.outputs.map((v, i) => sizeOf(outShapes[i]!) * BYTES[graph.values[v]!.dtype])), {
    simd: false,
  });
  node.outputs.forEach((v, i) => {
    shapes[v] = outShapes[i]!;
    buffers[v] = allocate(arena, graph.values[v]!.dtype, sizeOf(outShapes[i]!));
  });
  kernelFor(node, shapes, buffers, arena)();
  return node.outputs.map((v) => ({ shape: shapes[v]!, data: buffers[v]! }));
}

/** The closure that runs one node on its planned buffers. */
function kernelFor(node: Node, shapes: number[][], buffers: (Buffer | undefined)[], arena: Arena): () => void {
  // A plan's buffers are fixed (inputs are copied into theirs), so they are resolved here, once.
  const inputBuffers = node.inputs.map((v) => (v === NONE ? undefined : buffers[v]));
  const buf = (i: number) => inputBuffers[i]!;
  const f32 = (i: number) => inputBuffers[i] as Float32Array;
  const shape = (i: number) => shapes[node.inputs[i]!]!;
  const out = buffers[node.outputs[0]!]!;
  const outF32 = out as Float32Array;
  const op = node.op;
  switch (op.kind) {
    case "matmul": {
      const x = shape(0);
      const k = x[x.length - 1]!;
      const m = sizeOf(x) / k;
      const n = shape(1)[1]!;
      const bias = node.inputs.length > 2 && node.inputs[2] !== NONE ? f32(2) : undefined;
      const packed = arena.packStrips(f32(1), k, n);
      return () => {
        if (bias) for (let i = 0; i < m; i++) outF32.set(bias, i * n);
        else outF32.fill(0);
        arena.matmulAccumulate(f32(0), 0, k, m, k, f32(1), n, outF32, 0, n, packed);
        activateInPlace(op.activation, outF32, 0, outF32.length, n);
      };
    }
    case "activation": {
      const s = shape(0);
      return () => {
        outF32.set(f32(0));
        activateInPlace(op.fn, outF32, 0, outF32.length, s[s.length - 1]!);
      };
    }
    case "add":
      return () =>
        ops.add(
          node.inputs.map((v) => buffers[v] as Float32Array),
          outF32,
        );
    case "mul":
      return () => ops.mul(f32(0), f32(1), outF32);
    case "scale":
      return () => ops.scale(f32(0), op.factor, outF32);
    case "concat": {
      const first = shape(0);
      const axis = op.axis < 0 ? first.length + op.axis : op.axis;
      const inShapes = node.inputs.map((_, i) => shape(i));
      return () =>
        ops.concat(
          node.inputs.map((v) => buffers[v]!),
          inShapes,
          axis,
          out,
        );
    }
    case "gather": {
      const [vocab, dim] = shape(1);
      return () => {
        const bad = ops.gather(buf(0) as Int32Array, f32(1), vocab!, dim!, outF32);
        if (bad !== undefined)
          throw new DataError(
            `token id ${(buf(0) as Int32Array)[bad]} at index ${bad} is outside the embedding's vocabulary 0..${vocab! - 1}`,
          );
      };
    }
    case "maskNotZero":
      return () => ops.maskNotZero(buf(0) as Int32Array, out as Uint8Array);
    case "maskAnd":
      return () =>
        ops.maskAnd(
          node.inputs.map((v) => buffers[v] as Uint8Array),
          out as Uint8Array,
        );
    case "maskOr":
      return () =>
        ops.maskOr(
          node.inputs.map((v) => buffers[v] as Uint8Array),
          out as Uint8Array,
        );
    case "repeat": {
      const [b, f] = shape(0);
      return () => ops.repeat(buf(0), b!, f!, op.n, out);
    }
    case "row": {
      const cols = shape(0)[1]!;
      return () => outF32.set(f32(0).subarray(op.index * cols, (op.index + 1) * cols));
    }
    case "mergeTime":
    case "splitTime":
      // The same row-major data under another shape.
      return () => out.set(buf(0));
    // ---- layers-a ----
    case "maskNotEqual": {
      const s = shape(0);
      return () => sequenceOps.maskNotEqual(f32(0), s[s.length - 1]!, op.value, out as Uint8Array);
    }
    case "applyMask": {
      const s = shape(0);
      return () => sequenceOps.applyMask(f32(0), buf(1) as Uint8Array, s[s.length - 1]!, outF32);
    }
    case "layerNorm": {
      const s = shape(0);
      const gamma = node.inputs[1] !== NONE ? f32(1) : undefined;
      const beta = node.inputs[2] !== NONE ? f32(2) : undefined;
      return () => sequenceOps.layerNorm(f32(0), s[s.length - 1]!, op.epsilon, gamma, beta, outF32);
    }
    case "im2col": {
      const [b, t, f] = shape(0);
      const { outSteps, padLeft } = convGeometry(op, t!);
      return () => sequenceOps.im2col(f32(0), b!, t!, f!, op.kernelSize, op.strides, op.dilation, padLeft, outSteps, outF32);
    }
    case "poolTime": {
      const [b, t, f] = shape(0);
      const mask = node.inputs.length > 1 && node.inputs[1] !== NONE ? (buf(1) as Uint8Array) : undefined;
      return () => sequenceOps.poolTime(f32(0), b!, t!, f!, op.mode, mask, outF32);
    }
    case "flatten":
      // The same row-major data under another shape.
      return () => out.set(buf(0));
    case "recurrent":
    case "input":
    case "const":
      throw new Error(`${op.kind} has no kernel of its own`);
    case "maximum":
      return () =>
        ops.maximum(
          node.inputs.map((v) => buffers[v] as Float32Array),
          outF32,
        );
    case "divide":
      return () => ops.divide(f32(0), op.divisor, outF32);
    case "where": {
      // The mask covers x's leading axes; each of its entries chooses the block of x's other axes.
      const block = shape(0)
        .slice(shape(1).length)
        .reduce((p, d) => p * d, 1);
      const y = op.fill === undefined ? f32(2) : undefined;
      return () => sequenceOps.where(f32(0), buf(1) as Uint8Array, block, y, op.fill ?? 0, outF32);
    }
    case "attention": {
      const at = ATTENTION_INPUTS;
      const [batch, tq, dim] = shape(at.query);
      const [, tv, valueDim] = shape(at.value);
      const io: AttentionBuffers = {
        query: f32(at.query),
        key: f32(at.key),
        value: f32(at.value),
        scale: inputBuffers[at.scale] as Float32Array | undefined,
        concatWeight: inputBuffers[at.concatWeight] as Float32Array | undefined,
        queryMask: inputBuffers[at.queryMask] as Uint8Array | undefined,
        valueMask: inputBuffers[at.valueMask] as Uint8Array | undefined,
        output: outF32,
        weights: buffers[node.outputs[1]!] as Float32Array,
      };
      return () => attention(op.score, op.causal, batch!, tq!, tv!, dim!, valueDim!, io);
    }
  }
}
