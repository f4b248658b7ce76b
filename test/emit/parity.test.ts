// The parity suite (test/parity) through compiled modules: each case compiled into a folder outside
// the project, imported by plain Node, run, and compared with the float64 reference and tfjs-layers
// (to 1e-5, as every backend), and with the interpreter (to 1e-6; in fact bit for bit). The cases
// are compiled on the first call and run in one Node process.
import { describe, expect, it } from "vitest";
import { check } from "../../src/index.js";
import type { TensorData, WeightSet } from "../../src/types/tensor-data.js";
import { CASES, runCases } from "../parity/cases.js";
import {
  compileTo,
  difference,
  identical,
  interpret,
  jobInput,
  runInNode,
  toTensorData,
  weightsJson,
  type Job,
  type JobResult,
} from "./harness.js";

interface Prepared {
  job: Job;
  result?: JobResult;
}

let prepared: Promise<Map<string, Prepared>> | undefined;
const keyOf = (source: string, model: string) => `${model}\n${source}`;

/** Every case compiled, then all run in one Node process. */
async function prepareAll(): Promise<Map<string, Prepared>> {
  const all = new Map<string, Prepared>();
  for (const c of CASES) {
    const key = keyOf(c.source, c.model);
    if (all.has(key)) continue; // the seed cases: one source, one input
    const written = await compileTo(c.source, "parity");
    const exportName = written.models.find((m) => m.name === c.model)!.exportName;
    const runs = [Object.fromEntries(Object.entries(c.inputs).map(([name, t]) => [name, jobInput(t)]))];
    all.set(key, { job: { module: written.jsPath, exportName, weights: c.weights ? weightsJson(c.weights) : null, runs } });
  }
  const entries = [...all.values()];
  runInNode(
    undefined,
    entries.map((e) => e.job),
  ).forEach((result, i) => (entries[i]!.result = result));
  return all;
}

let identicalCases = 0;

async function runCompiled(
  source: string,
  modelName: string,
  weights: WeightSet | undefined,
  inputs: Record<string, TensorData>,
): Promise<TensorData[]> {
  prepared ??= prepareAll();
  const entry = (await prepared).get(keyOf(source, modelName))!;
  const result = entry.result!;
  if (result.error) throw new Error(`create(): ${result.error}`);
  const run = result.runs![0]!;
  if ("error" in run) throw new Error(`run(): ${run.error}`);
  const outputs = run.outputs.map(toTensorData);
  expect(entry.job.weights).toEqual(weights ? weightsJson(weights) : null);
  const expected = interpret(check(source), modelName, entry.job.weights, inputs);
  if ("error" in expected) throw new Error(`the interpreter failed: ${expected.error}`);
  const diff = difference(outputs, expected);
  if (typeof diff === "string" || diff > 1e-6) throw new Error(`compiled vs interpreter: ${diff}`);
  if (identical(outputs, expected)) identicalCases++;
  return outputs;
}

runCases("compiled modules", runCompiled);

describe("compiled modules against the interpreter", () => {
  it("agree bit for bit on every parity case", () => {
    expect(identicalCases).toBe(CASES.length);
  });
});
