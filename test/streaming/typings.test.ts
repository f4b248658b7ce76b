// The generated .d.ts types model.step and model.reset as a user's editor sees them (tsc --noEmit
// over a file using the compiled module), and rejects a step result destructured to the wrong arity.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { compileTo, typeCheckBeside, type Written } from "../emit/harness.js";

let written: Written;

beforeAll(async () => {
  written = await compileTo(
    "model Stream(x: [1, T, 4]) {\n  y, h, c = lstm(3, state=true, stateful=true)(x)\n  return y, h, c\n}\n",
    "stream",
  );
  writeFileSync(join(written.dir, "package.json"), JSON.stringify({ type: "module" }));
});

function typeCheck(name: string, text: string): { code: number; output: string } {
  return typeCheckBeside(written.dir, name, text);
}

it("step and reset type-check, with step's result typed like run's", () => {
  const r = typeCheck(
    "use.ts",
    [
      `import { Stream } from "./stream.js";`,
      `const model = Stream.create();`,
      `const [y, h, c] = model.step({ x: [[[1, 2, 3, 4]]] });`,
      `const width: 3 = y.shape[1];`,
      `model.reset();`,
      `const data: Float32Array = h.data;`,
      `export const used = [width, data, c.shape];`,
    ].join("\n"),
  );
  expect(r.output).toBe("");
  expect(r.code).toBe(0);
});

it("the model's doc comment says it is stateful, in the .d.ts and the module", () => {
  const line = "Stateful: `step(inputs)` carries its recurrent states from call to call, `reset()` zeros them; `run` starts from zeros.";
  expect(written.dts).toContain(line);
  expect(written.js).toContain(line);
});

it("a step result destructured to the wrong arity does not", () => {
  const r = typeCheck(
    "wrong.ts",
    `import { Stream } from "./stream.js";\nconst [a, b, c, d] = Stream.create().step({ x: [[[1, 2, 3, 4]]] });\nexport const used = [a, b, c, d];\n`,
  );
  expect(r.code).not.toBe(0);
  expect(r.output).toMatch(/TS2493/);
});
