// Keras 3's `.keras`: a zip (Keras writes it stored, not deflated) of config.json, metadata.json
// and model.weights.h5. Read with fflate, in a browser too. Only those entries are extracted, and
// only after their declared sizes pass: a deflated entry cannot be larger than deflate's ratio
// (1032:1) allows from its compressed size, a stored one must declare the size it takes, and none
// may pass MAX_ENTRY_BYTES — a zip bomb's claims are refused before a byte is allocated.
import { unzipSync } from "fflate";
import { DataError, type WeightSet } from "../types/tensor-data.js";
import { Hdf5File } from "./hdf5.js";
import { normalizeModelConfig, type KerasModel, type ModelFileInfo } from "./keras-config.js";
import { readV3Entries, v3WeightSet } from "./keras-v3-weights.js";
import { structureOfConfig } from "./structure.js";

/** The first bytes of a zip archive's first entry. */
export const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04] as const;

/** The largest entry a .keras may hold: far above any model rnnc runs. */
export const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;

/** The most a deflate stream can expand (its longest match, 258 bytes, in under 2 bits), rounded up. */
const DEFLATE_MAX_RATIO = 1032;

const WANTED = new Set(["config.json", "metadata.json", "model.weights.h5", "model.weights.npz"]);

export interface KerasArchive {
  info: ModelFileInfo;
  model: KerasModel;
  weights: WeightSet;
}

export function hasZipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

export function readKerasArchive(bytes: Uint8Array, source: string): KerasArchive {
  let refused: string | undefined;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter(file) {
        if (!WANTED.has(file.name)) return false;
        const problem = entryProblem(file);
        if (problem !== undefined) {
          refused ??= `entry "${file.name}" ${problem}`;
          return false;
        }
        return true;
      },
    });
  } catch (error) {
    throw new DataError(`${source}: not a readable .keras archive (${zipProblem(error)}).`);
  }
  if (refused !== undefined) throw new DataError(`${source}: ${refused}; refused before extracting it.`);
  if (entries["model.weights.npz"] !== undefined && entries["model.weights.h5"] === undefined) {
    throw new DataError(
      `${source}: its weights are in model.weights.npz (saved with weights_format="npz"); rnnc reads the default model.weights.h5.`,
    );
  }
  const config = entries["config.json"];
  const weights = entries["model.weights.h5"];
  if (config === undefined) throw new DataError(`${source}: the archive has no config.json: not a Keras 3 model file.`);
  if (weights === undefined) throw new DataError(`${source}: the archive has no model.weights.h5: the model was saved without weights.`);
  const info: ModelFileInfo = { format: "keras" };
  const metadata = entries["metadata.json"];
  if (metadata !== undefined) {
    const meta = parseJson(metadata, `${source} (metadata.json)`);
    if (typeof meta === "object" && meta !== null && typeof (meta as Record<string, unknown>)["keras_version"] === "string") {
      info.kerasVersion = (meta as Record<string, string>)["keras_version"];
    }
  }
  const model = normalizeModelConfig(parseJson(config, `${source} (config.json)`), `${source} (config.json)`);
  const where = `${source} (model.weights.h5)`;
  const h5 = Hdf5File.open(weights, where);
  const root = h5.group("/")!;
  return { info, model, weights: { ...v3WeightSet(readV3Entries(h5, root, ""), structureOfConfig(model), where), source } };
}

function entryProblem(file: { size: number; originalSize: number; compression: number }): string | undefined {
  if (file.originalSize > MAX_ENTRY_BYTES) return `declares ${file.originalSize} bytes, more than rnnc extracts (${MAX_ENTRY_BYTES})`;
  if (file.compression === 0 && file.originalSize !== file.size) {
    return `is stored uncompressed but declares ${file.originalSize} bytes in ${file.size}: the archive is corrupt`;
  }
  if (file.compression === 8 && file.originalSize > DEFLATE_MAX_RATIO * file.size + 1024) {
    return `declares ${file.originalSize} bytes from ${file.size} compressed, more than deflate can expand to (a zip bomb?)`;
  }
  if (file.compression !== 0 && file.compression !== 8)
    return `uses compression method ${file.compression}; only stored and deflated entries are read`;
  return undefined;
}

function zipProblem(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/invalid zip/i.test(text)) return "truncated or corrupt zip: its central directory is missing";
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

function parseJson(bytes: Uint8Array, where: string): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${where}: not valid UTF-8.`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new DataError(`${where}: invalid JSON: ${(error as Error).message}`);
  }
}
