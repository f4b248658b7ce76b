// The generator and Keras's initializer formulas (KERAS-SEMANTICS.md §3–4).
import { describe, expect, it } from "vitest";
import { computeFans, materialize, type Initializer } from "../../src/layers/initializers.js";
import { householderQr } from "../../src/layers/orthogonal.js";
import { deriveSeed, ln, Random, seedFrom } from "../../src/layers/random.js";

describe("Random", () => {
  it("gives the same numbers for the same seed, and different ones for another", () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const xs = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it("is pinned: these numbers must never change (weights initialized by rnnc are reproducible)", () => {
    const r = new Random(seedFrom("lstm"));
    expect(seedFrom("")).toBe(0x811c9dc5);
    expect(seedFrom("a")).toBe(0xe40c292c); // FNV-1a's published test vector
    // Cross-checked against a Python transcription of splitmix32 + xoshiro128**.
    const first = [r.nextUint32(), r.nextUint32(), r.nextUint32()];
    expect(first).toMatchInlineSnapshot(`
      [
        2417895763,
        316054580,
        3741735449,
      ]
    `);
  });

  it("draws uniforms in [0, 1) with the right mean", () => {
    const r = new Random(7);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it("draws standard normals (mean 0, variance 1)", () => {
    const r = new Random(8);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      sum += x;
      sq += x * x;
    }
    expect(sum / n).toBeCloseTo(0, 2);
    expect(sq / n).toBeCloseTo(1, 1);
  });

  it("computes ln from arithmetic to within an ulp or two of Math.log", () => {
    for (const x of [1e-300, 1e-20, 0.001, 0.3, 0.5, 0.7071, 1, 1.0000001, 2, 3, 10, 12345.678, 1e300]) {
      expect(Math.abs(ln(x) - Math.log(x))).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(Math.log(x))));
    }
    expect(ln(1)).toBe(0);
  });

  it("derives distinct seeds per label", () => {
    const s = seedFrom("enc");
    expect(deriveSeed(s, "kernel")).not.toBe(deriveSeed(s, "recurrent_kernel"));
    expect(deriveSeed(s, "kernel")).toBe(deriveSeed(s, "kernel"));
    expect(deriveSeed(s, "kernel")).not.toBe(deriveSeed(seedFrom("dec"), "kernel"));
  });
});

function maxAbs(xs: Float32Array): number {
  let m = 0;
  for (const x of xs) m = Math.max(m, Math.abs(x));
  return m;
}

function matrix(data: Float32Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
}

/** The largest |A·Aᵀ − I| over a matrix's rows. */
function rowOrthonormalityError(m: number[][]): number {
  let worst = 0;
  for (let i = 0; i < m.length; i++) {
    for (let j = 0; j < m.length; j++) {
      let dot = 0;
      for (let k = 0; k < m[i]!.length; k++) dot += m[i]![k]! * m[j]![k]!;
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

function transpose(m: number[][]): number[][] {
  return m[0]!.map((_, j) => m.map((row) => row[j]!));
}

describe("materialize", () => {
  it("zeros, ones, constant", () => {
    expect(Array.from(materialize({ kind: "zeros" }, [2, 3], 1))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(materialize({ kind: "ones" }, [4], 1))).toEqual([1, 1, 1, 1]);
    expect(Array.from(materialize({ kind: "constant", value: 0.25 }, [1, 2], 1))).toEqual([0.25, 0.25]);
    expect(materialize({ kind: "ones" }, [], 1)).toHaveLength(1);
    expect(materialize({ kind: "ones" }, [3, 0], 1)).toHaveLength(0);
  });

  it("random_uniform stays in [minval, maxval)", () => {
    const w = materialize({ kind: "random_uniform", minval: -0.05, maxval: 0.05 }, [100, 100], 3);
    expect(-maxAbs(w.map((x) => Math.min(x, 0)))).toBeGreaterThanOrEqual(Math.fround(-0.05));
    expect(maxAbs(w.map((x) => Math.max(x, 0)))).toBeLessThan(0.05);
    expect(maxAbs(w)).toBeGreaterThan(0.049);
    const v = materialize({ kind: "random_uniform", minval: 2, maxval: 3 }, [1000], 3);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...v)).toBeLessThan(3);
  });

  it("glorot_uniform's limit is sqrt(6 / (fan_in + fan_out))", () => {
    const F = 5;
    const u = 3;
    const w = materialize({ kind: "glorot_uniform" }, [F, 4 * u], 11);
    const limit = Math.sqrt(6 / (F + 4 * u));
    const max = Math.max(...w.map(Math.abs));
    expect(max).toBeLessThanOrEqual(limit);
    expect(max).toBeGreaterThan(0.8 * limit); // 60 draws: some come near the edge
    // A big one fills the range evenly: the variance of U(-l, l) is l²/3 = 2 / (fan_in + fan_out).
    const big = materialize({ kind: "glorot_uniform" }, [300, 500], 12);
    const bigLimit = Math.sqrt(6 / 800);
    expect(maxAbs(big)).toBeLessThanOrEqual(bigLimit);
    let sq = 0;
    for (const x of big) sq += x * x;
    expect(sq / big.length).toBeCloseTo(2 / 800, 4);
  });

  it("computes fans as Keras does", () => {
    expect(computeFans([7])).toEqual([7, 7]);
    expect(computeFans([5, 12])).toEqual([5, 12]);
    expect(computeFans([3, 2, 4, 8])).toEqual([24, 48]);
    expect(computeFans([])).toEqual([1, 1]);
    // 1-D: fan_in = fan_out = n, limit sqrt(6 / 2n)
    const b = materialize({ kind: "glorot_uniform" }, [6], 1);
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 12));
  });

  it("orthogonal [u, 4u] (a recurrent kernel) has orthonormal rows", () => {
    const u = 8;
    const w = materialize({ kind: "orthogonal", gain: 1 }, [u, 4 * u], 5);
    expect(rowOrthonormalityError(matrix(w, u, 4 * u))).toBeLessThan(1e-5);
  });

  it("orthogonal [n, m] with n > m has orthonormal columns; square is orthogonal both ways", () => {
    const tall = matrix(materialize({ kind: "orthogonal", gain: 1 }, [12, 4], 6), 12, 4);
    expect(rowOrthonormalityError(transpose(tall))).toBeLessThan(1e-5);
    const square = matrix(materialize({ kind: "orthogonal", gain: 1 }, [6, 6], 7), 6, 6);
    expect(rowOrthonormalityError(square)).toBeLessThan(1e-5);
    expect(rowOrthonormalityError(transpose(square))).toBeLessThan(1e-5);
  });

  it("orthogonal scales by gain and flattens leading dims", () => {
    const w = materialize({ kind: "orthogonal", gain: 2 }, [4, 4], 9);
    const m = matrix(w, 4, 4).map((row) => row.map((x) => x / 2));
    expect(rowOrthonormalityError(m)).toBeLessThan(1e-5);
    const w3 = materialize({ kind: "orthogonal", gain: 1 }, [2, 3, 4], 9); // rows 6 × cols 4
    expect(rowOrthonormalityError(transpose(matrix(w3, 6, 4)))).toBeLessThan(1e-5);
  });

  it("householderQr: q·r = a, r's diagonal positive after the sign fix", () => {
    const m = 7;
    const n = 3;
    const r = new Random(1);
    const a = Float64Array.from({ length: m * n }, () => r.normal());
    // householderQr takes and gives column-major matrices (column j at j·m).
    const columns = Float64Array.from({ length: m * n }, (_, k) => a[(k % m) * n + Math.floor(k / m)]!);
    const { q: qColumns, diag } = householderQr(columns, m, n);
    const q = Float64Array.from({ length: m * n }, (_, k) => qColumns[(k % n) * m + Math.floor(k / n)]!);
    // rᵢⱼ = qᵢᵀ aⱼ for i ≤ j, and q rᵢ reproduces a.
    for (let j = 0; j < n; j++) {
      for (let row = 0; row < m; row++) {
        let sum = 0;
        for (let i = 0; i <= j; i++) {
          let rij = 0;
          for (let k = 0; k < m; k++) rij += q[k * n + i]! * a[k * n + j]!;
          sum += q[row * n + i]! * rij;
        }
        expect(sum).toBeCloseTo(a[row * n + j]!, 10);
      }
      let rjj = 0;
      for (let k = 0; k < m; k++) rjj += q[k * n + j]! * a[k * n + j]!;
      expect(rjj).toBeCloseTo(diag[j]!, 10);
    }
  });

  const random: Initializer[] = [
    { kind: "random_uniform", minval: -0.05, maxval: 0.05 },
    { kind: "glorot_uniform" },
    { kind: "orthogonal", gain: 1 },
  ];
  for (const init of random) {
    it(`${init.kind} is deterministic per seed and differs across seeds`, () => {
      const a = materialize(init, [4, 8], 100);
      expect(Array.from(materialize(init, [4, 8], 100))).toEqual(Array.from(a));
      expect(Array.from(materialize(init, [4, 8], 101))).not.toEqual(Array.from(a));
    });
    it(`${init.kind} with its own seed ignores the layer's`, () => {
      const seeded = { ...init, seed: 1 } as Initializer;
      expect(Array.from(materialize(seeded, [3, 3], 100))).toEqual(Array.from(materialize(seeded, [3, 3], 200)));
    });
  }
});
