// LANGUAGE.md §2's shape table, every cell, and the shapes of the other layers. Types are asserted
// exactly as the checker prints them (formatType: `f32[1,4,6]`, no spaces).
import { describe, expect, it } from "vitest";
import { formatType } from "../../src/index.js";
import { check, codesOf, layerRowsOf, modelOf, outputsOf, typesOf } from "../helpers.js";
import { languageExample } from "../language-example.js";

type Cell = "rnn" | "gru" | "lstm";
type MergeMode = "concat" | "sum" | "mul" | "ave" | "none";

const CELLS: readonly Cell[] = ["rnn", "gru", "lstm"];
const MERGES: readonly MergeMode[] = ["concat", "sum", "mul", "ave", "none"];
const STATES: Record<Cell, number> = { rnn: 1, gru: 1, lstm: 2 };

/** The two ways of writing the input: fixed dims and named dims. B and T are what the outputs carry. */
const INPUTS = [
  { input: "[1, 4, 5]", B: "1", T: "4" },
  { input: "[B, T, 5]", B: "B", T: "T" },
] as const;

const U = 3;

/** The LANGUAGE.md table, written as rules: the output, then the states (each `[B,u]`). */
function out(B: string, T: string, seq: boolean, width: number): string {
  return seq ? `f32[${B},${T},${width}]` : `f32[${B},${width}]`;
}

function plainExpected(cell: Cell, B: string, T: string, seq: boolean, state: boolean): string[] {
  const states = state ? Array.from({ length: STATES[cell] }, () => `f32[${B},${U}]`) : [];
  return [out(B, T, seq, U), ...states];
}

function biExpected(cell: Cell, B: string, T: string, seq: boolean, state: boolean, merge: MergeMode): string[] {
  const outputs = merge === "none" ? [out(B, T, seq, U), out(B, T, seq, U)] : [out(B, T, seq, merge === "concat" ? 2 * U : U)];
  // Forward states, then backward states: fh[, fc], bh[, bc].
  const states = state ? Array.from({ length: 2 * STATES[cell] }, () => `f32[${B},${U}]`) : [];
  return [...outputs, ...states];
}

/** A model that binds every output of `layer` applied to x (exact arity) and returns them all. */
function snippet(input: string, layer: string, arity: number): string {
  const names = Array.from({ length: arity }, (_, i) => `o${i + 1}`).join(", ");
  return `model M(x: ${input}) {\n  ${names} = ${layer}(x)\n  return ${names}\n}\n`;
}

function flags(seq: boolean, state: boolean): string {
  return `${seq ? ", seq=true" : ""}${state ? ", state=true" : ""}`;
}

describe("plain recurrent layers: rnn, gru, lstm × seq × state", () => {
  for (const { input, B, T } of INPUTS) {
    for (const cell of CELLS) {
      for (const seq of [false, true]) {
        for (const state of [false, true]) {
          const layer = `${cell}(${U}${flags(seq, state)})`;
          const expected = plainExpected(cell, B, T, seq, state);
          it(`${layer} on ${input} → ${expected.join(", ")}`, () => {
            const src = snippet(input, layer, expected.length);
            expect(codesOf(src)).toEqual([]);
            expect(outputsOf(src)).toEqual(expected);
          });
        }
      }
    }
  }
});

describe("bidirectional(cell(...)) and bilstm/bigru/birnn × seq × state × merge", () => {
  for (const { input, B, T } of INPUTS) {
    for (const cell of CELLS) {
      for (const seq of [false, true]) {
        for (const state of [false, true]) {
          for (const merge of MERGES) {
            const expected = biExpected(cell, B, T, seq, state, merge);
            const mergeArg = merge === "concat" ? "" : `, merge=${merge}`;
            const wrapped = `bidirectional(${cell}(${U}${flags(seq, state)})${mergeArg})`;
            const shorthand = `bi${cell}(${U}${flags(seq, state)}${mergeArg})`;
            for (const layer of [wrapped, shorthand]) {
              it(`${layer} on ${input} → ${expected.length} values: ${expected.join(", ")}`, () => {
                const src = snippet(input, layer, expected.length);
                expect(codesOf(src)).toEqual([]);
                expect(outputsOf(src)).toEqual(expected);
              });
            }
          }
        }
      }
    }
  }
});

describe("the table's cells, written out", () => {
  it("bilstm(3, seq=true, state=true) on [1,4,5] is the 5-tuple of KERAS-SEMANTICS §1.2", () => {
    const src = `model M(x: [1, 4, 5]) {\n  r = bilstm(3, seq=true, state=true)(x)\n  return x\n}`;
    expect(typesOf(src).r).toBe("(f32[1,4,6],f32[1,3],f32[1,3],f32[1,3],f32[1,3])");
  });

  it("bilstm(3, seq=true, state=true, merge=none) is 6 values: forward, backward, fh, fc, bh, bc", () => {
    const src = `model M(x: [1, 4, 5]) {\n  r = bilstm(3, seq=true, state=true, merge=none)(x)\n  return x\n}`;
    expect(typesOf(src).r).toBe("(f32[1,4,3],f32[1,4,3],f32[1,3],f32[1,3],f32[1,3],f32[1,3])");
  });

  it("bigru(3, state=true) is 3 values ([B,2u], fh, bh)", () => {
    const src = `model M(x: [B, T, 5]) {\n  r = bigru(3, state=true)(x)\n  return x\n}`;
    expect(typesOf(src).r).toBe("(f32[B,6],f32[B,3],f32[B,3])");
  });

  it("birnn(3, seq=true, state=true, merge=none) is 4 values", () => {
    const src = `model M(x: [B, T, 5]) {\n  r = birnn(3, seq=true, state=true, merge=none)(x)\n  return x\n}`;
    expect(typesOf(src).r).toBe("(f32[B,T,3],f32[B,T,3],f32[B,3],f32[B,3])");
  });

  it("lstm(3, state=true) destructures to y, h, c", () => {
    const src = `model M(x: [B, T, 5]) {\n  y, h, c = lstm(3, state=true)(x)\n  return y, h, c\n}`;
    expect(typesOf(src)).toEqual({ x: "f32[B,T,5]", y: "f32[B,3]", h: "f32[B,3]", c: "f32[B,3]" });
  });

  it("explicit seq=false, state=false is the default", () => {
    const src = `model M(x: [B, T, 5]) {\n  a = lstm(3, seq=false, state=false)(x)\n  b = lstm(3)(x)\n  return a, b\n}`;
    expect(outputsOf(src)).toEqual(["f32[B,3]", "f32[B,3]"]);
  });

  it("merge=concat written out is the default", () => {
    const src = `model M(x: [B, T, 5]) {\n  return bilstm(3, seq=true, merge=concat)(x)\n}`;
    expect(outputsOf(src)).toEqual(["f32[B,T,6]"]);
  });

  it("the units change the width: bigru(7, seq=true) on [B,T,5] → [B,T,14]", () => {
    const src = `model M(x: [B, T, 5]) {\n  return bigru(7, seq=true)(x)\n}`;
    expect(outputsOf(src)).toEqual(["f32[B,T,14]"]);
  });
});

describe("backwards=true keeps the shapes", () => {
  for (const cell of CELLS) {
    for (const seq of [false, true]) {
      for (const state of [false, true]) {
        const layer = `${cell}(${U}${flags(seq, state)}, backwards=true)`;
        const expected = plainExpected(cell, "B", "T", seq, state);
        it(`${layer} → ${expected.join(", ")}`, () => {
          const src = snippet("[B, T, 5]", layer, expected.length);
          expect(codesOf(src)).toEqual([]);
          expect(outputsOf(src)).toEqual(expected);
        });
      }
    }
  }
});

describe("Keras keyword names give the same types", () => {
  const cases: [string, string][] = [
    ["lstm(3, seq=true, state=true, backwards=true)", "lstm(3, return_sequences=true, return_state=true, go_backwards=true)"],
    ["lstm(3, seq=true)", "lstm(units=3, return_sequences=true)"],
    ["gru(3, seq=true, state=true)", "gru(3, return_sequences=true, return_state=true, reset_after=false)"],
    ["rnn(3, state=true)", "rnn(3, return_state=true, kernel_initializer=zeros, recurrent_initializer=orthogonal, bias_initializer=ones)"],
    [
      "lstm(3)",
      "lstm(3, kernel_initializer=glorot_uniform(seed=1), recurrent_initializer=orthogonal(seed=2), bias_initializer=constant(0.5), unit_forget_bias=false, use_bias=true)",
    ],
    ["lstm(3)", "lstm(3, activation=relu, recurrent_activation=hard_sigmoid)"],
    ["lstm(3)", 'lstm(3, activation="tanh", recurrent_activation="sigmoid")'],
    ["rnn(3, seq=true)", "simple_rnn(3, return_sequences=true)"],
    ["rnn(3, seq=true)", "SimpleRNN(3, return_sequences=true)"],
    ["lstm(3, seq=true)", "LSTM(3, return_sequences=true)"],
    ["gru(3)", "GRU(3)"],
    [
      "bidirectional(lstm(3, seq=true, state=true), merge=sum)",
      "bidirectional(lstm(3, return_sequences=true, return_state=true), merge_mode=sum)",
    ],
    ["bidirectional(gru(3, seq=true), merge=none)", 'bidirectional(gru(3, return_sequences=true), merge_mode="none")'],
    ["bidirectional(gru(3, seq=true), merge=none)", "bidirectional(gru(3, return_sequences=true), merge_mode=None)"],
    ["bilstm(3, seq=true, merge=ave)", 'bilstm(3, return_sequences=true, merge_mode="ave")'],
    ["bilstm(3, state=true, merge=mul)", "bilstm(3, return_state=true, merge_mode=mul)"],
    ["bigru(3, seq=true, state=true)", "bigru(3, return_sequences=true, return_state=true, kernel_initializer=zeros, reset_after=false)"],
    ["dense(4)", "dense(4, activation=None, kernel_initializer=zeros, bias_initializer=ones)"],
    ["dense(4)", "Dense(4)"],
  ];
  for (const [short, keras] of cases) {
    it(`${keras} ≡ ${short}`, () => {
      const src = `model M(x: [B, T, 5]) {\n  a = ${short}(x)\n  b = ${keras}(x)\n  return x\n}`;
      expect(check(src).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const types = typesOf(src);
      expect(types.b).toBe(types.a);
      expect(types.b).not.toBe("?");
    });
  }

  it("embedding(input_dim=, output_dim=) ≡ embedding(vocab, dim)", () => {
    const src = `model M(t: int[B, T]) {\n  return embedding(input_dim=100, output_dim=8, mask_zero=true)(t)\n}`;
    expect(outputsOf(src)).toEqual(["f32[B,T,8]"]);
  });
});

describe("initial= with the right shapes checks clean", () => {
  it("lstm: initial=(h, c)", () => {
    const src = `model M(x: [B, T, 5], h: [B, 3], c: [B, 3]) {\n  return lstm(3)(x, initial=(h, c))\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,3]"]);
  });

  it("lstm: Keras's initial_state= too", () => {
    const src = `model M(x: [B, T, 5], h: [B, 3], c: [B, 3]) {\n  return lstm(3, seq=true)(x, initial_state=(h, c))\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,T,3]"]);
  });

  it("gru: initial=h, a single tensor", () => {
    const src = `model M(x: [1, 4, 5], h: [1, 3]) {\n  return gru(3)(x, initial=h)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[1,3]"]);
  });

  it("rnn: initial=h", () => {
    const src = `model M(x: [B, T, 5], h: [B, 3]) {\n  return rnn(3, seq=true)(x, initial=h)\n}`;
    expect(codesOf(src)).toEqual([]);
  });

  it("bidirectional lstm: 4 states, forward (h, c) then backward (h, c)", () => {
    const src = `model M(x: [B, T, 5], fh: [B, 3], fc: [B, 3], bh: [B, 3], bc: [B, 3]) {\n  return bilstm(3, seq=true)(x, initial=(fh, fc, bh, bc))\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,T,6]"]);
  });

  it("bidirectional(lstm(...)): 4 states", () => {
    const src = `model M(x: [B, T, 5], fh: [B, 3], fc: [B, 3], bh: [B, 3], bc: [B, 3]) {\n  return bidirectional(lstm(3))(x, initial=(fh, fc, bh, bc))\n}`;
    expect(codesOf(src)).toEqual([]);
  });

  it("bigru: 2 states, forward h then backward h", () => {
    const src = `model M(x: [B, T, 5], fh: [B, 3], bh: [B, 3]) {\n  return bigru(3)(x, initial=(fh, bh))\n}`;
    expect(codesOf(src)).toEqual([]);
  });

  it("the Seq2Seq hand-over: states of one lstm start another", () => {
    const src = `model S(src: [B, S, 32], tgt: [B, T, 40]) {\n  _, h, c = lstm(256, state=true)(src)\n  dec = lstm(256, seq=true)(tgt, initial=(h, c))\n  return dec |> dense(40, activation=softmax)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(typesOf(src)).toEqual({ src: "f32[B,S,32]", tgt: "f32[B,T,40]", h: "f32[B,256]", c: "f32[B,256]", dec: "f32[B,T,256]" });
    expect(outputsOf(src)).toEqual(["f32[B,T,40]"]);
  });
});

describe("masks", () => {
  it("mask=m with m: bool[B,T] checks clean", () => {
    const src = `model M(x: [B, T, 5], m: bool[B, T]) {\n  return lstm(3, seq=true)(x, mask=m)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,T,3]"]);
  });

  it("mask= on a bidirectional layer, with initial=", () => {
    const src = `model M(x: [2, 4, 5], m: bool[2, 4], h: [2, 3]) {\n  return bidirectional(rnn(3), merge=ave)(x, mask=m, initial=(h, h))\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[2,3]"]);
  });

  it("embedding(mask_zero=true) feeding a recurrent layer checks clean (the Tagger)", () => {
    const src = `model Tagger(tokens: int[B, T]) {\n  return tokens\n    |> embedding(10000, 64, mask_zero=true)\n    |> bigru(128, seq=true)\n    |> dense(17, activation=softmax)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,T,17]"]);
  });

  it("embedding(mask_zero=true) then lstm, bound step by step", () => {
    const src = `model M(t: int[B, T]) {\n  e = embedding(50, 8, mask_zero=true)(t)\n  y = lstm(4)(e)\n  return y\n}`;
    expect(typesOf(src)).toEqual({ t: "i32[B,T]", e: "f32[B,T,8]", y: "f32[B,4]" });
    expect(codesOf(src)).toEqual([]);
  });
});

describe("the other layers", () => {
  it("dense on rank 2", () => {
    expect(outputsOf(`model M(x: [B, 8]) {\n  return dense(4)(x)\n}`)).toEqual(["f32[B,4]"]);
  });

  it("dense on rank 3 (applies to the last axis)", () => {
    expect(outputsOf(`model M(x: [B, T, 8]) {\n  return dense(4)(x)\n}`)).toEqual(["f32[B,T,4]"]);
  });

  it("dense on rank 4", () => {
    expect(outputsOf(`model M(x: [2, 3, 4, 8]) {\n  return dense(5, activation=relu)(x)\n}`)).toEqual(["f32[2,3,4,5]"]);
  });

  it("embedding on int[B,T] → f32[B,T,D]", () => {
    expect(outputsOf(`model M(t: int[B, T]) {\n  return embedding(1000, 16)(t)\n}`)).toEqual(["f32[B,T,16]"]);
  });

  it("embedding on fixed dims int[2,7] → f32[2,7,16]", () => {
    expect(outputsOf(`model M(t: int[2, 7]) {\n  return embedding(1000, 16)(t)\n}`)).toEqual(["f32[2,7,16]"]);
  });

  it("dropout is the identity", () => {
    expect(outputsOf(`model M(x: [B, T, 8]) {\n  return dropout(0.5)(x)\n}`)).toEqual(["f32[B,T,8]"]);
  });

  it("time_distributed(dense(4)) on [B,T,8] → [B,T,4]", () => {
    const src = `model M(x: [B, T, 8]) {\n  return time_distributed(dense(4))(x)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,T,4]"]);
  });

  it("repeat_vector(5) on [B,8] → [B,5,8]", () => {
    expect(outputsOf(`model M(v: [B, 8]) {\n  return repeat_vector(5)(v)\n}`)).toEqual(["f32[B,5,8]"]);
  });

  it("repeat_vector bridges an encoder's last step to a decoder", () => {
    const src = `model M(x: [B, T, 8]) {\n  return x |> lstm(6) |> repeat_vector(3) |> lstm(2, seq=true)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,3,2]"]);
  });

  it("concat(a, b) joins the last axis", () => {
    const src = `model M(a: [B, T, 3], b: [B, T, 5]) {\n  return concat(a, b)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,T,8]"]);
  });

  it("concat(a, b, axis=1) joins the time axis (fixed sizes)", () => {
    const src = `model M(a: [2, 3, 8], b: [2, 4, 8]) {\n  return concat(a, b, axis=1)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[2,7,8]"]);
  });

  it("concat(a, b, axis=-2) is axis 1 of a rank-3 tensor", () => {
    expect(outputsOf(`model M(a: [B, 3, 8], b: [B, 4, 8]) {\n  return concat(a, b, axis=-2)\n}`)).toEqual(["f32[B,7,8]"]);
  });

  it("concat of three tensors", () => {
    expect(outputsOf(`model M(a: [B, 1], b: [B, 2], c: [B, 3]) {\n  return concat(a, b, c)\n}`)).toEqual(["f32[B,6]"]);
  });

  it("add(a, b) keeps the shape", () => {
    const src = `model M(a: [B, T, 3], b: [B, T, 3]) {\n  return add(a, b)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,T,3]"]);
  });

  it("add of a recurrent output and a dense one", () => {
    const src = `model M(x: [B, T, 5]) {\n  return add(lstm(4)(x), dense(4)(lstm(2)(x)))\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,4]"]);
  });
});

describe("a layer bound once and applied twice shares its weights", () => {
  const src = `model M(x: [B, T, 5], y: [B, T, 5]) {\n  enc = lstm(3)\n  a = enc(x)\n  b = enc(y)\n  return a, b\n}`;

  it("both applications are typed", () => {
    expect(codesOf(src)).toEqual([]);
    expect(typesOf(src)).toEqual({ x: "f32[B,T,5]", y: "f32[B,T,5]", enc: "layer<lstm>", a: "f32[B,3]", b: "f32[B,3]" });
  });

  it("one row, applied twice, params counted once", () => {
    const rows = layerRowsOf(src);
    expect(rows.map((r) => [r.name, r.applications, r.params])).toEqual([["enc", 2, 108]]);
    expect(modelOf(src).params).toBe(108);
  });

  it("shared across different time dims (the weights only depend on F)", () => {
    const s = `model M(x: [B, T, 5], y: [B, S, 5]) {\n  enc = gru(3, seq=true)\n  return enc(x), enc(y)\n}`;
    expect(codesOf(s)).toEqual([]);
    expect(outputsOf(s)).toEqual(["f32[B,T,3]", "f32[B,S,3]"]);
    expect(modelOf(s).params).toBe(90);
  });

  it("piped twice", () => {
    const s = `model M(x: [B, 8]) {\n  d = dense(8)\n  return x |> d |> d\n}`;
    expect(codesOf(s)).toEqual([]);
    expect(layerRowsOf(s).map((r) => [r.name, r.applications, r.params])).toEqual([["d", 2, 72]]);
  });
});

describe("a model called from another model", () => {
  const encoder = `model Encoder(x: [B, S, 32]) {\n  y, h = gru(16, seq=true, state=true)(x)\n  return y, h\n}\n`;

  it("the callee's dims are instantiated by the caller's names: [B,T,32] gives [B,T,16]", () => {
    const src = `${encoder}model M(a: [B, T, 32]) {\n  y, h = Encoder(a)\n  return y, h\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(typesOf(src, "M")).toEqual({ a: "f32[B,T,32]", y: "f32[B,T,16]", h: "f32[B,16]" });
  });

  it("and by fixed sizes: [2,7,32] gives [2,7,16]", () => {
    const src = `${encoder}model M(a: [2, 7, 32]) {\n  y, h = Encoder(a)\n  return y, h\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src, "M")).toEqual(["f32[2,7,16]", "f32[2,16]"]);
  });

  it("the callee's own types keep its own names", () => {
    const src = `${encoder}model M(a: [2, 7, 32]) {\n  y, h = Encoder(a)\n  return y, h\n}`;
    expect(outputsOf(src, "Encoder")).toEqual(["f32[B,S,16]", "f32[B,16]"]);
  });

  it("the substitution is simultaneous: called with [S,B,32] gives [S,B,16]", () => {
    const src = `${encoder}model M(a: [S, B, 32]) {\n  y, h = Encoder(a)\n  return y, h\n}`;
    expect(outputsOf(src, "M")).toEqual(["f32[S,B,16]", "f32[S,16]"]);
  });

  it("called twice with different dims", () => {
    const src = `${encoder}model M(a: [B, T, 32], b: [2, 7, 32]) {\n  y1, h1 = Encoder(a)\n  y2, h2 = Encoder(b)\n  return y1, h1, y2, h2\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src, "M")).toEqual(["f32[B,T,16]", "f32[B,16]", "f32[2,7,16]", "f32[2,16]"]);
  });

  it("a model defined after its caller", () => {
    const src = `model M(a: [B, T, 32]) {\n  return a |> Enc\n}\nmodel Enc(x: [B, S, 32]) {\n  return lstm(4)(x)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src, "M")).toEqual(["f32[B,4]"]);
  });

  it("a model with two inputs sharing a dim name", () => {
    const src = `model Sum(p: [B, N], q: [B, N]) {\n  return add(p, q)\n}\nmodel M(a: [4, 6], b: [4, 6]) {\n  return Sum(a, b)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src, "M")).toEqual(["f32[4,6]"]);
  });
});

describe("the pipeline", () => {
  it("x |> lstm(3) equals lstm(3)(x)", () => {
    const src = `model M(x: [B, T, 5]) {\n  a = x |> lstm(3)\n  b = lstm(3)(x)\n  return a, b\n}`;
    const types = typesOf(src);
    expect(types.a).toBe("f32[B,3]");
    expect(types.a).toBe(types.b);
  });

  it("a chain of pipes", () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> lstm(8, seq=true) |> dropout(0.1) |> gru(4) |> dense(2)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,2]"]);
  });

  it("the type of every pipe node is recorded", () => {
    const file = check(`model M(x: [B, T, 5]) {\n  return x |> lstm(8, seq=true) |> dense(2)\n}`);
    const pipes = [...file.types.entries()].filter(([e]) => e.kind === "Pipe").map(([, t]) => formatType(t));
    expect(pipes.sort()).toEqual(["f32[B,T,2]", "f32[B,T,8]"]);
  });

  it("the types map holds the layer built by a call and the tensor its application gives", () => {
    const file = check(`model M(x: [B, T, 5]) {\n  return lstm(3)(x)\n}`);
    const calls = [...file.types.entries()]
      .filter(([e]) => e.kind === "Call")
      .map(([e, t]) => [e.range.start.character, e.range.end.character, formatType(t)]);
    expect(calls).toContainEqual([9, 16, "layer<lstm>"]);
    expect(calls).toContainEqual([9, 19, "f32[B,3]"]);
  });

  it("a tuple piped into concat() spreads into its inputs", () => {
    const src = `model M(a: [B, T, 3], b: [B, T, 5]) {\n  return (a, b) |> concat()\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,T,8]"]);
  });

  it("bilstm(merge=none)'s two outputs piped into concat() equal merge=concat", () => {
    const src = `model M(x: [B, T, 5]) {\n  a = x |> bilstm(3, seq=true, merge=none) |> concat()\n  b = x |> bilstm(3, seq=true)\n  return a, b\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,T,6]", "f32[B,T,6]"]);
  });

  it("a tuple piped into add()", () => {
    const src = `model M(x: [B, T, 5]) {\n  return x |> bigru(3, merge=none) |> add()\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src)).toEqual(["f32[B,3]"]);
  });

  it("a model's tuple output piped into concat(axis=-1)", () => {
    const src = `model Two(x: [B, T, 5]) {\n  y, h = rnn(3, state=true)(x)\n  return y, h\n}\nmodel M(x: [B, T, 5]) {\n  return x |> Two |> concat(axis=-1)\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(outputsOf(src, "M")).toEqual(["f32[B,6]"]);
  });
});

describe("the LANGUAGE.md §1 example file", () => {
  const example = languageExample;

  it("checks clean", () => {
    expect(codesOf(example)).toEqual([]);
  });

  it("BiSeed", () => {
    expect(typesOf(example, "BiSeed")).toEqual({
      x: "f32[1,4,5]",
      y: "f32[1,4,6]",
      fh: "f32[1,3]",
      fc: "f32[1,3]",
      bh: "f32[1,3]",
      bc: "f32[1,3]",
    });
    expect(outputsOf(example, "BiSeed")).toEqual(["f32[1,4,6]", "f32[1,3]", "f32[1,3]"]);
  });

  it("Seq2Seq", () => {
    expect(outputsOf(example, "Seq2Seq")).toEqual(["f32[B,T,40]"]);
  });

  it("Tagger", () => {
    expect(outputsOf(example, "Tagger")).toEqual(["f32[B,T,17]"]);
  });
});
