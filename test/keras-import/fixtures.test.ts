// Every model file real Keras 3.15.1 and tfjs-layers 4.22.0 saved (test/fixtures/model-files/),
// imported: the source is formatted and checks clean, and run with the imported weights — as the
// objects the reader gives, through `--weights-out`'s JSON, and from the original file itself — it
// gives the producer's predictions.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, importModel, loadModel, parseKerasWeights, readWeights, weightsJson, type WeightSet } from "../../src/node.js";
import { formatRnnSync } from "../../src/format/index.js";
import { readModelFileAt } from "../../src/weights/read.js";
import type { TensorInput } from "../../src/ir/inputs.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "model-files");
const KERAS = join(FIXTURES, "keras");
const TFJS = join(FIXTURES, "tfjs");

interface Expected {
  inputs: Record<string, { shape: number[]; data: number[] }>;
  outputs: { shape: number[]; data: number[] }[];
  tolerance: number;
}

interface Case {
  file: string;
  fixture: string;
  /** tfjs fixtures hold one set of predictions per quantization. */
  quantization?: string;
  edition: 2 | 3;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const name of (JSON.parse(readFileSync(join(KERAS, "cases.json"), "utf8")) as { cases: string[] }).cases) {
    for (const ext of [".keras", ".h5"]) out.push({ file: join(KERAS, name + ext), fixture: join(KERAS, `${name}.json`), edition: 3 });
  }
  for (const name of ["bigru_sum_mask", "nested_model"]) {
    out.push({ file: join(KERAS, `${name}.keras2-layout.h5`), fixture: join(KERAS, `${name}.json`), edition: 2 });
  }
  for (const name of (JSON.parse(readFileSync(join(TFJS, "cases.json"), "utf8")) as { cases: string[] }).cases) {
    for (const q of ["float32", "float16", "uint8"]) {
      const folder = q === "float32" ? name : `${name}-${q}`;
      out.push({ file: join(TFJS, folder, "model.json"), fixture: join(TFJS, `${name}.json`), quantization: q, edition: 2 });
    }
  }
  return out;
}

function expected(c: Case): Expected {
  const fx = JSON.parse(readFileSync(c.fixture, "utf8")) as Omit<Expected, "outputs"> & { outputs: unknown };
  const outputs = c.quantization
    ? (fx.outputs as Record<string, Expected["outputs"]>)[c.quantization]!
    : (fx.outputs as Expected["outputs"]);
  return { ...fx, outputs };
}

/** The largest difference from the producer's predictions, the fixture's inputs given in the imported model's input order. */
function difference(text: string, model: string, weights: WeightSet, fx: Expected): number {
  const checked = check(text);
  const inputs = checked.models.find((m) => m.name === model)!.inputs;
  const given = Object.values(fx.inputs);
  expect(inputs.length).toBe(given.length);
  const run = loadModel(checked, { model, weights }).run(Object.fromEntries(inputs.map((inp, i) => [inp.name, given[i] as TensorInput])));
  expect(run.map((o) => o.shape)).toEqual(fx.outputs.map((o) => o.shape));
  let max = 0;
  run.forEach((o, i) => o.data.forEach((v, j) => (max = Math.max(max, Math.abs(v - fx.outputs[i]!.data[j]!)))));
  return max;
}

describe("rnnc import on every producer's fixture", () => {
  it("covers the Keras 3, Keras 2 layout and tfjs fixtures", async () => {
    expect(cases().length).toBeGreaterThanOrEqual(49);
  });

  for (const c of cases()) {
    const label = c.file.slice(FIXTURES.length + 1);
    it(`${label}: formatted, checks clean, keras ${c.edition}, the producer's numbers`, async () => {
      const result = await importModel(readModelFileAt(c.file), c.file);
      expect(result.text).toBe(formatRnnSync(result.text));
      expect(result.text.startsWith(`keras ${c.edition}\n`)).toBe(true);
      expect(check(result.text).diagnostics).toEqual([]);
      const fx = expected(c);
      expect(difference(result.text, result.model, result.weights, fx)).toBeLessThanOrEqual(fx.tolerance);
      // --weights-out's JSON reads back to the same numbers.
      const json = parseKerasWeights(JSON.parse(weightsJson(result.weights)), "w.json");
      expect(difference(result.text, result.model, json, fx)).toBeLessThanOrEqual(fx.tolerance);
      // The source keeps Keras's layer names, so the original file binds to it by name too.
      if (!c.file.endsWith("model.json"))
        expect(difference(result.text, result.model, readWeights(c.file), fx)).toBeLessThanOrEqual(fx.tolerance);
    });
  }
});

describe("what the source says", () => {
  const imported = async (name: string) => (await importModel(readModelFileAt(join(KERAS, name)), name)).text;

  it("a nested functional model is a model of its own, called with its outputs destructured and passed as initial=", async () => {
    const text = await imported("nested_model.keras");
    expect(text).toContain('model Enc(src: [B, 5, 3]) {\n  _, enc_lstm_h, enc_lstm_c = lstm(4, state=true, name="enc_lstm")(src)');
    expect(text).toContain("enc_lstm_h, enc_lstm_c = Enc(src)");
    expect(text).toContain('lstm(4, seq=true, name="dec_lstm")(tgt, initial=(enc_lstm_h, enc_lstm_c))');
  });

  it("a shared layer is bound once and applied twice", async () => {
    const text = await imported("stacked_shared.keras");
    expect(text).toContain("proj = dense(4, activation=tanh)\n");
    expect(text.match(/= proj\(/g)?.length).toBe(2);
  });

  it("tfjs's settings that differ from Keras's defaults are written out: hard_sigmoid gates, reset_after=false, unit_forget_bias=false", async () => {
    const gru = (await importModel(readModelFileAt(join(TFJS, "embedding_bigru_dense", "model.json")), "m.json")).text;
    expect(gru).toContain('bidirectional(gru(4, recurrent_activation=hard_sigmoid, reset_after=false), name="bi")');
    const lstm = (await importModel(readModelFileAt(join(TFJS, "lstm_time_distributed", "model.json")), "m.json")).text;
    expect(lstm).toMatch(/lstm\(4, seq=true, unit_forget_bias=false, name="rec"\)/);
  });

  it("Keras 3's hard_sigmoid stays hard_sigmoid under keras 3", async () => {
    const text = await imported("hard_sigmoid_lstm_gru.keras");
    expect(text.startsWith("keras 3\n")).toBe(true);
    expect(text).toContain("recurrent_activation=hard_sigmoid");
  });
});
