// Hostile configs given to rnnc import: each a clear error (or a clean import), quickly — no hang,
// no stack overflow, no prototype pollution.
import { describe, expect, it } from "vitest";
import { check, importModel } from "../../src/index.js";
import { normalizeModelConfig } from "../../src/model-files/keras-config.js";
import type { ModelFile } from "../../src/model-files/binary-model-file.js";

type Json = Record<string, unknown>;

const input = (name: string, shape: unknown): Json => ({
  class_name: "InputLayer",
  name,
  config: { name, batch_shape: shape },
  inbound_nodes: [],
});
const dense = (name: string, from: string, node = 0, index = 0): Json => ({
  class_name: "Dense",
  name,
  config: { name, units: 2 },
  inbound_nodes: [[[from, node, index, {}]]],
});
const functional = (layers: Json[], inputs: string[], outputs: [string, number, number][], name = "M"): Json => ({
  class_name: "Functional",
  name,
  config: { name, layers, input_layers: inputs.map((i) => [i, 0, 0]), output_layers: outputs },
});

async function importConfig(config: Json): ReturnType<typeof importModel> {
  const file: ModelFile = {
    info: { format: "keras", kerasVersion: "3.15.1" },
    weights: { layers: new Map(), source: "h.keras" },
    model: normalizeModelConfig(config, "h.keras"),
  };
  return await importModel(file, "h.keras");
}

describe("hostile configs", () => {
  it("a cycle in the inbound nodes", async () => {
    const config = functional([input("x", [1, 2]), dense("a", "b"), dense("b", "a")], ["x"], [["b", 0, 0]]);
    await expect(importConfig(config)).rejects.toThrow(/^h\.keras: layer "[ab]" \(Dense\): its inbound nodes form a cycle/);
  });

  it("a layer that takes its own output", async () => {
    await expect(importConfig(functional([input("x", [1, 2]), dense("a", "a")], ["x"], [["a", 0, 0]]))).rejects.toThrow(
      /layer "a" \(Dense\): its inbound nodes form a cycle/,
    );
  });

  it("a reference to a layer the model does not have, to a call it never had, to an output it does not give", async () => {
    await expect(importConfig(functional([input("x", [1, 2]), dense("a", "ghost")], ["x"], [["a", 0, 0]]))).rejects.toThrow(
      /takes a tensor from "ghost", which the model does not have/,
    );
    await expect(importConfig(functional([input("x", [1, 2]), dense("a", "x")], ["x"], [["a", 3, 0]]))).rejects.toThrow(
      /layer "a" \(Dense\): a tensor comes from its call 3, but its inbound_nodes list 1/,
    );
    await expect(importConfig(functional([input("x", [1, 2]), dense("a", "x")], ["x"], [["a", 0, 5]]))).rejects.toThrow(
      /returns output 5 of "a", which that layer does not have/,
    );
  });

  it("models nested deeper than the reader allows", async () => {
    let model: Json = functional([input("x", [1, 2]), dense("d", "x")], ["x"], [["d", 0, 0]], "m0");
    for (let i = 1; i < 100; i++) {
      model = functional([input("x", [1, 2]), { ...model, inbound_nodes: [[["x", 0, 0, {}]]] }], ["x"], [[`m${i - 1}`, 0, 0]], `m${i}`);
    }
    await expect(importConfig(model)).rejects.toThrow(/models nested more than 32 deep/);
  });

  it("a long chain of layers imports without exhausting the stack", async () => {
    const layers: Json[] = [input("x", [1, 2])];
    for (let i = 0; i < 3000; i++) layers.push(dense(`d${i}`, i === 0 ? "x" : `d${i - 1}`));
    const started = performance.now();
    const result = await importConfig(functional(layers, ["x"], [["d2999", 0, 0]]));
    expect(result.text.split("\n").length).toBeGreaterThan(3000);
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 30_000);

  it("huge, negative or fractional declared shapes", async () => {
    await expect(importConfig(functional([input("x", [1e12, 2]), dense("a", "x")], ["x"], [["a", 0, 0]]))).rejects.toThrow(
      /layer "x" \(InputLayer\): the input's dimension 0 is 1000000000000, outside 1…16777216/,
    );
    await expect(importConfig(functional([input("x", [1, -2]), dense("a", "x")], ["x"], [["a", 0, 0]]))).rejects.toThrow(
      /dimension 1 is -2/,
    );
    await expect(importConfig(functional([input("x", new Array(40).fill(1)), dense("a", "x")], ["x"], [["a", 0, 0]]))).rejects.toThrow(
      /rank 40; rnnc takes at most 8/,
    );
  });

  it("names like __proto__ and constructor everywhere: no prototype is touched", async () => {
    const config = functional(
      [input("__proto__", [1, 2]), dense("constructor", "__proto__"), dense("hasOwnProperty", "constructor")],
      ["__proto__"],
      [["hasOwnProperty", 0, 0]],
      "__proto__",
    );
    const result = await importConfig(config);
    expect(check(result.text).diagnostics).toEqual([]);
    expect(({} as Record<string, unknown>)["units"]).toBeUndefined();
  });

  it("two layers of one name", async () => {
    await expect(importConfig(functional([input("x", [1, 2]), dense("a", "x"), dense("a", "x")], ["x"], [["a", 0, 0]]))).rejects.toThrow(
      /layer "a" \(Dense\): two layers of the model have this name/,
    );
  });
});
