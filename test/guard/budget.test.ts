// The checker's resource guard: model calls are inlined, so it counts layer applications with calls
// expanded and how deep calls nest, and reports past the limits at `check` time on the call that
// crosses them — `run` and `compile` never meet a program `check` passed but they cannot build.
import { describe, expect, it } from "vitest";
import { MAX_APPLICATIONS, MAX_FILE_APPLICATIONS, MAX_MODEL_DEPTH } from "../../src/check/budget.js";
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
    // 2^12 = 4,096 fits under 5,000; M13 is the first past it, at its second call of M12.
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
    const n = Math.floor(Math.log2(MAX_APPLICATIONS));
    const file = check(doubling(n));
    expect(file.diagnostics).toEqual([]);
    const [y] = loadModel(file, { model: `M${n}` }).run({ x: [[[0.1, 0.2, 0.3, 0.4]]] });
    expect(y!.shape).toEqual([1, 1, 4]);
    expect(() => loadModel(check(doubling(n + 1)), { model: `M${n + 1}` })).toThrow(/RNN070/);
  });

  it("bounds a file's models together, as rnnc compile builds them all", () => {
    const n = Math.floor(Math.log2(MAX_APPLICATIONS));
    const size = 2 ** n;
    // The doubling chain is 2^(n+1) - 1 applications; each K adds one more M_n, and K{crossing} is the first past the limit.
    const crossing = Math.floor((MAX_FILE_APPLICATIONS - (2 * size - 1)) / size);
    const callers = Array.from({ length: crossing + 3 }, (_, i) => `model K${i}(x: [B, T, 4]) {\n  return M${n}(x)\n}`);
    const src = doubling(n) + "\n" + callers.join("\n\n") + "\n";
    const file = check(src);
    const errors = file.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual(["RNN070"]);
    expect(errors[0]!.message).toContain(`per file`);
    expect(errors[0]!.message).toContain(`move K${crossing} or others to a file of their own`);
    expect(file.models.find((m) => m.name === `K${crossing - 1}`)!.ok).toBe(true);
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
