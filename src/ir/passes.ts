// Graph passes, run before a backend plans: fold constants, hoist the recurrent input projection out
// of the time loop, and drop work whose results nobody reads. Every backend and the emitter prepare
// their graph with prepareGraph, saying what they can do; none runs a pass of its own.
import type { TensorData } from "../types/tensor-data.js";
import { NONE, recurrentInputList, recurrentInputs, type Graph, type Node, type Op, type RecurrentOp } from "./graph.js";

/** Evaluates one node on constant inputs; a backend provides it. */
export type Evaluate = (node: Node, inputs: (TensorData | undefined)[]) => TensorData[];

/** What a backend does with a graph, which decides the passes it gets. */
export interface Capabilities {
  /**
   * Evaluates a node on constants: with it, constant work is folded now. Without (the emitter, which
   * has no weights' values yet), the same nodes are the ones `isFoldable` names, done once per plan.
   */
  evaluate?: Evaluate;
  /**
   * Whether its recurrent ops take the projection `x·K + b` computed before the loop (the CPU backend
   * and the emitter, by one matmul) or x and the kernel (the tfjs backend projects inside its loop).
   */
  hoistInputProjection: boolean;
}

/** The graph as a backend runs it: folded (if it can evaluate), hoisted (if it wants), without dead work. */
export function prepareGraph(graph: Graph, capabilities: Capabilities): Graph {
  if (capabilities.evaluate) foldConstants(graph, capabilities.evaluate);
  if (capabilities.hoistInputProjection) hoistInputProjection(graph);
  eliminateDeadCode(graph);
  return graph;
}

/** Whether an op whose inputs are all constants is computed once (never a matmul or a recurrence: their weights change per load). */
export function isFoldable(op: Op): boolean {
  return op.kind !== "const" && op.kind !== "input" && op.kind !== "recurrent" && op.kind !== "matmul";
}

/** Every op whose inputs are all constants becomes constants (e.g. slicing Keras's GRU bias rows). */
export function foldConstants(graph: Graph, evaluate: Evaluate): void {
  const constants = new Map<number, TensorData>();
  for (const node of graph.nodes) if (node.op.kind === "const") constants.set(node.outputs[0]!, node.op.data);
  graph.nodes = graph.nodes.flatMap((node) => {
    if (!isFoldable(node.op)) return [node];
    const present = node.inputs.filter((v) => v !== NONE);
    if (present.length === 0 || !present.every((v) => constants.has(v))) return [node];
    const results = evaluate(
      node,
      node.inputs.map((v) => (v === NONE ? undefined : constants.get(v))),
    );
    return node.outputs.map((out, i) => {
      constants.set(out, results[i]!);
      return { op: { kind: "const" as const, data: results[i]! }, inputs: [], outputs: [out] };
    });
  });
}

/**
 * `x·K + b` for every step at once, as one matmul before the recurrence: the loop is then left with
 * only `h·R`. Both directions of a bidirectional layer read the same x and project it separately.
 */
export function hoistInputProjection(graph: Graph): void {
  const nodes: Node[] = [];
  for (const node of graph.nodes) {
    if (node.op.kind !== "recurrent" || node.op.projected) {
      nodes.push(node);
      continue;
    }
    const { x, kernel, inputBias, ...rest } = recurrentInputs(node);
    if (kernel === undefined) throw new Error("a recurrent op that is not projected has a kernel");
    const projected = graph.values.length;
    graph.values.push({ dtype: "f32", note: "input projection" });
    nodes.push({
      op: { kind: "matmul", activation: "linear" },
      inputs: inputBias === undefined ? [x, kernel] : [x, kernel, inputBias],
      outputs: [projected],
    });
    const list = recurrentInputList({ ...rest, x: projected });
    nodes.push({ op: { ...node.op, projected: true, inputNames: list.inputNames }, inputs: list.inputs, outputs: node.outputs });
  }
  graph.nodes = nodes;
}

/** Drops nodes none of whose outputs are read, and tells recurrent ops which outputs are. */
export function eliminateDeadCode(graph: Graph): void {
  const live = new Set<number>(graph.outputs);
  const kept: Node[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    const used = node.outputs.map((v) => live.has(v));
    if (node.op.kind !== "input" && !used.some(Boolean)) continue;
    if (node.op.kind === "recurrent") node.op = { ...node.op, used } satisfies RecurrentOp;
    for (const v of node.inputs) if (v !== NONE) live.add(v);
    kept.push(node);
  }
  graph.nodes = kept.reverse();
}
