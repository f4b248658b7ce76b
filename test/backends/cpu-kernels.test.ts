// The CPU backend's numeric kernels against float64: the WebAssembly SIMD matmul (through the Arena,
// as the executor calls it, and called directly below the size where the Arena hands small products
// to JavaScript), the JavaScript matmul, and fastExp / sigmoid / tanh.
import { describe, expect, it } from "vitest";
import { fastExp, sigmoid, tanh } from "../../src/backends/cpu/kernels/activations.js";
import { matmulAccumulate as jsMatmul } from "../../src/backends/cpu/kernels/matmul.js";
import { Arena } from "../../src/backends/cpu/wasm/arena.js";
import { KERNELS_WASM } from "../../src/backends/cpu/wasm/kernels.generated.js";

/** Deterministic uniform floats in [-1, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

// Rows: 4-row panels, the single rows after them (5, 6, 7, 10, 11), several 64-row blocks.
const MS = [1, 2, 3, 4, 5, 6, 7, 10, 11, 49, 64, 65];
const KS = [1, 3, 8, 17];
// Columns: strips of 8, single rows' 32-column sweeps (32, 41, 72), the 4- and 1-column tails.
const NS = [1, 3, 4, 5, 8, 9, 12, 16, 17, 32, 33, 41, 72];
const RELATIVE = 1e-4;
/** What the kernels must leave alone: the padding around a slice. */
const SENTINEL = 12345.5;

interface Shape {
  m: number;
  k: number;
  n: number;
}

/** Every listed m × k × n, then random shapes (larger ones too: several 64-row blocks, long k). */
function shapes(): Shape[] {
  const all: Shape[] = [];
  for (const m of MS) for (const k of KS) for (const n of NS) all.push({ m, k, n });
  const r = rng(7);
  const int = (lo: number, hi: number) => lo + Math.floor(((r() + 1) / 2) * (hi - lo + 1));
  for (let i = 0; i < 24; i++) all.push({ m: int(1, 200), k: int(1, 70), n: int(1, 70) });
  return all;
}

/** A product's layout: where x and out sit in their (possibly wider) buffers. */
interface Layout {
  label: string;
  xOffset: number;
  xPad: number;
  outOffset: number;
  outPad: number;
}

const LAYOUTS: Layout[] = [
  { label: "contiguous", xOffset: 0, xPad: 0, outOffset: 0, outPad: 0 },
  // A slice of a wider buffer: rows of x and out further apart than k and n, starting part-way in
  // (odd offsets: not 16-byte aligned).
  { label: "offset+stride", xOffset: 3, xPad: 5, outOffset: 7, outPad: 3 },
  // The recurrent kernel's use: x is the last u of a wider row, out a column block of the gates.
  { label: "column block", xOffset: 8, xPad: 8, outOffset: 4, outPad: 12 },
];

interface Problem {
  x: Float32Array;
  xStride: number;
  w: Float32Array;
  out: Float32Array;
  outStride: number;
  /** out's initial values (the kernels accumulate into it). */
  out0: Float32Array;
}

/** Fills views (from an arena or plain arrays) with a random problem; padding gets SENTINEL (x's padding NaN: reading it shows). */
function fill(p: Problem, shape: Shape, layout: Layout, seed: number): void {
  const r = rng(seed);
  const { m, k, n } = shape;
  p.x.fill(Number.NaN);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) p.x[layout.xOffset + i * p.xStride + j] = r();
  for (let i = 0; i < k * n; i++) p.w[i] = r();
  p.out.fill(SENTINEL);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) p.out[layout.outOffset + i * p.outStride + j] = r();
  p.out0.set(p.out);
}

function sizes(shape: Shape, layout: Layout): { x: number; xStride: number; out: number; outStride: number } {
  const xStride = shape.k + layout.xPad;
  const outStride = shape.n + layout.outPad;
  return {
    x: layout.xOffset + shape.m * xStride + 3,
    xStride,
    out: layout.outOffset + shape.m * outStride + 5,
    outStride,
  };
}

/**
 * Checks `out` against out0 + x·w in float64: each element to RELATIVE of its scale |out0| + Σ|x·w|
 * (the dot product's own condition: a float32 sum of k terms cannot do better relative to that), and
 * every element outside the slice untouched.
 */
function check(p: Problem, shape: Shape, layout: Layout): string[] {
  const { m, k, n } = shape;
  const problems: string[] = [];
  const inSlice = new Uint8Array(p.out.length);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const at = layout.outOffset + i * p.outStride + j;
      inSlice[at] = 1;
      let sum = p.out0[at]!;
      let scale = Math.abs(p.out0[at]!);
      for (let q = 0; q < k; q++) {
        const term = p.x[layout.xOffset + i * p.xStride + q]! * p.w[q * n + j]!;
        sum += term;
        scale += Math.abs(term);
      }
      const error = Math.abs(p.out[at]! - sum);
      if (!(error <= RELATIVE * scale + 1e-30)) problems.push(`out[${i},${j}] = ${p.out[at]}, expected ${sum} (scale ${scale})`);
    }
  }
  for (let at = 0; at < p.out.length; at++) {
    if (!inSlice[at] && p.out[at] !== SENTINEL) problems.push(`out buffer element ${at}, outside the slice, was written: ${p.out[at]}`);
  }
  return problems.slice(0, 5);
}

/** Per element of out: |out0| + Σ|x·w| inside the slice, 0 outside (where both must be untouched). */
function scales(p: Problem, shape: Shape, layout: Layout): Float64Array {
  const scale = new Float64Array(p.out.length);
  for (let i = 0; i < shape.m; i++) {
    for (let j = 0; j < shape.n; j++) {
      const at = layout.outOffset + i * p.outStride + j;
      let sum = Math.abs(p.out0[at]!);
      for (let q = 0; q < shape.k; q++) sum += Math.abs(p.x[layout.xOffset + i * p.xStride + q]! * p.w[q * shape.n + j]!);
      scale[at] = sum;
    }
  }
  return scale;
}

const name = (s: Shape) => `m${s.m} k${s.k} n${s.n}`;

describe("Arena with useWasm=true: the SIMD matmul", () => {
  it("runs WebAssembly SIMD (Node 20 has it; a JS fallback here would hide the kernel)", () => {
    const arena = new Arena(Arena.bytesFor([1024]));
    expect(arena.simd).toBe(true);
    expect(typeof WebAssembly.validate).toBe("function");
  });

  it("useWasm=false runs the JS kernels", () => {
    const arena = new Arena(Arena.bytesFor([1024]), { simd: false });
    expect(arena.simd).toBe(false);
    expect(arena.packStrips(new Float32Array(64), 8, 8)).toBeUndefined();
  });

  for (const layout of LAYOUTS) {
    for (const packed of [false, true]) {
      it(`equals float64 and the JS matmul: every listed shape, ${layout.label}, ${packed ? "packed" : "unpacked"} w`, () => {
        const all = shapes();
        // One arena for every problem: each takes x, w, the packed w, out and out's initial copy.
        const bytes: number[] = [];
        for (const s of all) {
          const z = sizes(s, layout);
          bytes.push(z.x * 4, s.k * s.n * 4, Arena.packedFloats(s.k, s.n) * 4, z.out * 4);
        }
        const arena = new Arena(Arena.bytesFor(bytes));
        expect(arena.simd).toBe(true);
        const failures: string[] = [];
        all.forEach((s, index) => {
          const z = sizes(s, layout);
          const w = arena.f32(s.k * s.n);
          const x = arena.f32(z.x);
          const out = arena.f32(z.out);
          const p: Problem = { x, xStride: z.xStride, w, out, outStride: z.outStride, out0: new Float32Array(z.out) };
          fill(p, s, layout, 1000 * index + (packed ? 1 : 0));
          const strips = packed ? arena.packStrips(w, s.k, s.n) : undefined;
          if (packed) expect(strips, "packStrips gives a buffer with SIMD").toBeDefined();
          arena.matmulAccumulate(x, layout.xOffset, z.xStride, s.m, s.k, w, s.n, out, layout.outOffset, z.outStride, strips);
          const simd = check(p, s, layout);
          if (simd.length > 0) failures.push(`SIMD ${name(s)}: ${simd.join("; ")}`);

          // The JS kernel on the same problem, in plain arrays.
          const jsOut = Float32Array.from(p.out0);
          jsMatmul(x, layout.xOffset, z.xStride, s.m, s.k, w, s.n, jsOut, layout.outOffset, z.outStride);
          const js = check({ ...p, out: jsOut }, s, layout);
          if (js.length > 0) failures.push(`JS ${name(s)}: ${js.join("; ")}`);
          // And the two kernels agree with each other, to the same relative measure.
          const scale = scales(p, s, layout);
          const apart = out.findIndex((v, i) => !(Math.abs(v - jsOut[i]!) <= RELATIVE * scale[i]!));
          if (apart >= 0) failures.push(`SIMD vs JS ${name(s)}: element ${apart}: ${out[apart]} vs ${jsOut[apart]}`);
        });
        expect(failures).toEqual([]);
      });
    }
  }

  it("packStrips lays each full 8-column strip of w out as [k, 8], one after another", () => {
    for (const [k, n] of [
      [1, 8],
      [3, 17],
      [17, 33],
      [5, 7],
    ] as const) {
      const arena = new Arena(Arena.bytesFor([k * n * 4, Arena.packedFloats(k, n) * 4]));
      const w = arena.f32(k * n);
      w.forEach((_, i) => (w[i] = i));
      const packed = arena.packStrips(w, k, n)!;
      expect(packed).toHaveLength(k * (n - (n % 8)));
      expect(Arena.packedFloats(k, n)).toBe(k * (n - (n % 8)));
      const expected: number[] = [];
      for (let strip = 0; strip + 8 <= n; strip += 8)
        for (let p = 0; p < k; p++) for (let j = 0; j < 8; j++) expected.push(p * n + strip + j);
      expect(Array.from(packed)).toEqual(expected);
    }
  });
});

describe("Arena.lstmGates and Arena.gruGates: the SIMD recurrent steps", () => {
  it("gives the float64 formulas' c' and h' to 1e-6 for 3 samples of 12 units, gates from -100 to 100, rows apart", () => {
    const [u, b, stride] = [12, 3, 4 * 12 + 5];
    const arena = new Arena(Arena.bytesFor([(b * stride + 3) * 4, b * u * 4, b * u * 4, b * u * 4]));
    const gates = arena.f32(b * stride + 3);
    const [c, h, prev] = [arena.f32(b * u), arena.f32(b * u), arena.f32(b * u)];
    const r = rng(99);
    gates.forEach((_, i) => (gates[i] = i % 7 === 0 ? 100 * r() : 10 * r()));
    c.forEach((_, i) => (c[i] = 2 * r()));
    const c0 = Float32Array.from(c);
    arena.lstmGates!(gates, 3, stride, c, h, prev, u, b, undefined, 0, 0, false);
    for (let s = 0; s < b; s++) {
      for (let j = 0; j < u; j++) {
        const g = (block: number) => gates[3 + s * stride + block * u + j]!;
        const cNew = sigmoid(g(1)) * c0[s * u + j]! + sigmoid(g(0)) * tanh(g(2));
        const hNew = sigmoid(g(3)) * tanh(cNew);
        expect(Math.abs(c[s * u + j]! - cNew), `c[${s},${j}]`).toBeLessThan(1e-6);
        expect(Math.abs(h[s * u + j]! - hNew), `h[${s},${j}]`).toBeLessThan(1e-6);
        expect(prev[s * u + j]).toBe(h[s * u + j]);
      }
    }
  });

  it("Arena.gruGates gives the float64 formulas' h' (reset_after) to 1e-6 for 3 samples of 8 units", () => {
    const [u, b, stride] = [8, 3, 3 * 8 + 7];
    const arena = new Arena(Arena.bytesFor([(b * stride + 2) * 4, b * 3 * u * 4, b * u * 4, b * u * 4]));
    const gates = arena.f32(b * stride + 2);
    const part = arena.f32(b * 3 * u);
    const [h, prev] = [arena.f32(b * u), arena.f32(b * u)];
    const r = rng(98);
    gates.forEach((_, i) => (gates[i] = i % 5 === 0 ? 100 * r() : 5 * r()));
    part.forEach((_, i) => (part[i] = 5 * r()));
    h.forEach((_, i) => (h[i] = r()));
    const h0 = Float32Array.from(h);
    arena.gruGates!(gates, 2, stride, part, h, prev, u, b, undefined, 0, 0, false);
    for (let s = 0; s < b; s++) {
      for (let j = 0; j < u; j++) {
        const x = (block: number) => gates[2 + s * stride + block * u + j]!;
        const p = (block: number) => part[s * 3 * u + block * u + j]!;
        const z = sigmoid(x(0) + p(0));
        const candidate = tanh(x(2) + sigmoid(x(1) + p(1)) * p(2));
        const hNew = z * h0[s * u + j]! + (1 - z) * candidate;
        expect(Math.abs(h[s * u + j]! - hNew), `h[${s},${j}]`).toBeLessThan(1e-6);
        expect(prev[s * u + j]).toBe(h[s * u + j]);
      }
    }
  });

  it("is absent without SIMD (the step text then runs its JavaScript loop)", () => {
    expect(new Arena(Arena.bytesFor([64]), { simd: false }).lstmGates).toBeUndefined();
    expect(new Arena(Arena.bytesFor([64]), { simd: false }).gruGates).toBeUndefined();
  });
});

describe("the WebAssembly kernel called directly (the Arena sends products under 2048 multiply-adds to JS)", () => {
  interface Kernels {
    matmul_acc(x: number, xs: number, m: number, k: number, w: number, n: number, ws: number, out: number, os: number, wp: number): void;
    pack_strips(w: number, k: number, n: number, wp: number): void;
  }
  const bytes = Uint8Array.from(atob(KERNELS_WASM), (c) => c.charCodeAt(0));

  it("validates with SIMD", () => {
    expect(WebAssembly.validate(bytes)).toBe(true);
  });

  for (const layout of LAYOUTS) {
    for (const packed of [false, true]) {
      it(`every listed shape, ${layout.label}, ${packed ? "packed" : "unpacked"} w`, () => {
        const memory = new WebAssembly.Memory({ initial: 16 });
        const kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as Kernels;
        const failures: string[] = [];
        shapes().forEach((s, index) => {
          const z = sizes(s, layout);
          // Laid out from byte 64 (wp = 0 means "not packed"), each buffer 16-byte aligned.
          let at = 64;
          const take = (floats: number) => {
            const view = new Float32Array(memory.buffer, at, floats);
            at += Math.ceil((floats * 4) / 16) * 16;
            return view;
          };
          const w = take(s.k * s.n);
          const x = take(z.x);
          const out = take(z.out);
          const strips = take(Arena.packedFloats(s.k, s.n));
          expect(at).toBeLessThanOrEqual(memory.buffer.byteLength);
          const p: Problem = { x, xStride: z.xStride, w, out, outStride: z.outStride, out0: new Float32Array(z.out) };
          fill(p, s, layout, 77 * index + 3);
          if (packed) kernels.pack_strips(w.byteOffset, s.k, s.n, strips.byteOffset);
          kernels.matmul_acc(
            x.byteOffset + 4 * layout.xOffset,
            z.xStride,
            s.m,
            s.k,
            w.byteOffset,
            s.n,
            s.n,
            out.byteOffset + 4 * layout.outOffset,
            z.outStride,
            packed ? strips.byteOffset : 0,
          );
          const found = check(p, s, layout);
          if (found.length > 0) failures.push(`${name(s)}: ${found.join("; ")}`);
        });
        expect(failures).toEqual([]);
      });
    }
  }
});

describe("the JS matmul", () => {
  it("handles m = 0 and k = 0 (nothing to add)", () => {
    const out = Float32Array.from([1, 2, 3]);
    jsMatmul(new Float32Array(0), 0, 0, 0, 0, new Float32Array(0), 3, out, 0, 3);
    expect(Array.from(out)).toEqual([1, 2, 3]);
    jsMatmul(new Float32Array(0), 0, 0, 1, 0, new Float32Array(0), 3, out, 0, 3);
    expect(Array.from(out)).toEqual([1, 2, 3]);
  });

  it("accumulates: calling twice adds the product twice", () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6]); // [2,3]
    const w = Float32Array.from([1, 0, 0, 1, 1, 1]); // [3,2]
    const out = new Float32Array(4);
    jsMatmul(x, 0, 3, 2, 3, w, 2, out, 0, 2);
    expect(Array.from(out)).toEqual([4, 5, 10, 11]);
    jsMatmul(x, 0, 3, 2, 3, w, 2, out, 0, 2);
    expect(Array.from(out)).toEqual([8, 10, 20, 22]);
  });
});

// ---- activations ----

/** Points over [-100, 100]: a fine grid, random points, and the edges of fastExp's ranges. */
function points(): number[] {
  const xs: number[] = [];
  for (let i = -200_000; i <= 200_000; i++) xs.push(i / 2000);
  const r = rng(11);
  for (let i = 0; i < 100_000; i++) xs.push(r() * 100);
  for (let k = -130; k <= 130; k++) for (const d of [-1e-9, 0, 1e-9]) xs.push((k + 0.5) * Math.LN2 + d, k * Math.LN2 + d);
  xs.push(0, -0, 1e-300, -1e-300, 1e-9, -1e-9, 87.99, 88, 88.01, -87.99, -88, -88.01, 100, -100);
  return xs.filter((x) => x >= -100 && x <= 100);
}

describe("fastExp, sigmoid, tanh", () => {
  const xs = points();

  it("fastExp is exp to 1e-7 relative over [-88, 88]", () => {
    let worst = 0;
    let at = 0;
    for (const x of xs) {
      if (Math.abs(x) > 88) continue;
      const e = Math.exp(x);
      const rel = Math.abs(fastExp(x) - e) / e;
      if (!(rel <= worst)) {
        worst = rel;
        at = x;
      }
    }
    expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(1e-7);
  });

  it("fastExp saturates beyond ±88 (float32's range ends there), finite and positive", () => {
    const top = fastExp(88);
    const bottom = fastExp(-88);
    expect(Math.abs(top - Math.exp(88)) / Math.exp(88)).toBeLessThanOrEqual(1e-7);
    for (const x of xs) {
      if (x > 88) expect(fastExp(x)).toBe(top);
      if (x < -88) expect(fastExp(x)).toBe(bottom);
    }
    expect(Number.isFinite(Math.fround(top))).toBe(true);
    expect(bottom).toBeGreaterThan(0);
    expect(Math.fround(bottom)).toBeLessThan(1e-37);
  });

  it("sigmoid is 1/(1+e^-x) to 1e-7 absolute over [-100, 100]", () => {
    let worst = 0;
    let at = 0;
    for (const x of xs) {
      const err = Math.abs(sigmoid(x) - 1 / (1 + Math.exp(-x)));
      if (!(err <= worst)) {
        worst = err;
        at = x;
      }
    }
    expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(1e-7);
    expect(sigmoid(0)).toBe(0.5);
  });

  it("tanh is Math.tanh to 1e-7 absolute over [-100, 100]", () => {
    let worst = 0;
    let at = 0;
    for (const x of xs) {
      const err = Math.abs(tanh(x) - Math.tanh(x));
      if (!(err <= worst)) {
        worst = err;
        at = x;
      }
    }
    expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(1e-7);
    expect(tanh(0)).toBe(0);
    expect(tanh(100)).toBe(1);
    expect(tanh(-100)).toBe(-1);
  });

  it("sigmoid and tanh stay in range and are monotone over the grid", () => {
    let prevS = -Infinity;
    let prevT = -Infinity;
    const bad: string[] = [];
    for (let i = -200_000; i <= 200_000; i++) {
      const x = i / 2000;
      const s = sigmoid(x);
      const t = tanh(x);
      if (!(s >= 0 && s <= 1 && t >= -1 && t <= 1)) bad.push(`out of range at x = ${x}: sigmoid ${s}, tanh ${t}`);
      if (s < prevS || t < prevT) bad.push(`not monotone at x = ${x}: sigmoid ${prevS} → ${s}, tanh ${prevT} → ${t}`);
      prevS = s;
      prevT = t;
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
