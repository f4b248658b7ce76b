// Activations in place over a range of a Float32Array. One loop per function: no per-element dispatch.
import type { Activation } from "../../../types/activations.js";

export function activateInPlace(fn: Activation, a: Float32Array, start: number, end: number, rowLength: number): void {
  switch (fn) {
    case "linear":
      return;
    case "tanh":
      for (let i = start; i < end; i++) a[i] = tanh(a[i]!);
      return;
    case "sigmoid":
      for (let i = start; i < end; i++) a[i] = sigmoid(a[i]!);
      return;
    case "hard_sigmoid":
      for (let i = start; i < end; i++) a[i] = hardSigmoid(a[i]!);
      return;
    case "hard_sigmoid3":
      for (let i = start; i < end; i++) a[i] = hardSigmoid3(a[i]!);
      return;
    case "relu":
      for (let i = start; i < end; i++) if (a[i]! < 0) a[i] = 0;
      return;
    case "softmax":
      for (let row = start; row < end; row += rowLength) softmaxRow(a, row, rowLength);
      return;
  }
}

/** 2^k for k in [-128, 127], for fastExp's scaling. */
const POW2 = Float64Array.from({ length: 256 }, (_, i) => Math.pow(2, i - 128));
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;

/**
 * exp(x) to a relative error under 1e-8 (float32 needs 6e-8), about twice as fast as Math.exp in a
 * hot loop: x = k·ln2 + r with |r| ≤ ln2/2, then a degree-7 polynomial for e^r and a table for 2^k.
 * Clamped to ±88, where float32 saturates anyway.
 */
export function fastExp(x: number): number {
  if (x > 88) x = 88;
  else if (x < -88) x = -88;
  const k = Math.round(x * Math.LOG2E);
  const r = x - k * LN2_HI - k * LN2_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040)))))));
  return p * POW2[k + 128]!;
}

export function sigmoid(x: number): number {
  return 1 / (1 + fastExp(-x));
}

/** tanh(x) = 1 − 2/(e^{2x} + 1); absolute error ~1e-16, ample for float32. */
export function tanh(x: number): number {
  return 1 - 2 / (fastExp(2 * x) + 1);
}

/** tf.keras 2's and tfjs's definition (Keras 3 uses x/6 + 0.5). */
export function hardSigmoid(x: number): number {
  const y = 0.2 * x + 0.5;
  return y <= 0 ? 0 : y >= 1 ? 1 : y;
}

/** Keras 3's definition, relu6(x + 3) / 6 (LANGUAGE.md §6: the `keras 3` edition's hard_sigmoid). */
export function hardSigmoid3(x: number): number {
  const y = x + 3;
  return y <= 0 ? 0 : y >= 6 ? 1 : y / 6;
}

/** Softmax over one row, shifted by its maximum so that exp cannot overflow. */
function softmaxRow(a: Float32Array, start: number, n: number): void {
  let max = -Infinity;
  for (let i = start; i < start + n; i++) if (a[i]! > max) max = a[i]!;
  let sum = 0;
  for (let i = start; i < start + n; i++) {
    const e = Math.exp(a[i]! - max);
    a[i] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let i = start; i < start + n; i++) a[i] = a[i]! * inv;
}
