// Parameter counts as Keras's model.summary() gives them (KERAS-SEMANTICS.md §8, LANGUAGE.md §2),
// and the names of the rows (LANGUAGE.md §3).
import { describe, expect, it } from "vitest";
import { codesOf, layerRowsOf, modelOf, rowNamesOf } from "../helpers.js";
import { languageExample } from "../language-example.js";

/** The params of the one layer `layer` applied to an input with F features. */
function paramsOf(layer: string, F: number): number {
  const src = `model M(x: [B, T, ${F}]) {\n  return ${layer}(x)\n}`;
  expect(codesOf(src)).toEqual([]);
  const rows = layerRowsOf(src);
  expect(rows).toHaveLength(1);
  return rows[0]!.params;
}

// The formulas of KERAS-SEMANTICS.md §8, written out here rather than read from the checker.
const simpleRnn = (F: number, u: number, bias = true) => u * F + u * u + (bias ? u : 0);
const gru = (F: number, u: number, resetAfter = true, bias = true) => 3 * u * F + 3 * u * u + (bias ? (resetAfter ? 6 * u : 3 * u) : 0);
const lstm = (F: number, u: number, bias = true) => 4 * u * F + 4 * u * u + (bias ? 4 * u : 0);
const dense = (F: number, u: number, bias = true) => F * u + (bias ? u : 0);

describe("the blog numbers, F=5, u=3", () => {
  it("SimpleRNN 27", () => expect(paramsOf("rnn(3)", 5)).toBe(27));
  it("GRU 90 (reset_after=true, the default)", () => expect(paramsOf("gru(3)", 5)).toBe(90));
  it("GRU 81 (reset_after=false)", () => expect(paramsOf("gru(3, reset_after=false)", 5)).toBe(81));
  it("LSTM 108", () => expect(paramsOf("lstm(3)", 5)).toBe(108));
  it("bidirectional SimpleRNN 54", () => expect(paramsOf("birnn(3)", 5)).toBe(54));
  it("bidirectional GRU 180", () => expect(paramsOf("bigru(3)", 5)).toBe(180));
  it("bidirectional GRU reset_after=false 162", () => expect(paramsOf("bigru(3, reset_after=false)", 5)).toBe(162));
  it("bidirectional LSTM 216", () => expect(paramsOf("bilstm(3)", 5)).toBe(216));
  it("bidirectional(rnn(3)) 54", () => expect(paramsOf("bidirectional(rnn(3))", 5)).toBe(54));
  it("bidirectional(gru(3)) 180", () => expect(paramsOf("bidirectional(gru(3))", 5)).toBe(180));
  it("bidirectional(lstm(3)) 216", () => expect(paramsOf("bidirectional(lstm(3))", 5)).toBe(216));
});

describe("use_bias=false drops the bias terms", () => {
  it("SimpleRNN 24", () => expect(paramsOf("rnn(3, use_bias=false)", 5)).toBe(24));
  it("GRU 72 (no bias, so reset_after does not matter)", () => {
    expect(paramsOf("gru(3, use_bias=false)", 5)).toBe(72);
    expect(paramsOf("gru(3, use_bias=false, reset_after=false)", 5)).toBe(72);
  });
  it("LSTM 96", () => expect(paramsOf("lstm(3, use_bias=false)", 5)).toBe(96));
  it("bidirectional LSTM 192", () => expect(paramsOf("bilstm(3, use_bias=false)", 5)).toBe(192));
  it("bidirectional(gru(3, use_bias=false)) 144", () => expect(paramsOf("bidirectional(gru(3, use_bias=false))", 5)).toBe(144));
  it("dense F*u", () => expect(paramsOf("dense(4, use_bias=false)", 8)).toBe(32));
});

describe("nothing but units, F and use_bias changes the count", () => {
  it("seq, state, backwards, activations, initializers, unit_forget_bias, merge", () => {
    expect(
      paramsOf(
        "lstm(3, seq=true, backwards=true, activation=relu, recurrent_activation=hard_sigmoid, unit_forget_bias=false, kernel=zeros, recurrent=ones, bias=constant(1))",
        5,
      ),
    ).toBe(108);
    expect(paramsOf("bilstm(3, seq=true, merge=sum)", 5)).toBe(216);
    expect(paramsOf("bidirectional(gru(3, seq=true), merge=mul)", 5)).toBe(180);
  });

  it("merge=none and state=true", () => {
    const src = `model M(x: [B, T, 5]) {\n  f, b, fh, fc, bh, bc = bilstm(3, state=true, merge=none)(x)\n  return f, b\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(modelOf(src).params).toBe(216);
  });
});

describe("the formulas, at other sizes", () => {
  const sizes: [number, number][] = [
    [1, 1],
    [8, 16],
    [32, 256],
    [300, 7],
  ];
  for (const [F, u] of sizes) {
    it(`F=${F}, u=${u}`, () => {
      expect(paramsOf(`rnn(${u})`, F)).toBe(simpleRnn(F, u));
      expect(paramsOf(`gru(${u})`, F)).toBe(gru(F, u));
      expect(paramsOf(`gru(${u}, reset_after=false)`, F)).toBe(gru(F, u, false));
      expect(paramsOf(`lstm(${u})`, F)).toBe(lstm(F, u));
      expect(paramsOf(`birnn(${u})`, F)).toBe(2 * simpleRnn(F, u));
      expect(paramsOf(`bigru(${u})`, F)).toBe(2 * gru(F, u));
      expect(paramsOf(`bilstm(${u})`, F)).toBe(2 * lstm(F, u));
      expect(paramsOf(`lstm(${u}, use_bias=false)`, F)).toBe(lstm(F, u, false));
      expect(paramsOf(`dense(${u})`, F)).toBe(dense(F, u));
    });
  }
});

describe("the other layers", () => {
  it("dense F*u+u on rank 2, 3 and 4 (only the last axis counts)", () => {
    for (const input of ["[B, 8]", "[B, T, 8]", "[2, 3, 4, 8]"]) {
      const src = `model M(x: ${input}) {\n  return dense(4)(x)\n}`;
      expect(modelOf(src).params).toBe(36);
    }
  });

  it("embedding V*D", () => {
    expect(modelOf(`model M(t: int[B, T]) {\n  return embedding(1000, 16)(t)\n}`).params).toBe(16000);
  });

  it("dropout, repeat_vector, concat and add have none", () => {
    const src = `model M(x: [B, T, 8], v: [B, 8]) {\n  a = dropout(0.2)(x)\n  b = repeat_vector(4)(v)\n  c = concat(a, a)\n  d = add(a, a)\n  return b, c, d\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(layerRowsOf(src).map((r) => r.params)).toEqual([0, 0, 0, 0]);
  });

  it("time_distributed(dense(4)) has the dense's params", () => {
    expect(paramsOf("time_distributed(dense(4))", 8)).toBe(36);
  });
});

describe("weights in Keras get_weights() order and layout", () => {
  const weightsOf = (layer: string, F: number) => {
    const src = `model M(x: [B, T, ${F}]) {\n  return ${layer}(x)\n}`;
    return layerRowsOf(src)[0]!.weights.map((w) => [w.name, [...w.shape]]);
  };

  it("LSTM: kernel [F,4u], recurrent_kernel [u,4u], bias [4u]", () => {
    expect(weightsOf("lstm(3)", 5)).toEqual([
      ["kernel", [5, 12]],
      ["recurrent_kernel", [3, 12]],
      ["bias", [12]],
    ]);
  });

  it("GRU reset_after=true: bias [2,3u]", () => {
    expect(weightsOf("gru(3)", 5)).toEqual([
      ["kernel", [5, 9]],
      ["recurrent_kernel", [3, 9]],
      ["bias", [2, 9]],
    ]);
  });

  it("GRU reset_after=false: bias [3u]", () => {
    expect(weightsOf("gru(3, reset_after=false)", 5)[2]).toEqual(["bias", [9]]);
  });

  it("bidirectional: the forward layer's weights, then the backward's", () => {
    expect(weightsOf("birnn(3)", 5).map(([name]) => name)).toEqual([
      "forward_kernel",
      "forward_recurrent_kernel",
      "forward_bias",
      "backward_kernel",
      "backward_recurrent_kernel",
      "backward_bias",
    ]);
  });
});

describe("model totals", () => {
  it("the sum of the rows", () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> lstm(3, seq=true) |> gru(4) |> dense(2)\n}`;
    expect(modelOf(src).params).toBe(lstm(5, 3) + gru(3, 4) + dense(4, 2));
  });

  it("a shared layer counts once", () => {
    const src = `model M(x: [B, T, 5], y: [B, T, 5]) {\n  l = lstm(3)\n  return add(l(x), l(y))\n}`;
    expect(modelOf(src).params).toBe(lstm(5, 3));
  });

  it("a called model counts once however often it is called, as one row", () => {
    const src = `model Enc(x: [B, T, 5]) {\n  return lstm(3)(x)\n}\nmodel M(a: [B, T, 5], b: [B, T, 5]) {\n  return dense(2)(add(Enc(a), Enc(b)))\n}`;
    const m = modelOf(src, "M");
    expect(m.params).toBe(lstm(5, 3) + dense(3, 2));
    expect(m.rows.map((r) => [r.name, r.applications, r.params])).toEqual([
      ["Enc", 2, lstm(5, 3)],
      ["add", 1, 0],
      ["dense", 1, dense(3, 2)],
    ]);
  });

  it("bidirectional(l) copies l's configuration: its weights are its own", () => {
    const src = `model M(x: [B, T, 5]) {\n  l = lstm(3, seq=true)\n  return l(x), bidirectional(l)(x)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(modelOf(src).params).toBe(lstm(5, 3) + 2 * lstm(5, 3));
  });

  // Keras's TimeDistributed(d) wraps the layer d itself (no copy): applied directly too, d's kernel
  // is one set of weights, and model.summary()'s total counts it once (model.count_params() = 36).
  it("time_distributed(d) and d applied directly share d's weights: counted once in the total", () => {
    const src = `model M(x: [B, T, 8], v: [B, 8]) {\n  d = dense(4)\n  a = time_distributed(d)(x)\n  b = d(v)\n  return a, b\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(modelOf(src).params).toBe(dense(8, 4));
  });

  describe("the LANGUAGE.md §1 examples", () => {
    const file = languageExample;

    it("BiSeed: 216", () => {
      expect(modelOf(file, "BiSeed").params).toBe(216);
    });

    it("Seq2Seq: lstm(256) on 32 + lstm(256) on 40 + dense(40) on 256", () => {
      const m = modelOf(file, "Seq2Seq");
      expect(m.rows.map((r) => r.params)).toEqual([lstm(32, 256), lstm(40, 256), dense(256, 40)]);
      expect(m.params).toBe(lstm(32, 256) + lstm(40, 256) + dense(256, 40));
    });

    it("Tagger: embedding 10000×64 + bigru(128) on 64 + dense(17) on 256", () => {
      const m = modelOf(file, "Tagger");
      expect(m.rows.map((r) => r.params)).toEqual([10000 * 64, 2 * gru(64, 128), dense(256, 17)]);
      expect(m.params).toBe(10000 * 64 + 2 * gru(64, 128) + dense(256, 17));
    });
  });
});

describe("row names", () => {
  it("Keras-style automatic names, numbered per class: lstm, lstm_1, …", () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> lstm(3, seq=true) |> lstm(3, seq=true) |> gru(2, seq=true) |> lstm(3) |> dense(2) |> dense(1)\n}`;
    expect(rowNamesOf(src)).toEqual(["lstm", "lstm_1", "gru", "lstm_2", "dense", "dense_1"]);
  });

  it("Keras's base names and classes for every layer", () => {
    const src = `model M(x: [B, T, 5], t: int[B, T]) {
  a = rnn(3, seq=true)(x)
  b = gru(3, seq=true)(x)
  c = lstm(3, seq=true)(x)
  d = bilstm(3, seq=true)(x)
  e = dense(3)(x)
  f = embedding(10, 3)(t)
  g = dropout(0.1)(e)
  h = time_distributed(dense(3))(x)
  i = repeat_vector(2)(lstm(3)(x))
  j = concat(a, b)
  k = add(c, f)
  return d, g, h, i, j, k
}`;
    expect(codesOf(src)).toEqual([]);
    expect(layerRowsOf(src).map((r) => [r.name, r.kerasClass])).toEqual([
      ["simple_rnn", "SimpleRNN"],
      ["gru", "GRU"],
      ["lstm", "LSTM"],
      ["bidirectional", "Bidirectional"],
      ["dense", "Dense"],
      ["embedding", "Embedding"],
      ["dropout", "Dropout"],
      ["time_distributed", "TimeDistributed"],
      // bilstm stands for bidirectional(lstm(…)), whose inner lstm took "lstm_1" in Keras.
      ["lstm_2", "LSTM"],
      ["repeat_vector", "RepeatVector"],
      ["concatenate", "Concatenate"],
      ["add", "Add"],
    ]);
  });

  it("numbering starts again in each model", () => {
    const src = `model A(x: [B, T, 5]) {\n  return x |> lstm(3, seq=true) |> lstm(3)\n}\nmodel C(x: [B, T, 5]) {\n  return x |> lstm(3)\n}`;
    expect(rowNamesOf(src, "A")).toEqual(["lstm", "lstm_1"]);
    expect(rowNamesOf(src, "C")).toEqual(["lstm"]);
  });

  it("a layer bound to a name takes that name", () => {
    const src = `model M(x: [B, T, 5]) {\n  enc = lstm(4)\n  return enc(x)\n}`;
    expect(rowNamesOf(src)).toEqual(["enc"]);
  });

  it("binding the output does not name the layer", () => {
    const src = `model M(x: [B, T, 5]) {\n  enc = lstm(4)(x)\n  return enc\n}`;
    expect(rowNamesOf(src)).toEqual(["lstm"]);
  });

  it("a bound layer uses up its automatic name when built, as Keras names layers at construction", () => {
    const src = `model M(x: [B, T, 5]) {\n  enc = lstm(4, seq=true)\n  return x |> enc |> lstm(2)\n}`;
    expect(rowNamesOf(src)).toEqual(["enc", "lstm_1"]);
  });

  it('name="x" wins over the bound name', () => {
    const src = `model M(x: [B, T, 5]) {\n  enc = lstm(4, name="encoder")\n  return enc(x)\n}`;
    expect(rowNamesOf(src)).toEqual(["encoder"]);
  });

  it('name="…" on an unbound layer, and on a shorthand', () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> bilstm(4, seq=true, name="bi") |> dense(2, name="head")\n}`;
    expect(rowNamesOf(src)).toEqual(["bi", "head"]);
  });

  it("an automatic name skips one taken by name=", () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> lstm(3, seq=true, name="lstm") |> lstm(3)\n}`;
    expect(rowNamesOf(src)).toEqual(["lstm", "lstm_1"]);
  });

  it("a called model's row is the model's name", () => {
    const src = `model Enc(x: [B, T, 5]) {\n  return lstm(3)(x)\n}\nmodel M(a: [B, T, 5]) {\n  return a |> Enc |> dense(2)\n}`;
    expect(rowNamesOf(src, "M")).toEqual(["Enc", "dense"]);
  });

  // Keras builds the wrapped layer first, so `Bidirectional(LSTM(3))` uses up the name "lstm" (its
  // copies are named forward_lstm / backward_lstm) and the next LSTM() is "lstm_1". A weights file
  // exported from that Keras model names its layers so.
  it("a layer wrapped by bidirectional() uses up its automatic name, as in Keras", () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> bidirectional(lstm(3, seq=true)) |> lstm(3)\n}`;
    expect(rowNamesOf(src)).toEqual(["bidirectional", "lstm_1"]);
  });

  it("a layer wrapped by time_distributed() uses up its automatic name, as in Keras", () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> time_distributed(dense(4)) |> dense(2)\n}`;
    expect(rowNamesOf(src)).toEqual(["time_distributed", "dense_1"]);
  });
});
