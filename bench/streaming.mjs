// Streaming benchmark: the latency of one `model.step` of a stateful LSTM(256) — batch 1, one time
// step, 256 features in — called from JavaScript, on rnnc's CPU backend (loadModel), a compiled module
// (`rnnc compile`), rnnc's tfjs backend on tfjs's cpu backend, and tfjs-layers' own stateful LSTM
// (`predict` on a model built with batchInputShape [1, 1, 256]) on the same cpu backend. All four get
// the same weights; each one's outputs over a few steps are checked against rnnc-cpu's before timing.
// Prints the median µs per step of several rounds.
//
// Usage: `npm run build && node bench/streaming.mjs` (BENCH_ROUNDS=9, BENCH_STEPS=2000 to change the effort).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const UNITS = 256;
const FEATURES = 256;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const STEPS = Number(process.env.BENCH_STEPS ?? 2000);
const SOURCE = `model Stream(x: [1, 1, ${FEATURES}]) {\n  y, h, c = lstm(${UNITS}, state=true, stateful=true)(x)\n  return y, h, c\n}\n`;

const api = await import("../dist/node.js").catch((e) => {
  console.error(`dist/node.js does not load (${String(e.message).split("\n")[0]}): run npm run build`);
  process.exit(1);
});
const tf = await import("@tensorflow/tfjs");
await tf.setBackend("cpu");
await tf.ready();

// Deterministic weights in Keras's layout: kernel [F, 4u], recurrent kernel [u, 4u], bias [4u].
let seed = 12345;
const uniform = (n, scale) =>
  Float32Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648 - 0.5) * 2 * scale;
  });
const weights = [
  { shape: [FEATURES, 4 * UNITS], data: uniform(FEATURES * 4 * UNITS, 0.08) },
  { shape: [UNITS, 4 * UNITS], data: uniform(UNITS * 4 * UNITS, 0.08) },
  { shape: [4 * UNITS], data: uniform(4 * UNITS, 0.1) },
];
const inputs = Array.from({ length: 16 }, () => ({ shape: [1, 1, FEATURES], data: uniform(FEATURES, 1) }));

const engines = [];
const checked = api.check(SOURCE);
const cpu = api.loadModel(checked, { weights: { layers: new Map([["lstm", weights]]), source: "bench" } });
engines.push({ id: "rnnc-cpu", step: (x) => cpu.step({ x }), reset: () => cpu.reset() });

const dir = mkdtempSync(join(tmpdir(), "rnnc-bench-streaming-"));
const compiled = await api.compileModule(checked, { fileName: "stream.rnn" });
writeFileSync(join(dir, "stream.js"), compiled.js);
const module = await import(pathToFileURL(join(dir, "stream.js")).href);
const compiledModel = module.Stream.create({ lstm: weights });
engines.push({ id: "rnnc-compiled", step: (x) => compiledModel.step({ x }), reset: () => compiledModel.reset() });

const onTfjs = api.loadModel(checked, { backend: "tfjs", tf, weights: { layers: new Map([["lstm", weights]]), source: "bench" } });
engines.push({ id: "rnnc-tfjs-cpu", step: (x) => onTfjs.step({ x }), reset: () => onTfjs.reset() });

const layers = tf.sequential();
layers.add(
  tf.layers.lstm({ units: UNITS, stateful: true, recurrentActivation: "sigmoid", batchInputShape: [1, 1, FEATURES], returnState: false }),
);
layers.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
engines.push({
  id: "tfjs-layers-cpu",
  step: (x) =>
    tf.tidy(() => {
      const y = layers.predict(tf.tensor(x.data, x.shape));
      return [{ shape: y.shape, data: y.dataSync() }];
    }),
  reset: () => layers.resetStates(),
});

// Every engine's first output over a few steps must be rnnc-cpu's (float noise allowed for tfjs).
const reference = [];
cpu.reset();
for (let i = 0; i < 5; i++) reference.push(cpu.step({ x: inputs[i] })[0].data);
for (const engine of engines) {
  engine.reset();
  for (let i = 0; i < 5; i++) {
    const out = engine.step(inputs[i])[0].data;
    const worst = out.reduce((m, v, j) => Math.max(m, Math.abs(v - reference[i][j])), 0);
    if (!(worst < 1e-5)) {
      console.error(`${engine.id}: step ${i} differs from rnnc-cpu by ${worst}; not timed`);
      process.exit(1);
    }
  }
}

console.log(`stateful LSTM(${UNITS}), batch 1, 1 step, ${FEATURES} features: µs per step (median of ${ROUNDS} rounds of ${STEPS} steps)`);
for (const engine of engines) {
  engine.reset();
  const steps = engine.id.startsWith("tfjs") || engine.id.includes("tfjs") ? Math.max(50, Math.floor(STEPS / 10)) : STEPS;
  for (let i = 0; i < steps; i++) engine.step(inputs[i % inputs.length]); // warm-up
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < steps; i++) engine.step(inputs[i % inputs.length]);
    rounds.push(Number(process.hrtime.bigint() - start) / 1000 / steps);
  }
  rounds.sort((a, b) => a - b);
  console.log(`  ${engine.id.padEnd(16)} ${rounds[Math.floor(rounds.length / 2)].toFixed(1).padStart(8)} µs`);
}
onTfjs.dispose();
rmSync(dir, { recursive: true, force: true });
