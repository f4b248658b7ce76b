// Random models (every layer, cell, merge, activation, initializer, masks, initial states, shared
// layers, called models, named dims) compiled, imported by plain Node and run: without weights (the
// initializers), with random weights (nested arrays and {shape, data}), on the JavaScript kernels,
// and on two sets of dim sizes; every output must be the interpreter's to 1e-6 (in fact bit for bit).
import { beforeAll, describe, expect, it } from "vitest";
import { check, loadModel, parseKerasWeights, type CheckedFile } from "../../src/index.js";
import { planWeights, type WeightPlan } from "../../src/lower/weights.js";
import type { TensorData } from "../../src/types/tensor-data.js";
import { Rng } from "../parity/generate.js";
import { compileTo, difference, identical, interpret, jobInput, runInNode, toTensorData, type Job, type JobResult } from "./harness.js";
import { randomModel, type RandomModel } from "./random-models.js";

const COUNT = 60;

interface Case {
  seed: number;
  random: RandomModel;
  checked: CheckedFile;
  jobs: Job[];
  /** Per job, per run: the inputs as TensorData (for the interpreter). */
  inputs: Record<string, TensorData>[][];
  results?: JobResult[];
}

function inputsFor(checked: CheckedFile, model: string, dims: Record<string, number>, rng: Rng, vocab: number): Record<string, TensorData> {
  const m = checked.models.find((x) => x.name === model)!;
  return Object.fromEntries(
    m.inputs.map((input) => {
      const shape = input.type.dims.map((d) => (typeof d === "number" ? d : dims[d]!));
      const n = shape.reduce((a, b) => a * b, 1);
      const dtype = input.type.dtype;
      const data =
        dtype === "f32"
          ? Float32Array.from({ length: n }, () => rng.float(-1, 1))
          : dtype === "i32"
            ? Int32Array.from({ length: n }, () => rng.int(0, vocab - 1))
            : Uint8Array.from({ length: n }, () => (rng.bool(0.7) ? 1 : 0));
      return [input.name, { shape, data }];
    }),
  );
}

/** Weights for a plan as a weights file holds them: nested arrays or {shape, data}, a called model's nested. */
function randomWeights(plan: WeightPlan, rng: Rng): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of plan.items) {
    if (item.kind === "model") {
      out[item.name] = randomWeights(item.plan, rng);
      continue;
    }
    out[item.names[0]!] = item.specs.map((spec) => {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      const flat = Array.from({ length: n }, () => rng.float(-0.6, 0.6));
      if (rng.bool()) return { shape: [...spec.shape], data: flat };
      const nest = (depth: number, at: number): unknown =>
        depth === spec.shape.length
          ? flat[at]
          : Array.from({ length: spec.shape[depth]! }, (_, i) => nest(depth + 1, at * spec.shape[depth]! + i));
      return nest(0, 0);
    });
  }
  return out;
}

const cases: Case[] = [];

beforeAll(async () => {
  for (let seed = 1; seed <= COUNT; seed++) {
    const random = randomModel(seed);
    const checked = check(random.source);
    const written = await compileTo(checked, `random${seed}`);
    const rng = new Rng(seed * 7919);
    const model = checked.models.find((m) => m.name === random.model)!;
    const models = new Map(checked.models.map((m) => [m.name, m]));
    const weights = randomWeights(planWeights(model, models), rng);
    const vocab = /embedding\((\d+)/.exec(random.source)?.[1];
    const inputs = random.dims.map((dims) => inputsFor(checked, random.model, dims, rng, vocab ? Number(vocab) : 1));
    const runs = inputs.map((set) => Object.fromEntries(Object.entries(set).map(([k, t]) => [k, jobInput(t)])));
    const exportName = written.models.find((m) => m.name === random.model)!.exportName;
    const jobs: Job[] = [
      { module: written.jsPath, exportName, weights: null, runs },
      { module: written.jsPath, exportName, weights, runs },
      { module: written.jsPath, exportName, weights, options: { simd: false }, runs },
    ];
    cases.push({ seed, random, checked, jobs, inputs: jobs.map(() => inputs) });
  }
  const all = runInNode(
    undefined,
    cases.flatMap((c) => c.jobs),
  );
  let at = 0;
  for (const c of cases) c.results = all.slice(at, (at += c.jobs.length));
}, 600_000);

describe("random models, compiled and run by plain Node", () => {
  for (let seed = 1; seed <= COUNT; seed++) {
    it(`random model ${seed}`, () => {
      const c = cases.find((k) => k.seed === seed)!;
      c.jobs.forEach((job, j) => {
        const result = c.results![j]!;
        expect(result.error, c.random.source).toBeUndefined();
        const reference = loadModel(c.checked, { model: c.random.model });
        expect(result.meta).toEqual({ name: reference.name, inputs: reference.inputs, outputs: reference.outputs });
        result.runs!.forEach((run, r) => {
          const inputs = c.inputs[j]![r]!;
          const expected = interpretWith(c.checked, c.random.model, job, inputs);
          // The inputs fit: neither may fail.
          expect("error" in expected ? expected.error : undefined, c.random.source).toBeUndefined();
          expect("error" in run ? run.error : undefined, c.random.source).toBeUndefined();
          if ("error" in run || "error" in expected) return;
          const outputs = run.outputs.map(toTensorData);
          const diff = difference(outputs, expected);
          expect(diff, `${c.random.source}\njob ${j} run ${r}`).toBeTypeOf("number");
          expect(diff as number).toBeLessThanOrEqual(1e-6);
          expect(identical(outputs, expected), "bit for bit").toBe(true);
        });
      });
    });
  }
});

function interpretWith(
  checked: CheckedFile,
  model: string,
  job: Job,
  inputs: Record<string, TensorData>,
): TensorData[] | { error: string } {
  if (job.options?.simd === false) {
    try {
      const set = job.weights === null ? undefined : parseKerasWeights(job.weights, "weights");
      return loadModel(checked, { model, simd: false, ...(set ? { weights: set } : {}) }).run(inputs);
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
  return interpret(checked, model, job.weights, inputs);
}
