// A graph's inputs as the user hands them: nested arrays or {data, shape}, checked against the
// declared types before anything runs. Shared by every backend.
import { DataError, formatShape, sizeOf, type TensorData } from "../types/tensor-data.js";
import type { DType } from "../types/types.js";
import { echo, echoQuoted } from "../source/echo.js";
import type { Graph } from "./graph.js";

/** What a user may pass for one input. */
export type TensorInput = TensorData | NestedArray | { data: ArrayLike<number>; shape: readonly number[] };
export type NestedArray = readonly (number | boolean | NestedArray)[];

/** The typed inputs of a run, in the graph's input order, with every named dim bound to a size. */
export function prepareInputs(graph: Graph, given: Readonly<Record<string, TensorInput>>): TensorData[] {
  for (const name in given) {
    if (!graph.inputs.some((i) => i.name === name)) {
      throw new DataError(`unknown input ${echo(name)}; the model's inputs are ${graph.inputs.map((i) => echo(i.name)).join(", ")}`);
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

/** Converts and validates one input's data; nested arrays must be rectangular. */
export function toTensorData(value: TensorInput, dtype: DType, name: string): TensorData {
  if (Array.isArray(value)) return fromNested(value as NestedArray, dtype, name);
  if (typeof value !== "object" || value === null) {
    throw new DataError(`input ${name}: expected a nested array or { data, shape }, found ${value === null ? "null" : typeof value}`);
  }
  const { data, shape } = value as { data: ArrayLike<number>; shape: readonly number[] };
  if (!data || !Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new DataError(`input ${name}: expected a nested array or { data, shape }`);
  }
  if (data.length !== sizeOf(shape)) {
    throw new DataError(`input ${name}: shape ${formatShape(shape)} holds ${sizeOf(shape)} values, but data has ${data.length}`);
  }
  return { shape: [...shape], data: convert(data, dtype, name) };
}

function fromNested(value: NestedArray, dtype: DType, name: string): TensorData {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat: number[] = [];
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v === "boolean") flat.push(v ? 1 : 0);
      else if (typeof v === "number") flat.push(v);
      else
        throw new DataError(
          `input ${name}: element ${path} is ${typeof v === "string" ? echoQuoted(v) : (JSON.stringify(v) ?? String(v))}, not a number`,
        );
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
  return { shape, data: convert(flat, dtype, name) };
}

function convert(data: ArrayLike<number>, dtype: DType, name: string): TensorData["data"] {
  if (dtype === "f32") {
    if (data instanceof Float32Array) return data;
    const out = Float32Array.from(data);
    const bad = out.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new DataError(`input ${name}: element ${bad} is ${out[bad]}; inputs must be finite`);
    return out;
  }
  if (dtype === "i32") {
    if (data instanceof Int32Array) return data;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (!Number.isInteger(v)) throw new DataError(`input ${name}: token ids must be integers; element ${i} is ${v}`);
      if (v < -2147483648 || v > 2147483647) throw new DataError(`input ${name}: element ${i} is ${v}, outside int32`);
    }
    return Int32Array.from(data);
  }
  if (data instanceof Uint8Array) return data;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0;
  return out;
}
