// attention, additive_attention, multiply, average and maximum in the checker: their shapes (Keras's
// compute_output_shape), their masks, their weights (names, shapes, get_weights() order → params as
// Keras's summary()), the settings that are Keras call arguments, and every mistake with its range.
import { describe, expect, it } from "vitest";
import { loadModel, parseKerasWeights } from "../../src/index.js";
import { check, codesOf, expectDiagnosticAt, layerRowsOf, outputsOf, typesOf } from "../helpers.js";

const QV = "q: [B, T, 4], v: [B, S, 4]";

describe("attention's shape rule", () => {
  it("q [B,Tq,D], v [B,Tv,D] → [B,Tq,D]; a key of the value's steps and the query's features lets the value's differ", () => {
    expect(outputsOf(`model M(${QV}) {\n  return attention(q, v)\n}`)).toEqual(["f32[B,T,4]"]);
    expect(outputsOf(`model M(q: [B, T, 4], v: [B, S, 7], k: [B, S, 4]) {\n  return attention(q, v, k)\n}`)).toEqual(["f32[B,T,7]"]);
    expect(outputsOf(`model M(q: [2, 3, 4], v: [2, 5, 6], k: [2, 5, 4]) {\n  return additive_attention(q, v, k)\n}`)).toEqual([
      "f32[2,3,6]",
    ]);
  });

  it("return_attention_scores=true returns (output, scores [B,Tq,Tv]): two names to bind", () => {
    const src = `model M(${QV}) {\n  o, w = attention(q, v, return_attention_scores=true)\n  return o, w\n}`;
    expect(typesOf(src)).toMatchObject({ o: "f32[B,T,4]", w: "f32[B,T,S]" });
    expect(codesOf(`model M(${QV}) {\n  o = attention(q, v, return_attention_scores=true)\n  return o\n}`)).toEqual(["RNN031"]);
  });

  it("takes its settings after its tensors, Keras's names and class names included", () => {
    const src =
      `model M(${QV}) {\n  a = Attention(q, v, v, use_scale=true, score_mode="concat", dropout=0.1, seed=3, use_causal_mask=true, name="att")\n` +
      `  b = AdditiveAttention(q, v, use_scale=false)\n  return a, b\n}`;
    expect(codesOf(src)).toEqual([]);
    expect(layerRowsOf(src).map((r) => [r.name, r.kerasClass])).toEqual([
      ["att", "Attention"],
      ["additive_attention", "AdditiveAttention"],
    ]);
  });
});

describe("attention's weights, as Keras's get_weights() and summary()", () => {
  const rows = (call: string, D = 4) => layerRowsOf(`model M(q: [B, T, ${D}], v: [B, S, ${D}]) {\n  return ${call}\n}`)[0]!;
  it("attention: none; a scalar `scale` with use_scale; then a scalar `concat_score_weight` with concat scores", () => {
    expect(rows("attention(q, v)").params).toBe(0);
    expect(rows("attention(q, v, use_scale=true)").params).toBe(1);
    expect(rows('attention(q, v, score_mode="concat")').params).toBe(1);
    expect(rows('attention(q, v, use_scale=true, score_mode="concat")').params).toBe(2);
  });
  it("additive_attention: `scale` [D] by default, none with use_scale=false", () => {
    expect(rows("additive_attention(q, v)", 6).params).toBe(6);
    expect(rows("additive_attention(q, v, use_scale=false)", 6).params).toBe(0);
  });

  it("reads a weights file's scalars in get_weights() order, and names the layer and shapes when one does not fit", () => {
    const src = `model M(q: [1, 2, 2], v: [1, 3, 2]) {\n  return attention(q, v, use_scale=true, score_mode="concat", name="att")\n}`;
    const q = [
      [
        [0.5, -1],
        [1, 0.25],
      ],
    ];
    const v = [
      [
        [1, 2],
        [-1, 0.5],
        [0, 1],
      ],
    ];
    const run = (w: unknown) => loadModel(check(src), { weights: parseKerasWeights(w, "w.json") }).run({ q, v })[0]!.data;
    const ones = loadModel(check(src)).run({ q, v })[0]!.data;
    expect(Array.from(run({ att: [1, 1] }))).toEqual(Array.from(ones));
    // concat_score_weight 0: every score 0, a uniform average of the value steps.
    const uniform = Array.from(run({ att: [1, 0] }));
    [0, 3.5 / 3, 0, 3.5 / 3].forEach((x, i) => expect(uniform[i]).toBeCloseTo(x, 6));
    expect(() => run({ att: [[1], 1] })).toThrow(/att.*\[1\].*\[\]|att.*\[\].*\[1\]/s);
    expect(() => run({ att: [1] })).toThrow(/att/);
  });
});

describe("masks (seen through the LSTM after: it keeps its state over masked steps)", () => {
  const a = [[1, 0, 3, 0]];
  const b = [[2, 5, 0]];
  const keep = (ids: number[][]) => ids.map((row) => row.map((id) => id !== 0));
  const run = (body: string, inputs: Record<string, unknown>) =>
    Array.from(loadModel(check(`model M(a: int[1, 4], b: int[1, 3], m: bool[1, 4]) {\n${body}\n}`)).run(inputs as never)[0]!.data);
  const emb = (name: string, ids: string, zero: boolean) => `${name} = embedding(9, 3, mask_zero=${zero}, name="e${name}")(${ids})`;

  it("the output carries the query's mask on", () => {
    const masked = run(`  ${emb("q", "a", true)}\n  ${emb("v", "b", false)}\n  return lstm(2, name="l")(attention(q, v))`, {
      a,
      b,
      m: keep(a),
    });
    const given = run(`  ${emb("q", "a", false)}\n  ${emb("v", "b", false)}\n  return lstm(2, name="l")(attention(q, v), mask=m)`, {
      a,
      b,
      m: keep(a),
    });
    const none = run(`  ${emb("q", "a", false)}\n  ${emb("v", "b", false)}\n  return lstm(2, name="l")(attention(q, v))`, {
      a,
      b,
      m: keep(a),
    });
    expect(masked).toEqual(given);
    expect(masked).not.toEqual(none);
  });

  it("not the value's", () => {
    const all = [[true, true, true, true]];
    const body = (mask: string) =>
      `  ${emb("q", "a", false)}\n  ${emb("v", "b", true)}\n  return lstm(2, name="l")(attention(q, v)${mask})`;
    expect(run(body(""), { a, b, m: all })).toEqual(run(body(", mask=m"), { a, b, m: all }));
  });

  it("a merge passes on the steps every masked input keeps (Keras 2)", () => {
    const c = [[4, 4, 0, 1]];
    const both = a.map((row, i) => row.map((id, t) => id !== 0 && c[i]![t] !== 0));
    const merged = (merge: string, zero: boolean, mask: string) =>
      Array.from(
        loadModel(
          check(
            `model M(a: int[1, 4], c: int[1, 4], m: bool[1, 4]) {\n  ${emb("x", "a", zero)}\n  ${emb("y", "c", zero)}\n` +
              `  return lstm(2, name="l")(${merge}(x, y)${mask})\n}`,
          ),
        ).run({ a, c, m: both })[0]!.data,
      );
    for (const merge of ["multiply", "average", "maximum"]) {
      expect(merged(merge, true, ""), merge).toEqual(merged(merge, false, ", mask=m"));
      expect(merged(merge, true, ""), merge).not.toEqual(merged(merge, false, ""));
    }
  });
});

describe("mistakes, each at its place", () => {
  it("a tensor that is not a sequence", () => {
    const d = expectDiagnosticAt(`model M(q: [B, 4], v: [B, S, 4]) {\n  return attention(«q», v)\n}`, "RNN020");
    expect(d.message).toBe("attention expects its query as a sequence [B,T,F] (ndim=3), found f32[B,4].");
  });

  it("token ids where floats are needed", () => {
    const d = expectDiagnosticAt(`model M(q: [B, T, 4], v: int[B, S, 4]) {\n  return additive_attention(q, «v»)\n}`, "RNN021");
    expect(d.message).toContain("f32");
  });

  it("query and key features that differ, with the names hint", () => {
    const d = expectDiagnosticAt(`model M(q: [B, T, 4], v: [B, S, 4], k: [B, S, 5]) {\n  return attention(q, v, «k»)\n}`, "RNN022");
    expect(d.message).toBe(
      "attention: the features of query and key (the value when no key is given), which are scored against each other, differ: 4 in f32[B,T,4] but 5 in f32[B,S,5].",
    );
  });

  it("key and value of different steps; batches of different names", () => {
    expectDiagnosticAt(`model M(q: [B, T, 4], v: [B, S, 4], k: [B, R, 4]) {\n  return attention(q, v, «k»)\n}`, "RNN022");
    const d = expectDiagnosticAt(`model M(q: [B, T, 4], v: [N, S, 4]) {\n  return attention(q, «v»)\n}`, "RNN022");
    expect(d.message).toContain("use one name");
  });

  it("score_mode other than dot or concat", () => {
    const d = expectDiagnosticAt(`model M(${QV}) {\n  return attention(q, v, «score_mode="add"»)\n}`, "RNN015");
    expect(d.message).toBe('attention(score_mode=…) is "dot" or "concat", found "add".');
  });

  it("additive_attention sizes its scale from a numbered query feature dim", () => {
    const d = expectDiagnosticAt(`model M(q: [B, T, F], v: [B, S, F]) {\n  return additive_attention(«q», v)\n}`, "RNN023");
    expect(d.message).toContain("the name F");
    expect(codesOf(`model M(q: [B, T, F], v: [B, S, F]) {\n  return additive_attention(q, v, use_scale=false)\n}`)).toEqual([]);
  });

  it("one tensor, or four", () => {
    expect(codesOf(`model M(${QV}) {\n  return attention(q)\n}`)).toEqual(["RNN034"]);
    expect(codesOf(`model M(${QV}) {\n  return attention(q, v, v, v)\n}`)).toEqual(["RNN034"]);
    expect(codesOf(`model M(${QV}) {\n  return multiply(q)\n}`)).toEqual(["RNN034"]);
  });

  it("merges of tensors of different shapes, names or dtypes", () => {
    const d = expectDiagnosticAt(`model M(a: [B, T, 4], b: [B, S, 4]) {\n  return average(a, «b»)\n}`, "RNN022");
    expect(d.message).toBe(
      "average needs tensors of one shape: f32[B,T,4] and f32[B,S,4]. Two different dim names are two sizes that may differ; if they are the same size, use one name.",
    );
    expectDiagnosticAt(`model M(a: [B, T, 4], b: [B, 4]) {\n  return maximum(a, «b»)\n}`, "RNN020");
    expectDiagnosticAt(`model M(a: int[B, T], b: int[B, T]) {\n  return multiply(«a», b)\n}`, "RNN021");
  });
});
