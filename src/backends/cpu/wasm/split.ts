// How one kernel call becomes parts for the threads (wasm/pool.ts): each part writes outputs no other
// part writes, and computes each of them with the same products in the same order as the whole call.
import { PART_INTS, PART_KERNELS } from "./pool.js";

const MATMUL = PART_KERNELS.indexOf("matmul_acc");

/**
 * matmul_acc(x, xs, m, k, w, n, n, out, os, wp) (byte pointers, float strides) in at most `want`
 * parts written to `parts`; returns how many (1: not worth splitting). Few rows (a recurrent step's
 * h·R): by columns, whole 8-column strips of the packed w, so each thread streams its share of the
 * weights only. Many rows (an input projection): by rows, in fours (the kernel's panels).
 */
export function splitMatmul(
  parts: Int32Array,
  want: number,
  x: number,
  xs: number,
  m: number,
  k: number,
  w: number,
  n: number,
  out: number,
  os: number,
  wp: number,
): number {
  const strips = wp !== 0 ? n >> 3 : 0;
  if (m < 64 && strips >= 2) {
    const count = Math.min(want, strips);
    for (let i = 0; i < count; i++) {
      const s0 = Math.floor((i * strips) / count);
      const s1 = Math.floor(((i + 1) * strips) / count);
      const c0 = s0 * 8;
      const c1 = i === count - 1 ? n : s1 * 8;
      part(parts, i, MATMUL, x, xs, m, k, w + 4 * c0, c1 - c0, n, out + 4 * c0, os, wp + 32 * k * s0);
    }
    return count;
  }
  const panels = m >> 2;
  if (panels < 2) return 1;
  const count = Math.min(want, panels);
  for (let i = 0; i < count; i++) {
    const r0 = Math.floor((i * panels) / count) * 4;
    const r1 = i === count - 1 ? m : Math.floor(((i + 1) * panels) / count) * 4;
    part(parts, i, MATMUL, x + 4 * r0 * xs, xs, r1 - r0, k, w, n, n, out + 4 * r0 * os, os, wp);
  }
  return count;
}

/**
 * A step kernel `kernel(...args)` over a batch (its count at args[batchAt]) in at most `want` parts,
 * by samples: each argument advances `perSample[i]` per sample (a row's bytes; 0 for the rest).
 */
export function splitSamples(
  parts: Int32Array,
  want: number,
  kernel: number,
  args: readonly number[],
  perSample: readonly number[],
  batchAt: number,
): number {
  const batch = args[batchAt]!;
  const count = Math.min(want, batch);
  for (let i = 0; i < count; i++) {
    const s0 = Math.floor((i * batch) / count);
    const s1 = Math.floor(((i + 1) * batch) / count);
    part(parts, i, kernel, ...args.map((a, j) => (j === batchAt ? s1 - s0 : a + s0 * perSample[j]!)));
  }
  return count;
}

function part(parts: Int32Array, i: number, kernel: number, ...args: number[]): void {
  const at = i * PART_INTS;
  parts[at] = kernel;
  for (let a = 0; a < args.length; a++) parts[at + 1 + a] = args[a]!;
}
