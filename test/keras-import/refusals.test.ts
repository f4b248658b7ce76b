// What rnnc import refuses, and how: every refusal names the file, the layer and its Keras class —
// never a silently different model. Configs are built here in Keras's own dialects.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, importModel, type KerasModel } from "../../src/index.js";
import { normalizeModelConfig } from "../../src/model-files/keras-config.js";
import type { ModelFile } from "../../src/model-files/binary-model-file.js";
import { readModelFileAt } from "../../src/weights/read.js";

const KERAS = join(import.meta.dirname, "..", "fixtures", "model-files", "keras");

type Json = Record<string, unknown>;

const input = (name: string, shape: (number | null)[], dtype = "float32"): Json => ({
  class_name: "InputLayer",
  name,
  config: { name, batch_shape: shape, dtype },
  inbound_nodes: [],
});

/** A layer in Keras 2's dialect: one call on the named layers' first outputs. */
const layer = (className: string, name: string, config: Json, from: string[]): Json => ({
  class_name: className,
  name,
  config: { name, ...config },
  inbound_nodes: [from.map((f) => [f, 0, 0, {}])],
});

const functional = (layers: Json[], inputs: string[], outputs: string[], name = "M"): Json => ({
  class_name: "Functional",
  config: { name, layers, input_layers: inputs.map((i) => [i, 0, 0]), output_layers: outputs.map((o) => [o, 0, 0]) },
});

function fileOf(config: Json, file = "bad.keras", kerasVersion = "3.15.1"): ModelFile {
  return {
    info: { format: "keras", kerasVersion },
    weights: { layers: new Map(), source: file },
    model: normalizeModelConfig(config, file),
  };
}

async function refusal(config: Json, file = "bad.keras"): Promise<string> {
  try {
    await importModel(fileOf(config, file), file);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the import was not refused");
}

const lstm = (extra: Json = {}): Json => ({ class_name: "LSTM", config: { name: "fwd", units: 3, return_sequences: true, ...extra } });

describe("refused, naming the file, the layer and its class", () => {
  const cases: [string, Json, RegExp][] = [
    [
      "a Lambda layer",
      functional([input("x", [1, 4, 3]), layer("Lambda", "fn", { function: ["4wEAAAAA", null, null] }, ["x"])], ["x"], ["fn"]),
      /^bad\.keras: layer "fn" \(Lambda\): rnnc has no layer for the Keras class Lambda \(it imports .*LSTM.*\)\.$/,
    ],
    [
      "a custom layer class",
      functional([input("x", [1, 4, 3]), layer("MyAttention", "mine", { units: 3 }, ["x"])], ["x"], ["mine"]),
      /^bad\.keras: layer "mine" \(MyAttention\): rnnc has no layer for the Keras class MyAttention/,
    ],
    [
      "CuDNNLSTM",
      functional([input("x", [1, 4, 3]), layer("CuDNNLSTM", "c", { units: 3 }, ["x"])], ["x"], ["c"]),
      /layer "c" \(CuDNNLSTM\): rnnc has no layer for the Keras class CuDNNLSTM/,
    ],
    [
      "a stateful Bidirectional",
      functional(
        [input("x", [1, 4, 3]), layer("Bidirectional", "bi", { layer: lstm({ stateful: true }), merge_mode: "concat" }, ["x"])],
        ["x"],
        ["bi"],
      ),
      /^bad\.keras: layer "bi" \(Bidirectional\): it is stateful: .*LANGUAGE\.md §9\)\.$/,
    ],
    [
      "a Bidirectional whose inner layer goes backwards",
      functional([input("x", [1, 4, 3]), layer("Bidirectional", "bi", { layer: lstm({ go_backwards: true }) }, ["x"])], ["x"], ["bi"]),
      /layer "bi" \(Bidirectional\): its wrapped layer has go_backwards=True/,
    ],
    [
      "a Bidirectional whose backward layer is not the forward one's mirror",
      functional(
        [
          input("x", [1, 4, 3]),
          layer(
            "Bidirectional",
            "bi",
            {
              layer: lstm(),
              backward_layer: { class_name: "LSTM", config: { name: "bwd", units: 5, return_sequences: true, go_backwards: true } },
            },
            ["x"],
          ),
        ],
        ["x"],
        ["bi"],
      ),
      /layer "bi" \(Bidirectional\): its backward_layer is not the forward layer run backwards/,
    ],
    [
      "time_major=True",
      functional([input("x", [1, 4, 3]), layer("LSTM", "l", { units: 3, time_major: true }, ["x"])], ["x"], ["l"]),
      /layer "l" \(LSTM\): the setting time_major=true is not supported/,
    ],
    [
      "a setting rnnc has no parameter for",
      functional([input("x", [1, 3]), layer("Dense", "d", { units: 2, lora_rank: 4 }, ["x"])], ["x"], ["d"]),
      /layer "d" \(Dense\): the setting lora_rank=4 has no rnnc equivalent/,
    ],
    [
      "an activation rnnc does not have",
      functional([input("x", [1, 3]), layer("Dense", "d", { units: 2, activation: "swish" }, ["x"])], ["x"], ["d"]),
      /layer "d" \(Dense\): activation="swish" is not an activation rnnc has/,
    ],
    [
      "a merge layer applied twice",
      functional(
        [
          input("a", [1, 3]),
          input("b", [1, 3]),
          {
            class_name: "Add",
            name: "sum",
            config: { name: "sum" },
            inbound_nodes: [
              [
                ["a", 0, 0, {}],
                ["b", 0, 0, {}],
              ],
              [
                ["b", 0, 0, {}],
                ["a", 0, 0, {}],
              ],
            ],
          },
          layer("Concatenate", "cat", { axis: -1 }, ["sum", "sum"]),
        ],
        ["a", "b"],
        ["cat"],
      ),
      /layer "sum" \(Add\): it is applied more than once/,
    ],
  ];
  for (const [what, config, message] of cases) {
    it(what, async () => expect(await refusal(config)).toMatch(message));
  }

  it("a layer inside a nested model is named by its path", async () => {
    const inner = { ...functional([input("s", [null, 4, 3]), layer("Lambda", "fn", {}, ["s"])], ["s"], ["fn"], "Enc"), name: "Enc" };
    const outer = functional([input("x", [1, 4, 3]), { ...inner, inbound_nodes: [[["x", 0, 0, {}]]] }], ["x"], ["Enc"]);
    expect(await refusal(outer)).toMatch(/^bad\.keras: layer "Enc\/fn" \(Lambda\)/);
  });

  it("a model file without a model config (weights only)", async () => {
    const file: ModelFile = { info: { format: "weights.h5" }, weights: { layers: new Map(), source: "w.weights.h5" } };
    await expect(importModel(file, "w.weights.h5")).rejects.toThrow(/^w\.weights\.h5: holds weights but no model config/);
  });
});

describe("Keras 3.15's mask operations, checked against rnnc's own mask propagation", () => {
  const read = (name: string) => readModelFileAt(join(KERAS, name));
  const layerOf = (model: KerasModel, name: string) => model.layers.find((l) => l.name === name)!;

  it("a mask Keras applies but rnnc would not (the embedding made unmasked) is refused", async () => {
    const file = read("bilstm_concat_mask_state.keras");
    layerOf(file.model!, "emb").config["mask_zero"] = false;
    await expect(importModel(file, "m.keras")).rejects.toThrow(
      /^m\.keras: layer "bi" \(Bidirectional\): Keras applies a mask to this call that rnnc's mask propagation does not give/,
    );
  });

  it("a mask rnnc would apply but Keras does not (the mask= taken off the call) is refused", async () => {
    const file = read("simple_rnn_mask_right.keras");
    layerOf(file.model!, "rec").calls[0]!.mask = [];
    await expect(importModel(file, "m.keras")).rejects.toThrow(
      /layer "rec" \(SimpleRNN\): rnnc's mask propagation gives this call a mask that Keras does not apply/,
    );
  });

  it("a mask operation used as data is refused", async () => {
    const file = read("simple_rnn_mask_right.keras");
    const rec = layerOf(file.model!, "rec");
    rec.calls[0]!.args = [{ layer: rec.calls[0]!.mask[0]!.layer, node: 0, index: 0 }];
    await expect(importModel(file, "m.keras")).rejects.toThrow(
      /layer "rec" \(SimpleRNN\): it takes the result of the Keras operation "not_equal" \(NotEqual\), which rnnc has only as a mask/,
    );
  });

  it("the mask chains of every Keras 3 fixture agree (they import)", async () => {
    for (const name of ["bilstm_concat_mask_state", "bigru_sum_mask", "initial_state_with_mask", "simple_rnn_mask_right"]) {
      for (const ext of [".keras", ".h5"]) expect((await importModel(read(name + ext), name)).text).toContain("mask_zero=true");
    }
  });
});

describe("editions", () => {
  const hardSigmoidTf2 = {
    module: "builtins",
    class_name: "function",
    config: "hard_sigmoid_tf2",
    registered_name: "rnnc>hard_sigmoid_tf2",
  };

  it("a Keras 3 file with rnnc's registered tf.keras 2 hard_sigmoid is written as keras 2", async () => {
    const config = functional(
      [input("x", [1, 4, 3]), layer("GRU", "g", { units: 3, recurrent_activation: hardSigmoidTf2 }, ["x"])],
      ["x"],
      ["g"],
    );
    const result = await importModel(fileOf(config), "m.keras");
    expect(result.edition).toBe(2);
    expect(result.text).toContain("gru(3, recurrent_activation=hard_sigmoid");
  });

  it("…and refused when the model also uses Keras 3's hard_sigmoid", async () => {
    const config = functional(
      [
        input("x", [1, 4, 3]),
        layer("GRU", "g", { units: 3, return_sequences: true, recurrent_activation: hardSigmoidTf2 }, ["x"]),
        layer("LSTM", "l", { units: 3, recurrent_activation: "hard_sigmoid" }, ["g"]),
      ],
      ["x"],
      ["l"],
    );
    expect(await refusal(config)).toMatch(/layer "l" \(LSTM\): the model uses both Keras 3's hard_sigmoid and tf\.keras 2's/);
  });

  it("a Keras 2 .h5 and a tfjs model.json are keras 2, a Keras 3 file keras 3", async () => {
    const config = functional([input("x", [1, 3]), layer("Dense", "d", { units: 2 }, ["x"])], ["x"], ["d"]);
    expect((await importModel(fileOf(config, "m.h5", "2.15.0"), "m.h5")).edition).toBe(2);
    expect((await importModel(fileOf(config, "m.keras", "3.15.1"), "m.keras")).edition).toBe(3);
    expect(
      (await importModel({ ...fileOf(config), info: { format: "tfjs", kerasVersion: "tfjs-layers 4.22.0" } }, "model.json")).edition,
    ).toBe(2);
  });
});

describe("names", () => {
  it("Keras names that are not identifiers, or mean something else in .rnn, become bindings that check; the layers keep their names", async () => {
    const names = ["__proto__", "constructor", "lstm", "my-layer", "1st", "model", "tanh"];
    const layers: Json[] = [input("true", [1, 4, 3])];
    let previous = "true";
    for (const name of names) {
      layers.push(layer("SimpleRNN", name, { units: 3, return_sequences: true }, [previous]));
      previous = name;
    }
    const result = await importModel(fileOf(functional(layers, ["true"], [previous], "dense")), "m.keras");
    const checked = check(result.text);
    expect(checked.diagnostics).toEqual([]);
    expect([...new Set([...checked.layers.values()].map((l) => l.name))]).toEqual(names);
    expect(result.model).not.toBe("dense");
    expect(checked.models.map((m) => m.name)).toEqual([result.model]);
  });
});
