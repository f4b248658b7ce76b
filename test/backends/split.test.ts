// How kernel calls are split into parts for the threads (wasm/split.ts), on one thread and the raw
// kernels: running every part a split writes must give the whole call's results bit for bit — by
// column strips (with the columns past the last strip), by row panels, by samples (a step kernel
// with a mask) — and write nothing outside the call's outputs. No threads here: which thread runs a
// part cannot change its numbers; test/backends/threads.test.ts runs parts on workers.
import { describe, expect, it } from "vitest";
import { Arena } from "../../src/backends/cpu/wasm/arena.js";
import { KERNELS_WASM } from "../../src/backends/cpu/wasm/kernels.generated.js";
import { MAX_PARTS, PART_INTS, PART_KERNELS } from "../../src/backends/cpu/wasm/pool.js";
import { splitMatmul, splitSamples } from "../../src/backends/cpu/wasm/split.js";

type Kernel = (...args: number[]) => void;

/** The kernels on a fresh memory of `pages` 64 KiB pages, by PART_KERNELS index, and the memory. */
function kernels(pages: number): { call: Kernel[]; memory: WebAssembly.Memory; pack: Kernel } {
  const memory = new WebAssembly.Memory({ initial: pages });
  const bytes = Uint8Array.from(atob(KERNELS_WASM), (c) => c.charCodeAt(0));
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as Record<string, Kernel>;
  return { call: PART_KERNELS.map((name) => exports[name]!), memory, pack: exports["pack_strips"]! };
}

/** Runs the parts a split wrote, one after the other. */
function runParts(call: Kernel[], parts: Int32Array, count: number): void {
  for (let p = 0; p < count; p++) {
    const at = p * PART_INTS;
    call[parts[at]!]!(...Array.from(parts.subarray(at + 1, at + PART_INTS)));
  }
}

function fill(view: Float32Array, seed: number): void {
  let a = seed >>> 0;
  for (let i = 0; i < view.length; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    view[i] = a / 2 ** 31 - 1;
  }
}

describe("splitMatmul", () => {
  // m × k × n: one row (strips), a few rows (strips), many rows (panels), widths past the last strip,
  // a row count that is not a multiple of 4.
  const SHAPES: [number, number, number][] = [
    [1, 256, 1024],
    [1, 37, 1037],
    [3, 50, 515],
    [32, 40, 136],
    [63, 17, 203],
    [64, 20, 72],
    [203, 33, 301],
    [130, 64, 9],
  ];
  for (const [m, k, n] of SHAPES) {
    for (const want of [2, 3, 8]) {
      it(`${m}×${k}×${n} in up to ${want} parts equals the whole call bit for bit`, () => {
        const floats = m * k + k * n + Arena.packedFloats(k, n) + 2 * (m * n + 8);
        const { call, memory, pack } = kernels(Math.ceil((floats * 4 + 256) / 65536));
        let at = 64;
        const take = (length: number) => {
          const view = new Float32Array(memory.buffer, at, length);
          at += Math.ceil((length * 4) / 16) * 16;
          return view;
        };
        const x = take(m * k);
        const w = take(k * n);
        const packed = take(Arena.packedFloats(k, n));
        // Each output with 4 floats of padding after it, which nothing may write.
        const whole = take(m * n + 4);
        const split = take(m * n + 4);
        fill(x, 1);
        fill(w, 2);
        fill(whole, 3);
        split.set(whole);
        pack(w.byteOffset, k, n, packed.byteOffset);
        call[PART_KERNELS.indexOf("matmul_acc")]!(x.byteOffset, k, m, k, w.byteOffset, n, n, whole.byteOffset, n, packed.byteOffset);
        const parts = new Int32Array(MAX_PARTS * PART_INTS);
        const count = splitMatmul(parts, want, x.byteOffset, k, m, k, w.byteOffset, n, split.byteOffset, n, packed.byteOffset);
        expect(count).toBeGreaterThan(1);
        expect(count).toBeLessThanOrEqual(want);
        runParts(call, parts, count);
        expect(split).toEqual(whole);
      });
    }
  }

  it("does not split one panel of rows with no packed strips", () => {
    const parts = new Int32Array(MAX_PARTS * PART_INTS);
    expect(splitMatmul(parts, 2, 64, 8, 7, 8, 1024, 300, 4096, 300, 0)).toBe(1);
  });
});

describe("splitSamples", () => {
  it("an LSTM step with a mask, by samples, equals the whole call bit for bit (and keeps the masked sample)", () => {
    const { call, memory } = kernels(4);
    const [b, u, T] = [7, 13, 3];
    let at = 64;
    const take = (length: number) => {
      const view = new Float32Array(memory.buffer, at, length);
      at += Math.ceil((length * 4) / 16) * 16;
      return view;
    };
    const gates = take(b * T * 4 * u);
    fill(gates, 4);
    const states = () => {
      const [c, h, prev] = [take(b * u), take(b * u), take(b * u)];
      fill(c, 5);
      fill(h, 6);
      fill(prev, 7);
      return [c, h, prev] as const;
    };
    const whole = states();
    const split = states();
    const mask = new Uint8Array(memory.buffer, at, b * T);
    mask.set(Array.from({ length: b * T }, (_, i) => (i % 4 === 1 ? 0 : 1)));
    const t = 1;
    const gs = 4 * 4 * u * T;
    const args = (c: Float32Array, h: Float32Array, prev: Float32Array) => [
      gates.byteOffset + 4 * t * 4 * u,
      gs,
      c.byteOffset,
      h.byteOffset,
      prev.byteOffset,
      u,
      b,
      mask.byteOffset + t,
      T,
      1,
    ];
    const lstm = PART_KERNELS.indexOf("lstm_gates");
    const before = gates.slice();
    call[lstm]!(...args(...whole));
    gates.set(before);
    const parts = new Int32Array(MAX_PARTS * PART_INTS);
    const count = splitSamples(parts, 3, lstm, args(...split), [gs, 0, 4 * u, 4 * u, 4 * u, 0, 0, T, 0, 0], 6);
    expect(count).toBe(3);
    runParts(call, parts, count);
    for (let i = 0; i < 3; i++) expect(split[i]).toEqual(whole[i]);
    // Sample 0 at step 1 is masked (mask[0·T + 1] = 0): its output row is zeros, its states untouched.
    expect(Array.from(split[2].subarray(0, u))).toEqual(Array<number>(u).fill(0));
  });
});
