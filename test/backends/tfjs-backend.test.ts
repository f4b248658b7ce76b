// rnnc's tfjs backend beyond the parity cases: whole models with random weights against the CPU
// backend element by element, on tfjs's cpu and wasm backends; no tensor leaks; the seed numbers;
// the API's errors. (test/parity/tfjs-*.test.ts run every parity case on it.)
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { CpuBackend } from "../../src/backends/cpu/executor.js";
import type { Graph } from "../../src/ir/graph.js";
import { check, DataError, loadModel, TfjsBackend, type CheckedFile, type TensorData, type TfjsCore } from "../../src/index.js";
import { lowerModel } from "../../src/lower/lower.js";
import { bindWeights } from "../../src/lower/weights.js";
import { Rng, seedOf } from "../parity/generate.js";
import { tf, useTfjsBackend, type TfjsBackendName } from "./tfjs-setup.js";

// The real @tensorflow/tfjs module satisfies the structural type the backend takes (a type check).
const core: TfjsCore = tf;

const TOLERANCE = 1e-5;
const EXAMPLES = ["seed.rnn", "tagger.rnn", "stacked.rnn", "seq2seq.rnn", "attention-seq2seq.rnn"];
const example = (file: string) => readFileSync(new URL(`../../examples/${file}`, import.meta.url), "utf8");

/** Random inputs for a model's declared types: named dims from `sizes`, ids in 0…49 with some padding 0s. */
function randomInputs(checked: CheckedFile, model: string, sizes: Record<string, number>): Record<string, TensorData> {
  const rng = new Rng(seedOf(`inputs ${model} ${JSON.stringify(sizes)}`));
  const inputs: Record<string, TensorData> = {};
  for (const input of checked.models.find((m) => m.name === model)!.inputs) {
    const shape = input.type.dims.map((d) => (typeof d === "number" ? d : sizes[d]!));
    const n = shape.reduce((a, b) => a * b, 1);
    const t = shape.length > 1 ? shape[1]! : 1;
    // Masks and ids keep the first step of every sample, and mask about a quarter of the others.
    const used = (i: number) => i % t === 0 || rng.bool(0.75);
    const data =
      input.type.dtype === "f32"
        ? Float32Array.from({ length: n }, () => rng.float(-1, 1))
        : input.type.dtype === "i32"
          ? Int32Array.from({ length: n }, (_, i) => (used(i) ? rng.int(1, 49) : 0))
          : Uint8Array.from({ length: n }, (_, i) => (used(i) ? 1 : 0));
    inputs[input.name] = { shape, data };
  }
  return inputs;
}

function maxDiff(a: readonly TensorData[], b: readonly TensorData[]): number {
  expect(b.map((t) => t.shape)).toEqual(a.map((t) => t.shape));
  let worst = 0;
  a.forEach((t, i) => t.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i]!.data[j]!)))));
  return worst;
}

/**
 * Every model of the examples with its initializers' random weights (bound once: orthogonal
 * initializers of 256 units take a while), its random inputs and the CPU backend's outputs.
 */
interface ExampleRun {
  label: string;
  graph: () => Graph;
  inputs: Record<string, TensorData>;
  expected: TensorData[];
}
let exampleRuns: ExampleRun[] | undefined;
function examples(): ExampleRun[] {
  exampleRuns ??= EXAMPLES.flatMap((file) => {
    const checked = check(example(file));
    const all = new Map(checked.models.map((m) => [m.name, m]));
    return checked.models.map((m) => {
      const weights = bindWeights(m, all, undefined);
      const graph = () => lowerModel(checked, m, weights);
      const inputs = randomInputs(checked, m.name, { B: 3, T: 6, S: 4 });
      return { label: `${file} ${m.name}`, graph, inputs, expected: new CpuBackend(graph()).run(inputs) };
    });
  });
  return exampleRuns;
}

const BACKENDS: TfjsBackendName[] = ["cpu", "wasm"];

describe.each(BACKENDS)("rnnc's tfjs backend on tfjs-%s", (name) => {
  beforeAll(() => useTfjsBackend(name));

  // Embeddings with mask_zero, masks, bidirectional layers of every merge, stacks, a shared layer,
  // initial states, time_distributed, repeat_vector. Their recurrent layers are too wide to fuse two
  // directions (the parity cases' are fused); on wasm Seq2Seq's projection is gathered step by step.
  it("runs every example model, random weights and inputs, as the CPU backend does, element by element", () => {
    const runs = examples();
    for (const run of runs) {
      const backend = new TfjsBackend(run.graph(), core);
      const diff = maxDiff(run.expected, backend.run(run.inputs));
      backend.dispose();
      expect(diff, run.label).toBeLessThanOrEqual(TOLERANCE);
    }
    expect(runs.length).toBeGreaterThanOrEqual(14);
  });

  it("runs wide cells of every kind, masked and with initial states, as the CPU backend does (wasm: gates apart at B ≥ 8)", () => {
    const source = `model Wide(x: [B, T, 6], m: bool[B, T], h0: [B, 40], c0: [B, 40]) {
  a = rnn(40, seq=true, activation=relu)(x, mask=m, initial=h0)
  b = gru(40, seq=true, reset_after=false)(a, initial=h0)
  c = gru(40, seq=true, backwards=true, recurrent_activation=hard_sigmoid)(b, mask=m)
  d, h, cc = lstm(40, seq=true, state=true)(c, initial=(h0, c0))
  e = bigru(40, seq=true, reset_after=false, merge=ave)(d, mask=m)
  return e, h, cc, rnn(40, activation=softmax)(e)
}
`;
    const checked = check(source);
    const model = loadModel(checked, { backend: "tfjs", tf: core });
    for (const B of [3, 9]) {
      const inputs = randomInputs(checked, "Wide", { B, T: 7 });
      expect(maxDiff(loadModel(checked).run(inputs), model.run(inputs)), `B=${B}`).toBeLessThanOrEqual(TOLERANCE);
    }
    model.dispose();
  });

  it("fuses two small directions into one cell, and runs them apart at a large batch, with the same numbers", () => {
    // On 5 features, bilstm(4): B·G·u·(u+F) = B·144, fused up to B = 56; birnn(32): B·1184, fused up to
    // B = 6, and on wasm its gates kept apart (u ≥ 32).
    const source = "model M(x: [B, 7, 5], m: bool[B, 7]) {\n  return bilstm(4, seq=true)(x, mask=m), birnn(32, merge=mul)(x)\n}\n";
    const checked = check(source);
    const model = loadModel(checked, { backend: "tfjs", tf: core });
    for (const B of [2, 64]) {
      const inputs = randomInputs(checked, "M", { B });
      expect(maxDiff(loadModel(checked).run(inputs), model.run(inputs)), `B=${B}`).toBeLessThanOrEqual(TOLERANCE);
    }
    model.dispose();
  });

  it("gives the seed walkthrough's Keras numbers (LANGUAGE.md §2)", () => {
    const x = JSON.parse(example("seed.x.json")) as number[][][];
    const model = loadModel(check(example("seed.rnn")), { backend: "tfjs", tf: core });
    const [y, fh, bh] = model.run({ x });
    model.dispose();
    const close = (got: ArrayLike<number>, want: number[]) => want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    close(fh!.data, [0.6303139, 0.6303139, 0.6303139]);
    close(bh!.data, [0.7038734, 0.7038734, 0.7038734]);
    close(y!.data, [0.3590647, 0.3590647, 0.3590647, 0.7038734, 0.7038734, 0.7038734]);
  });

  it("leaves tf.memory().numTensors as it was after 100 runs, and releases its weights on dispose()", () => {
    const checked = check(example("tagger.rnn"));
    const before = tf.memory().numTensors;
    const tagger = loadModel(checked, { model: "MaskedTagger", backend: "tfjs", tf: core });
    const sentiment = loadModel(checked, { model: "Sentiment", backend: "tfjs", tf: core });
    const loaded = tf.memory().numTensors;
    expect(loaded).toBeGreaterThan(before); // the kept weights
    const taggerInputs = randomInputs(checked, "MaskedTagger", { B: 2, T: 5 });
    const sentimentInputs = randomInputs(checked, "Sentiment", { B: 2, T: 5 });
    for (let i = 0; i < 100; i++) {
      tagger.run(taggerInputs);
      sentiment.run(sentimentInputs);
    }
    expect(tf.memory().numTensors).toBe(loaded);
    // A run that fails (an id outside the vocabulary) leaves nothing behind either.
    expect(() => sentiment.run({ tokens: { shape: [1, 2], data: Int32Array.from([3, 5000]) } })).toThrow(DataError);
    expect(tf.memory().numTensors).toBe(loaded);
    tagger.dispose();
    sentiment.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => tagger.run(taggerInputs)).toThrow(/disposed/);
  });

  it("reports an id outside the vocabulary as the CPU backend does", () => {
    const source = "model M(ids: int[1, 3]) {\n  return embedding(4, 2)(ids) |> lstm(2)\n}\n";
    const inputs = { ids: [[1, 4, 2]] };
    const cpu = () => loadModel(check(source)).run(inputs);
    expect(cpu).toThrow(DataError);
    const model = loadModel(check(source), { backend: "tfjs", tf: core });
    expect(() => model.run(inputs)).toThrow(new DataError("token id 4 at index 1 is outside the embedding's vocabulary 0..3"));
    model.dispose();
  });

  it("is usable without loadModel: new TfjsBackend(graph, tf)", () => {
    const checked = check(example("seed.rnn"));
    const m = checked.models.find((x) => x.name === "SeedLstm")!;
    const graph = lowerModel(checked, m, bindWeights(m, new Map(checked.models.map((x) => [x.name, x])), undefined));
    const backend = new TfjsBackend(graph, core);
    const x = JSON.parse(example("seed.x.json")) as number[][][];
    const expected = loadModel(checked, { model: "SeedLstm" }).run({ x });
    expect(maxDiff(expected, backend.run({ x }))).toBeLessThanOrEqual(TOLERANCE);
    backend.dispose();
  });
});

describe("loadModel's tfjs options", () => {
  const checked = check(example("seed.rnn"));

  it('needs the tf module for backend "tfjs"', () => {
    expect(() => loadModel(checked, { backend: "tfjs" })).toThrow(DataError);
    expect(() => loadModel(checked, { backend: "tfjs" })).toThrow(/tf option/);
    expect(() => loadModel(checked, { backend: "tfjs", tf: {} as TfjsCore })).toThrow(/tf option/);
  });

  it("rejects an unknown backend", () => {
    expect(() => loadModel(checked, { backend: "gpu" as "cpu" })).toThrow(
      new DataError("unknown backend gpu (available: cpu, tfjs, ort, auto)"),
    );
  });
});
