// Graph passes, run before a backend plans: fold constants, hoist the recurrent input projection out
// of the time loop, and drop work whose results nobody reads.
import type { TensorData } from "../types/tensor-data.js";
import { NONE, RECURRENT_INPUTS as R, type Graph, type Node, type RecurrentOp } from "./graph.js";

/** Evaluates one node on constant inputs; a backend provides it. */
export type Evaluate = (node: Node, inputs: (TensorData | undefined)[]) => TensorData[];

/** Every op whose inputs are all constants becomes constants (e.g. slicing Keras's GRU bias rows). */
export function foldConstants(graph: Graph, evaluate: Evaluate): void {
  const constants = new Map<number, TensorData>();
  for (const node of graph.nodes) if (node.op.kind === "const") constants.set(node.outputs[0]!, node.op.data);
  graph.nodes = graph.nodes.flatMap((node) => {
    if (node.op.kind === "const" || node.op.kind === "input" || node.op.kind === "recurrent" || node.op.kind === "matmul") return [node];
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
    const inputs = [...node.inputs];
    const bias = inputs[R.inputBias]!;
    const projected = graph.values.length;
    graph.values.push({ dtype: "f32", note: "input projection" });
    nodes.push({
      op: { kind: "matmul", activation: "linear" },
      inputs: bias === NONE ? [inputs[R.x]!, inputs[R.kernel]!] : [inputs[R.x]!, inputs[R.kernel]!, bias],
      outputs: [projected],
    });
    inputs[R.x] = projected;
    inputs[R.kernel] = NONE;
    inputs[R.inputBias] = NONE;
    nodes.push({ op: { ...node.op, projected: true }, inputs, outputs: node.outputs });
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
