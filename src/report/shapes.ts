// The `rnnc shapes --json` contract (LANGUAGE.md §4): every binding's type and each layer's params.
import type { CheckedFile, CheckedModel } from "../check/program.js";
import { isLayerRow } from "../check/program.js";
import { formatType } from "../types/types.js";

export interface ShapesReport {
  models: {
    name: string;
    inputs: { name: string; type: string }[];
    bindings: { name: string; type: string }[];
    outputs: string[];
    params: number;
    /** Beyond the contract's fields: each layer (or called model) with its output and params. */
    layers: { name: string; class: string; output: string; params: number }[];
  }[];
}

export function shapesReport(checked: CheckedFile, modelName?: string): ShapesReport {
  const models = modelName === undefined ? checked.models : checked.models.filter((m) => m.name === modelName);
  return { models: models.map(modelShapes) };
}

function modelShapes(m: CheckedModel): ShapesReport["models"][number] {
  return {
    name: m.name,
    inputs: m.inputs.map((i) => ({ name: i.name, type: formatType(i.type) })),
    bindings: m.bindings.filter((b) => b.kind === "binding").map((b) => ({ name: b.name, type: formatType(b.type) })),
    outputs: m.outputs.map(formatType),
    params: m.params,
    layers: m.rows.map((r) => ({
      name: r.name,
      class: isLayerRow(r) ? r.kerasClass : "Functional",
      output: formatType(r.output),
      params: r.params,
    })),
  };
}
