// The checker's resource guard: model calls are inlined, so it counts layer applications with calls
// expanded and how deep calls nest, and reports past the limits at `check` time on the call that
// crosses them — `run` and `compile` never meet a program `check` passed but they cannot build.
import { describe, expect, it } from "vitest";
import { MAX_APPLICATIONS, MAX_MODEL_DEPTH } from "../../src/check/budget.js";
import { check, loadModel } from "../../src/index.js";

/** Models M0…Mn, each calling the one before twice: Mn applies 2^n dense layers. */
function doubling(n: number): string {
  const models = ["model M0(x: [B, T, 4]) {\n  return dense(4)(x)\n}"];
  for (let i = 1; i <= n; i++) models.push(`model M${i}(x: [B, T, 4]) {\n  a = M${i - 1}(x)\n  return M${i - 1}(a)\n}`);
  return models.reverse().join("\n\n") + "\n";
}

/** Models N0…Nn, each calling the one before once: a chain n + 1 models deep. */
function chain(n: number): string {
  const models = ["model N0(x: [B, T, 4]) {\n  return dense(4)(x)\n}"];
  for (let i = 1; i <= n; i++) models.push(`model N${i}(x: [B, T, 4]) {\n  return N${i - 1}(x)\n}`);
  return models.reverse().join("\n\n") + "\n";
}

describe("layer applications with model calls expanded", () => {
  it("reports the call that takes a model past the limit, once, and nothing in its callers", () => {
    const src = doubling(30);
    const started = performance.now();
    const file = check(src);
    expect(performance.now() - started).toBeLessThan(2000);
    const errors = file.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual(["RNN070"]);
    // 2^13 = 8,192 fits under 10,000; M14 is the first past it, at its second call of M13.
    const crossing = 2 ** Math.ceil(Math.log2(MAX_APPLICATIONS));
    const model = `M${Math.log2(crossing)}`;
    expect(errors[0]!.message).toContain(`${model} expands to ${crossing.toLocaleString("en-US")} layer applications`);
    const line = src.split("\n")[errors[0]!.range.start.line]!;
    expect(line.slice(errors[0]!.range.start.character, errors[0]!.range.end.character)).toBe(`M${Math.log2(crossing) - 1}(a)`);
    expect(file.models.find((m) => m.name === model)!.ok).toBe(false);
    expect(file.models.find((m) => m.name === `M${Math.log2(crossing) - 1}`)!.ok).toBe(true);
  });

  it("counts a model's own applications too", () => {
    const body = Array.from({ length: MAX_APPLICATIONS + 1 }, (_, i) => `  x${i + 1} = dense(2)(x${i})`).join("\n");
    const file = check(`model Long(x0: [B, 2]) {\n${body}\n  return x${MAX_APPLICATIONS + 1}\n}\n`);
    expect(file.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual(["RNN070"]);
    expect(file.diagnostics.find((d) => d.code === "RNN070")!.range.start.line).toBe(MAX_APPLICATIONS + 1);
  });

  it("lets a model at the limit run, and refuses one past it before building anything", () => {
    const file = check(doubling(13));
    expect(file.diagnostics).toEqual([]);
    const [y] = loadModel(file, { model: "M13" }).run({ x: [[[0.1, 0.2, 0.3, 0.4]]] });
    expect(y!.shape).toEqual([1, 1, 4]);
    expect(() => loadModel(check(doubling(14)), { model: "M14" })).toThrow(/RNN070/);
  });
});

describe("nesting of model calls", () => {
  it(`allows a chain of ${MAX_MODEL_DEPTH} models and runs it`, () => {
    const file = check(chain(MAX_MODEL_DEPTH - 1));
    expect(file.diagnostics).toEqual([]);
    const [y] = loadModel(file).run({ x: [[[1, 2, 3, 4]]] });
    expect(y!.shape).toEqual([1, 1, 4]);
  });

  it("reports a deeper chain at check time, on the call that crosses the limit", () => {
    const src = chain(150);
    const file = check(src);
    const errors = file.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual(["RNN071"]);
    const line = src.split("\n")[errors[0]!.range.start.line]!;
    expect(line).toContain(`return N${MAX_MODEL_DEPTH - 1}(x)`);
    expect(errors[0]!.message).toContain(`at most ${MAX_MODEL_DEPTH} deep`);
    expect(() => loadModel(file)).toThrow(/RNN071/);
  });
});
