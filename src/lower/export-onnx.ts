// `exportOnnx`: a checked program's model lowered as for a run, then written as ONNX (src/onnx/).
import type { CheckedFile, CheckedModel } from "../check/program.js";
import { exportLoweredGraph } from "../onnx/export.js";
import { DataError, type WeightSet } from "../types/tensor-data.js";
import { pickModel } from "./load-model.js";
import { lowerModel } from "./lower.js";
import { bindWeights } from "./weights.js";

export interface ExportOptions {
  /** Which model of the file; default: the first. */
  model?: string;
  /** Weights by layer name; default: the initializers in the source. */
  weights?: WeightSet;
}

/** The ONNX model (ModelProto bytes) of a model of a checked file. */
export function exportOnnx(checked: CheckedFile, options: ExportOptions = {}): Uint8Array {
  const model = pickModel(checked, options.model);
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !model.ok)
    throw new DataError(`the file has ${errors.length} error${errors.length === 1 ? "" : "s"}; fix them before exporting`);
  const models = new Map<string, CheckedModel>(checked.models.map((m) => [m.name, m]));
  return exportLoweredGraph(lowerModel(checked, model, bindWeights(model, models, options.weights)), model);
}
