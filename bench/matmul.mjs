// Matmul throughput in GFLOP/s: rnnc's WebAssembly kernel (the arena's matmulAccumulate, on packed
// weights as plans use it) against tfjs-wasm's matMul (XNNPACK, single thread) on the same sizes:
// the input projections and recurrent steps of the runtime workloads (bench/workloads.mjs).
// Also rnnc's kernel on two threads (the arena's worker pool: columns or rows split across them).
// Usage: `npm run build && node bench/matmul.mjs` (RELAXED=0 to keep relaxed SIMD off).
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";

// Relaxed SIMD (f32x4.relaxed_madd) is on by default in current browsers; Node 20's V8 needs the flag,
// set before any module is compiled.
if (process.env.RELAXED !== "0") v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
const { Arena } = await import("../dist/backends/cpu/wasm/arena.js");
const tf = await import("@tensorflow/tfjs");
const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
const require = createRequire(import.meta.url);
setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + "/");

await tf.setBackend("wasm");
await tf.ready();

/** [m, k, n]: what each workload multiplies. */
const SIZES = [
  ["M input projection", 1600, 64, 512],
  ["M step", 32, 128, 512],
  ["L input projection", 6400, 256, 2048],
  ["L step", 64, 512, 2048],
  ["B1 input projection", 200, 128, 1024],
  ["B1 step", 1, 256, 1024],
  ["square 512", 512, 512, 512],
];

const rand = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
/** The median of `rounds` timings of `fn` run in batches lasting about 20 ms. */
function timeIt(fn, rounds = 15) {
  fn();
  const t0 = performance.now();
  fn();
  const once = Math.max(performance.now() - t0, 1e-4);
  const batch = Math.max(1, Math.round(20 / once));
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn();
    times.push((performance.now() - start) / batch);
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

console.log(`rnnc kernels: ${Arena.kernels()}; tfjs-wasm ${tf.version.tfjs}, simd ${await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")}`);
console.log("size                       m×k×n               rnnc GFLOP/s  rnnc 2 threads  tfjs-wasm GFLOP/s  rnnc/tfjs  rnnc 2t/tfjs");
/** rnnc's matmul on `threads` threads over the same x and w: its median ms per product. */
async function rnncMatmul(m, k, n, x0, w0, threads) {
  const arena = new Arena(Arena.bytesFor([m * k * 4, k * n * 4, m * n * 4, Arena.packedFloats(k, n) * 4]), { threads });
  const x = arena.f32(m * k);
  const w = arena.f32(k * n);
  const out = arena.f32(m * n);
  x.set(x0);
  w.set(w0);
  const packed = arena.packStrips(w, k, n);
  const product = () => {
    out.fill(0);
    arena.matmulAccumulate(x, 0, k, m, k, w, n, out, 0, n, packed);
  };
  // The first product attaches the workers, which start in the background.
  product();
  await new Promise((resolve) => setTimeout(resolve, 200));
  return timeIt(product);
}
for (const [name, m, k, n] of SIZES) {
  const x = rand(m * k);
  const w = rand(k * n);
  const ours = await rnncMatmul(m, k, n, x, w, 1);
  const ours2 = await rnncMatmul(m, k, n, x, w, 2);
  const a = tf.tensor2d(x, [m, k]);
  const b = tf.tensor2d(w, [k, n]);
  const theirs = timeIt(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  });
  a.dispose();
  b.dispose();
  const gflops = (ms) => (2 * m * k * n) / (ms * 1e6);
  console.log(
    `${name.padEnd(26)} ${`${m}×${k}×${n}`.padEnd(18)} ${gflops(ours).toFixed(1).padStart(13)}  ${gflops(ours2).toFixed(1).padStart(14)}  ${gflops(theirs).toFixed(1).padStart(17)}  ${(theirs / ours).toFixed(2).padStart(9)}  ${(theirs / ours2).toFixed(2).padStart(12)}`,
  );
}
