// A nested model's call numbers as each writer records them: Keras 2 and tfjs count the model's own
// construction as its node 0 everywhere; Keras 3 only in input_layers/output_layers. Normalized, a
// nested model's calls are numbered from 0 like every layer's, and the import wires the right call.
import { describe, expect, it } from "vitest";
import { importModel } from "../../src/index.js";
import { normalizeModelConfig } from "../../src/model-files/keras-config.js";

type Json = Record<string, unknown>;

const inner: Json = {
  class_name: "Functional",
  name: "Branch",
  config: {
    name: "Branch",
    layers: [
      { class_name: "InputLayer", name: "i", config: { name: "i", batch_shape: [null, 3] }, inbound_nodes: [] },
      { class_name: "Dense", name: "d", config: { name: "d", units: 2 }, inbound_nodes: [[["i", 0, 0, {}]]] },
    ],
    input_layers: [["i", 0, 0]],
    output_layers: [["d", 0, 0]],
  },
};
const input = (name: string): Json => ({ class_name: "InputLayer", name, config: { name, batch_shape: [1, 3] }, inbound_nodes: [] });
const keras3Tensor = (layer: string, node: number) => ({
  class_name: "__keras_tensor__",
  config: { shape: [1, 3], dtype: "float32", keras_history: [layer, node, 0] },
});

describe("a nested model called twice", () => {
  it("Keras 2 / tfjs: references count from 1 everywhere", async () => {
    const config = {
      class_name: "Model",
      config: {
        name: "M",
        layers: [
          input("a"),
          input("b"),
          { ...inner, inbound_nodes: [[["a", 0, 0, {}]], [["b", 0, 0, {}]]] },
          {
            class_name: "Add",
            name: "sum",
            config: { name: "sum" },
            inbound_nodes: [
              [
                ["Branch", 1, 0, {}],
                ["Branch", 2, 0, {}],
              ],
            ],
          },
        ],
        input_layers: [
          ["a", 0, 0],
          ["b", 0, 0],
        ],
        output_layers: [
          ["sum", 0, 0],
          ["Branch", 2, 0],
        ],
      },
    };
    const model = normalizeModelConfig(config, "m.json");
    expect(model.layers[3]!.calls[0]!.args.map((r) => r.node)).toEqual([0, 1]);
    expect(model.outputs[1]).toEqual({ layer: "Branch", node: 1, index: 0 });
    const text = (await importModel({ info: { format: "tfjs" }, weights: { layers: new Map(), source: "m.json" }, model }, "m.json")).text;
    expect(text).toMatch(/(\w+) = Branch\(a\)\n\s+(\w+) = Branch\(b\)\n\s+(\w+) = add\(\1, \2, name="sum"\)\n\s+return \3, \2\n/);
  });

  it("Keras 3: inbound_nodes count from 0, output_layers from 1", async () => {
    const config = {
      class_name: "Functional",
      config: {
        name: "M",
        layers: [
          input("a"),
          input("b"),
          {
            ...inner,
            inbound_nodes: [
              { args: [keras3Tensor("a", 0)], kwargs: {} },
              { args: [keras3Tensor("b", 0)], kwargs: {} },
            ],
          },
          {
            class_name: "Add",
            name: "sum",
            config: { name: "sum" },
            inbound_nodes: [{ args: [[keras3Tensor("Branch", 0), keras3Tensor("Branch", 1)]], kwargs: {} }],
          },
        ],
        input_layers: [
          ["a", 0, 0],
          ["b", 0, 0],
        ],
        output_layers: [
          ["sum", 0, 0],
          ["Branch", 1, 0],
        ],
      },
    };
    const model = normalizeModelConfig(config, "m.keras");
    expect(model.layers[3]!.calls[0]!.args.map((r) => r.node)).toEqual([0, 1]);
    expect(model.outputs[1]).toEqual({ layer: "Branch", node: 0, index: 0 });
    const text = (
      await importModel(
        { info: { format: "keras", kerasVersion: "3.15.1" }, weights: { layers: new Map(), source: "m.keras" }, model },
        "m.keras",
      )
    ).text;
    expect(text).toMatch(/(\w+) = Branch\(a\)\n\s+(\w+) = Branch\(b\)\n\s+(\w+) = add\(\1, \2, name="sum"\)\n\s+return \3, \1\n/);
  });
});
