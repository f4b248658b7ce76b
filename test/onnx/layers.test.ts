// Every non-recurrent op exported to ONNX and run in onnxruntime-node gives rnnc's CPU backend's
// numbers (harness.ts: 1e-5, NaN where rnnc has NaN), on named dims, under each kind of mask an op
// takes: post- and pre-padded, with holes, a row that keeps nothing, a row that keeps everything.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CheckedModel } from "../../src/check/program.js";
import { evaluateNode } from "../../src/backends/cpu/executor.js";
import { GraphBuilder } from "../../src/ir/graph.js";
import { lowerLayerOp } from "../../src/onnx/layers.js";
import { OnnxWriter } from "../../src/onnx/writer.js";
import { check, exportOnnx, loadModel, type TensorData } from "../../src/index.js";
import { compare, compareSizes, inputFor, runOnnx } from "./harness.js";

/** Ids [4, 5]: post-padded, pre-padded, a row of padding only (nothing kept), holes. */
const PADDED_IDS: TensorData = {
  shape: [4, 5],
  data: Int32Array.from([3, 4, 9, 0, 0, 0, 0, 2, 5, 7, 0, 0, 0, 0, 0, 1, 0, 2, 0, 3]),
};

/** Ids [4, 5] with another pattern (for merged masks): everything kept in row 0, nothing in row 3. */
const OTHER_IDS: TensorData = {
  shape: [4, 5],
  data: Int32Array.from([1, 2, 3, 4, 5, 0, 6, 0, 8, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0]),
};

/** Random floats of `shape` with every feature of the steps that PADDED_IDS pads set to `value` (a Masking input). */
function paddedFloats(shape: number[], value: number, seed: number): TensorData {
  const x = inputFor("f32", shape, {}, seed);
  const features = shape[shape.length - 1]!;
  const data = x.data as Float32Array;
  for (let step = 0; step < data.length / features; step++) {
    if ((PADDED_IDS.data as Int32Array)[step % 20] === 0) data.fill(value, step * features, (step + 1) * features);
  }
  return x;
}

describe("mask ops and the ops that read masks", () => {
  it("embedding(mask_zero) into a masked mean (NaN for a row that keeps nothing, as rnnc) and an unmasked max", async () => {
    const source = `model M(ids: int[B, T]) {\n  e = embedding(10, 3, mask_zero=true)(ids)\n  return global_avg_pool1d()(e), global_max_pool1d()(e)\n}`;
    await compare(source, {}, { inputs: { ids: PADDED_IDS } });
    // The NaN row is rnnc's own answer (0/0), not an artefact of the comparison.
    const [mean] = loadModel(check(source)).run({ ids: PADDED_IDS });
    expect(Number.isNaN(mean!.data[2 * 3])).toBe(true);
  });

  it("masking() (default and other mask values) on its values and through a masked mean", async () => {
    for (const value of [0, 0.5, -2]) {
      const x = paddedFloats([4, 5, 3], value, 5);
      // A kept step with one feature equal to the mask value: kept, since not every feature equals it.
      (x.data as Float32Array)[3 * 5 * 3 + 4 * 3 + 1] = value;
      await compare(
        `model M(x: [B, T, 3]) {\n  m = masking(mask_value=${value})(x)\n  return m, global_avg_pool1d()(m), global_max_pool1d()(m)\n}`,
        {},
        { inputs: { x } },
      );
    }
  });

  it("merged masks: keras 2 ANDs them, keras 3 ORs them (add, then a masked mean)", async () => {
    for (const edition of ["keras 2", "keras 3"]) {
      await compare(
        `${edition}\nmodel M(a: int[B, T], b: int[B, T]) {\n  x = embedding(10, 3, mask_zero=true)(a)\n  y = embedding(10, 3, mask_zero=true)(b)\n  return add(x, y) |> global_avg_pool1d()\n}`,
        {},
        { inputs: { a: PADDED_IDS, b: OTHER_IDS } },
      );
    }
  });

  it("keras 3 multiply and maximum under masks (where with fill and with y), masked and unmasked inputs", async () => {
    await compare(
      `keras 3\nmodel M(a: int[B, T], b: int[B, T], c: [B, T, 3]) {\n  x = embedding(10, 3, mask_zero=true)(a)\n  y = embedding(10, 3, mask_zero=true)(b)\n  return multiply(x, y), maximum(x, y), multiply(x, c), maximum(c, x), maximum(x, c, y) |> global_avg_pool1d()\n}`,
      {},
      { inputs: { a: PADDED_IDS, b: OTHER_IDS, c: inputFor("f32", [4, 5, 3], {}, 3) } },
    );
  });
});

describe("conv1d patches (im2col)", () => {
  const geometry = (k: number, strides: number, dilation: number, padding: string) =>
    `conv1d(4, ${k}, strides=${strides}, dilation_rate=${dilation}, padding="${padding}")`;

  it("every padding, strides and dilation on a fixed length", async () => {
    for (const steps of [9, 10]) {
      for (const padding of ["valid", "same", "causal"]) {
        for (const k of [1, 2, 3, 4]) {
          for (const [strides, dilation] of [
            [1, 1],
            [2, 1],
            [3, 1],
            [1, 2],
          ]) {
            await compare(`model M(x: [B, ${steps}, 3]) {\n  return ${geometry(k, strides!, dilation!, padding)}(x)\n}`, { B: 2 });
          }
        }
      }
    }
  });

  it("same and causal (and valid with kernel 1) on a named T, one exported model for several lengths", async () => {
    for (const padding of ["same", "causal"]) {
      for (const k of [1, 2, 3, 4]) {
        for (const dilation of [1, 2]) {
          const source = `model M(x: [B, T, 3]) {\n  return ${geometry(k, 1, dilation, padding)}(x)\n}`;
          await compareSizes(
            source,
            [1, 4, 7].map((T) => ({ B: 2, T })),
          );
        }
      }
    }
    await compareSizes(`model M(x: [B, T, 3]) {\n  return conv1d(4, 1, activation=relu)(x)\n}`, [
      { B: 2, T: 5 },
      { B: 1, T: 2 },
    ]);
  });

  it("a conv1d stack with activations ahead of a recurrent layer (a named T)", async () => {
    await compare(
      `model M(x: [B, T, 5]) {\n  return x |> conv1d(6, 3, padding="causal", activation=relu) |> conv1d(4, 2, padding="same", dilation_rate=2) |> gru(3)\n}`,
      { B: 2, T: 6 },
    );
  });
});

describe("attention", () => {
  /** query ids [4, 5] (mask_zero: PADDED_IDS), values [4, 5, 4] masked where PADDED_IDS is 0 but read with another pattern. */
  const inputs = () => ({ qi: PADDED_IDS, v: paddedFloats([4, 5, 4], 0, 11), k: inputFor("f32", [4, 5, 4], {}, 12) });
  const settings = [
    "",
    "use_scale=true",
    "use_causal_mask=true",
    "use_scale=true, use_causal_mask=true",
    'score_mode="concat"',
    'score_mode="concat", use_scale=true, use_causal_mask=true',
  ];

  it("attention: dot and concat scores, use_scale, causal; query and value masks (a fully masked value row); scores returned", async () => {
    for (const s of settings) {
      const extra = s === "" ? "" : `, ${s}`;
      await compare(
        `model M(qi: int[B, Tq], v: [B, Tv, 4], k: [B, Tv, 4]) {\n  q = embedding(10, 4, mask_zero=true)(qi)\n  vm = masking()(v)\n  o, w = attention(q, vm${extra}, return_attention_scores=true)\n  o2 = attention(q, v, k${extra})\n  o3 = attention(v, q${extra})\n  return o, w, o2, o3\n}`,
        {},
        { inputs: inputs() },
      );
    }
  });

  it("additive_attention with and without scale, causal, masked, with a key", async () => {
    for (const s of ["", "use_scale=false", "use_causal_mask=true", "use_scale=false, use_causal_mask=true"]) {
      const extra = s === "" ? "" : `, ${s}`;
      await compare(
        `model M(qi: int[B, Tq], v: [B, Tv, 4], k: [B, Tv, 4]) {\n  q = embedding(10, 4, mask_zero=true)(qi)\n  vm = masking()(v)\n  o, w = additive_attention(q, vm${extra}, return_attention_scores=true)\n  return o, w, additive_attention(q, v, k${extra}), additive_attention(vm, q${extra})\n}`,
        {},
        { inputs: inputs() },
      );
    }
  });

  it("query and value lengths that differ, on named dims (examples/attention-seq2seq.rnn's shape)", async () => {
    await compareSizes(
      `model M(q: [B, Tq, 6], v: [B, Tv, 6]) {\n  o, w = attention(q, v, use_scale=true, return_attention_scores=true)\n  return o, w, additive_attention(q, v)\n}`,
      [
        { B: 2, Tq: 3, Tv: 7 },
        { B: 1, Tq: 5, Tv: 2 },
      ],
    );
  });
});

describe("ops that the passes usually fold", () => {
  it("row (a GRU bias row), lowered on a graph that computes it at run time", async () => {
    // Folding turns a row of a weight into a constant; a hand-built graph keeps it as an op.
    const b = new GraphBuilder();
    const matrix = b.input("m", "f32", [3, 4]);
    const row = b.op({ kind: "row", index: 1 }, [matrix], "row");
    b.graph.outputs.push(row);
    const w = new OnnxWriter(b.graph);
    for (const node of b.graph.nodes) lowerLayerOp(w, node, "gru");
    const model = { name: "Row", outputs: [{ kind: "tensor", dtype: "f32", dims: [4] }] } as unknown as CheckedModel;
    const m = inputFor("f32", [3, 4], {}, 4);
    const [got] = await runOnnx(w.finish(model), { m });
    const want = evaluateNode(b.graph, b.graph.nodes[1]!, [m])[0]!;
    expect(got!.shape).toEqual([4]);
    expect(Array.from(got!.data)).toEqual(Array.from(want.data));
  });
});

describe("embedding ids outside the table", () => {
  // ONNX's Gather reads -1 as the last row; rnnc and Keras refuse it, and so does the export (docs/decisions.md).
  it("a negative id is refused by ONNX Runtime, as an id past the table is, and as rnnc refuses both", async () => {
    const checked = check(`model M(ids: int[B, T]) {\n  return embedding(10, 3)(ids)\n}`);
    const bytes = exportOnnx(checked);
    for (const bad of [-1, -10, 10]) {
      const ids = { shape: [1, 3], data: Int32Array.from([1, bad, 2]) };
      await expect(runOnnx(bytes, { ids })).rejects.toThrow(/out of (data )?bounds/i);
      expect(() => loadModel(checked).run({ ids })).toThrow(/outside the embedding's vocabulary/);
    }
    const [rows] = await runOnnx(bytes, { ids: { shape: [1, 2], data: Int32Array.from([0, 9]) } });
    expect(rows!.shape).toEqual([1, 2, 3]);
  });
});

/** Every model of every example (masked recurrent layers included). */
describe("the examples export and run with rnnc's numbers", () => {
  const files = readdirSync("examples").filter((f) => f.endsWith(".rnn"));
  // Two sizes of the named dims for one exported model: they stay symbolic in it.
  const sizes = [
    { B: 2, T: 5, S: 4 },
    { B: 1, T: 3, S: 6 },
  ];

  for (const file of files) {
    it(file, async () => {
      const source = readFileSync(`examples/${file}`, "utf8");
      const checked = check(source);
      // mistakes.rnn holds a model per mistake, each meant to fail the checker: nothing to export.
      if (file === "mistakes.rnn") {
        expect(checked.diagnostics.some((d) => d.severity === "error")).toBe(true);
        return;
      }
      for (const model of checked.models) {
        await compareSizes(source, sizes, { model: model.name });
      }
    });
  }
});
