// The numbers README's "Serving on ONNX Runtime" states: over every model of the parity set that
// exports, the largest |ONNX Runtime − oracle| against the float64 reference (cases.ts), real Keras 3
// (test/fixtures/keras3/) and rnnc's CPU backend. Run: `npx tsx test/parity/ort-difference.ts`.
import { check, DataError, loadModel, parseKerasWeights, type TensorData, type WeightSet } from "../../src/index.js";
import type { TensorInput } from "../../src/ir/inputs.js";
import { CASES } from "./cases.js";
import { maxAbsDiff, type Flat } from "./compare.js";
import { FIXTURE_LIST, inputsOf, readFixture } from "./keras3-fixtures.js";
import { runOnOnnxRuntime } from "./onnx-runtime.js";

interface Worst {
  diff: number;
  where: string;
  models: number;
  refused: number;
}

const worst = (): Worst => ({ diff: 0, where: "", models: 0, refused: 0 });
const vsReference = worst();
const vsKeras = worst();
const vsCpu = worst();
/** Against the float64 reference, per group of cases (recurrent cells, dense, layer_norm, …). */
const byGroup = new Map<string, Worst>();

function note(w: Worst, diff: number, where: string): void {
  w.models++;
  if (diff > w.diff) Object.assign(w, { diff, where });
}

/** ORT's outputs, or undefined where the exporter refuses the model (counted, not measured). */
async function ortOutputs(
  source: string,
  model: string,
  weights: WeightSet | undefined,
  inputs: Record<string, TensorInput>,
  refusals: Worst[],
) {
  try {
    return await runOnOnnxRuntime(source, model, weights, inputs);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    for (const w of refusals) w.refused++;
    return undefined;
  }
}

function cpuOutputs(source: string, model: string, weights: WeightSet | undefined, inputs: Record<string, TensorInput>): TensorData[] {
  return loadModel(check(source), { model, ...(weights ? { weights } : {}) }).run(inputs);
}

for (const c of CASES) {
  const ort = await ortOutputs(c.source, c.model, c.weights, c.inputs, [vsReference, vsCpu]);
  if (!ort) continue;
  const diff = maxAbsDiff(ort, c.reference());
  note(vsReference, diff, c.name);
  if (!byGroup.has(c.group)) byGroup.set(c.group, worst());
  note(byGroup.get(c.group)!, diff, c.name);
  note(vsCpu, maxAbsDiff(ort, cpuOutputs(c.source, c.model, c.weights, c.inputs)), c.name);
}
for (const name of FIXTURE_LIST.cases) {
  const f = readFixture(name);
  const weights = parseKerasWeights(f.weights, `${name}.json`);
  const ort = await ortOutputs(f.source, f.model, weights, inputsOf(f.inputs), [vsKeras]);
  if (ort) note(vsKeras, maxAbsDiff(ort, f.outputs as Flat[]), name);
}

for (const [what, w] of [
  ["the float64 reference (parity cases)", vsReference],
  ["Keras 3.15.1 (fixtures)", vsKeras],
  ["rnnc's CPU backend (parity cases)", vsCpu],
] as const) {
  console.log(
    `ONNX Runtime vs ${what}: max |diff| ${w.diff.toExponential(2)} at ${w.where} (${w.models} models; ${w.refused} not exported)`,
  );
}
console.log("per group, against the float64 reference:");
for (const [group, w] of byGroup) console.log(`  ${group}: ${w.diff.toExponential(2)} (${w.models} models)`);
