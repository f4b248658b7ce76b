// Every model file real Keras 3.15.1 saved (scripts/keras-model-files.py) — `.keras`, legacy `.h5`
// and `.weights.h5` — read by `--weights`'s reader and run on the case's `.rnn` source gives Keras's
// predictions.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, kerasStructure, loadModel, readModelFile, readWeights, weightsFromBytes } from "../../src/node.js";
import type { TensorInput } from "../../src/ir/inputs.js";

const DIR = join(import.meta.dirname, "..", "fixtures", "model-files", "keras");
const CASES = (JSON.parse(readFileSync(join(DIR, "cases.json"), "utf8")) as { cases: string[] }).cases;

interface Fixture {
  source: string;
  model: string;
  inputs: Record<string, { shape: number[]; data: number[] }>;
  outputs: { shape: number[]; data: number[] }[];
  tolerance: number;
}

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")) as Fixture;
}

function maxDifference(fx: Fixture, weightsPath: string): number {
  const checked = check(fx.source);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const structure = kerasStructure(checked, fx.model);
  const weights = readWeights(weightsPath, structure ? { structure } : {});
  const model = loadModel(checked, { model: fx.model, weights });
  const outputs = model.run(fx.inputs as Record<string, TensorInput>);
  expect(outputs.map((o) => o.shape)).toEqual(fx.outputs.map((o) => o.shape));
  let max = 0;
  outputs.forEach((o, i) => o.data.forEach((v, j) => (max = Math.max(max, Math.abs(v - fx.outputs[i]!.data[j]!)))));
  return max;
}

describe("Keras 3 model files through --weights", () => {
  it("covers every case the script lists", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(17);
  });
  for (const name of CASES) {
    for (const ext of [".keras", ".h5", ".weights.h5"]) {
      it(`${name}${ext} gives Keras's predictions`, () => {
        const fx = fixture(name);
        expect(maxDifference(fx, join(DIR, name + ext))).toBeLessThanOrEqual(fx.tolerance);
      });
    }
  }
});

describe("the bytes-level reader", () => {
  it("reads the same weights from bytes as from the file, whatever the file is called", () => {
    const bytes = readFileSync(join(DIR, "nested_model.keras"));
    const fromBytes = weightsFromBytes(bytes, { source: "upload.bin" });
    const fromFile = readWeights(join(DIR, "nested_model.keras"));
    expect([...fromBytes.layers.keys()]).toEqual([...fromFile.layers.keys()]);
    expect(fromBytes.source).toBe("upload.bin");
  });

  it("maps a .weights.h5 by the names Keras recorded when no model is given", () => {
    const set = weightsFromBytes(readFileSync(join(DIR, "stacked_shared.weights.h5")), { source: "w.weights.h5" });
    expect([...set.layers.keys()].sort()).toEqual(["g2", "l1", "proj"]);
  });

  it("returns the normalized config of a .keras and an .h5", () => {
    for (const ext of [".keras", ".h5"]) {
      const file = readModelFile(readFileSync(join(DIR, "nested_model" + ext)), { source: "m" + ext });
      expect(file.info.format).toBe(ext === ".keras" ? "keras" : "h5");
      expect(file.info.kerasVersion).toBe("3.15.1");
      const model = file.model!;
      expect(model.name).toBe("M");
      expect(model.layers.map((l) => [l.name, l.className])).toEqual([
        ["src", "InputLayer"],
        ["tgt", "InputLayer"],
        ["Enc", "Functional"],
        ["dec_lstm", "LSTM"],
        ["out", "Dense"],
      ]);
      expect(model.layers[0]!.batchShape).toEqual([2, 5, 3]);
      const dec = model.layers[3]!;
      expect(dec.calls[0]!.args).toEqual([{ layer: "tgt", node: 0, index: 0 }]);
      expect(dec.calls[0]!.initialState).toEqual([
        { layer: "Enc", node: 0, index: 0 },
        { layer: "Enc", node: 0, index: 1 },
      ]);
      expect(model.layers[2]!.model!.layers.map((l) => l.name)).toEqual(["src", "enc_lstm"]);
      expect(model.outputs).toEqual([{ layer: "out", node: 0, index: 0 }]);
    }
  });

  it("marks Keras 3.15's mask operations as ops, in a .keras (by module) and an .h5 (absent from layer_names)", () => {
    for (const ext of [".keras", ".h5"]) {
      const model = readModelFile(readFileSync(join(DIR, "bilstm_concat_mask_state" + ext)), { source: "m" + ext }).model!;
      const ops = model.layers.filter((l) => l.isOp).map((l) => l.className);
      expect(ops).toContain("NotEqual");
      expect(model.layers.find((l) => l.name === "bi")!.isOp).toBe(false);
      expect(model.layers.find((l) => l.name === "bi")!.calls[0]!.mask.length).toBe(1);
    }
  });
});

describe("compiled modules", () => {
  it("create() takes the weights weightsFromBytes read from a .keras, with Keras's numbers", async () => {
    const { compileModule } = await import("../../src/index.js");
    const fx = fixture("nested_model");
    const compiled = await compileModule(check(fx.source));
    const url = `data:text/javascript;base64,${Buffer.from(compiled.js).toString("base64")}`;
    const module = (await import(url)) as Record<string, { create(w: unknown): { run(i: unknown): { data: Float32Array }[] } }>;
    const weights = weightsFromBytes(readFileSync(join(DIR, "nested_model.keras")), { source: "nested_model.keras" });
    const [out] = module["M"]!.create(weights).run(fx.inputs);
    out!.data.forEach((v, i) => expect(Math.abs(v - fx.outputs[0]!.data[i]!)).toBeLessThanOrEqual(fx.tolerance));
  });
});

describe("the Keras 2 .h5 layout (written from Keras 3's .h5 as INTEROP.md §4.3 documents it)", () => {
  for (const name of ["bigru_sum_mask", "nested_model"]) {
    it(`${name}: weight names with ":0" give Keras's predictions`, () => {
      const fx = fixture(name);
      expect(maxDifference(fx, join(DIR, `${name}.keras2-layout.h5`))).toBeLessThanOrEqual(fx.tolerance);
    });
  }

  it("its config normalizes as a Keras 3 one does: batch_input_shape, nested-list calls, initial states as inputs", () => {
    const file = readModelFile(readFileSync(join(DIR, "nested_model.keras2-layout.h5")), { source: "k2.h5" });
    expect(file.info.kerasVersion).toBe("2.15.0");
    const model = file.model!;
    expect(model.layers.map((l) => l.name)).toEqual(["src", "tgt", "Enc", "dec_lstm", "out"]);
    expect(model.layers[0]!.batchShape).toEqual([2, 5, 3]);
    const dec = model.layers[3]!.calls[0]!;
    expect(dec.args).toEqual([{ layer: "tgt", node: 0, index: 0 }]);
    expect(dec.initialState).toEqual([
      { layer: "Enc", node: 0, index: 0 },
      { layer: "Enc", node: 0, index: 1 },
    ]);
    expect(model.outputs).toEqual([{ layer: "out", node: 0, index: 0 }]);
    const keras3 = readModelFile(readFileSync(join(DIR, "bigru_sum_mask.h5")), { source: "k3.h5" }).model!;
    const keras2 = readModelFile(readFileSync(join(DIR, "bigru_sum_mask.keras2-layout.h5")), { source: "k2.h5" }).model!;
    expect(keras2.layers.map((l) => [l.name, l.className])).toEqual(keras3.layers.filter((l) => !l.isOp).map((l) => [l.name, l.className]));
  });
});

describe("a .weights.h5 mapped by the rnnc model's layers", () => {
  it("by class and position, whatever the layers are named in the source", () => {
    const fx = fixture("stacked_shared");
    const renamed = { ...fx, source: fx.source.replace('"l1"', '"first"').replace('"g2"', '"second"').replace('"proj"', '"p"') };
    expect(renamed.source).toContain('"second"');
    expect(maxDifference(renamed, join(DIR, "stacked_shared.weights.h5"))).toBeLessThanOrEqual(fx.tolerance);
  });

  it("in Keras's model.layers order (deepest from the outputs first), not the source's", () => {
    // eq is applied first in the source, but ev is deeper (it feeds the key dense): Keras saves ev as embedding, eq as embedding_1.
    const checked = check(fixture("attention_concat_scale_key").source);
    const structure = kerasStructure(checked)!;
    expect(structure.layers.map((l) => `${l.name}:${l.kerasClass}`)).toEqual([
      "ev:Embedding",
      "eq:Embedding",
      "key:Dense",
      "att:Attention",
    ]);
  });
});
