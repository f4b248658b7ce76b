// out[M,N] += x[M,K] · w[K,N], row-major, in plain JavaScript: the fallback where WebAssembly SIMD
// is missing (wasm/kernels.wat is the fast one). Tiled over four rows of x: each row of w is loaded
// once per four output rows, and the inner loop runs along contiguous memory.

/** out[i, :] += x[i, :] · w, tiled four rows at a time. */
export function matmulAccumulate(
  x: Float32Array,
  xOffset: number,
  xStride: number,
  m: number,
  k: number,
  w: Float32Array,
  n: number,
  out: Float32Array,
  outOffset: number,
  outStride: number,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const x0 = xOffset + i * xStride;
    const x1 = x0 + xStride;
    const x2 = x1 + xStride;
    const x3 = x2 + xStride;
    const o0 = outOffset + i * outStride;
    const o1 = o0 + outStride;
    const o2 = o1 + outStride;
    const o3 = o2 + outStride;
    for (let p = 0; p < k; p++) {
      const a0 = x[x0 + p]!;
      const a1 = x[x1 + p]!;
      const a2 = x[x2 + p]!;
      const a3 = x[x3 + p]!;
      const wRow = p * n;
      for (let j = 0; j < n; j++) {
        const wj = w[wRow + j]!;
        out[o0 + j] = out[o0 + j]! + a0 * wj;
        out[o1 + j] = out[o1 + j]! + a1 * wj;
        out[o2 + j] = out[o2 + j]! + a2 * wj;
        out[o3 + j] = out[o3 + j]! + a3 * wj;
      }
    }
  }
  for (; i < m; i++) {
    const xr = xOffset + i * xStride;
    const o = outOffset + i * outStride;
    for (let p = 0; p < k; p++) {
      const a = x[xr + p]!;
      if (a === 0) continue;
      const wRow = p * n;
      for (let j = 0; j < n; j++) out[o + j] = out[o + j]! + a * w[wRow + j]!;
    }
  }
}
