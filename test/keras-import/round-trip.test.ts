// The round trip: an .rnn exported to Keras (rnnc export --format keras), built in real Keras 3.15.1
// with rnnc's weights loaded and saved as .keras (scripts/keras-export-check.py, ROUND_TRIP), comes
// back — `rnnc run --weights m.keras` and loadModel with weightsFromBytes on the original source, and
// `rnnc import m.keras` — with the saved model's predictions.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check, importModel, loadModel, readModelFile, weightsFromBytes, type WeightSet } from "../../src/index.js";
import type { TensorInput } from "../../src/ir/inputs.js";
import { rnnc } from "../cli-process.js";

const DIR = join(import.meta.dirname, "..", "fixtures", "keras-export");

interface Tensor {
  shape: number[];
  data: number[];
}
interface RoundTrip {
  source: string;
  model: string;
  inputs: Record<string, Tensor>;
  outputs: Tensor[];
}
const FILE = JSON.parse(readFileSync(join(DIR, "roundtrip.json"), "utf8")) as {
  keras: string;
  tolerance: number;
  cases: Record<string, RoundTrip>;
};
const work = mkdtempSync(join(tmpdir(), "rnnc-round-trip-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function difference(outputs: readonly { shape: readonly number[]; data: ArrayLike<number> }[], expected: Tensor[]): number {
  expect(outputs.map((o) => [...o.shape])).toEqual(expected.map((o) => o.shape));
  let max = 0;
  outputs.forEach((o, i) => Array.from(o.data).forEach((v, j) => (max = Math.max(max, Math.abs(v - expected[i]!.data[j]!)))));
  return max;
}

function run(source: string, model: string, weights: WeightSet, inputs: Record<string, Tensor>) {
  return loadModel(check(source), { model, weights }).run(inputs as Record<string, TensorInput>);
}

describe("rnnc export → Keras → model.save → rnnc", () => {
  it("covers an lstm, a masked bigru, a called model and a keras 2 hard_sigmoid one, saved by Keras 3.15.1", async () => {
    expect(FILE.keras).toBe("3.15.1");
    expect(Object.keys(FILE.cases).sort()).toEqual([
      "bigru_sum_mask",
      "extra_called_model_twice",
      "extra_keras2_hard_sigmoid",
      "lstm_seq_state",
    ]);
  });

  for (const [name, c] of Object.entries(FILE.cases)) {
    const keras = join(DIR, `${name}.keras`);

    it(`${name}: loadModel on the original source with weightsFromBytes of the .keras gives Keras's numbers`, async () => {
      const weights = weightsFromBytes(readFileSync(keras), { source: `${name}.keras` });
      expect(difference(run(c.source, c.model, weights, c.inputs), c.outputs)).toBeLessThanOrEqual(FILE.tolerance);
    });

    it(`${name}: rnnc run --weights m.keras on the original source gives Keras's numbers`, async () => {
      const source = join(work, `${name}.rnn`);
      writeFileSync(source, c.source);
      const flags = Object.entries(c.inputs).flatMap(([input, t]) => {
        const path = join(work, `${name}.${input}.json`);
        writeFileSync(path, JSON.stringify({ shape: t.shape, data: t.data }));
        return ["--input", `${input}=${path}`];
      });
      const r = rnnc("run", source, "--model", c.model, "--weights", keras, "--json", ...flags);
      expect(r.stderr).toBe("");
      const outputs = (JSON.parse(r.stdout) as { outputs: { shape: number[]; data: unknown[] }[] }).outputs;
      expect(
        difference(
          outputs.map((o) => ({ shape: o.shape, data: (o.data as number[]).flat(Infinity as 1) as number[] })),
          c.outputs,
        ),
      ).toBeLessThanOrEqual(FILE.tolerance);
    });

    it(`${name}: rnnc import of the .keras gives back a model with Keras's numbers`, async () => {
      const result = await importModel(readModelFile(readFileSync(keras), { source: `${name}.keras` }), `${name}.keras`);
      expect(check(result.text).diagnostics).toEqual([]);
      expect(result.model).toBe(c.model);
      expect(difference(run(result.text, result.model, result.weights, c.inputs), c.outputs)).toBeLessThanOrEqual(FILE.tolerance);
    });
  }

  it("the keras 2 hard_sigmoid module comes back as a keras 2 file, its registered activation as hard_sigmoid", async () => {
    const result = await importModel(
      readModelFile(readFileSync(join(DIR, "extra_keras2_hard_sigmoid.keras")), { source: "m.keras" }),
      "m.keras",
    );
    expect(result.edition).toBe(2);
    expect(result.text).toContain('lstm(4, seq=true, recurrent_activation=hard_sigmoid, name="l")');
  });
});
