// The generated .d.ts, checked the way a user's editor would: `tsc --noEmit` over small TypeScript
// files that use a compiled module. Right uses type-check; a wrong arity when destructuring `run`'s
// result, a wrong input name or rank, and a wrong shape type must not.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileTo, typeCheckBeside, type Written } from "./harness.js";

const SOURCE = `model BiSeed(x: [1, 4, 5]) {
  y, fh, fc, bh, bc = bilstm(3, seq=true, state=true, kernel=constant(0.1), recurrent=constant(0.1), bias=zeros)(x)
  return y, fh, bh
}

model Tagger(tokens: int[B, T], used: bool[B, T]) {
  e = tokens |> embedding(50, 4)
  return gru(3, seq=true)(e, mask=used) |> dense(2, activation=softmax)
}

model class(__proto__: [2, 3]) {
  return dense(2)(__proto__)
}
`;

let written: Written;

beforeAll(async () => {
  written = await compileTo(SOURCE, "models");
  writeFileSync(join(written.dir, "package.json"), JSON.stringify({ type: "module" }));
});

/** `tsc --noEmit` over one file beside the module and the module's .d.ts. */
function only(name: string, text: string): { code: number; output: string } {
  return typeCheckBeside(written.dir, name, text);
}

describe("the generated .d.ts", () => {
  it("types a correct use: inputs by name, an exact tuple, shapes in the types", () => {
    const r = only(
      "use.mts",
      `import { BiSeed, Tagger, _class, type RnncTensor } from "./models.js";
const model = BiSeed.create();
const [y, fh, bh] = model.run({ x: [[[0.1, 4.2, 1.5, 1.1, 2.8], [1, 3.1, 2.5, 0.7, 1.1], [0.3, 2.1, 1.5, 2.1, 0.1], [2.2, 1.4, 0.5, 0.9, 1.1]]] });
const shape: [1, 4, 6] = y.shape;
const data: Float32Array = y.data;
const states: [RnncTensor<[1, 3], Float32Array>, RnncTensor<[1, 3], Float32Array>] = [fh, bh];
model.run({ x: { data: new Float32Array(20), shape: [1, 4, 5] } });
BiSeed.create({ bidirectional: [[[0.1]], { shape: [12], data: new Float32Array(12) }] }, { simd: false });
const tagger = Tagger.create();
const [probs] = tagger.run({ tokens: [[1, 2, 3]], used: [[true, false, 1]] });
const dims: number = probs.shape[0] + probs.shape[1];
const last: 2 = probs.shape[2];
const [out] = _class.create().run({ __proto__: [[1, 2, 3], [4, 5, 6]] });
const n: string = BiSeed.name + model.outputs.join() + _class.inputs[0]!.type;
export { shape, data, states, dims, last, out, n };
`,
    );
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
  });

  it("rejects destructuring more outputs than run returns", () => {
    const r = only(
      "arity.mts",
      `import { BiSeed } from "./models.js";
const [y, fh, bh, extra] = BiSeed.create().run({ x: { data: new Float32Array(20), shape: [1, 4, 5] } });
export { y, fh, bh, extra };
`,
    );
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/TS2493|length '3' has no element at index '3'/);
  });

  it("rejects a wrong input name, a wrong rank and a wrong shape type", () => {
    const name = only("name.mts", `import { BiSeed } from "./models.js";\nBiSeed.create().run({ y: [[[1]]] });\n`);
    expect(name.code).not.toBe(0);
    expect(name.output).toMatch(/'y' does not exist|TS2353|TS2345/);
    const rank = only("rank.mts", `import { BiSeed } from "./models.js";\nBiSeed.create().run({ x: [1, 2, 3] });\n`);
    expect(rank.code).not.toBe(0);
    const shape = only(
      "shape.mts",
      `import { BiSeed } from "./models.js";\nconst [y] = BiSeed.create().run({ x: [[[1]]] });\nconst s: [1, 4, 5] = y.shape;\nexport { s };\n`,
    );
    expect(shape.code).not.toBe(0);
  });

  it("documents each output's shape and each model's weights", () => {
    expect(written.dts).toContain("/** f32[1,4,6] */ y: RnncTensor<[1, 4, 6], Float32Array>");
    expect(written.dts).toContain("/** f32[B,T,2] */");
    expect(written.dts).toMatch(/export declare const BiSeed: RnncCompiledModel</);
    expect(written.dts).toMatch(/"bidirectional": forward_kernel \[5,12\]/);
  });
});
