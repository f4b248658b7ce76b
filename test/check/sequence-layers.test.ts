// masking, activation, layer_norm, conv1d, global_avg_pool1d, global_max_pool1d and flatten
// (LANGUAGE.md §7): their shape rules, params and weights as Keras's summary() and get_weights(),
// Keras class names as aliases, how masks flow through them, and their mistakes.
import { describe, expect, it } from "vitest";
import { check, loadModel } from "../../src/index.js";
import type { WeightSet } from "../../src/types/tensor-data.js";
import { weightSet } from "../parity/generate.js";
import { flatten, type Nested } from "../parity/reference.js";
import { applyFix, codesOf, layerRowsOf, outputsOf, theDiagnostic } from "../helpers.js";

const one = (layer: string, input = "[2, 7, 5]") => outputsOf(`model M(x: ${input}) {\n  return ${layer}(x)\n}`)[0];

describe("shape rules", () => {
  it("conv1d: valid shortens by (k-1)·d, same and causal keep T, strides divide it as Keras", () => {
    expect(one("conv1d(8, 3)")).toBe("f32[2,5,8]");
    expect(one("conv1d(8, 3, dilation_rate=2)")).toBe("f32[2,3,8]");
    expect(one('conv1d(8, 3, padding="same")')).toBe("f32[2,7,8]");
    expect(one('conv1d(8, 3, padding="causal")')).toBe("f32[2,7,8]");
    expect(one('conv1d(8, 4, strides=2, padding="same")')).toBe("f32[2,4,8]");
    expect(one("conv1d(8, 3, strides=2)")).toBe("f32[2,3,8]");
    expect(one('conv1d(8, 3, strides=3, padding="causal")')).toBe("f32[2,3,8]");
  });
  it("conv1d keeps a named T where its length cannot change", () => {
    expect(one('conv1d(8, 3, padding="same")', "[B, T, 5]")).toBe("f32[B,T,8]");
    expect(one('conv1d(8, 2, padding="causal", dilation_rate=3)', "[B, T, 5]")).toBe("f32[B,T,8]");
    expect(one("conv1d(8, 1)", "[B, T, 5]")).toBe("f32[B,T,8]");
  });
  it("the others", () => {
    expect(one("masking()")).toBe("f32[2,7,5]");
    expect(one("activation(softmax)")).toBe("f32[2,7,5]");
    expect(one("layer_norm()", "[B, T, 5]")).toBe("f32[B,T,5]");
    expect(one("layer_norm()", "[B, 5]")).toBe("f32[B,5]");
    expect(one("global_avg_pool1d()", "[B, T, 5]")).toBe("f32[B,5]");
    expect(one("global_max_pool1d()", "[B, T, 5]")).toBe("f32[B,5]");
    expect(one("flatten()", "[B, 7, 5]")).toBe("f32[B,35]");
    expect(one("flatten()", "[B, 2, 3, 4]")).toBe("f32[B,24]");
  });
});

describe("params and weights as Keras", () => {
  const rowOf = (layer: string, input = "[B, T, 5]") => {
    const src = `model M(x: ${input}) {\n  return ${layer}(x)\n}`;
    expect(codesOf(src)).toEqual([]);
    return layerRowsOf(src)[0]!;
  };
  it("conv1d: kernel [k, F, filters], bias [filters]", () => {
    const row = rowOf('conv1d(8, 3, padding="same")');
    expect(row.weights).toEqual([
      { name: "kernel", shape: [3, 5, 8] },
      { name: "bias", shape: [8] },
    ]);
    expect(row.params).toBe(3 * 5 * 8 + 8);
    expect(rowOf('conv1d(8, 3, padding="same", use_bias=false)').params).toBe(120);
    expect(row.kerasClass).toBe("Conv1D");
    expect(row.name).toBe("conv1d");
  });
  it("layer_norm: gamma [F] then beta [F], each only when asked for", () => {
    const row = rowOf("layer_norm()");
    expect(row.weights).toEqual([
      { name: "gamma", shape: [5] },
      { name: "beta", shape: [5] },
    ]);
    expect(row.params).toBe(10);
    expect(row.name).toBe("layer_normalization");
    expect(rowOf("layer_norm(center=false)").weights).toEqual([{ name: "gamma", shape: [5] }]);
    expect(rowOf("layer_norm(scale=false)").weights).toEqual([{ name: "beta", shape: [5] }]);
    expect(rowOf("layer_norm(center=false, scale=false)").params).toBe(0);
  });
  it("the rest have none, and Keras's automatic names", () => {
    for (const [layer, name] of [
      ["masking()", "masking"],
      ["activation(relu)", "activation"],
      ["global_avg_pool1d()", "global_average_pooling1d"],
      ["global_max_pool1d()", "global_max_pooling1d"],
      ["flatten()", "flatten"],
    ] as const) {
      const row = rowOf(layer, "[B, 4, 5]");
      expect([row.name, row.params]).toEqual([name, 0]);
    }
  });
  it("Keras class names are aliases", () => {
    const src = `model M(x: [B, 6, 5]) {
  a = x |> Masking(mask_value=1.5) |> Activation(relu) |> LayerNormalization() |> Conv1D(4, 3)
  b = GlobalAveragePooling1D()(a)
  c = GlobalMaxPooling1D()(a)
  return b, c, Flatten()(a)
}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,4]", "f32[B,4]", "f32[B,16]"]);
  });
});

// Masks are checked by their effect on numbers: a GRU after a layer gives the numbers of the same GRU
// told the mask explicitly (passed), or told no mask (dropped).
describe("masks", () => {
  const B = 2;
  const T = 4;
  const x = { shape: [B, T, 2], data: Float32Array.from([1, 2, 0, 0, 3, -1, 0, 0, 0, 0, 0.5, 0.5, 2, 1, 0, 0]) };
  const used = { shape: [B, T], data: Uint8Array.from([1, 0, 1, 0, 0, 1, 1, 0]) };
  const gruWeights = (F: number): Nested[] => [
    Array.from({ length: F }, (_, i) => Array.from({ length: 6 }, (_, j) => 0.1 * (i + 1) - 0.05 * j)),
    Array.from({ length: 2 }, (_, i) => Array.from({ length: 6 }, (_, j) => 0.2 - 0.1 * i + 0.03 * j)),
    [Array.from({ length: 6 }, (_, j) => 0.01 * j), Array.from({ length: 6 }, () => -0.02)],
  ];
  /** Keras-layout weights from nested arrays. */
  const keras = (layers: Record<string, Nested[]>): WeightSet =>
    weightSet(Object.fromEntries(Object.entries(layers).map(([name, list]) => [name, list.map((w) => flatten(w))])));
  const run = (src: string, weights: WeightSet | undefined, inputs: Record<string, unknown>) => {
    const checked = check(src);
    expect(checked.diagnostics.map((d) => d.message)).toEqual([]);
    return Array.from(loadModel(checked, weights ? { weights } : {}).run(inputs as never)[0]!.data);
  };

  it("masking starts one (steps of all zeros), layer_norm and activation pass it, the GRU honours it", () => {
    const weights = keras({ g: gruWeights(2) });
    const viaMasking = run(
      `model M(x: [${B}, ${T}, 2]) {\n  return x |> masking() |> activation(linear) |> layer_norm(scale=false, center=false) |> gru(2, seq=true, name="g")\n}`,
      weights,
      { x },
    );
    const explicit = run(
      `model M(x: [${B}, ${T}, 2], m: bool[${B}, ${T}]) {\n  return gru(2, seq=true, name="g")(layer_norm(scale=false, center=false)(x), mask=m)\n}`,
      weights,
      { x, m: used },
    );
    expect(viaMasking).toEqual(explicit);
  });

  it("conv1d drops it: the GRU after it runs every step", () => {
    const weights = keras({
      c: [
        [
          [
            [1, 0],
            [0, 1],
          ],
        ],
        [0, 0],
      ],
      g: gruWeights(2),
    });
    const afterConv = run(
      `model M(x: [${B}, ${T}, 2]) {\n  return x |> masking() |> conv1d(2, 1, name="c") |> gru(2, seq=true, name="g")\n}`,
      weights,
      { x },
    );
    const unmasked = run(`model M(x: [${B}, ${T}, 2]) {\n  return x |> gru(2, seq=true, name="g")\n}`, keras({ g: gruWeights(2) }), { x });
    expect(afterConv).toEqual(unmasked);
  });

  it("global_avg_pool1d averages the kept steps; global_max_pool1d takes every step, as Keras", () => {
    const avg = run(`model M(x: [${B}, ${T}, 2]) {\n  return x |> masking() |> global_avg_pool1d()\n}`, undefined, { x });
    expect(avg).toEqual([2, 0.5, 1.25, 0.75]);
    const max = run(`model M(x: [${B}, ${T}, 2]) {\n  return x |> masking(-1) |> global_max_pool1d()\n}`, undefined, { x });
    expect(max).toEqual([3, 2, 2, 1]);
  });

  it("masking zeroes the masked steps of its output (-0 from a negative mask_value, as Keras's x·0)", () => {
    const y = run(`model M(x: [1, 2, 2]) {\n  return masking(-2)(x)\n}`, undefined, {
      x: [
        [
          [-2, -2],
          [-2, 1],
        ],
      ],
    });
    expect(y.map((v) => Object.is(v, -0))).toEqual([true, true, false, false]);
    expect(y.slice(2)).toEqual([-2, 1]);
  });
});

describe("mistakes", () => {
  it('a valid conv1d on a named T: RNN015 on padding\'s place, with the fix padding="same"', () => {
    const src = "model M(x: [B, T, 4]) {\n  return conv1d(8, 3)(x)\n}";
    const d = theDiagnostic(src, "RNN015");
    expect(d.message).toContain("named dim T");
    expect(d.fix).toBeDefined();
    const fixed = applyFix(src, d.fix!);
    expect(fixed).toContain('conv1d(8, 3, padding="same")');
    expect(codesOf(fixed)).toEqual([]);
  });
  it("strides on a named T, a padding Keras lacks, strides with dilation", () => {
    expect(codesOf('model M(x: [B, T, 4]) {\n  return conv1d(8, 3, strides=2, padding="same")(x)\n}')).toEqual(["RNN015"]);
    expect(theDiagnostic('model M(x: [B, 6, 4]) {\n  return conv1d(8, 3, padding="full")(x)\n}', "RNN015").message).toContain(
      '"valid", "same" or "causal"',
    );
    expect(codesOf("model M(x: [B, 6, 4]) {\n  return conv1d(8, 3, strides=2, dilation_rate=2)(x)\n}")).toEqual(["RNN015"]);
  });
  it("a misspelt padding gets a did-you-mean", () => {
    expect(theDiagnostic('model M(x: [B, T, 4]) {\n  return conv1d(8, 3, padding="casual")(x)\n}', "RNN015").message).toContain(
      "Did you mean 'causal'?",
    );
  });
  it("a valid conv1d longer than its input", () => {
    expect(theDiagnostic("model M(x: [B, 2, 4]) {\n  return conv1d(8, 3)(x)\n}", "RNN022").message).toContain("at least 3 steps");
  });
  it("wrong ranks, types, axes and values", () => {
    expect(codesOf("model M(x: [B, 4]) {\n  return conv1d(8, 1)(x)\n}")).toEqual(["RNN020"]);
    expect(codesOf("model M(x: [B, T, F]) {\n  return conv1d(8, 1)(x)\n}")).toEqual(["RNN023"]);
    expect(codesOf("model M(x: int[B, T, 3]) {\n  return masking()(x)\n}")).toEqual(["RNN021"]);
    expect(codesOf("model M(x: [B, 4]) {\n  return global_avg_pool1d()(x)\n}")).toEqual(["RNN020"]);
    expect(codesOf("model M(x: [B, T, 4]) {\n  return flatten()(x)\n}")).toEqual(["RNN023"]);
    expect(codesOf("model M(x: [B, T, 4]) {\n  return layer_norm(axis=1)(x)\n}")).toEqual(["RNN054"]);
    expect(codesOf("model M(x: [B, T, 4]) {\n  return layer_norm(epsilon=0)(x)\n}")).toEqual(["RNN015"]);
    expect(codesOf('model M(x: [B, T, 4]) {\n  return masking("zero")(x)\n}')).toEqual(["RNN015"]);
    expect(codesOf("model M(x: [B, T, 4]) {\n  return activation(gelu)(x)\n}")).toEqual(["RNN015"]);
  });
});
