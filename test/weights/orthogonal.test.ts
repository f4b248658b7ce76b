// The orthogonal initializer at every size: below HOUSEHOLDER_LIMIT the numbers rnnc always gave
// (Keras's QR recipe, checked bit for bit against the textbook loops it was first written as), above
// it a product of Givens rotations — orthonormal to float32 precision and spread over every row.
import { describe, expect, it } from "vitest";
import { materialize } from "../../src/layers/initializers.js";
import { HOUSEHOLDER_LIMIT } from "../../src/layers/orthogonal.js";
import { Random } from "../../src/layers/random.js";

/** rnnc's first orthogonal initializer, row-major loops as written before the column-major rewrite. */
function textbookOrthogonal(shape: readonly number[], seed: number, gain: number): Float32Array {
  const rng = new Random(seed);
  const cols = shape[shape.length - 1]!;
  let rows = 1;
  for (const d of shape.slice(0, -1)) rows *= d;
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  const vs: Float64Array[] = [];
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += a[i * n + k]! * a[i * n + k]!;
    const norm = Math.sqrt(norm2);
    const x0 = a[k * n + k]!;
    const alpha = x0 >= 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = a[i * n + k]!;
    v[0] = x0 - alpha;
    let vnorm2 = 0;
    for (let i = 0; i < v.length; i++) vnorm2 += v[i]! * v[i]!;
    if (vnorm2 === 0) {
      vs.push(v);
      diag[k] = x0;
      continue;
    }
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * a[i * n + j]!;
      const f = (2 * dot) / vnorm2;
      for (let i = k; i < m; i++) a[i * n + j] = a[i * n + j]! - f * v[i - k]!;
    }
    for (let i = 0; i < v.length; i++) v[i] = v[i]! / Math.sqrt(vnorm2);
    vs.push(v);
    diag[k] = a[k * n + k]!;
  }
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * q[i * n + j]!;
      if (dot === 0) continue;
      for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - 2 * dot * v[i - k]!;
    }
  }
  for (let j = 0; j < n; j++) {
    if (diag[j]! >= 0) continue;
    for (let i = 0; i < m; i++) q[i * n + j] = -q[i * n + j]!;
  }
  const out = new Float32Array(m * n);
  if (rows < cols) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = gain * q[i * n + j]!;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = gain * q[i]!;
  }
  return out;
}

/** The vectors that should be orthonormal (the fewer of rows and columns), each as an array. */
function vectors(w: Float32Array, rows: number, cols: number): Float64Array[] {
  return rows <= cols
    ? Array.from({ length: rows }, (_, i) => Float64Array.from(w.subarray(i * cols, (i + 1) * cols)))
    : Array.from({ length: cols }, (_, j) => Float64Array.from({ length: rows }, (_, i) => w[i * cols + j]!));
}

/** max |VᵀV − I| over the float32 values, summed in float64. */
function orthonormalityError(vs: readonly Float64Array[]): number {
  let worst = 0;
  for (let i = 0; i < vs.length; i++) {
    for (let j = i; j < vs.length; j++) {
      const a = vs[i]!;
      const b = vs[j]!;
      let dot = 0;
      for (let k = 0; k < a.length; k++) dot += a[k]! * b[k]!;
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe("orthogonal", () => {
  it("gives the numbers rnnc always gave below the limit, bit for bit", () => {
    const shapes = [[5], [1, 7], [6, 6], [12, 4], [2, 3, 4], [8, 32], [100, 37], [64, 256], [3, 2, 200]];
    for (const shape of shapes) {
      for (const gain of [1, -1.5]) {
        const got = materialize({ kind: "orthogonal", gain }, shape, 17);
        const want = textbookOrthogonal(shape, 17, gain);
        expect(
          got.every((v, i) => Object.is(v, want[i])),
          `orthogonal(gain=${gain}) ${JSON.stringify(shape)}`,
        ).toBe(true);
      }
    }
  });

  it("draws by QR up to a square 512 kernel and [u, 4u] for u = 322, as docs/decisions.md says", () => {
    expect(512 ** 3).toBeLessThanOrEqual(HOUSEHOLDER_LIMIT);
    expect(513 ** 3).toBeGreaterThan(HOUSEHOLDER_LIMIT);
    expect(4 * 322 ** 3).toBeLessThanOrEqual(HOUSEHOLDER_LIMIT);
    expect(4 * 323 ** 3).toBeGreaterThan(HOUSEHOLDER_LIMIT);
  });

  // Above the limit: m·n² = 1320·330² > 2²⁷.
  for (const [rows, cols] of [
    [330, 1320],
    [1320, 330],
  ] as const) {
    it(`above the limit, [${rows}, ${cols}] is orthonormal to float32 precision and spread over every row`, () => {
      const w = materialize({ kind: "orthogonal", gain: 1 }, [rows, cols], 23);
      const vs = vectors(w, rows, cols);
      expect(orthonormalityError(vs)).toBeLessThan(1e-6);
      // A unit vector drawn uniformly from the sphere in ℝᵐ has Σx⁴ ≈ 3/(m+2); one left on a few
      // coordinates (too few rounds) has far more.
      const m = vs[0]!.length;
      let fourth = 0;
      for (const v of vs) for (const x of v) fourth += x ** 4;
      expect((fourth / vs.length) * (m + 2)).toBeGreaterThan(2.8);
      expect((fourth / vs.length) * (m + 2)).toBeLessThan(3.2);
      // Deterministic, and another seed gives other numbers.
      const again = materialize({ kind: "orthogonal", gain: 1 }, [rows, cols], 23);
      expect(again.every((v, i) => Object.is(v, w[i]))).toBe(true);
      expect(materialize({ kind: "orthogonal", gain: 1, seed: 24 }, [rows, cols], 23)[0]).not.toBe(w[0]);
    });
  }

  it("scales by gain above the limit", () => {
    const one = materialize({ kind: "orthogonal", gain: 1 }, [600, 2400], 5);
    const two = materialize({ kind: "orthogonal", gain: 2 }, [600, 2400], 5);
    expect(two.every((v, i) => v === 2 * one[i]!)).toBe(true);
  });
});
