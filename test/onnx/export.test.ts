// The ONNX exporter against rnnc's CPU backend (harness.ts): each model is exported, run in
// onnxruntime-node and compared with loadModel's outputs to 1e-5.
import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { check, DataError, exportOnnx } from "../../src/index.js";
import { compare } from "./harness.js";

describe("exportOnnx runs in onnxruntime-node with rnnc's numbers", () => {
  it("dense layers (linear, relu, softmax) on a named batch", async () => {
    await compare(`model M(x: [B, 6]) {\n  return x |> dense(5, activation=relu) |> dense(4) |> dense(3, activation=softmax)\n}`, { B: 3 });
  });

  it("embedding + lstm", async () => {
    await compare(`model M(ids: int[B, T]) {\n  return ids |> embedding(10, 4) |> lstm(5)\n}`, { B: 2, T: 6 });
  });

  it("gru with reset_after true and false, sequences and states", async () => {
    for (const resetAfter of [true, false]) {
      await compare(`model M(x: [B, T, 3]) {\n  y, h = gru(4, seq=true, state=true, reset_after=${resetAfter})(x)\n  return y, h\n}`, {
        B: 2,
        T: 5,
      });
    }
  });

  it("simple_rnn, seq=false and seq=true", async () => {
    await compare(`model M(x: [B, T, 3]) {\n  return rnn(4)(x), rnn(4, seq=true)(x)\n}`, { B: 2, T: 5 });
  });

  it("go_backwards, for each cell, with sequences in processing order", async () => {
    for (const cell of ["rnn", "gru", "lstm"]) {
      await compare(
        `model M(x: [B, T, 3]) {\n  a = ${cell}(4, seq=true, go_backwards=true)(x)\n  b = ${cell}(4, go_backwards=true)(x)\n  return a, b\n}`,
        { B: 2, T: 5 },
      );
    }
  });

  it("lstm with state=true returns h and c", async () => {
    await compare(`model M(x: [B, T, 3]) {\n  y, h, c = lstm(4, state=true)(x)\n  return y, h, c\n}`, { B: 3, T: 4 });
  });

  it("stacked recurrent layers and a dense head (examples/stacked.rnn)", async () => {
    await compare(
      `model S(x: [B, T, 16]) {\n  h1 = lstm(8, seq=true)(x)\n  h2 = gru(8, seq=true)(h1)\n  h3 = rnn(6)(h2)\n  return h3 |> dense(3, activation=softmax)\n}`,
      { B: 2, T: 7 },
    );
  });

  it("hard_sigmoid and linear activations inside the cell", async () => {
    await compare(`model M(x: [B, T, 3]) {\n  return lstm(4, recurrent_activation=hard_sigmoid, activation=linear)(x)\n}`, { B: 2, T: 5 });
    await compare(`keras 3\nmodel M(x: [B, T, 3]) {\n  return gru(4, recurrent_activation=hard_sigmoid)(x)\n}`, { B: 2, T: 5 });
  });

  it("bidirectional layers in every merge mode, the backward sequence re-aligned with time", async () => {
    for (const merge of ["concat", "sum", "mul", "ave"]) {
      await compare(`model M(x: [B, T, 3]) {\n  return bigru(4, seq=true, merge="${merge}")(x), bilstm(3, merge="${merge}")(x)\n}`, {
        B: 2,
        T: 5,
      });
    }
  });

  it("a bidirectional layer is one ONNX node (direction=bidirectional) with its initial states and states", async () => {
    const source = `model M(x: [B, T, 3], a: [B, 3], b: [B, 3], c: [B, 3], d: [B, 3]) {\n  y, hf, cf, hb, cb = bilstm(3, seq=true, state=true)(x, initial=(a, b, c, d))\n  zf, zb, gf, gb = bigru(3, state=true, merge="none", reset_after=false)(x, initial=(a, c))\n  return y, hf, cf, hb, cb, zf, zb, gf, gb\n}`;
    await compare(source, { B: 2, T: 5 });
    const text = Buffer.from(exportOnnx(check(source))).toString("latin1");
    expect(text.match(/\bLSTM_\d+/g)).toHaveLength(1);
    expect(text.match(/\bGRU_\d+/g)).toHaveLength(1);
    expect(text.match(/bidirectional/g)).toHaveLength(2);
  });

  it("time_distributed (dense and a recurrent layer) and repeat_vector, on named dims", async () => {
    await compare(
      `model M(x: [B, T, 3]) {\n  e = lstm(4)(x)\n  d = repeat_vector(5)(e) |> gru(4, seq=true)\n  return d |> time_distributed(dense(2, activation=softmax))\n}`,
      { B: 2, T: 3 },
    );
    await compare(`model M(x: [B, T, S, 3]) {\n  return time_distributed(lstm(4))(x)\n}`, { B: 2, T: 3, S: 4 });
  });

  it("the examples' seq2seq models (a called model inlined, its states as the decoder's initial states)", async () => {
    const source = readFileSync("examples/seq2seq.rnn", "utf8");
    await compare(source, { B: 2, T: 5, S: 4 }, "Seq2Seq");
    await compare(source, { B: 2, T: 5, S: 4 }, "Translator");
  });

  it("layer_norm (with and without scale and center), pooling, flatten and the element-wise merges", async () => {
    await compare(
      `model M(x: [B, 5, 3]) {\n  a = x |> layer_norm() |> gru(4, seq=true)\n  b = x |> layer_norm(center=false, scale=false, epsilon=0.01) |> rnn(4, seq=true)\n  return global_avg_pool1d()(a), global_max_pool1d()(b), maximum(a, b) |> flatten(), average(a, b), multiply(a, b)\n}`,
      { B: 2 },
    );
  });

  it("inputs named like the exporter's own names do not clash with them", async () => {
    const checked = check(`model M(v0: [B, 3], output_0: [B, 3]) {\n  return dense(2)(v0), output_0\n}`);
    const session = await ort.InferenceSession.create(exportOnnx(checked));
    expect(session.inputNames).toEqual(["v0", "output_0"]);
    expect(session.outputNames).toEqual(["output_0_", "output_1"]);
    await session.release();
  });

  it("initial states", async () => {
    await compare(`model M(x: [B, T, 3], h0: [B, 4], c0: [B, 4]) {\n  return lstm(4)(x, initial=(h0, c0))\n}`, { B: 2, T: 5 });
  });
});

describe("exportOnnx refuses a request it cannot serve", () => {
  it("an unknown model name, listing the file's models", () => {
    const checked = check(`model A(x: [B, 3]) {\n  return dense(2)(x)\n}\nmodel C(x: [B, 3]) {\n  return x\n}`);
    expect(() => exportOnnx(checked, { model: "D" })).toThrow(DataError);
    expect(() => exportOnnx(checked, { model: "D" })).toThrow(/^no model named "?D"? \(models: "?A"?, "?C"?\)$/);
  });
});
