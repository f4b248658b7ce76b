// The emitter's small parts: safe identifiers and literals, size expressions, the initializer
// recipes (a compiled module realizes the interpreter's starting weights bit for bit), and the runtime's defineModel.
import { describe, expect, it } from "vitest";
import { check } from "../../src/index.js";
import type { CheckedFile, CheckedModel } from "../../src/check/program.js";
import { runtimeBundle } from "../../src/emit/bundle.js";
import { IdentifierScope, literal, safeIdentifier } from "../../src/emit/names.js";
import { planModel } from "../../src/emit/plan.js";
import { defineModel, type ModelSpec } from "../../src/emit/runtime.js";
import { code, dimVar, mul, product, size } from "../../src/emit/sizes.js";
import { realizeWeight } from "../../src/layers/weight-recipe.js";
import { bindWeights } from "../../src/lower/weights.js";
import type { TensorData } from "../../src/types/tensor-data.js";
import { EXAMPLES } from "../fuzz/support.js";
import { randomModel } from "./random-models.js";

describe("safe identifiers", () => {
  it("keep source identifiers, prefix reserved words, escape anything else", () => {
    expect(safeIdentifier("BiSeed")).toBe("BiSeed");
    expect(safeIdentifier("class")).toBe("_class");
    expect(safeIdentifier("__proto__")).toBe("___proto__");
    expect(safeIdentifier("await")).toBe("_await");
    expect(safeIdentifier("9lives")).toBe("_9lives");
    expect(safeIdentifier("")).toBe("_");
    expect(safeIdentifier("a-b é*/")).toBe("a$2db$20$e9$2a$2f");
    expect(safeIdentifier("𝄞")).toBe("$1d11e");
  });

  it("are handed out once each", () => {
    const scope = new IdentifierScope();
    expect(["class", "_class", "x", "x", "x_2"].map((n) => scope.unique(n))).toEqual(["_class", "_class_2", "x", "x_2", "x_2_2"]);
  });

  it("are valid JavaScript bindings", () => {
    for (const name of ["class", "yield", "let", "static", "enum", "arguments", "eval", "__proto__", "constructor", "0", "a b", "\u2028"]) {
      const id = safeIdentifier(name);
      expect(() => new Function(`"use strict"; const ${id} = 1; return ${id};`)).not.toThrow();
    }
  });
});

describe("literals", () => {
  it("are JSON that nothing in them can end: no '/', no non-ASCII, no raw line separators", () => {
    const hostile = `*/ \${x} "q" 'a' \`b\` \\ </script> \u2028\u2029 é 𝄞 \n`;
    const text = literal({ name: hostile, list: [1, -0.5] });
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(text).not.toContain("*/");
    expect(text).not.toContain("</");
    expect(JSON.parse(text)).toEqual({ name: hostile, list: [1, -0.5] });
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    expect(new Function(`return ${text}; /* ${text} */ // ${text}`)()).toEqual({ name: hostile, list: [1, -0.5] });
  });

  it("keep the sign of -0, which JSON.stringify drops", () => {
    const text = literal({ zero: -0, list: [0, -0] });
    expect(text).toBe('{"zero":-0,"list":[0,-0]}');
    expect(Object.is(JSON.parse(text).zero, -0)).toBe(true);
  });

  it("refuse a __proto__ key, which would set a prototype in JavaScript", () => {
    expect(() => literal(JSON.parse('{"__proto__": 1}'))).toThrow(/__proto__/);
    expect(literal({ name: "__proto__" })).toBe('{"name":"__proto__"}');
  });
});

describe("size expressions", () => {
  it("fold numbers and keep dims as variables", () => {
    expect(code(product([size(2), size(3), size(4)]))).toBe("24");
    expect(code(mul(dimVar("dim1"), mul(size(12), dimVar("dim0"))))).toBe("(dim0 * dim1 * 12)");
    expect(code(dimVar("dim0"))).toBe("dim0");
  });
});

describe("initializer recipes", () => {
  const sources = [
    ...EXAMPLES.filter((e) => !e.name.includes("mistakes")).map((e) => e.text),
    ...Array.from({ length: 80 }, (_, i) => randomModel(1000 + i).source),
    `model Every(x: [2, 3, 4], ids: int[2, 3]) {
  a = lstm(3, seq=true, kernel=orthogonal(gain=2, seed=1), recurrent=glorot_uniform, bias=random_uniform(-1, 1))(x)
  b = bigru(2, seq=true, reset_after=false, kernel=ones, bias=constant(-0.25), merge=sum)(a)
  c = birnn(2, use_bias=false, recurrent=orthogonal)(b)
  d = time_distributed(dense(5, kernel=random_uniform(seed=9), bias=glorot_uniform(seed=2)))(x)
  e = ids |> embedding(7, 3, embeddings=orthogonal(seed=4))
  f = bidirectional(lstm(2, unit_forget_bias=false, bias=ones, seq=true))(e)
  return c, d, f
}
`,
  ];

  /** The bundled runtime a compiled module carries, evaluated as the module's script would be. */
  const bundledRuntime = async (): Promise<{ defineModel: typeof defineModel }> =>
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function(`${await runtimeBundle(["defineModel"])}\nreturn $rt;`)() as { defineModel: typeof defineModel };

  /** What create() without weights binds, by path, in a compiled module: its spec as literal text, realized by its bundled runtime. */
  function compiledStartingWeights(
    runtime: { defineModel: typeof defineModel },
    checked: CheckedFile,
    model: CheckedModel,
  ): Map<string, TensorData[]> {
    const plan = planModel(checked, model);
    const consts: [string, number][] = plan.initial.flatMap((g) =>
      g.paths.flatMap((path) => g.weights.map((_, i) => [path, i] as [string, number])),
    );
    const spec: ModelSpec = {
      name: model.name,
      inputs: [],
      outputs: [],
      dims: [],
      weights: plan.weights,
      consts,
      initial: plan.initial,
    };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const parsed = new Function(`return ${literal(spec)};`)() as ModelSpec;
    let seen: readonly TensorData["data"][] = [];
    runtime
      .defineModel(parsed, (given) => {
        seen = given;
        return () => [];
      })
      .create();
    const out = new Map<string, TensorData[]>();
    consts.forEach(([path, index], k) => {
      const list = out.get(path) ?? [];
      list[index] = { shape: [...plan.initial.find((g) => g.paths.includes(path))!.weights[index]!.shape], data: seen[k]! };
      out.set(path, list);
    });
    return out;
  }

  it(`give a compiled module the interpreter's starting weights bit for bit (${sources.length} files)`, async () => {
    const runtime = await bundledRuntime();
    let weights = 0;
    for (const source of sources) {
      const checked = check(source);
      const models = new Map(checked.models.map((m) => [m.name, m]));
      for (const model of checked.models) {
        const interpreted = bindWeights(model, models, undefined);
        const compiled = compiledStartingWeights(runtime, checked, model);
        expect([...compiled.keys()].sort(), source).toEqual([...interpreted.keys()].sort());
        for (const [path, list] of interpreted) {
          const got = compiled.get(path)!;
          expect(got.length, `${model.name} ${path}`).toBe(list.length);
          list.forEach((want, i) => {
            expect(got[i]!.shape, `${model.name} ${path} weight ${i}`).toEqual(want.shape);
            expect(sameBits(got[i]!.data, want.data), `${model.name} ${path} weight ${i}\n${source}`).toBe(true);
            weights++;
          });
        }
      }
    }
    expect(weights).toBeGreaterThan(400);
  });

  it("keep what JSON alone would lose: -0 from constant(-0)", async () => {
    const checked = check("model M(x: [1, 2, 3]) {\n  return dense(2, bias=constant(-0))(x)\n}\n");
    const models = new Map(checked.models.map((m) => [m.name, m]));
    const interpreted = bindWeights(checked.models[0]!, models, undefined).get("dense")![1]!;
    expect(Object.is(interpreted.data[0], -0)).toBe(true);
    const compiled = compiledStartingWeights(await bundledRuntime(), checked, checked.models[0]!).get("dense")![1]!;
    expect(sameBits(compiled.data, interpreted.data)).toBe(true);
  });

  it("are refused when their runs do not fill the weight", () => {
    const recipe = { shape: [2, 3], parts: [{ init: { kind: "ones" as const }, shape: [4], seed: 1 }] };
    expect(() => realizeWeight(recipe)).toThrow("initial weight recipe: ones [4] gives 4 values for a weight of shape [2,3] (6)");
    expect(
      Array.from(realizeWeight({ ...recipe, parts: [...recipe.parts, { init: { kind: "zeros" }, shape: [2], seed: 1 }] }).data),
    ).toEqual([1, 1, 1, 1, 0, 0]);
  });
});

function sameBits(a: TensorData["data"], b: TensorData["data"]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
