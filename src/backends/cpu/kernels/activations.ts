// Activations in place over a range of a Float32Array. One loop per function: no per-element dispatch.
import type { Activation } from "../../../types/activations.js";

export function activateInPlace(fn: Activation, a: Float32Array, start: number, end: number, rowLength: number): void {
  switch (fn) {
    case "linear":
      return;
    case "tanh":
      for (let i = start; i < end; i++) a[i] = Math.tanh(a[i]!);
      return;
    case "sigmoid":
      for (let i = start; i < end; i++) a[i] = sigmoid(a[i]!);
      return;
    case "hard_sigmoid":
      for (let i = start; i < end; i++) a[i] = hardSigmoid(a[i]!);
      return;
    case "relu":
      for (let i = start; i < end; i++) if (a[i]! < 0) a[i] = 0;
      return;
    case "softmax":
      for (let row = start; row < end; row += rowLength) softmaxRow(a, row, rowLength);
      return;
  }
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** tf.keras 2's and tfjs's definition (Keras 3 uses x/6 + 0.5). */
export function hardSigmoid(x: number): number {
  const y = 0.2 * x + 0.5;
  return y <= 0 ? 0 : y >= 1 ? 1 : y;
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

/** A scalar version for the recurrent cell's element-wise step (softmax is not a per-element function). */
export function scalarActivation(fn: Activation): (x: number) => number {
  switch (fn) {
    case "linear":
      return (x) => x;
    case "tanh":
      return Math.tanh;
    case "sigmoid":
      return sigmoid;
    case "hard_sigmoid":
      return hardSigmoid;
    case "relu":
      return (x) => (x > 0 ? x : 0);
    case "softmax":
      throw new Error("softmax is not element-wise");
  }
}
