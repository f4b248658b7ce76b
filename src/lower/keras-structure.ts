// An rnnc model as the Keras layers a weights file keys by class and position (a Keras 3
// `.weights.h5`): each set of weights under the name it binds to and the Keras class of the row
// Keras saves it under (a wrapper's: TimeDistributed, Bidirectional), called models as Functional,
// in Keras's `model.layers` order — which is not the order of the source: Keras orders a functional
// model's layers by their depth from the outputs, deepest first, ties by when a walk from the outputs
// first meets them (keras/src/ops/function.py map_graph). The same rule is applied here.
import type { CheckedFile, CheckedModel } from "../check/program.js";
import { isLayerRow } from "../check/program.js";
import type { LayerInstance } from "../layers/layer.js";
import type { ModelStructure, StructureLayer } from "../model-files/structure.js";
import { planWeights, type WeightPlan } from "./weights.js";

/** The structure of `modelName` (default: the first model), or undefined when there is no such model that checked clean. */
export function kerasStructure(checked: CheckedFile, modelName?: string): ModelStructure | undefined {
  const model = modelName === undefined ? checked.models[0] : checked.models.find((m) => m.name === modelName);
  if (!model || !model.ok) return undefined;
  const models = new Map(checked.models.map((m) => [m.name, m]));
  return fromPlan(planWeights(model, models), model, models);
}

type Operation = LayerInstance | CheckedModel;

function fromPlan(plan: WeightPlan, model: CheckedModel, models: ReadonlyMap<string, CheckedModel>): ModelStructure {
  const rows = new Map<string, { kerasClass: string; layer: LayerInstance }>();
  for (const row of model.rows) if (isLayerRow(row)) rows.set(row.name, { kerasClass: row.kerasClass, layer: row.layer });
  const position = kerasLayerOrder(model);
  const placed = plan.items.map((item, i): { layer: StructureLayer; at: number } => {
    if (item.kind === "model") {
      const called = models.get(item.plan.model);
      const layer: StructureLayer = {
        name: item.name,
        kerasClass: "Functional",
        model: called ? fromPlan(item.plan, called, models) : { name: item.plan.model, layers: [] },
      };
      return { layer, at: (called && position.get(called)) ?? Number.MAX_SAFE_INTEGER - plan.items.length + i };
    }
    const name = item.names[0]!;
    const row = rows.get(name);
    return {
      layer: { name, kerasClass: row?.kerasClass ?? "" },
      at: (row && position.get(row.layer)) ?? Number.MAX_SAFE_INTEGER - plan.items.length + i,
    };
  });
  placed.sort((a, b) => a.at - b.at);
  return { name: model.name, layers: placed.map((p) => p.layer) };
}

/** Each applied layer's (or called model's) index in Keras's `model.layers`. */
function kerasLayerOrder(model: CheckedModel): Map<Operation, number> {
  const apps = model.applications;
  const producer = new Map<number, number>();
  apps.forEach((app, i) => app.outputs.forEach((v) => producer.set(v, i)));
  const operationOf = (i: number): Operation => {
    const callee = apps[i]!.callee;
    return callee.kind === "layer" ? callee.layer : callee.model;
  };
  const inputsOf = (i: number): number[] => [...apps[i]!.inputs, ...[...apps[i]!.keywords.values()].flat()];

  // The walk from the outputs: operations numbered as first met, nodes listed once their inputs are.
  const operationIndex = new Map<Operation, number>();
  const finished = new Set<number>();
  const decreasingDepth: number[] = [];
  const visit = (value: number, depth: number): void => {
    const node = producer.get(value);
    if (node === undefined || finished.has(node) || depth > 10_000) return;
    const op = operationOf(node);
    if (!operationIndex.has(op)) operationIndex.set(op, operationIndex.size);
    finished.add(node);
    for (const input of inputsOf(node)) visit(input, depth + 1);
    decreasingDepth.push(node);
  };
  for (const out of model.returns) visit(out, 0);

  const nodeDepth = new Map<number, number>();
  const operationDepth = new Map<Operation, number>();
  for (const node of [...decreasingDepth].reverse()) {
    const op = operationOf(node);
    const depth = Math.max(nodeDepth.get(node) ?? 0, operationDepth.get(op) ?? 0);
    operationDepth.set(op, depth);
    nodeDepth.set(node, depth);
    for (const input of inputsOf(node)) {
      const parent = producer.get(input);
      if (parent !== undefined) nodeDepth.set(parent, Math.max(depth + 1, nodeDepth.get(parent) ?? 0));
    }
  }
  const ordered = [...operationDepth.keys()].sort(
    (a, b) => operationDepth.get(b)! - operationDepth.get(a)! || operationIndex.get(a)! - operationIndex.get(b)!,
  );
  return new Map(ordered.map((op, i) => [op, i]));
}
