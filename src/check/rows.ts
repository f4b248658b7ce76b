// A model's summary rows, as Keras's `model.summary()` lists them, and the weight sizing behind them:
// a layer's weights are sized at its first application and every later application (a shared layer)
// must fit them. A row is added at a layer's or called model's first application, counted after.
import { paramCount, type LayerInstance, type LayerOutput, type WeightSpec } from "../layers/layer.js";
import { formatDims, formatType, tuple, type TensorType, type Type } from "../types/types.js";
import type { LayerRow, ModelRow } from "./program.js";

/** Why a shared layer's weights do not fit an application: what they were sized for and what it needs. */
export interface WeightMisfit {
  built: { input: TensorType; weight?: WeightSpec };
  needed: { input: TensorType; weight?: WeightSpec };
}

export class SummaryRows {
  readonly rows: (LayerRow | ModelRow)[] = [];
  // The rows by layer and by called model: a model of thousands of layers must not search its rows per application.
  private readonly layerRows = new Map<LayerInstance, LayerRow>();
  private readonly modelRows = new Map<string, ModelRow>();

  /** Sizes a layer's weights at its first application; the misfit when a later one does not fit them. */
  sizeWeights(layer: LayerInstance, input: TensorType, out: LayerOutput): WeightMisfit | undefined {
    const weights = layer.def.weights(layer.config, input);
    const built = layer.built;
    if (!built) {
      layer.built = { input, weights, output: out };
      return undefined;
    }
    const misfit = weights.findIndex((w, i) => formatDims(w.shape) !== formatDims(built.weights[i]?.shape ?? []));
    if (misfit < 0 && weights.length === built.weights.length) return undefined;
    const at = Math.max(0, misfit);
    return { built: { input: built.input, weight: built.weights[at] }, needed: { input, weight: weights[at] } };
  }

  /** A layer applied (its weights already sized): a new row at its first application, a count after. */
  layerApplied(layer: LayerInstance, out: LayerOutput): void {
    const row = this.layerRows.get(layer);
    if (row) {
      row.applications++;
      // Keras prints "multiple" for a shared layer whose applications differ in shape.
      if (formatType(row.output) !== formatType(outputType(out))) row.output = { kind: "error" };
      return;
    }
    const weights = layer.built!.weights;
    const added: LayerRow = {
      name: layer.name!,
      layer,
      kerasClass: layer.def.kerasClass,
      output: outputType(out),
      applications: 1,
      weights,
      params: paramCount(weights),
    };
    this.layerRows.set(layer, added);
    this.rows.push(added);
  }

  /** A called model: it contributes its params once however often it is called. */
  modelApplied(name: string, output: Type, params: number): void {
    const row = this.modelRows.get(name);
    if (row) row.applications++;
    else {
      const added: ModelRow = { name, model: name, output, applications: 1, params };
      this.modelRows.set(name, added);
      this.rows.push(added);
    }
  }

  /** Each set of weights once: a shared layer, or one wrapped by time_distributed and also applied alone. */
  totalParams(): number {
    const counted = new Set<LayerInstance>();
    let total = 0;
    for (const row of this.rows) {
      if (!("layer" in row)) {
        total += row.params;
        continue;
      }
      const owner = row.layer.def.weightOwner?.(row.layer) ?? row.layer;
      if (counted.has(owner)) continue;
      counted.add(owner);
      total += row.params;
    }
    return total;
  }
}

function outputType(out: LayerOutput): Type {
  return out.tuple
    ? tuple(
        out.items.map((s) => s.type),
        out.items.map((s) => s.label),
      )
    : out.items[0]!.type;
}
