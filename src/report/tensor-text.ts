// Outputs as people read them — `rnnc run` without --json, and the playground's run panel: nested
// brackets, float32 values to 7 significant digits, one `Model output i type:` header each.
import type { TensorData } from "../types/tensor-data.js";

/** A tensor as nested brackets, float32 values to 7 significant digits. */
export function tensorText(t: TensorData): string {
  const value = (i: number) => {
    const v = t.data[i]!;
    return t.data instanceof Float32Array ? String(Number(v.toPrecision(7))) : String(v);
  };
  const walk = (depth: number, offset: number, indent: string): string => {
    if (t.shape.length === 0) return value(0);
    const n = t.shape[depth]!;
    const stride = t.shape.slice(depth + 1).reduce((a, b) => a * b, 1);
    if (depth === t.shape.length - 1) return `[${Array.from({ length: n }, (_, i) => value(offset + i)).join(", ")}]`;
    const items = Array.from({ length: n }, (_, i) => walk(depth + 1, offset + i * stride, indent + " "));
    return `[${items.join(`,\n${indent} `)}]`;
  };
  return walk(0, 0, "");
}

/** Each output under its header, `Model output i type:`, in return order. */
export function outputsText(model: { name: string; outputs: readonly string[] }, outputs: readonly TensorData[]): string {
  return outputs.map((o, i) => `${model.name} output ${i} ${model.outputs[i]}:\n${tensorText(o)}`).join("\n");
}
