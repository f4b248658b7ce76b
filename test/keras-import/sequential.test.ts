// Sequential models in their three spellings: Keras 3 (an InputLayer first), Keras 2 (the first layer
// carrying batch_input_shape; Keras names the input `<layer>_input`), and the old bare list of layers.
import { describe, expect, it } from "vitest";
import { check, importModel, loadModel, type WeightSet } from "../../src/index.js";
import { normalizeModelConfig } from "../../src/model-files/keras-config.js";

type Json = Record<string, unknown>;

const lstm: Json = { class_name: "LSTM", config: { name: "rec", units: 2, return_sequences: true } };
const dense: Json = { class_name: "Dense", config: { name: "out", units: 1, activation: "sigmoid" } };

async function imported(config: Json, version: string) {
  const model = normalizeModelConfig(config, "seq.h5");
  return await importModel(
    { info: { format: "h5", kerasVersion: version }, weights: { layers: new Map(), source: "seq.h5" }, model },
    "seq.h5",
  );
}

const weights: WeightSet = {
  source: "w",
  layers: new Map([
    [
      "rec",
      [
        { shape: [3, 8], data: new Float32Array(24).fill(0.1) },
        { shape: [2, 8], data: new Float32Array(16).fill(0.1) },
        { shape: [8], data: new Float32Array(8) },
      ],
    ],
    [
      "out",
      [
        { shape: [2, 1], data: new Float32Array([0.5, -0.5]) },
        { shape: [1], data: new Float32Array([0.1]) },
      ],
    ],
  ]),
};

describe("Sequential", () => {
  it("Keras 3: the InputLayer is the input, the last layer the output", async () => {
    const input = { class_name: "InputLayer", config: { name: "x", batch_shape: [null, 4, 3], dtype: "float32" } };
    const result = await imported({ class_name: "Sequential", config: { name: "seq", layers: [input, lstm, dense] } }, "3.15.1");
    expect(result.text).toBe(
      'keras 3\n\nmodel seq(x: [B, 4, 3]) {\n  rec = lstm(2, seq=true, name="rec")(x)\n  out = dense(1, activation=sigmoid, name="out")(rec)\n  return out\n}\n',
    );
  });

  it("Keras 2: the first layer's batch_input_shape is an input named <layer>_input; the bare list works too", async () => {
    const first = { ...lstm, config: { ...(lstm.config as Json), batch_input_shape: [null, 4, 3] } };
    const modern = await imported({ class_name: "Sequential", config: { name: "seq", layers: [first, dense] } }, "2.15.0");
    expect(modern.text).toContain('model seq(rec_input: [B, 4, 3]) {\n  rec = lstm(2, seq=true, name="rec")(rec_input)');
    expect(modern.edition).toBe(2);
    const old = await imported({ class_name: "Sequential", config: [first, dense] }, "2.2.4");
    expect(old.text).toContain("(rec_input)");
    // Both run, with the same numbers.
    const x = { shape: [1, 4, 3], data: new Float32Array(12).map((_, i) => i / 12) };
    const a = loadModel(check(modern.text), { weights }).run({ rec_input: x })[0]!;
    const b = loadModel(check(old.text), { weights }).run({ rec_input: x })[0]!;
    expect(a.shape).toEqual([1, 4, 1]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  it("a Sequential with no input shape at all is refused", async () => {
    await expect(imported({ class_name: "Sequential", config: { name: "seq", layers: [lstm, dense] } }, "2.15.0")).rejects.toThrow(
      /^seq\.h5: model "seq": a Sequential model without an input shape/,
    );
  });
});
