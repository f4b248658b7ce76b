// A model or weights file from its bytes, whatever the bytes say it is — a Keras 3 `.keras` (zip), a
// legacy Keras `.h5` or a Keras 3 `.weights.h5` (HDF5), a TensorFlow.js model.json, or Keras JSON
// weights. No Node API: a browser passes the bytes it fetched, and a model.json's shards through
// `openShard`; read.ts reads the same from files.
import { readBinaryModelFile, type ModelFile } from "../model-files/binary-model-file.js";
import { normalizeModelConfig, type KerasModel } from "../model-files/keras-config.js";
import { MAX_ENTRY_BYTES } from "../model-files/keras-zip.js";
import { describeStart, sniffFormat } from "../model-files/sniff.js";
import type { ModelStructure } from "../model-files/structure.js";
import { DataError, type WeightSet } from "../types/tensor-data.js";
import { fileProblem, firstInvalidUtf8, MAX_TEXT_BYTES } from "./file-checks.js";
import { parseKerasWeights } from "./keras-json.js";
import { parseTfjsModel, type ShardOpener } from "./tfjs-model.js";

export { parseKerasWeights } from "./keras-json.js";
export { parseTfjsModel } from "./tfjs-model.js";
export type { ModelFile } from "../model-files/binary-model-file.js";

/** The largest weights file rnnc reads (a .keras or .h5 is read whole). */
export const MAX_WEIGHTS_FILE_BYTES = MAX_ENTRY_BYTES;

export interface WeightsOptions {
  /** The file's name, for messages. */
  source: string;
  /**
   * The model the weights are for, as its Keras layers (class, order): a bare `.weights.h5` keys its
   * weights by class and position only, and is mapped by it. Other formats name their layers.
   */
  structure?: ModelStructure;
  /** For a tfjs model.json: opens a shard by the name the manifest gives (relative to the model.json). */
  openShard?: ShardOpener;
}

/** The weights in a file's bytes, whatever its format (sniffed from the bytes). */
export function weightsFromBytes(bytes: Uint8Array, options: WeightsOptions): WeightSet {
  return readModelFile(bytes, options).weights;
}

/** A model file's weights by layer name, its normalized config when it has one, and who wrote it. */
export function readModelFile(bytes: Uint8Array, options: WeightsOptions): ModelFile {
  const { source } = options;
  const format = sniffFormat(bytes);
  if (format === "zip" || format === "hdf5") return readBinaryModelFile(bytes, format, source, options.structure);
  if (format === "unknown") {
    throw new DataError(
      `${source}: not a weights file rnnc reads (.keras, .h5, .weights.h5, model.json or Keras JSON): ${describeStart(bytes)}.`,
    );
  }
  if (bytes.length > MAX_TEXT_BYTES)
    throw new DataError(`${source}: is ${bytes.length} bytes of JSON, more than rnnc reads (${MAX_TEXT_BYTES})`);
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) throw new DataError(`${source}: is not valid UTF-8 (byte 0x${bytes[bad]!.toString(16).padStart(2, "0")} at offset ${bad})`);
  const text = new TextDecoder().decode(bytes);
  const json = parseJsonText(text, source);
  if (!isTfjsModel(json)) return { info: { format: "keras" }, weights: parseKerasWeights(json, source) };
  const openShard: ShardOpener =
    options.openShard ??
    ((name) => {
      throw new DataError(`${source}: the model.json names shard "${name}", but no shards were given (pass openShard).`);
    });
  const weights = parseTfjsModel(json, openShard, source);
  const file: ModelFile = { info: { format: "tfjs" }, weights };
  const topology = (json as Record<string, unknown>)["modelTopology"];
  const model = tfjsConfig(topology, source);
  if (model) file.model = model;
  const version = typeof topology === "object" && topology !== null ? (topology as Record<string, unknown>)["keras_version"] : undefined;
  if (typeof version === "string") file.info.kerasVersion = version;
  return file;
}

/** Whether parsed JSON is a tfjs model.json rather than Keras weights. */
export function isTfjsModel(json: unknown): boolean {
  return typeof json === "object" && json !== null && !Array.isArray(json) && ("weightsManifest" in json || "modelTopology" in json);
}

export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new DataError(`${source}: ${fileProblem(e)}`);
  }
}

/** A tfjs `modelTopology`, tfjs-layers' own (the config itself) or the converter's (`{model_config: …}`), normalized. */
function tfjsConfig(topology: unknown, source: string): KerasModel | undefined {
  if (typeof topology !== "object" || topology === null || Array.isArray(topology)) return undefined;
  const t = topology as Record<string, unknown>;
  return normalizeModelConfig("model_config" in t ? t["model_config"] : t, `${source} (modelTopology)`);
}
