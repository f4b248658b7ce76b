// The emitter's small parts: safe identifiers and literals, size expressions, the initializer
// recipes (bit for bit the interpreter's starting weights), and the runtime's defineModel.
import { describe, expect, it } from "vitest";
import { check } from "../../src/index.js";
import { initialRecipes } from "../../src/emit/initial.js";
import { IdentifierScope, literal, safeIdentifier } from "../../src/emit/names.js";
import { defineModel, type ModelSpec } from "../../src/emit/runtime.js";
import { code, dimVar, mul, product, size } from "../../src/emit/sizes.js";
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

  it(`reproduce the interpreter's starting weights bit for bit (${sources.length} files)`, () => {
    let groups = 0;
    for (const source of sources) {
      const checked = check(source);
      const models = new Map(checked.models.map((m) => [m.name, m]));
      for (const model of checked.models) {
        const values = bindWeights(model, models, undefined);
        const { embedded } = initialRecipes(model, models, values);
        expect(embedded, source).toEqual([]);
        groups += initialRecipes(model, models).groups.length;
      }
    }
    expect(groups).toBeGreaterThan(150);
  });

  it("embed the values of a group they cannot reproduce, and the runtime reads them back", () => {
    const checked = check("model M(x: [1, 2, 3]) {\n  return dense(2)(x)\n}\n");
    const models = new Map(checked.models.map((m) => [m.name, m]));
    const values = bindWeights(checked.models[0]!, models, undefined);
    const odd: TensorData[] = [
      { shape: [3, 2], data: Float32Array.from([1.5, -2, 3e-8, 4, 5, Math.fround(Math.PI)]) },
      { shape: [2], data: Float32Array.from([7, 8]) },
    ];
    const tampered = new Map([...values].map(([k]) => [k, odd]));
    const { groups, embedded } = initialRecipes(checked.models[0]!, models, tampered);
    expect(embedded).toEqual(["dense"]);
    const spec: ModelSpec = {
      name: "M",
      inputs: [{ name: "x", dtype: "f32", dims: [1, 2, 3], type: "f32[1,2,3]" }],
      outputs: ["f32[2]"],
      dims: [],
      weights: { model: "M", inputs: ["x"], items: [], weightless: [] },
      consts: [["dense", 0]],
      initial: groups,
    };
    let seen: readonly TensorData["data"][] = [];
    const factory = defineModel(spec, (consts) => {
      seen = consts;
      return () => [];
    });
    factory.create();
    expect(Array.from(seen[0]!)).toEqual(Array.from(odd[0]!.data));
  });
});
