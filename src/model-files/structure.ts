// The structure weights are mapped by when a file keys them by class and position (Keras 3's
// `layers/lstm_1/…`) rather than by name: a model's weighted layers in `model.layers` order, each
// with its Keras class; a called model nests. It comes from a file's own config (config.json) or,
// for a bare `.weights.h5`, from the rnnc model the weights are for (lower/keras-structure.ts).
import type { KerasModel } from "./keras-config.js";

export interface StructureLayer {
  /** The layer's name: the key of its weights in the WeightSet. */
  name: string;
  /** Keras's class (`LSTM`, `Bidirectional`, `Functional` for a called model). */
  kerasClass: string;
  /** A called model's own layers. */
  model?: ModelStructure;
}

export interface ModelStructure {
  name: string;
  layers: StructureLayer[];
}

/** The structure a normalized config describes: every layer but inputs and mask ops, in order. */
export function structureOfConfig(model: KerasModel): ModelStructure {
  return {
    name: model.name,
    layers: model.layers
      .filter((l) => !l.isOp && l.className !== "InputLayer")
      .map((l) =>
        l.model ? { name: l.name, kerasClass: l.className, model: structureOfConfig(l.model) } : { name: l.name, kerasClass: l.className },
      ),
  };
}

/** Keras's `naming.to_snake_case`: the key of a layer's weights in a Keras 3 weights file (`SimpleRNN` → `simple_rnn`). */
export function snakeCase(className: string): string {
  return className
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/** Each layer's key in a Keras 3 weights file: its class in snake case, then `_1`, `_2`, … for later layers of the same class. */
export function keysByPosition(structure: ModelStructure): Map<string, StructureLayer> {
  const counts = new Map<string, number>();
  const keys = new Map<string, StructureLayer>();
  for (const layer of structure.layers) {
    const base = snakeCase(layer.kerasClass);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    keys.set(n === 0 ? base : `${base}_${n}`, layer);
  }
  return keys;
}
