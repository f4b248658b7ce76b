// The Keras JSON weights format: `{ "layer_name": [array, array, ...] }`, each list in Keras
// `layer.get_weights()` order and layout, each array a nested list of numbers (its shape is its
// nesting). A called model's weights nest: `{ "Encoder": { "lstm": [...] } }`, or come as one flat
// list (its layers' weights concatenated in its order), which the binder splits.
import { echo } from "../source/echo.js";
import { DataError, formatShape, sizeOf, type TensorData, type WeightSet } from "../types/tensor-data.js";
import { MAX_RANK } from "../types/types.js";

/** Called models nested deeper than this are refused: it bounds the recursion over the file. */
export const MAX_MODEL_NESTING = 64;

/**
 * Reads a parsed Keras JSON weights object. Besides nested number lists, a weight may be given as
 * `{ shape: number[], data: ArrayLike<number> }` (a Float32Array, say), for programs that build the
 * object themselves. Every problem is a DataError naming the layer, the weight's index and the
 * position of the bad element (`[2][0]`).
 */
export function parseKerasWeights(json: unknown, source: string): WeightSet {
  // A WeightSet already read (weightsFromBytes of a .keras, say): checked like any other object.
  if (isWeightSet(json)) return parseLayers(plainLayers(json, 0), typeof json.source === "string" ? json.source : source, "", 0);
  if (!isPlainObject(json)) {
    throw new DataError(
      `${source}: expected an object mapping layer names to lists of weight arrays ({ "lstm": [kernel, recurrent_kernel, bias] }), found ${describeValue(json)}.`,
    );
  }
  return parseLayers(json, source, "", 0);
}

function isWeightSet(value: unknown): value is WeightSet {
  return typeof value === "object" && value !== null && (value as { layers?: unknown }).layers instanceof Map;
}

/** A WeightSet's layers as the plain object the JSON format is, its weights as `{shape, data}`. */
function plainLayers(set: WeightSet, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (depth > MAX_MODEL_NESTING) return out; // parseLayers reports the depth
  for (const [name, value] of set.layers) {
    Object.defineProperty(out, name, {
      value: isWeightSet(value) ? plainLayers(value, depth + 1) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function parseLayers(obj: Record<string, unknown>, source: string, prefix: string, depth: number): WeightSet {
  if (depth > MAX_MODEL_NESTING) {
    throw new DataError(`${source}: layer "${prefix.slice(0, 200)}…": called models nested more than ${MAX_MODEL_NESTING} deep.`);
  }
  const layers = new Map<string, TensorData[] | WeightSet>();
  for (const [name, value] of Object.entries(obj)) {
    const path = prefix + name;
    if (Array.isArray(value))
      layers.set(
        name,
        value.map((w, i) => parseWeight(w, source, path, i)),
      );
    else if (isPlainObject(value)) layers.set(name, parseLayers(value, source, path + "/", depth + 1));
    else
      throw new DataError(
        `${source}: layer "${echo(path)}": expected a list of weight arrays (or, for a called model, an object of its layers), found ${describeValue(value)}.`,
      );
  }
  return { layers, source };
}

function parseWeight(value: unknown, source: string, layer: string, index: number): TensorData {
  const where = `${source}: layer "${echo(layer)}": weight ${index}`;
  if (isPlainObject(value) && "shape" in value && "data" in value) return parseShaped(value, where);
  // The shape follows the first element at each level; every other element must agree.
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    if (shape.length === MAX_RANK)
      throw new DataError(`${where}: nested more than ${MAX_RANK} deep; a weight is an array of at most a few dims.`);
    shape.push(probe.length);
    probe = probe[0];
  }
  // Values are collected as the walk finds them (not into an array of the shape's size, allocated
  // first): the first elements alone can claim a shape of billions in a few kilobytes.
  const values: number[] = [];
  const fill = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw new DataError(`${where}: ragged array: ${path} is a list, but ${firstPath(depth)} is a number.`);
      values.push(numberAt(v, where, path));
      return;
    }
    if (!Array.isArray(v)) {
      throw new DataError(
        `${where}: ragged array: ${path || "the weight"} should be a list of ${shape[depth]} (shape ${formatShape(shape)}), found ${describeValue(v)}.`,
      );
    }
    if (v.length !== shape[depth]) {
      throw new DataError(
        `${where}: ragged array: ${path || "the weight"} has ${v.length} element${v.length === 1 ? "" : "s"}, but ${firstPath(depth)} has ${shape[depth]} (shape ${formatShape(shape)}).`,
      );
    }
    for (let i = 0; i < v.length; i++) fill(v[i], depth + 1, `${path}[${i}]`);
  };
  fill(value, 0, "");
  return { shape, data: Float32Array.from(values) };
}

/** `[0][0]` for depth 2: the element the expected length was read from. */
function firstPath(depth: number): string {
  return depth === 0 ? "the weight" : "[0]".repeat(depth);
}

function numberAt(v: unknown, where: string, path: string): number {
  if (typeof v === "number" && Number.isFinite(Math.fround(v))) return v;
  const at = path ? ` at ${path}` : "";
  if (typeof v === "number" && Number.isFinite(v)) {
    throw new DataError(`${where}${at}: ${v} is outside the float32 range (±${FLOAT32_MAX}); weights must be finite float32 values.`);
  }
  if (typeof v === "number" || v === "NaN" || v === "Infinity" || v === "-Infinity" || v === "inf" || v === "-inf" || v === "nan") {
    throw new DataError(`${where}${at}: ${String(v)} is not a finite number; weights must be finite.`);
  }
  throw new DataError(`${where}${at}: expected a number, found ${describeValue(v)}.`);
}

function parseShaped(value: Record<string, unknown>, where: string): TensorData {
  const { shape, data } = value as { shape: unknown; data: unknown };
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw new DataError(`${where}: "shape" should be a list of non-negative integers, found ${describeValue(shape)}.`);
  }
  const dims = shape as number[];
  const isArrayLike = Array.isArray(data) || ArrayBuffer.isView(data);
  const length = isArrayLike ? (data as ArrayLike<unknown>).length : -1;
  if (!isArrayLike || length !== sizeOf(dims)) {
    throw new DataError(
      `${where}: "data" should hold ${sizeOf(dims)} numbers for shape ${formatShape(dims)}, found ${isArrayLike ? `${length}` : describeValue(data)}.`,
    );
  }
  const out = new Float32Array(length);
  const items = data as ArrayLike<unknown>;
  for (let i = 0; i < length; i++) out[i] = numberAt(items[i], where, `data[${i}]`);
  return { shape: [...dims], data: out };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** The largest finite float32: anything whose magnitude rounds above it is Infinity as a float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** A short description of a JSON value for messages. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}
