// Every model tfjs-layers 4.22 saved (scripts/tfjs-fixtures.ts) — float32, and float16 and uint8
// quantized copies — read by `--weights` and run on the case's `.rnn` source gives tfjs's own
// predictions for that copy (tfjs dequantized the copies itself when it made them).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, loadModel, readModelFile, readWeights } from "../../src/node.js";
import type { TensorInput } from "../../src/ir/inputs.js";

const DIR = join(import.meta.dirname, "..", "fixtures", "model-files", "tfjs");
const CASES = (JSON.parse(readFileSync(join(DIR, "cases.json"), "utf8")) as { cases: string[] }).cases;
const COPIES = ["float32", "float16", "uint8"] as const;

type Tensor = { shape: number[]; data: number[] };
interface Fixture {
  source: string;
  model: string;
  inputs: Record<string, Tensor>;
  outputs: Record<(typeof COPIES)[number], Tensor[]>;
  tolerance: number;
}

function run(fx: Fixture, modelJson: string): Tensor[] {
  const checked = check(fx.source);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const model = loadModel(checked, { model: fx.model, weights: readWeights(modelJson) });
  const inputs = Object.fromEntries(Object.entries(fx.inputs).map(([k, v]) => [k, { shape: v.shape, data: v.data }]));
  return model.run(inputs as Record<string, TensorInput>).map((t) => ({ shape: t.shape, data: Array.from(t.data) }));
}

function maxDifference(a: Tensor[], b: Tensor[]): number {
  expect(a.map((t) => t.shape)).toEqual(b.map((t) => t.shape));
  let max = 0;
  a.forEach((t, i) => t.data.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i]!.data[j]!)))));
  return max;
}

describe("tfjs-layers model.json files through --weights", () => {
  for (const name of CASES) {
    const fx = JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")) as Fixture;
    for (const copy of COPIES) {
      it(`${name} (${copy}) gives tfjs's predictions`, () => {
        const dir = join(DIR, copy === "float32" ? name : `${name}-${copy}`);
        expect(maxDifference(run(fx, join(dir, "model.json")), fx.outputs[copy])).toBeLessThanOrEqual(fx.tolerance);
      });
    }
    it(`${name}: the quantized copies stay within their quantization error of the float32 model`, () => {
      const exact = fx.outputs.float32;
      const half = maxDifference(fx.outputs.float16, exact);
      const byte = maxDifference(fx.outputs.uint8, exact);
      expect(half).toBeGreaterThan(0); // they are quantized
      expect(half).toBeLessThan(5e-3);
      expect(byte).toBeGreaterThan(half);
      expect(byte).toBeLessThan(5e-2);
    });
  }

  it("returns tfjs-layers' topology normalized", () => {
    const path = join(DIR, "embedding_bigru_dense", "model.json");
    const file = readModelFile(readFileSync(path), {
      source: path,
      openShard: (name) => readFileSync(join(DIR, "embedding_bigru_dense", name)),
    });
    expect(file.info.format).toBe("tfjs");
    expect(file.info.kerasVersion).toMatch(/^tfjs-layers /);
    expect(file.model!.layers.map((l) => [l.name, l.className])).toEqual([
      ["tokens", "InputLayer"],
      ["emb", "Embedding"],
      ["bi", "Bidirectional"],
      ["out", "Dense"],
    ]);
    expect(file.model!.layers[0]!.batchShape).toEqual([2, 6]);
    expect(file.model!.layers[2]!.calls[0]!.args).toEqual([{ layer: "emb", node: 0, index: 0 }]);
  });

  it("reads the converter's modelTopology shape ({model_config: …}) as well", () => {
    const path = join(DIR, "simple_rnn_stack", "model.json");
    const json = JSON.parse(readFileSync(path, "utf8")) as { modelTopology: Record<string, unknown> };
    const wrapped = { ...json, modelTopology: { keras_version: "2.15.0", backend: "tensorflow", model_config: json.modelTopology } };
    const file = readModelFile(new TextEncoder().encode(JSON.stringify(wrapped)), {
      source: "converted/model.json",
      openShard: (name) => readFileSync(join(DIR, "simple_rnn_stack", name)),
    });
    expect(file.info.kerasVersion).toBe("2.15.0");
    expect(file.model!.layers.map((l) => l.name)).toEqual(["x", "r1", "r2", "out"]);
    expect([...file.weights.layers.keys()]).toEqual(["r1", "r2", "out"]);
  });
});
