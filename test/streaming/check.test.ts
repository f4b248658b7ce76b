// What the checker refuses about stateful layers, and what a run of a stateful model refuses.
import { describe, expect, it } from "vitest";
import { check, loadModel } from "../../src/index.js";
import { applyFix, theDiagnostic } from "../helpers.js";

describe("stateful=true in the checker", () => {
  it("is refused on the bidirectional shorthands, saying why", () => {
    for (const layer of ["bilstm", "bigru", "birnn"]) {
      const d = theDiagnostic(`model M(x: [1, T, 3]) {\n  return ${layer}(4, stateful=true)(x)\n}`, "RNN057");
      expect(d.message).toMatch(/backward copy would start each chunk from the state the previous chunk ended in/);
      expect(d.range.start.line).toBe(1);
    }
  });

  it("is refused on a layer wrapped in bidirectional()", () => {
    const d = theDiagnostic("model M(x: [1, T, 3]) {\n  return bidirectional(gru(4, stateful=true))(x)\n}", "RNN057");
    expect(d.message).toMatch(/^bidirectional\(\) cannot be stateful/);
  });

  it("is refused with backwards=true", () => {
    const d = theDiagnostic("model M(x: [1, T, 3]) {\n  return lstm(4, backwards=true, stateful=true)(x)\n}", "RNN058");
    expect(d.message).toMatch(/cannot run backwards/);
  });

  it("needs a numeric batch, and the fix declares it", () => {
    const src = "model M(x: [B, T, 3], m: bool[B, T]) {\n  return rnn(4, stateful=true)(x, mask=m)\n}";
    const d = theDiagnostic(src, "RNN059");
    expect(d.message).toMatch(/batch size must be fixed/);
    expect(d.message).toMatch(/named batch B/);
    const fixed = applyFix(src, d.fix!);
    expect(fixed).toBe("model M(x: [1, T, 3], m: bool[1, T]) {\n  return rnn(4, stateful=true)(x, mask=m)\n}");
    expect(check(fixed).diagnostics).toEqual([]);
  });

  it("is shared only across inputs of one batch size", () => {
    const src = "model M(a: [1, T, 3], b: [2, T, 3]) {\n  l = lstm(4, stateful=true)\n  return l(a), l(b)\n}";
    const d = theDiagnostic(src, "RNN059");
    expect(d.message).toMatch(/first application, 1; this one has batch 2/);
    expect(d.range.start.line).toBe(2);
  });

  it("is refused inside time_distributed, which runs it on batch × time sequences", () => {
    const d = theDiagnostic("model M(x: [2, 3, 4, 5]) {\n  return time_distributed(gru(2, stateful=true))(x)\n}", "RNN059");
    expect(d.message).toMatch(/^time_distributed\(\) cannot wrap a stateful layer/);
  });

  it("is accepted with a numeric batch and shows in the layer's description", () => {
    const checked = check("model M(x: [2, T, 3]) {\n  return gru(4, stateful=true)(x)\n}");
    expect(checked.diagnostics).toEqual([]);
    const row = checked.models[0]!.rows[0]!;
    expect("layer" in row && row.layer.def.describe(row.layer.config)).toBe("gru(4, stateful=true)");
  });
});

describe("running a stateful model", () => {
  it("refuses another batch size, naming the input and the dim", () => {
    const model = loadModel(check("model M(x: [2, T, 3]) {\n  return lstm(4, stateful=true)(x)\n}"));
    const x = { shape: [3, 5, 3], data: new Float32Array(45) };
    expect(() => model.step({ x })).toThrow("input x: expected f32[2,T,3], got [3,5,3] (dim 0 must be 2)");
  });

  it("names only the model's own inputs when given an unknown one", () => {
    const model = loadModel(check("model M(x: [1, T, 3]) {\n  return lstm(4, stateful=true)(x)\n}"));
    const x = { shape: [1, 2, 3], data: new Float32Array(6) };
    expect(() => model.step({ x, y: x })).toThrow(/^unknown input y; the model's inputs are x$/);
  });

  it("starts every call from initial= when it is given (Keras 3), carrying nothing", () => {
    const model = loadModel(check("model M(x: [1, T, 2], h: [1, 3]) {\n  return rnn(3, stateful=true)(x, initial=h)\n}"));
    const inputs = {
      x: [
        [
          [0.5, -1],
          [0.25, 2],
        ],
      ],
      h: [[0.1, 0.2, -0.3]],
    };
    const first = model.step(inputs);
    expect(Array.from(model.step(inputs)[0]!.data)).toEqual(Array.from(first[0]!.data));
    expect(Array.from(model.run(inputs)[0]!.data)).toEqual(Array.from(first[0]!.data));
  });

  it("keeps the states of each application of a shared stateful layer apart", () => {
    const src = "model M(a: [1, T, 2], b: [1, T, 2]) {\n  l = gru(3, stateful=true)\n  return l(a), l(b)\n}";
    const model = loadModel(check(src));
    const a = Float32Array.from([1, 0, 0.5, -1, 0, 2]);
    const b = Float32Array.from([-1, 0.5, 0.25, 1, 2, 0]);
    const whole = model.run({ a: { shape: [1, 3, 2], data: a }, b: { shape: [1, 3, 2], data: b } });
    model.step({ a: { shape: [1, 1, 2], data: a.slice(0, 2) }, b: { shape: [1, 1, 2], data: b.slice(0, 2) } });
    const last = model.step({ a: { shape: [1, 2, 2], data: a.slice(2) }, b: { shape: [1, 2, 2], data: b.slice(2) } });
    expect(last.map((t) => Array.from(t.data))).toEqual(whole.map((t) => Array.from(t.data)));
    expect(Array.from(whole[0]!.data)).not.toEqual(Array.from(whole[1]!.data));
  });

  it("keeps the states of each stateful layer apart", () => {
    const src = "model M(x: [1, T, 2]) {\n  a = lstm(3, seq=true, stateful=true)(x)\n  return gru(2, stateful=true)(a)\n}";
    const model = loadModel(check(src));
    const x = { shape: [1, 4, 2], data: Float32Array.from([1, 0, 0.5, -1, 0, 2, -0.5, 0.25]) };
    const whole = model.run({ x });
    model.step({ x: { shape: [1, 2, 2], data: x.data.slice(0, 4) } });
    expect(Array.from(model.step({ x: { shape: [1, 2, 2], data: x.data.slice(4) } })[0]!.data)).toEqual(Array.from(whole[0]!.data));
  });
});
