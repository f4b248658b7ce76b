// What the emitter knows about a model before writing a line: its graph (lowered with the
// initializers' weights, then the CPU backend's passes), every value's shape as a size expression,
// which values are weights (and which weight), which are computed once per plan from weights alone
// (the interpreter's constant folding), and which on every run.
import type { CheckedFile, CheckedModel } from "../check/program.js";
import { NONE, type Graph } from "../ir/graph.js";
import { isFoldable, prepareGraph } from "../ir/passes.js";
import { inferShapes, type SizeArithmetic } from "../ir/shapes.js";
import { lowerModel } from "../lower/lower.js";
import { initialRecipes, planWeights, type InitialGroupRecipe, type WeightPlan } from "../lower/weights.js";
import type { TensorData } from "../types/tensor-data.js";
import { formatType } from "../types/types.js";
import { add, dimVar, isStatic, mul, product, size, value, type Size } from "./sizes.js";

/** When a value is computed: a model input (each run), a weight, once per plan from weights, each run. */
export type Phase = "input" | "weight" | "create" | "run";

export interface ModelPlan {
  model: CheckedModel;
  graph: Graph;
  /** Per value id: its shape. */
  shapes: Size[][];
  phases: Phase[];
  /** The weights the graph reads, in order: the value holding it and which weight it is. */
  consts: { value: number; path: string; index: number }[];
  /** The model's named dims: the variable standing for each in generated code, and where its size is read. */
  dims: { name: string; variable: string; input: number; axis: number }[];
  weights: WeightPlan;
  /** The layers' recipes of the starting weights, realized by create() when it gets no weights. */
  initial: InitialGroupRecipe[];
  inputTypes: string[];
  outputTypes: string[];
}

/** Plans `model` of `checked` (which must have checked clean). */
export function planModel(checked: CheckedFile, model: CheckedModel): ModelPlan {
  const models = new Map(checked.models.map((m) => [m.name, m]));
  // Lowered on placeholders of the weights' shapes (their values come at create() time). Weights are
  // then found by identity: the lowerer makes one constant per weight array it is given.
  const placeholders = new Map<string, TensorData[]>();
  const weightOf = new Map<TensorData, { path: string; index: number }>();
  const initial = initialRecipes(model, models);
  for (const group of initial) {
    const list = group.weights.map((w) => ({ shape: [...w.shape], data: new Float32Array(0) }));
    for (const path of group.paths) placeholders.set(path, list);
    list.forEach((t, index) => weightOf.set(t, { path: group.paths[0]!, index }));
  }
  const graph = lowerModel(checked, model, placeholders);
  // No folding here: constant work is done once per plan, when the weights' values are known (phase "create").
  prepareGraph(graph, { hoistInputProjection: true });

  const dims: ModelPlan["dims"] = [];
  graph.inputs.forEach((input, i) =>
    input.dims.forEach((d, axis) => {
      if (typeof d === "string" && !dims.some((x) => x.name === d)) dims.push({ name: d, variable: `dim${dims.length}`, input: i, axis });
    }),
  );
  const variableOf = new Map(dims.map((d) => [d.name, d.variable]));

  const shapes: Size[][] = [];
  const phases: Phase[] = [];
  const consts: ModelPlan["consts"] = [];
  for (const input of graph.inputs) {
    shapes[input.value] = input.dims.map((d) => (typeof d === "number" ? size(d) : dimVar(variableOf.get(d)!)));
    phases[input.value] = "input";
  }
  for (const node of graph.nodes) {
    const op = node.op;
    if (op.kind === "input") continue;
    if (op.kind === "const") {
      const weight = weightOf.get(op.data);
      if (!weight) throw new Error("a constant that is not a weight"); // the lowerer makes no others
      const v = node.outputs[0]!;
      shapes[v] = op.data.shape.map(size);
      phases[v] = "weight";
      consts.push({ value: v, ...weight });
      continue;
    }
    const outShapes = inferShapes(node, shapes, sizes);
    // What the interpreter's prepareGraph folds: a foldable op whose inputs are all known.
    const present = node.inputs.filter((v) => v !== NONE);
    const folded = isFoldable(op) && present.length > 0 && present.every((v) => phases[v] === "weight" || phases[v] === "create");
    node.outputs.forEach((v, i) => {
      shapes[v] = outShapes[i]!;
      phases[v] = folded ? "create" : "run";
    });
  }
  return {
    model,
    graph,
    shapes,
    phases,
    consts,
    dims,
    weights: planWeights(model, models),
    initial,
    inputTypes: model.inputs.map((i) => formatType(i.type)),
    outputTypes: model.outputs.map(formatType),
  };
}

/** Symbolic sizes for the shared shape rules. */
const sizes: SizeArithmetic<Size> = { of: size, add, mul, known: (s) => (isStatic(s) ? value(s) : undefined) };

/** The number of elements of a value. */
export function lengthOf(plan: ModelPlan, value: number): Size {
  return product(plan.shapes[value]!);
}
