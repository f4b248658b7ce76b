// The binary model files, by their bytes: a `.keras` (zip), a legacy `.h5`, a Keras 3 `.weights.h5`.
// Each gives its weights by layer name, and its normalized config when it holds one.
import { DataError, type WeightSet } from "../types/tensor-data.js";
import { Hdf5File } from "./hdf5.js";
import type { KerasModel, ModelFileInfo } from "./keras-config.js";
import { isLegacyH5, readLegacyH5 } from "./keras-h5.js";
import { isKerasV3Weights, readV3Entries, v3WeightSet } from "./keras-v3-weights.js";
import { readKerasArchive } from "./keras-zip.js";
import type { ModelStructure } from "./structure.js";

export interface ModelFile {
  info: ModelFileInfo;
  /** The model's config, normalized; absent for weights-only files. */
  model?: KerasModel;
  weights: WeightSet;
}

/**
 * A zip or HDF5 model file's weights (and config). `structure`: the model the weights are for, used
 * by a bare `.weights.h5`, which keys weights by class and position only.
 */
export function readBinaryModelFile(bytes: Uint8Array, format: "zip" | "hdf5", source: string, structure?: ModelStructure): ModelFile {
  if (format === "zip") return readKerasArchive(bytes, source);
  const h5 = Hdf5File.open(bytes, source);
  if (isKerasV3Weights(h5)) {
    const weights = v3WeightSet(readV3Entries(h5, h5.group("/")!, ""), structure, source);
    return { info: { format: "weights.h5" }, weights };
  }
  if (isLegacyH5(h5)) {
    const legacy = readLegacyH5(h5);
    return legacy.model
      ? { info: legacy.info, model: legacy.model, weights: legacy.weights }
      : { info: legacy.info, weights: legacy.weights };
  }
  throw new DataError(
    `${source}: an HDF5 file, but not a Keras one: it has neither a "layers" group (Keras 3 weights) nor "model_weights" (a Keras .h5 model).`,
  );
}
