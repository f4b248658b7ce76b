// `--weights FILE` and readWeights(path): a model or weights file read from disk (only a regular
// file; a model.json's shards only from its folder: file-access.ts), then parsed from its bytes by
// model-bytes.ts. Node only; the bytes-level half is re-exported so that callers need one import.
import { DataError, type WeightSet } from "../types/tensor-data.js";
import { confinedShards, fileProblem, readRegularFile, readUtf8File } from "./file-access.js";
import { isTfjsModel, MAX_WEIGHTS_FILE_BYTES, parseJsonText, readModelFile, type WeightsOptions } from "./model-bytes.js";
import type { ModelFile } from "../model-files/binary-model-file.js";
import { parseKerasWeights } from "./keras-json.js";
import { parseTfjsModel } from "./tfjs-model.js";

export {
  isTfjsModel,
  MAX_WEIGHTS_FILE_BYTES,
  parseKerasWeights,
  parseTfjsModel,
  readModelFile,
  weightsFromBytes,
  type ModelFile,
  type WeightsOptions,
} from "./model-bytes.js";

/**
 * Reads a weights file of any of the formats above. Only a regular file is read; unreadable files
 * and malformed contents are DataErrors naming the path. A model.json's shards are read from its
 * folder and nowhere else.
 */
export function readWeights(path: string, options: Omit<WeightsOptions, "source" | "openShard"> = {}): WeightSet {
  return readModelFileAt(path, options).weights;
}

/** readWeights, with the file's normalized config and producer (for `rnnc import`). */
export function readModelFileAt(path: string, options: Omit<WeightsOptions, "source" | "openShard"> = {}): ModelFile {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(path, MAX_WEIGHTS_FILE_BYTES);
  } catch (e) {
    throw new DataError(`${path}: ${fileProblem(e)}`);
  }
  return readModelFile(bytes, { ...options, source: path, openShard: confinedShards(path) });
}

/** The weights in `text`, the contents of the file at `path` (a tfjs model.json reads its shards from beside it). */
export function weightsFromText(text: string, path: string): WeightSet {
  const json = parseJsonText(text, path);
  if (isTfjsModel(json)) return parseTfjsModel(json, confinedShards(path), path);
  return parseKerasWeights(json, path);
}

/** Reads a model.json and the shards beside it (only inside its folder: see file-access.ts). */
export function readTfjsModel(modelJsonPath: string): WeightSet {
  let json: unknown;
  try {
    json = JSON.parse(readUtf8File(modelJsonPath).replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new DataError(`${modelJsonPath}: ${fileProblem(e)}`);
  }
  return parseTfjsModel(json, confinedShards(modelJsonPath), modelJsonPath);
}
