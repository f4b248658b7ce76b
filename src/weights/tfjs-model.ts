// The TensorFlow.js layers-model format: a model.json whose `weightsManifest` lists groups of
// binary shards. A group's shards, concatenated in order, are one buffer holding its weights one
// after the other (little-endian, as tfjs writes them), each `{name, shape, dtype}`. A weight's layer
// is the first `/`-separated part of its name: `lstm/kernel`, `bidirectional/forward_lstm/lstm_cell/kernel`,
// tfjs's own `lstm_LSTM1/kernel`; within a layer the manifest's order is get_weights() order.
//
// A nested model (a Keras/tfjs model used as a layer) writes its layers' weights under their own names,
// without the model's (`lstm/kernel`, not `Encoder/lstm/kernel`): the model's `modelTopology`, when
// present, says which layers are inside which model, and those layers are nested under it.
import { DataError, formatShape, sizeOf, type TensorData, type WeightSet } from "../types/tensor-data.js";
import { fileProblem, type Shard } from "./file-checks.js";
import { describeValue } from "./keras-json.js";
import { ShardNameError } from "./shard-names.js";

/**
 * What opening a shard gives: its bytes, or a Shard whose size is known before it is read (so that a
 * shard too big or too small for the manifest is refused without reading it).
 */
export type ShardOpener = (path: string) => Uint8Array | Shard;

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
  /** How the values are stored when quantized: tfjs's `{dtype, scale, min}`. */
  quantization?: Quantization;
  /** Byte offset in its group's buffer. */
  offset: number;
  bytes: number;
}

/** tfjs's weight quantization: uint8/uint16 values `q` stand for `min + scale·q`; float16 for themselves. */
interface Quantization {
  dtype: "uint8" | "uint16" | "float16";
  scale: number;
  min: number;
}

const QUANTIZED_BYTES = { uint8: 1, uint16: 2, float16: 2 } as const;

/**
 * Reads a parsed tfjs model.json and its shards. `openShard` gets each path as the manifest writes it
 * (relative to the model.json). Every group's shard sizes are checked against what its weights need
 * before any shard is read. int32 weights are converted to float32 (every layer's weights are
 * float); quantized weights are dequantized as tfjs does (`min + scale·q` for uint8/uint16, float16
 * decoded); other dtypes and values that are not finite are errors.
 */
export function parseTfjsModel(modelJson: unknown, openShard: ShardOpener, source: string): WeightSet {
  if (typeof modelJson !== "object" || modelJson === null || Array.isArray(modelJson)) {
    throw new DataError(`${source}: expected a TensorFlow.js model.json object, found ${describeValue(modelJson)}.`);
  }
  const manifest = (modelJson as Record<string, unknown>)["weightsManifest"];
  if (manifest === undefined) {
    throw new DataError(`${source}: this model.json has no "weightsManifest": it holds no weights (save the model with its weights).`);
  }
  if (!Array.isArray(manifest))
    throw new DataError(`${source}: "weightsManifest" should be a list of weight groups, found ${describeValue(manifest)}.`);

  const tensors: { name: string; tensor: TensorData }[] = [];
  manifest.forEach((group: unknown, g) => {
    const where = `${source}: weightsManifest[${g}]`;
    if (typeof group !== "object" || group === null)
      throw new DataError(`${where}: expected {paths, weights}, found ${describeValue(group)}.`);
    const { paths, weights } = group as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === "string")) {
      throw new DataError(`${where}: "paths" should be a list of shard file names, found ${describeValue(paths)}.`);
    }
    if (!Array.isArray(weights)) throw new DataError(`${where}: "weights" should be a list, found ${describeValue(weights)}.`);
    const entries = manifestEntries(weights, where);
    const needed = entries.reduce((n, e) => n + e.bytes, 0);
    if (needed > 0 && paths.length === 0) throw new DataError(`${where}: lists ${entries.length} weights but no shard files.`);
    const opened = (paths as string[]).map((p) => ({ path: p, shard: open(openShard, p, source) }));
    const shards = opened.map((s) => ({ path: s.path, length: s.shard.byteLength }));
    const found = shards.reduce((n, s) => n + s.length, 0);
    if (found < needed) {
      const missing = entries.find((e) => e.offset + e.bytes > found)!;
      const shardText =
        shards.length === 1
          ? `shard "${shards[0]!.path}" has ${found} bytes`
          : `shards ${shards.map((s) => `"${s.path}" (${s.length})`).join(", ")} have ${found} bytes together`;
      throw new DataError(
        `${source}: ${shardText}, but the manifest needs ${needed}: the shard is truncated. Weight "${missing.name}" ${formatShape(missing.shape)} (bytes ${missing.offset}–${missing.offset + missing.bytes}) is the first that does not fit.`,
      );
    }
    if (found > needed) {
      const shardText =
        shards.length === 1 ? `shard "${shards[0]!.path}" has` : `shards ${shards.map((s) => `"${s.path}"`).join(", ")} have`;
      throw new DataError(
        `${source}: ${shardText} ${found} bytes, but the manifest's ${entries.length} weights take ${needed}: the shard does not belong to this model.json.`,
      );
    }
    const buffer = concat(
      opened.map((s) => read(s.shard, s.path, source)),
      found,
    );
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    for (const e of entries) {
      const data = decodeEntry(view, e);
      const bad = e.dtype === "float32" ? data.findIndex((v) => !Number.isFinite(v)) : -1;
      if (bad >= 0) {
        throw new DataError(
          `${where}: weight "${e.name}" ${formatShape(e.shape)}: element ${bad} is ${data[bad]}; weights must be finite float32 values.`,
        );
      }
      tensors.push({ name: e.name, tensor: { shape: e.shape, data } });
    }
  });

  const layers = new Map<string, TensorData[]>();
  for (const { name, tensor } of tensors) {
    const layer = name.split("/")[0]!;
    const list = layers.get(layer);
    if (list) list.push(tensor);
    else layers.set(layer, [tensor]);
  }
  return nestByTopology(layers, (modelJson as Record<string, unknown>)["modelTopology"], source);
}

function open(openShard: ShardOpener, path: string, source: string): Uint8Array | Shard {
  try {
    return openShard(path);
  } catch (error) {
    throw shardError(error, path, source);
  }
}

function read(shard: Uint8Array | Shard, path: string, source: string): Uint8Array {
  if (shard instanceof Uint8Array) return shard;
  try {
    return shard.read();
  } catch (error) {
    throw shardError(error, path, source);
  }
}

function shardError(error: unknown, path: string, source: string): DataError {
  if (error instanceof DataError) return error;
  if (error instanceof ShardNameError) return new DataError(`${source}: weights shard ${error.message}`);
  return new DataError(`${source}: cannot read weights shard "${path}": ${fileProblem(error)}`);
}

function manifestEntries(weights: unknown[], where: string): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  let offset = 0;
  weights.forEach((w: unknown, i) => {
    if (typeof w !== "object" || w === null)
      throw new DataError(`${where}.weights[${i}]: expected {name, shape, dtype}, found ${describeValue(w)}.`);
    const { name, shape, dtype, quantization } = w as Record<string, unknown>;
    if (typeof name !== "string" || name === "")
      throw new DataError(`${where}.weights[${i}]: "name" should be a string, found ${describeValue(name)}.`);
    const at = `${where}: weight "${name}"`;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
      throw new DataError(`${at}: "shape" should be a list of non-negative integers, found ${describeValue(shape)}.`);
    }
    if (dtype !== "float32" && dtype !== "int32") {
      throw new DataError(`${at}: dtype ${describeValue(dtype)} is not supported; weights must be float32 (or int32).`);
    }
    const entry: ManifestEntry = { name, shape: [...(shape as number[])], dtype, offset, bytes: 4 * sizeOf(shape as number[]) };
    if (quantization !== undefined && quantization !== null) {
      entry.quantization = parseQuantization(quantization, at);
      entry.bytes = QUANTIZED_BYTES[entry.quantization.dtype] * sizeOf(entry.shape);
    }
    entries.push(entry);
    offset += entry.bytes;
  });
  return entries;
}

function parseQuantization(value: unknown, at: string): Quantization {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DataError(`${at}: "quantization" should be {dtype, scale, min}, found ${describeValue(value)}.`);
  }
  const { dtype, scale, min } = value as Record<string, unknown>;
  if (dtype === "float16") return { dtype, scale: 1, min: 0 };
  if (dtype !== "uint8" && dtype !== "uint16") {
    throw new DataError(`${at}: quantization dtype ${describeValue(dtype)} is not one tfjs writes (uint8, uint16, float16).`);
  }
  if (typeof scale !== "number" || !Number.isFinite(scale) || typeof min !== "number" || !Number.isFinite(min)) {
    throw new DataError(
      `${at}: ${dtype} quantization needs finite "scale" and "min", found ${describeValue(scale)} and ${describeValue(min)}.`,
    );
  }
  return { dtype, scale, min };
}

/** One weight's values as float32, dequantized as tfjs's io.decodeWeights does. */
function decodeEntry(view: DataView, e: ManifestEntry): Float32Array {
  const data = new Float32Array(sizeOf(e.shape));
  const q = e.quantization;
  if (q === undefined) {
    if (e.dtype === "float32") for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(e.offset + 4 * i, true);
    else for (let i = 0; i < data.length; i++) data[i] = view.getInt32(e.offset + 4 * i, true);
  } else if (q.dtype === "float16") {
    for (let i = 0; i < data.length; i++) data[i] = float16(view.getUint16(e.offset + 2 * i, true));
  } else if (q.dtype === "uint8") {
    for (let i = 0; i < data.length; i++) data[i] = view.getUint8(e.offset + i) * q.scale + q.min;
  } else {
    for (let i = 0; i < data.length; i++) data[i] = view.getUint16(e.offset + 2 * i, true) * q.scale + q.min;
  }
  // tfjs rounds quantized int32 weights back to integers.
  if (q !== undefined && q.dtype !== "float16" && e.dtype === "int32") for (let i = 0; i < data.length; i++) data[i] = Math.round(data[i]!);
  return data;
}

/** An IEEE 754 half-precision value from its 16 bits. */
export function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A model in a topology: its layers' names, and the nested models among them. */
interface TopologyModel {
  name: string;
  layers: string[];
  models: TopologyModel[];
}

/**
 * Moves the weights of layers inside nested models under those models' names. Only layers the
 * top-level model does not itself have are moved; without a readable topology, nothing is.
 */
function nestByTopology(layers: Map<string, TensorData[]>, topology: unknown, source: string): WeightSet {
  const top = topologyModel(modelConfig(topology), 0);
  if (!top || top.models.length === 0) return { layers: new Map(layers), source };
  const build = (model: TopologyModel, available: Map<string, TensorData[]>): WeightSet => {
    const out = new Map<string, TensorData[] | WeightSet>();
    for (const layer of model.layers) {
      const nested = model.models.find((m) => m.name === layer);
      const own = available.get(layer);
      if (own) {
        // Weights under the model's own name (a converter that prefixes them): a flat list the binder splits.
        out.set(layer, own);
        available.delete(layer);
      } else if (nested) {
        const sub = build(nested, available);
        if (sub.layers.size > 0) out.set(layer, sub);
      }
    }
    return { layers: out, source };
  };
  const remaining = new Map(layers);
  const nested = build(top, remaining);
  // Anything the topology does not name stays at the top level, for the binder to report.
  for (const [name, list] of remaining) nested.layers.set(name, list);
  // Keep the manifest's order of top-level names where possible: the topology's order is the model's.
  return nested;
}

function modelConfig(topology: unknown): unknown {
  if (typeof topology !== "object" || topology === null) return undefined;
  const t = topology as Record<string, unknown>;
  // Keras-converted files wrap it: {keras_version, backend, model_config: {class_name, config}}.
  return "model_config" in t ? t["model_config"] : t;
}

function topologyModel(node: unknown, depth: number): TopologyModel | undefined {
  if (depth > 64 || typeof node !== "object" || node === null) return undefined;
  const n = node as { class_name?: unknown; config?: unknown; name?: unknown };
  const config = n.config;
  // Old Keras Sequential configs are a bare list of layers.
  const list = Array.isArray(config)
    ? config
    : typeof config === "object" && config !== null
      ? (config as Record<string, unknown>)["layers"]
      : undefined;
  if (!Array.isArray(list)) return undefined;
  const name =
    typeof config === "object" &&
    config !== null &&
    !Array.isArray(config) &&
    typeof (config as Record<string, unknown>)["name"] === "string"
      ? ((config as Record<string, unknown>)["name"] as string)
      : typeof n.name === "string"
        ? n.name
        : "";
  const model: TopologyModel = { name, layers: [], models: [] };
  for (const layer of list) {
    if (typeof layer !== "object" || layer === null) continue;
    const l = layer as { config?: unknown; name?: unknown };
    const layerName =
      typeof l.config === "object" && l.config !== null && typeof (l.config as Record<string, unknown>)["name"] === "string"
        ? ((l.config as Record<string, unknown>)["name"] as string)
        : typeof l.name === "string"
          ? l.name
          : undefined;
    if (layerName === undefined) continue;
    model.layers.push(layerName);
    const nested = topologyModel(layer, depth + 1);
    if (nested) model.models.push({ ...nested, name: layerName });
  }
  return model;
}
