// `--weights FILE`: a Keras JSON weights file, or a TensorFlow.js model.json with its shards.
import { DataError, type WeightSet } from "../types/tensor-data.js";
import { confinedShards, fileProblem, readUtf8File } from "./file-access.js";
import { parseKerasWeights } from "./keras-json.js";
import { parseTfjsModel } from "./tfjs-model.js";

export { parseKerasWeights } from "./keras-json.js";
export { parseTfjsModel, readTfjsModel } from "./tfjs-model.js";

/**
 * Reads a weights file. JSON with a `weightsManifest` or `modelTopology` is a tfjs model.json (its
 * shards are read from its folder and nowhere else); any other JSON is Keras JSON. Only a regular,
 * UTF-8 file is read; unreadable files and invalid JSON are DataErrors naming the path.
 */
export function readWeights(path: string): WeightSet {
  let text: string;
  try {
    text = readUtf8File(path);
  } catch (e) {
    throw new DataError(`${path}: ${fileProblem(e)}`);
  }
  return weightsFromText(text, path);
}

/** The weights in `text`, the contents of the file at `path` (a tfjs model.json reads its shards from beside it). */
export function weightsFromText(text: string, path: string): WeightSet {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new DataError(`${path}: ${fileProblem(e)}`);
  }
  if (isTfjsModel(json)) return parseTfjsModel(json, confinedShards(path), path);
  return parseKerasWeights(json, path);
}

/** Whether parsed JSON is a tfjs model.json rather than Keras weights. */
export function isTfjsModel(json: unknown): boolean {
  return typeof json === "object" && json !== null && !Array.isArray(json) && ("weightsManifest" in json || "modelTopology" in json);
}
