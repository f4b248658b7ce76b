// The kernels of masking, layer_norm, conv1d's patches and global pooling, on row-major typed arrays.
// The CPU backend calls them, and compiled modules call these very functions (bundled by
// src/emit/runtime.ts): one text per kernel, so a module gives the interpreter's floats bit for bit.

/** Keras Masking's mask: mask[r] = 1 where some feature of row r (of `features`) differs from `value`. */
export function maskNotEqual(x: Float32Array, features: number, value: number, out: Uint8Array): void {
  for (let r = 0; r < out.length; r++) {
    let keep = 0;
    for (let f = r * features; f < (r + 1) * features; f++) {
      if (x[f] !== value) {
        keep = 1;
        break;
      }
    }
    out[r] = keep;
  }
}

/** Row by row, x's row where the mask keeps it, else y's row (or `fill` everywhere in it): Keras 3's masked merges. */
export function where(
  x: Float32Array,
  mask: Uint8Array,
  features: number,
  y: Float32Array | undefined,
  fill: number,
  out: Float32Array,
): void {
  for (let r = 0; r < mask.length; r++) {
    const from = mask[r] ? x : y;
    for (let f = r * features; f < (r + 1) * features; f++) out[f] = from ? from[f]! : fill;
  }
}

/** x times its mask, row by row (Keras Masking multiplies by the mask cast to float: masked rows become ±0). */
export function applyMask(x: Float32Array, mask: Uint8Array, features: number, out: Float32Array): void {
  for (let r = 0; r < mask.length; r++) {
    const m = mask[r]!;
    for (let f = r * features; f < (r + 1) * features; f++) out[f] = x[f]! * m;
  }
}

/**
 * Layer normalisation over rows of `features`: Keras's arithmetic — mean and variance of the row,
 * inv = gamma / sqrt(var + epsilon), out = x·inv + (beta − mean·inv) — in float64, rounded once.
 */
export function layerNorm(
  x: Float32Array,
  features: number,
  epsilon: number,
  gamma: Float32Array | undefined,
  beta: Float32Array | undefined,
  out: Float32Array,
): void {
  const rows = x.length / features;
  for (let r = 0; r < rows; r++) {
    const start = r * features;
    let sum = 0;
    for (let f = 0; f < features; f++) sum += x[start + f]!;
    const mean = sum / features;
    let squares = 0;
    for (let f = 0; f < features; f++) {
      const d = x[start + f]! - mean;
      squares += d * d;
    }
    const scale = 1 / Math.sqrt(squares / features + epsilon);
    for (let f = 0; f < features; f++) {
      const inv = gamma ? scale * gamma[f]! : scale;
      const shift = beta ? beta[f]! - mean * inv : -mean * inv;
      out[start + f] = x[start + f]! * inv + shift;
    }
  }
}

/**
 * Conv1D's patches: x [B,T,F] → out [B,T',k·F], row (b, t) holding input steps
 * t·strides + j·dilation − padLeft for j < k, zeros where that step is outside x.
 */
export function im2col(
  x: Float32Array,
  batch: number,
  steps: number,
  features: number,
  kernelSize: number,
  strides: number,
  dilation: number,
  padLeft: number,
  outSteps: number,
  out: Float32Array,
): void {
  const row = kernelSize * features;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < outSteps; t++) {
      const at = (b * outSteps + t) * row;
      for (let j = 0; j < kernelSize; j++) {
        const s = t * strides + j * dilation - padLeft;
        const to = at + j * features;
        if (s < 0 || s >= steps) out.fill(0, to, to + features);
        else out.set(x.subarray((b * steps + s) * features, (b * steps + s + 1) * features), to);
      }
    }
  }
}

/**
 * Global pooling over time, [B,T,F] → [B,F]. avg: the mean over the steps the mask keeps (Keras:
 * their sum over their count, 0/0 = NaN when it keeps none), over all steps without a mask. max: over
 * all steps (Keras's GlobalMaxPooling1D takes no mask).
 */
export function poolTime(
  x: Float32Array,
  batch: number,
  steps: number,
  features: number,
  mode: "avg" | "max",
  mask: Uint8Array | undefined,
  out: Float32Array,
): void {
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < features; f++) {
      let acc = mode === "max" ? -Infinity : 0;
      let count = 0;
      for (let t = 0; t < steps; t++) {
        const v = x[(b * steps + t) * features + f]!;
        if (mode === "max") {
          if (v > acc || Number.isNaN(v)) acc = v;
        } else if (!mask || mask[b * steps + t]) {
          acc += v;
          count++;
        }
      }
      out[b * features + f] = mode === "max" ? acc : acc / count;
    }
  }
}
