// Keras 3's weights file (`model.weights.h5` inside a .keras, or `save_weights("x.weights.h5")`):
// `layers/<snake_case(class)>[_k]/…/vars/<i>`, keyed by class and position, not by the layer's name
// (Keras's saving_lib: "Do NOT address the saveable via saveable.name"). A layer's get_weights()
// are its own `vars` then its parts' (`cell/vars`, `layer/vars`, `forward_layer` before
// `backward_layer`); a nested model has its own `layers/`. Keras 3.15 also writes each `vars`
// group's layer name as an attribute: without a structure, that names the weights.
import { DataError, type TensorData, type WeightSet } from "../types/tensor-data.js";
import { Hdf5Dataset, Hdf5Group, MAX_HDF5_DEPTH, type Hdf5File } from "./hdf5.js";
import { keysByPosition, type ModelStructure } from "./structure.js";

/** One `layers/<key>` group: its weights in get_weights() order, the name Keras recorded, a nested model's entries. */
export interface V3Entry {
  key: string;
  /** Where it is in the file, for messages: `layers/lstm_1`. */
  path: string;
  /** The `name` attribute of its `vars` group (Keras 3.15 writes it), when present. */
  name?: string;
  weights: TensorData[];
  /** A nested model's layers. */
  layers?: V3Entry[];
}

/** Whether an opened HDF5 file is a Keras 3 weights file (a root `layers` group, no legacy `model_weights`). */
export function isKerasV3Weights(h5: Hdf5File): boolean {
  return h5.group("layers") !== undefined && h5.group("model_weights") === undefined;
}

/** The entries under a group's `layers/`, in the file's order. */
export function readV3Entries(h5: Hdf5File, group: Hdf5Group, path: string, depth = 0): V3Entry[] {
  if (depth > MAX_HDF5_DEPTH) throw new DataError(`${h5.source}: ${path}: models nested more than ${MAX_HDF5_DEPTH} deep.`);
  const layers = h5.child(group, "layers");
  if (!(layers instanceof Hdf5Group)) return [];
  return h5.keys(layers).map((key) => {
    const node = h5.child(layers, key);
    const at = `${path === "" ? "" : `${path}/`}layers/${key}`;
    if (!(node instanceof Hdf5Group)) throw new DataError(`${h5.source}: ${at} should be a group of weights, found a dataset.`);
    const vars = h5.child(node, "vars");
    const name = vars instanceof Hdf5Group ? h5.attribute(vars, "name") : undefined;
    const entry: V3Entry = { key, path: at, weights: layerWeights(h5, node, at, depth) };
    if (typeof name === "string") entry.name = name;
    if (h5.child(node, "layers") instanceof Hdf5Group) entry.layers = readV3Entries(h5, node, at, depth + 1);
    return entry;
  });
}

/** A layer's weights in get_weights() order: its `vars/0…n`, then its parts' (forward before backward). */
function layerWeights(h5: Hdf5File, group: Hdf5Group, path: string, depth: number): TensorData[] {
  if (depth > MAX_HDF5_DEPTH) throw new DataError(`${h5.source}: ${path}: nested more than ${MAX_HDF5_DEPTH} deep.`);
  const out: TensorData[] = [];
  const vars = h5.child(group, "vars");
  if (vars instanceof Hdf5Group) {
    const indices = h5.keys(vars).map((k) => {
      if (!/^(0|[1-9]\d{0,5})$/.test(k))
        throw new DataError(`${h5.source}: ${path}/vars/${k}: expected numbered weights (vars/0, vars/1, …).`);
      return Number(k);
    });
    indices.sort((a, b) => a - b);
    indices.forEach((index, i) => {
      if (index !== i) throw new DataError(`${h5.source}: ${path}/vars: weight ${i} is missing (found ${indices.join(", ")}).`);
      const dataset = h5.child(vars, String(index));
      if (!(dataset instanceof Hdf5Dataset)) throw new DataError(`${h5.source}: ${path}/vars/${index} should be a dataset.`);
      out.push(h5.floats(dataset, `weight ${index} of ${path}`));
    });
  }
  const parts = h5.keys(group).filter((k) => k !== "vars" && k !== "layers");
  parts.sort((a, b) => partRank(a) - partRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const part of parts) {
    const child = h5.child(group, part);
    if (child instanceof Hdf5Group) out.push(...layerWeights(h5, child, `${path}/${part}`, depth + 1));
  }
  return out;
}

/** Bidirectional's get_weights() is the forward layer's then the backward's; the file lists them alphabetically. */
function partRank(name: string): number {
  return name === "forward_layer" ? 0 : name === "backward_layer" ? 1 : 2;
}

/**
 * The weights by layer name. With a structure (the file's config, or the rnnc model's layers), each
 * layer takes the entry its class and position key (`lstm_1`), as Keras's own loader does; without
 * one, the name Keras recorded in the file. Entries with weights that nothing takes are an error.
 */
export function v3WeightSet(entries: V3Entry[], structure: ModelStructure | undefined, source: string, where = ""): WeightSet {
  const layers = new Map<string, TensorData[] | WeightSet>();
  const used = new Set<V3Entry>();
  if (structure) {
    const byKey = new Map(entries.map((e) => [e.key, e]));
    for (const [key, layer] of keysByPosition(structure)) {
      const entry = byKey.get(key);
      if (!entry) continue; // the binder names the layer whose weights are missing
      used.add(entry);
      if (layer.model) layers.set(layer.name, v3WeightSet(entry.layers ?? [], layer.model, source, `${entry.path}/`));
      else {
        if (entry.layers) {
          throw new DataError(
            `${source}: ${entry.path} holds a model's weights, but layer "${layer.name}" (${layer.kerasClass}) is not a model.`,
          );
        }
        if (entry.weights.length > 0) layers.set(layer.name, entry.weights);
      }
    }
  } else {
    for (const entry of entries) {
      const hasWeights = entry.weights.length > 0 || entry.layers !== undefined;
      if (!hasWeights) continue;
      if (entry.name === undefined) {
        throw new DataError(
          `${source}: ${entry.path} has no layer name in the file (Keras before 3.x writes none); give the model the weights are for, to map them by class and position.`,
        );
      }
      used.add(entry);
      layers.set(entry.name, entry.layers ? v3WeightSet(entry.layers, undefined, source, `${entry.path}/`) : entry.weights);
    }
  }
  const left = entries.filter((e) => !used.has(e) && (e.weights.length > 0 || (e.layers ?? []).some((l) => l.weights.length > 0)));
  if (left.length > 0) {
    const list = left.map((e) => `${e.path}${e.name ? ` ("${e.name}")` : ""}`).join(", ");
    throw new DataError(
      `${source}: ${where}weights for ${list} match no layer of ${structure ? `"${structure.name}"` : "the model"} (Keras keys them by class and position: the model has fewer layers of that class).`,
    );
  }
  return { layers, source };
}
