// What the streaming tests share: stateful models of every cell, a masked sequence, and slicing it
// into chunks along time.
import type { TensorData } from "../../src/types/tensor-data.js";

export const BATCH = 2;
export const STEPS = 7;
export const FEATURES = 3;

/** One stateful layer per model, under a dense head; the mask has masked steps at chunk starts. */
export const CELL_LAYERS: Record<string, string> = {
  lstm: "lstm(4, seq=true, state=true, stateful=true)",
  gru: "gru(4, seq=true, state=true, stateful=true)",
  "gru reset_after=false": "gru(4, seq=true, state=true, stateful=true, reset_after=false)",
  rnn: "rnn(4, seq=true, state=true, stateful=true)",
};

/** A model around `layer`: its sequence through a dense layer, and its final states (h, and c for an LSTM). */
export function statefulSource(layer: string): string {
  const states = layer.startsWith("lstm") ? ["h", "c"] : ["h"];
  return [
    `model Stream(x: [${BATCH}, T, ${FEATURES}], m: bool[${BATCH}, T]) {`,
    `  y, ${states.join(", ")} = ${layer}(x, mask=m)`,
    `  z = dense(2)(y)`,
    `  return z, ${states.join(", ")}`,
    `}`,
  ].join("\n");
}

/** A sequence [B, STEPS, F] and its mask: sample 0 masks steps 3 and 4, sample 1 steps 0 and 5. */
export function sequence(): { x: TensorData; m: TensorData } {
  const x = Float32Array.from({ length: BATCH * STEPS * FEATURES }, (_, i) => Math.sin(0.7 * i + 0.3));
  const masked = [new Set([3, 4]), new Set([0, 5])];
  const m = Uint8Array.from({ length: BATCH * STEPS }, (_, i) => (masked[Math.floor(i / STEPS)]!.has(i % STEPS) ? 0 : 1));
  return { x: { shape: [BATCH, STEPS, FEATURES], data: x }, m: { shape: [BATCH, STEPS], data: m } };
}

/** Steps [from, to) of a [B, T, ...] tensor. */
export function timeSlice(t: TensorData, from: number, to: number): TensorData {
  const [batch, steps, ...rest] = t.shape;
  const inner = rest.reduce((a, b) => a * b, 1);
  const Ctor = t.data.constructor as new (n: number) => TensorData["data"];
  const data = new Ctor(batch! * (to - from) * inner);
  for (let b = 0; b < batch!; b++)
    data.set(t.data.subarray((b * steps! + from) * inner, (b * steps! + to) * inner), b * (to - from) * inner);
  return { shape: [batch!, to - from, ...rest], data };
}

/** The sequence's inputs for steps [from, to). */
export function chunk(input: { x: TensorData; m: TensorData }, from: number, to: number): Record<string, TensorData> {
  return { x: timeSlice(input.x, from, to), m: timeSlice(input.m, from, to) };
}

/** [B, T, ...] chunks joined along time. */
export function joinTime(parts: readonly TensorData[]): TensorData {
  const [batch, , ...rest] = parts[0]!.shape;
  const inner = rest.reduce((a, b) => a * b, 1);
  const steps = parts.reduce((n, p) => n + p.shape[1]!, 0);
  const data = new Float32Array(batch! * steps * inner);
  let at = 0;
  for (const p of parts) {
    const len = p.shape[1]!;
    for (let b = 0; b < batch!; b++) data.set(p.data.subarray(b * len * inner, (b + 1) * len * inner), (b * steps + at) * inner);
    at += len;
  }
  return { shape: [batch!, steps, ...rest], data };
}

/** Chunk borders: steps [0,3), [3,4), [4,7) — step 3 (masked in sample 0) and step 5 are inside or start chunks. */
export const BORDERS: readonly [number, number][] = [
  [0, 3],
  [3, 4],
  [4, 5],
  [5, 7],
];
