// A graph's inputs as the user hands them: nested arrays or {data, shape}, checked against the
// declared types before anything runs. Shared by every backend.
import { DataError, formatShape, sizeOf, type TensorData } from "../types/tensor-data.js";
import { MAX_RANK, type DType } from "../types/types.js";
import { echo, echoQuoted } from "../source/echo.js";
import type { Graph } from "./graph.js";

/** What a user may pass for one input. */
export type TensorInput = TensorData | NestedArray | { data: ArrayLike<number>; shape: readonly number[] };
export type NestedArray = readonly (number | boolean | NestedArray)[];

/** The typed inputs of a run, in the graph's input order, with every named dim bound to a size. */
export function prepareInputs(graph: Graph, given: Readonly<Record<string, TensorInput>>): TensorData[] {
  for (const name in given) {
    if (!graph.inputs.some((i) => i.name === name)) {
      // The carried states (Graph.states) are the graph's inputs, not the model's: its caller supplies them.
      const own = graph.inputs.filter((i) => !graph.states.some((s) => s.name === i.name));
      throw new DataError(`unknown input ${echo(name)}; the model's inputs are ${own.map((i) => echo(i.name)).join(", ")}`);
    }
  }
  const dims = new Map<string, { size: number; input: string }>();
  return graph.inputs.map((input) => {
    // Own properties only: an input named `constructor` is missing, not Object.prototype's.
    const value = Object.hasOwn(given, input.name) ? given[input.name] : undefined;
    if (value === undefined) throw new DataError(`missing input ${echo(input.name)} (${describe(input.dtype, input.dims)})`);
    const data = toTensorData(value, input.dtype, input.name);
    if (data.shape.length === input.dims.length && input.dims.every((d, i) => d === data.shape[i])) return data; // the common case
    const expected = describe(input.dtype, input.dims);
    if (data.shape.length !== input.dims.length) {
      throw new DataError(
        `input ${input.name}: expected ${expected}, got ${formatShape(data.shape)} (rank ${data.shape.length}, not ${input.dims.length})`,
      );
    }
    input.dims.forEach((d, i) => {
      const size = data.shape[i]!;
      if (typeof d === "number") {
        if (size !== d)
          throw new DataError(`input ${input.name}: expected ${expected}, got ${formatShape(data.shape)} (dim ${i} must be ${d})`);
        return;
      }
      const bound = dims.get(d);
      if (bound && bound.size !== size) {
        throw new DataError(
          `input ${input.name}: dim ${i} is ${d} = ${bound.size} (from input ${bound.input}), got ${size} in ${formatShape(data.shape)}`,
        );
      }
      if (size < 1) throw new DataError(`input ${input.name}: dim ${i} (${d}) is ${size}; every dim must be at least 1`);
      dims.set(d, { size, input: input.name });
    });
    return data;
  });
}

function describe(dtype: DType, dims: readonly (number | string)[]): string {
  return `${dtype}[${dims.join(",")}]`;
}

/**
 * Converts and validates one input's data: nested arrays must be rectangular, `{ data, shape }` must
 * hold a real array (or typed array) of exactly the shape's size, and f32 values must be finite
 * float32 values (a number that rounds to Infinity as a float32 is an error, naming the element).
 */
export function toTensorData(value: TensorInput, dtype: DType, name: string): TensorData {
  if (Array.isArray(value)) return fromNested(value as NestedArray, dtype, name);
  if (typeof value !== "object" || value === null) {
    throw new DataError(`input ${name}: expected a nested array or { data, shape }, found ${value === null ? "null" : typeof value}`);
  }
  const { data, shape } = value as { data: unknown; shape: unknown };
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new DataError(`input ${name}: expected a nested array or { data, shape } with "shape" a list of non-negative integers`);
  }
  if (shape.length > MAX_RANK) throw new DataError(`input ${name}: shape has ${shape.length} dims, more than ${MAX_RANK}`);
  const dims = shape as number[];
  if (!isArrayData(data)) {
    throw new DataError(`input ${name}: "data" should be an array of numbers, found ${describeData(data)}`);
  }
  const values = data as ArrayLike<unknown>;
  if (values.length !== sizeOf(dims)) {
    throw new DataError(`input ${name}: shape ${formatShape(dims)} holds ${sizeOf(dims)} values, but data has ${values.length}`);
  }
  if (Array.isArray(values)) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== "number" && typeof v !== "boolean") {
        throw new DataError(`input ${name}: element ${elementPath(dims, i)} is ${shown(v)}, not a number`);
      }
    }
  }
  return { shape: [...dims], data: convert(values as ArrayLike<number>, dtype, name, dims) };
}

/** The lengths along a nested array's first elements, or undefined when it nests deeper than MAX_RANK. */
export function nestedShape(value: readonly unknown[]): number[] | undefined {
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) {
    if (shape.length === MAX_RANK) return undefined;
    shape.push(level.length);
  }
  return shape;
}

/** Whether `data` is a real array or typed array (an object that merely has a `length` is not). */
export function isArrayData(data: unknown): data is ArrayLike<unknown> {
  return Array.isArray(data) || (ArrayBuffer.isView(data) && !(data instanceof DataView));
}

function fromNested(value: NestedArray, dtype: DType, name: string): TensorData {
  const shape = nestedShape(value);
  if (!shape) throw new DataError(`input ${name}: nested more than ${MAX_RANK} deep`);
  const flat: number[] = [];
  // Recursion depth is the rank, at most MAX_RANK.
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v === "boolean") flat.push(v ? 1 : 0);
      else if (typeof v === "number") flat.push(v);
      else throw new DataError(`input ${name}: element ${path} is ${shown(v)}, not a number`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new DataError(
        `input ${name}: ragged array at ${path || "the top"}: expected ${shape[depth]} items${Array.isArray(v) ? `, found ${v.length}` : ", found a scalar"}`,
      );
    }
    v.forEach((item, i) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, "");
  return { shape, data: convert(flat, dtype, name, shape) };
}

function convert(data: ArrayLike<number>, dtype: DType, name: string, shape: readonly number[]): TensorData["data"] {
  if (dtype === "f32") {
    const out = data instanceof Float32Array ? data : Float32Array.from(data);
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i]!)) {
        const given = data[i]!;
        const why = Number.isFinite(given) ? `${given}, outside the float32 range` : `${given}`;
        throw new DataError(`input ${name}: element ${elementPath(shape, i)} is ${why}; inputs must be finite float32 values`);
      }
    }
    return out;
  }
  if (dtype === "i32") {
    if (data instanceof Int32Array) return data;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (!Number.isInteger(v)) throw new DataError(`input ${name}: token ids must be integers; element ${elementPath(shape, i)} is ${v}`);
      if (v < -2147483648 || v > 2147483647) throw new DataError(`input ${name}: element ${elementPath(shape, i)} is ${v}, outside int32`);
    }
    return Int32Array.from(data);
  }
  if (data instanceof Uint8Array) return data;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0;
  return out;
}

/** `[0][2][1]`: the position of row-major element `index` in `shape`. */
export function elementPath(shape: readonly number[], index: number): string {
  let path = "";
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    path = `[${size > 0 ? rest % size : 0}]${path}`;
    rest = size > 0 ? Math.floor(rest / size) : 0;
  }
  return path || "[]";
}

function shown(v: unknown): string {
  return typeof v === "string" ? echoQuoted(v) : echo(JSON.stringify(v) ?? String(v));
}

function describeData(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === "object") return "an object (not an array)";
  return shown(v);
}
