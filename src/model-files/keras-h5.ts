// Legacy Keras HDF5 (`model.save("m.h5")`, Keras 2's `save_weights("w.h5")`): the root attribute
// `model_config` (JSON) beside `keras_version` and `backend`, and a group `model_weights` (or the
// root, for Keras 2's weights-only files) whose attribute `layer_names` lists the layers (chunked as
// `layer_names0`, `layer_names1`, … when long); each layer's group lists `weight_names`, its
// datasets' paths within that group in get_weights() order. Keras 2 names end in `:0`; Keras 3's
// do not: the names are paths either way, read as written.
import { DataError, type TensorData, type WeightSet } from "../types/tensor-data.js";
import { Hdf5Dataset, Hdf5Group, type Hdf5File } from "./hdf5.js";
import { markOpsByLayerNames, normalizeModelConfig, type KerasModel, type ModelFileInfo } from "./keras-config.js";

export interface LegacyH5 {
  info: ModelFileInfo;
  /** The model config, when the file holds one (a weights-only file does not). */
  model?: KerasModel;
  weights: WeightSet;
}

/** Whether an opened HDF5 file is in the legacy layout: a `model_weights` group, or `layer_names` at the root. */
export function isLegacyH5(h5: Hdf5File): boolean {
  const root = h5.group("/")!;
  return h5.group("model_weights") !== undefined || stringList(h5, root, "layer_names") !== undefined;
}

export function readLegacyH5(h5: Hdf5File): LegacyH5 {
  const source = h5.source;
  const root = h5.group("/")!;
  const weightsGroup = h5.group("model_weights") ?? root;
  const layerNames = stringList(h5, weightsGroup, "layer_names");
  if (layerNames === undefined)
    throw new DataError(`${source}: the HDF5 group ${weightsGroup.name} has no "layer_names" attribute: not a Keras weights file.`);
  const info: ModelFileInfo = { format: "h5" };
  const version = text(h5.attribute(root, "keras_version"));
  const backend = text(h5.attribute(root, "backend"));
  if (version !== undefined) info.kerasVersion = version;
  if (backend !== undefined) info.backend = backend;

  const layers = new Map<string, TensorData[]>();
  for (const layerName of layerNames) {
    const group = h5.child(weightsGroup, layerName);
    if (!(group instanceof Hdf5Group))
      throw new DataError(`${source}: layer "${layerName}" is listed in layer_names but has no group of weights.`);
    const weightNames = stringList(h5, group, "weight_names") ?? [];
    const weights = weightNames.map((weightName, i) => {
      const dataset = h5.child(group, weightName);
      if (!(dataset instanceof Hdf5Dataset)) {
        throw new DataError(
          `${source}: layer "${layerName}": weight ${i} "${weightName}" is listed in weight_names but missing from the file.`,
        );
      }
      return h5.floats(dataset, `layer "${layerName}", weight "${weightName}"`);
    });
    if (weights.length > 0) layers.set(layerName, weights);
  }

  const result: LegacyH5 = { info, weights: { layers, source } };
  const configText = text(h5.attribute(root, "model_config"));
  if (configText !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(configText);
    } catch (error) {
      throw new DataError(`${source}: the "model_config" attribute is not valid JSON: ${(error as Error).message}`);
    }
    result.model = normalizeModelConfig(json, `${source} (model_config)`);
    markOpsByLayerNames(result.model, layerNames);
  }
  return result;
}

/** A string-list attribute, joined from its chunks (`name0`, `name1`, …) when Keras split it. */
function stringList(h5: Hdf5File, node: Hdf5Group, name: string): string[] | undefined {
  const whole = h5.attribute(node, name);
  if (whole !== undefined) return asStrings(whole, `${h5.source}: ${node.name} attribute "${name}"`);
  const chunks: string[] = [];
  for (let i = 0; ; i++) {
    const chunk = h5.attribute(node, `${name}${i}`);
    if (chunk === undefined) break;
    chunks.push(...asStrings(chunk, `${h5.source}: ${node.name} attribute "${name}${i}"`));
  }
  return chunks.length > 0 ? chunks : undefined;
}

/** An attribute as a list of strings (an empty list is written as an empty float array). */
function asStrings(value: unknown, where: string): string[] {
  const list =
    typeof value === "string"
      ? [value]
      : Array.isArray(value) || ArrayBuffer.isView(value)
        ? Array.from(value as ArrayLike<unknown>)
        : undefined;
  if (list === undefined) throw new DataError(`${where}: expected a list of names.`);
  return list.map((v) => {
    const s = text(v);
    if (s === undefined) throw new DataError(`${where}: expected names, found ${typeof v}.`);
    return s;
  });
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return undefined;
}
