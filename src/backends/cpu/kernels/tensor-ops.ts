// The element-wise and data-movement ops, on row-major typed arrays.

export type Buffer = Float32Array | Int32Array | Uint8Array;

export function add(inputs: readonly Float32Array[], out: Float32Array): void {
  out.set(inputs[0]!);
  for (let k = 1; k < inputs.length; k++) {
    const a = inputs[k]!;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + a[i]!;
  }
}

export function mul(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! * b[i]!;
}

export function scale(a: Float32Array, factor: number, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! * factor;
}

/** Concatenation along `axis` of tensors whose shapes agree elsewhere. */
export function concat(inputs: readonly Buffer[], shapes: readonly (readonly number[])[], axis: number, out: Buffer): void {
  const outer = shapes[0]!.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shapes.map((s) => s.slice(axis).reduce((a, b) => a * b, 1));
  const total = inner.reduce((a, b) => a + b, 0);
  for (let o = 0; o < outer; o++) {
    let at = o * total;
    for (let k = 0; k < inputs.length; k++) {
      const input = inputs[k]!;
      const n = inner[k]!;
      const from = o * n;
      for (let j = 0; j < n; j++) out[at + j] = input[from + j]!;
      at += n;
    }
  }
}

/** Embedding lookup; an id outside the table is an error the caller reports. */
export function gather(ids: Int32Array, table: Float32Array, vocab: number, dim: number, out: Float32Array): number | undefined {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= vocab) return i;
    out.set(table.subarray(id * dim, (id + 1) * dim), i * dim);
  }
  return undefined;
}

export function maskNotZero(ids: Int32Array, out: Uint8Array): void {
  for (let i = 0; i < ids.length; i++) out[i] = ids[i] !== 0 ? 1 : 0;
}

export function maskOr(inputs: readonly Uint8Array[], out: Uint8Array): void {
  out.set(inputs[0]!);
  for (let k = 1; k < inputs.length; k++) {
    const m = inputs[k]!;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! | m[i]!;
  }
}

export function maskAnd(inputs: readonly Uint8Array[], out: Uint8Array): void {
  out.set(inputs[0]!);
  for (let k = 1; k < inputs.length; k++) {
    const m = inputs[k]!;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! & m[i]!;
  }
}

/** [B, F] → [B, n, F]. */
export function repeat(input: Buffer, batch: number, features: number, n: number, out: Buffer): void {
  for (let b = 0; b < batch; b++) {
    const row = input.subarray(b * features, (b + 1) * features);
    for (let k = 0; k < n; k++) out.set(row, (b * n + k) * features);
  }
}

// ---- the merges multiply/average/maximum ----

/** Element-wise maximum, folded left to right as Keras's Maximum does. */
export function maximum(inputs: readonly Float32Array[], out: Float32Array): void {
  out.set(inputs[0]!);
  for (let k = 1; k < inputs.length; k++) {
    const a = inputs[k]!;
    for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i]!, a[i]!);
  }
}

/** x / divisor, element by element. */
export function divide(a: Float32Array, divisor: number, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! / divisor;
}
