// A WeightSet as rnnc's JSON weights (LANGUAGE.md §3): `{ "layer": [nested arrays, …] }`, a called
// model's layers nested under its name. Values are written with 9 significant digits, which read
// back as the same float32.
import type { TensorData, WeightSet } from "../types/tensor-data.js";

export function weightsJson(set: WeightSet): string {
  return `${JSON.stringify(plain(set))}\n`;
}

function plain(set: WeightSet): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of set.layers) {
    // defineProperty: a layer named `__proto__` is a key like any other.
    Object.defineProperty(out, name, {
      value: Array.isArray(value) ? value.map(nested) : plain(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function nested(tensor: TensorData): unknown {
  const values = Array.from(tensor.data, (v) => Number(v.toPrecision(9)));
  if (tensor.shape.length === 0) return values[0];
  const build = (axis: number, offset: number): unknown[] => {
    const n = tensor.shape[axis]!;
    if (axis === tensor.shape.length - 1) return values.slice(offset, offset + n);
    const stride = tensor.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => build(axis + 1, offset + i * stride));
  };
  return build(0, 0);
}
