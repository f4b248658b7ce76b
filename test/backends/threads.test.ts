// The CPU kernels on several threads (wasm/pool.ts, wasm/split.ts): workers take parts of the
// products and gates, and the numbers are the single thread's bit for bit — by rows, by column
// strips (with the columns past the last strip), by samples; through the Arena, loadModel and a
// compiled module that starts its own worker; one thread where memory cannot be shared.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Arena, PARALLEL_MACS } from "../../src/backends/cpu/wasm/arena.js";
import { Pool } from "../../src/backends/cpu/wasm/pool.js";
import { check, loadModel } from "../../src/node.js";
import { DataError, type TensorData } from "../../src/types/tensor-data.js";
import { compileTo, identical, OUT } from "../emit/harness.js";

/** Deterministic uniform floats in [-1, 1). */
function random(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 2 ** 31 - 1;
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` until the workers have run parts of it, up to a minute: they start and attach in the
 * background, and on a machine busier than its cores (a test run) the pool pauses them after a stall.
 */
async function untilWorkersRan(work: () => void): Promise<void> {
  const before = Pool.stats().workerParts;
  const deadline = Date.now() + 60_000;
  while (Pool.stats().workerParts === before) {
    if (Date.now() > deadline) throw new Error("no worker ran a part in a minute");
    for (let i = 0; i < 200; i++) work();
    await sleep(1);
  }
}

describe("the matmul on two threads", () => {
  // m × k × n: a batch-1 step (column strips, the tail past the last strip), many rows (row panels).
  // Every split's numbers on one thread: test/backends/split.test.ts.
  const SHAPES: [number, number, number][] = [
    [1, 300, 1037],
    [203, 64, 301],
  ];
  for (const [m, k, n] of SHAPES) {
    it(`${m}×${k}×${n} equals one thread bit for bit`, async () => {
      expect(m * k * n).toBeGreaterThanOrEqual(PARALLEL_MACS);
      const product = (threads: number) => {
        const arena = new Arena(Arena.bytesFor([m * k * 4, k * n * 4, m * n * 4, Arena.packedFloats(k, n) * 4]), { threads });
        const x = arena.copy(random(m * k, 1));
        const w = arena.copy(random(k * n, 2));
        const out = arena.f32(m * n);
        const packed = arena.packStrips(w, k, n);
        return {
          arena,
          out,
          run: () => {
            out.fill(0.5);
            arena.matmulAccumulate(x, 0, k, m, k, w, n, out, 0, n, packed);
          },
        };
      };
      const one = product(1);
      one.run();
      const two = product(2);
      expect(two.arena.threads).toBe(2);
      let same = true;
      await untilWorkersRan(() => {
        two.run();
        same &&= two.out.every((v, i) => Object.is(v, one.out[i]));
      });
      expect(same).toBe(true);
      two.run();
      expect(two.out).toEqual(one.out);
    }, 90_000);
  }
});

// Models whose every product and gates step is past the thresholds: a batch-1 LSTM(256) (its h·R
// split by columns), a batch-16 GRU and LSTM (their gates split by samples), a bidirectional layer,
// and masked steps (ids with zeros: holes and an all-masked row) through GRU reset_after=false and
// SimpleRNN.
const MODELS: { name: string; source: string; input: () => TensorData }[] = [
  { name: "b1", source: "model b1(x: f32[1, 12, 64]) { return lstm(256, seq=true)(x) }", input: () => floats([1, 12, 64]) },
  {
    name: "batch",
    source: "model batch(x: f32[16, 10, 32]) { h = gru(160, seq=true)(x)\n return lstm(136)(h) }",
    input: () => floats([16, 10, 32]),
  },
  { name: "bi", source: "model bi(x: f32[8, 6, 40]) { return bilstm(128)(x) }", input: () => floats([8, 6, 40]) },
  {
    name: "masked",
    source: `model masked(ids: int[16, 10]) {
  e = embedding(50, 32, mask_zero=true)(ids)
  h = gru(160, seq=true, reset_after=false)(e)
  return rnn(136, seq=true)(h)
}`,
    input: () => ({
      shape: [16, 10],
      // Every third id 0 (masked), and row 5 all zeros.
      data: Int32Array.from({ length: 160 }, (_, i) => (Math.floor(i / 10) === 5 || i % 3 === 0 ? 0 : 1 + (i % 49))),
    }),
  },
];

function floats(shape: number[]): TensorData {
  return {
    shape,
    data: random(
      shape.reduce((a, b) => a * b),
      7,
    ),
  };
}

describe("loadModel's threads option", () => {
  for (const { name, source, input } of MODELS) {
    it(`${name}: two threads give one thread's numbers bit for bit`, async () => {
      const checked = check(source);
      expect(checked.diagnostics).toEqual([]);
      const inputs = { [checked.models[0]!.inputs[0]!.name]: input() };
      const expected = loadModel(checked, { threads: 1 }).run(inputs);
      const model = loadModel(checked, { threads: 2 });
      let outputs: TensorData[] = [];
      await untilWorkersRan(() => (outputs = model.run(inputs)));
      expect(identical(outputs, expected)).toBe(true);
    }, 90_000);
  }

  it("refuses a threads option that is not a whole number from 1", () => {
    const checked = check(MODELS[0]!.source);
    for (const threads of [0, -1, 1.5, Number.NaN, 1000]) {
      expect(() => loadModel(checked, { threads })).toThrow(DataError);
      expect(() => loadModel(checked, { threads })).toThrow(/threads must be a whole number from 1 to \d+/);
    }
  });
});

describe("where memory cannot be shared", () => {
  const scope = globalThis as { SharedArrayBuffer?: unknown };
  const shared = scope.SharedArrayBuffer;
  afterEach(() => {
    scope.SharedArrayBuffer = shared;
  });

  it("an arena asked for threads runs on one (as on a page that is not cross-origin isolated)", () => {
    const { name, source, input } = MODELS[0]!;
    const x = input();
    const expected = loadModel(check(source), { model: name, threads: 1 }).run({ x });
    delete scope.SharedArrayBuffer;
    const arena = new Arena(Arena.bytesFor([1024]), { threads: 4 });
    expect(arena.threads).toBe(1);
    expect(arena.simd).toBe(true);
    const alone = loadModel(check(source), { model: name, threads: 4 }).run({ x });
    expect(identical(alone, expected)).toBe(true);
  });
});

describe("a compiled module's threads", () => {
  it("starts its own worker, gives one thread's numbers, and lets the process exit", async () => {
    const { source, input } = MODELS[0]!;
    const written = await compileTo(source);
    const { shape, data } = input();
    const x = Array.from(data);
    const script = join(OUT, "threads-child.mjs");
    // The module's own workers: threads of this process past the ones Node starts with (Linux's /proc).
    writeFileSync(
      script,
      `import { readdirSync } from "node:fs";
const { b1 } = await import(${JSON.stringify(written.jsPath)});
const tasks = () => readdirSync("/proc/self/task").length;
const x = { shape: ${JSON.stringify(shape)}, data: Float32Array.from(${JSON.stringify(x)}) };
const one = b1.create(undefined, { threads: 1 });
const expected = one.run({ x })[0].data;
const before = tasks();
const two = b1.create(undefined, { threads: 2 });
let same = true;
for (let round = 0; round < 20; round++) {
  for (let i = 0; i < 10; i++) same &&= two.run({ x })[0].data.every((v, j) => Object.is(v, expected[j]));
  await new Promise((resolve) => setTimeout(resolve, 5));
}
let refused = "";
try { b1.create(undefined, { threads: 0 }); } catch (e) { refused = e.message; }
console.log(JSON.stringify({ same, added: tasks() - before, refused }));
`,
    );
    const child = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 60_000 });
    expect(child.stderr).toBe("");
    // Exits by itself: an idle worker does not keep the process alive.
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout) as { same: boolean; added: number; refused: string };
    expect(report.same).toBe(true);
    expect(report.added).toBeGreaterThanOrEqual(1);
    expect(report.refused).toMatch(/^compiled model b1: threads must be a whole number from 1 to \d+, not 0$/);
  });
});

describe("models let go of", () => {
  it("free their arenas in the workers too: a process loading model after model stays bounded", async () => {
    // A worker frees an arena's memory only when its own garbage collector runs, which an idle
    // worker's never does: the pool retires a worker that let go of 256 MB and starts another.
    // Each model here holds ~2.7 MB; 400 of them, dropped one by one, would hold ~1 GB.
    const { source, input } = MODELS[0]!;
    const written = await compileTo(source);
    const { shape, data } = input();
    const script = join(OUT, "release-child.mjs");
    writeFileSync(
      script,
      `const { b1 } = await import(${JSON.stringify(written.jsPath)});
const x = { shape: ${JSON.stringify(shape)}, data: Float32Array.from(${JSON.stringify(Array.from(data))}) };
// Weights given (drawing the initializers, an orthogonal 256 × 1024 among them, would take most of the time).
const filled = (shape) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => Math.sin(i) / 16) });
const weights = { lstm: [filled([64, 1024]), filled([256, 1024]), filled([1024])] };
const rss = [];
let same = true;
for (let round = 0; round < 8; round++) {
  for (let i = 0; i < 50; i++) {
    const model = b1.create(weights, { threads: 2 });
    const one = b1.create(weights, { threads: 1 });
    for (let j = 0; j < 10; j++) model.run({ x });
    const expected = one.run({ x })[0].data;
    same &&= model.run({ x })[0].data.every((v, k) => Object.is(v, expected[k]));
  }
  for (let g = 0; g < 3; g++) { globalThis.gc(); await new Promise((resolve) => setTimeout(resolve, 100)); }
  rss.push(process.memoryUsage().rss);
}
console.log(JSON.stringify({ same, rss }));
`,
    );
    const child = spawnSync(process.execPath, ["--expose-gc", script], { encoding: "utf8", timeout: 120_000 });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const { same, rss } = JSON.parse(child.stdout) as { same: boolean; rss: number[] };
    expect(same).toBe(true);
    // After the first rounds the process stays within a band (retirements every ~95 models), where
    // keeping every arena would have grown it by ~135 MB a round.
    const band = Math.max(...rss.slice(2)) - Math.min(...rss.slice(2));
    expect(band, rss.map((b) => Math.round(b / 1e6)).join(" MB, ")).toBeLessThan(400e6);
    expect(rss.at(-1)! - rss[1]!).toBeLessThan(300e6);
  }, 180_000);
});
