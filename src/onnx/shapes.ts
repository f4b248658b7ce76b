// Every value's shape at export time, from the model's input dims: numbers where they are known,
// a dim's name (or an expression of names) where they are not. Ops whose lowering depends on a rank
// or a length (where, im2col) read it here, so the ONNX graph stays static wherever rnnc's is.
import type { Graph } from "../ir/graph.js";
import { inferShapes, type SizeArithmetic } from "../ir/shapes.js";

/** A dim: a number, or a name standing for one fixed at run time. */
export type StaticDim = number | string;

const symbolic: SizeArithmetic<StaticDim> = {
  of: (n) => n,
  add: (a, b) => (typeof a === "number" && typeof b === "number" ? a + b : `(${a}+${b})`),
  mul: (a, b) => (typeof a === "number" && typeof b === "number" ? a * b : `(${a}*${b})`),
  known: (s) => (typeof s === "number" ? s : undefined),
};

const cache = new WeakMap<Graph, StaticDim[][]>();

/** The shapes of a graph's values by id (computed once per graph). */
export function staticShapes(graph: Graph): StaticDim[][] {
  let shapes = cache.get(graph);
  if (shapes) return shapes;
  shapes = [];
  for (const input of graph.inputs) shapes[input.value] = [...input.dims];
  for (const node of graph.nodes) {
    const op = node.op;
    if (op.kind === "input") continue;
    const outs = op.kind === "const" ? [[...op.data.shape]] : inferShapes(node, shapes, symbolic);
    node.outputs.forEach((v, i) => (shapes![v] = outs[i]!));
  }
  cache.set(graph, shapes);
  return shapes;
}
