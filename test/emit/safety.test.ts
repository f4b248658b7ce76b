// What may reach generated code from the source: names that are JavaScript's reserved words or
// magic properties, layer names that would end a comment, a string or a template, or a line, and
// non-ASCII text. The module must still load, export safe names, run as the interpreter does, and
// hold none of those texts raw. Also: the module imports nothing and touches no Node-only API, and
// its weights and input checks give the interpreter's messages word for word.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { check, type CheckedFile } from "../../src/index.js";
import { compileTo, difference, interpret, jobInput, runInNode, toTensorData, type Job, type JobInput, type Written } from "./harness.js";

const HOSTILE = "*/ ${globalThis.hacked = 1} \" ' ` \\ </script> \u2028 \u2029 é 𝄞 // <!--";
// The source spells the layer name with its quote and backslash escaped, the rest raw.
const hostileLiteral = HOSTILE.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

const SOURCE = `# A comment with */ and \${x} and "quotes" — comments never reach the module.
model class(__proto__: [arguments, 2, 3], constructor: bool[arguments, 2]) {
  a = lstm(2, seq=true, name="${hostileLiteral}")(__proto__, mask=constructor)
  return a |> dense(2, name="__proto__"), a
}

model _class(x: [1, 2, 3]) {
  return x |> gru(2, name="constructor") |> dense(1, name="toString")
}

model __proto__(let: [1, 3]) {
  return let |> dense(2, name="hasOwnProperty")
}
`;

let checked: CheckedFile;
let written: Written;

beforeAll(async () => {
  checked = check(SOURCE);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  written = await compileTo(checked, "hostile");
});

const f32 = (shape: number[], seed: number): JobInput => ({
  shape,
  dtype: "f32",
  data: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.fround(Math.sin(seed + i * 1.7))),
});

describe("names from the source in generated code", () => {
  it("become safe, distinct export names", () => {
    expect(written.models).toEqual([
      { name: "class", exportName: "_class" },
      { name: "_class", exportName: "_class_2" },
      { name: "__proto__", exportName: "___proto__" },
    ]);
  });

  it("never appear raw: no comment, string or line can be ended by them", () => {
    for (const text of [written.js, written.dts]) {
      expect(text).not.toContain("*/ ${");
      expect(text).not.toContain("</script>");
      expect(text).not.toContain('globalThis.hacked = 1} "');
      expect(text).not.toMatch(/[\u2028\u2029]/);
      expect(text).not.toContain("é");
      expect(text).not.toContain("𝄞");
    }
    // The layer name is there, as an escaped JSON literal.
    expect(written.js).toContain(
      JSON.stringify(HOSTILE).replace(/[/\u007f-\uffff]/g, (c) =>
        c === "/" ? "\\/" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
      ),
    );
  });

  it("load, run as the interpreter does, and take weights under those names", () => {
    // Object.fromEntries makes own properties: in a literal, `__proto__: x` would set the prototype.
    const runs = [
      Object.fromEntries([
        ["__proto__", f32([2, 2, 3], 1)],
        ["constructor", { shape: [2, 2], dtype: "bool", data: [1, 0, 1, 1] } as JobInput],
      ]),
    ];
    const weights = Object.fromEntries([
      [HOSTILE, [f32([3, 8], 2), f32([2, 8], 3), f32([8], 4)]],
      ["__proto__", [f32([2, 2], 5), f32([2], 6)]],
    ]);
    expect(Object.keys(weights)).toEqual([HOSTILE, "__proto__"]);
    const jobs: Job[] = [
      { exportName: "_class", weights: null, runs },
      { exportName: "_class", weights, runs },
      { exportName: "_class_2", weights: null, runs: [{ x: f32([1, 2, 3], 7) }] },
      { exportName: "___proto__", weights: null, runs: [{ let: f32([1, 3], 8) }] },
    ];
    const results = runInNode(written.jsPath, jobs);
    const models = ["class", "class", "_class", "__proto__"];
    results.forEach((result, j) => {
      expect(result.error).toBeUndefined();
      const run = result.runs![0]!;
      if ("error" in run) throw new Error(run.error);
      const given = Object.fromEntries(
        Object.entries(jobs[j]!.runs[0]!).map(([k, t]) => [
          k,
          toTensorData({
            ...(t as { shape: number[]; data: number[] }),
            kind: (t as { dtype: string }).dtype === "bool" ? "Uint8Array" : "Float32Array",
          }),
        ]),
      );
      const expected = interpret(checked, models[j]!, jobs[j]!.weights, given);
      if ("error" in expected) throw new Error(expected.error);
      expect(difference(run.outputs.map(toTensorData), expected)).toBe(0);
    });
    expect(results[0]!.meta!.name).toBe("class");
  });

  it("type-check in the .d.ts", () => {
    writeFileSync(join(written.dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      join(written.dir, "use.mts"),
      `import { _class, _class_2, ___proto__ } from "./hostile.js";
const [a, b] = _class.create().run({ __proto__: { data: new Float32Array(12), shape: [2, 2, 3] }, constructor: [[true, false], [true, true]] });
const [c] = _class_2.create().run({ x: [[[1, 2, 3], [4, 5, 6]]] });
const [d] = ___proto__.create({ hasOwnProperty: [[[1, 2], [3, 4], [5, 6]], [0, 0]] }).run({ let: [[1, 2, 3]] });
export { a, b, c, d };
`,
    );
    const compilerOptions = {
      strict: true,
      noEmit: true,
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2022"],
      types: [],
    };
    writeFileSync(join(written.dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["use.mts"] }));
    const tsc = join(import.meta.dirname, "..", "..", "node_modules", "typescript", "bin", "tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", join(written.dir, "tsconfig.json")], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("a compiled module", () => {
  it("imports nothing and uses no Node-only API", () => {
    const js = written.js;
    expect(js).not.toMatch(/^\s*import\b/m);
    expect(js).not.toMatch(/\bimport\s*\(/);
    expect(js).not.toMatch(/\brequire\b/);
    // Node only through feature detection (worker threads and the core count for its kernels' threads;
    // undefined in a browser): one function, and the two built-ins it is asked for by name.
    const detection = "function nodeBuiltin(name) {\n  return globalThis.process?.getBuiltinModule?.(name);\n}";
    expect(js.split(detection)).toHaveLength(2);
    const rest = js.replace(detection, "");
    expect(rest).not.toMatch(/\b(process|Buffer|__dirname|__filename|setImmediate)\b/);
    expect(rest.match(/["']node:[^"']*["']/g)).toEqual(['"node:worker_threads"', '"node:os"']);
    expect(rest).not.toMatch(/import\.meta/);
    // Its one export statement is the models'.
    expect(js.match(/^export\b.*$/gm)).toEqual(["export { $model0 as _class, $model1 as _class_2, $model2 as ___proto__ };"]);
  });
});

describe("checks at run time give the interpreter's messages", () => {
  const SIMPLE = `model M(x: [B, T, 3], ids: int[B, T]) {
  e = ids |> embedding(5, 2, mask_zero=true)
  h = lstm(2, seq=true)(x)
  return concat(e, h) |> gru(2) |> dense(1)
}
`;
  let simple: Written;
  let simpleChecked: CheckedFile;
  beforeAll(async () => {
    simpleChecked = check(SIMPLE);
    simple = await compileTo(simpleChecked, "simple");
  });

  const good = () => ({
    x: { shape: [2, 3, 3], dtype: "f32", data: Array.from({ length: 18 }, (_, i) => i / 10) } as JobInput,
    ids: { shape: [2, 3], dtype: "i32", data: [1, 2, 0, 4, 3, 0] } as JobInput,
  });
  const cases: { what: string; weights: unknown; inputs: Record<string, JobInput> }[] = [
    { what: "fits", weights: null, inputs: good() },
    { what: "a wrong dim", weights: null, inputs: { ...good(), x: { shape: [2, 3, 4], dtype: "f32", data: new Array(24).fill(0) } } },
    {
      what: "named dims that disagree",
      weights: null,
      inputs: { ...good(), ids: { shape: [2, 4], dtype: "i32", data: new Array(8).fill(1) } },
    },
    { what: "a missing input", weights: null, inputs: { x: good().x } },
    { what: "an unknown input", weights: null, inputs: { ...good(), y: good().x } },
    { what: "a ragged array", weights: null, inputs: { ...good(), x: { nested: [[[1, 2, 3]], [[1, 2]]] } } },
    { what: "a wrong rank", weights: null, inputs: { ...good(), x: { nested: [[1, 2, 3]] } } },
    { what: "a string element", weights: null, inputs: { ...good(), x: { nested: [[[1, 2, "3"]]] } } },
    { what: "data of the wrong length", weights: null, inputs: { ...good(), x: { shape: [2, 3, 3], dtype: "f32", data: [1, 2] } } },
    { what: "a non-integer id", weights: null, inputs: { ...good(), ids: { nested: [[1, 2.5, 0]] } } },
    {
      what: "an id outside the vocabulary",
      weights: null,
      inputs: { ...good(), ids: { shape: [2, 3], dtype: "i32", data: [1, 2, 0, 9, 3, 0] } },
    },
    { what: "a missing layer", weights: { lstm: [], gru: [], dense: [] }, inputs: good() },
    {
      what: "wrong shapes and a typo",
      weights: { embeding: [[[1]]], lstm: [[[1, 2]], [[1]], [1]], gru: [], dense: [[[1]], [1]], concatenate: [] },
      inputs: good(),
    },
    { what: "not an object", weights: [1, 2], inputs: good() },
    { what: "a non-finite number", weights: { embedding: [[["Infinity"]]] }, inputs: good() },
  ];

  it("for inputs and weights", () => {
    const runInputs = (inputs: Record<string, JobInput>) => inputs;
    const results = runInNode(
      simple.jsPath,
      cases.map((c) => ({ exportName: "M", weights: c.weights, runs: [runInputs(c.inputs)] })),
    );
    cases.forEach((c, i) => {
      const result = results[i]!;
      const given = Object.fromEntries(
        Object.entries(c.inputs).map(([k, t]) => [
          k,
          "nested" in t ? t.nested : { shape: t.shape, data: t.dtype === "i32" ? Int32Array.from(t.data) : Float32Array.from(t.data) },
        ]),
      );
      const expected = interpret(simpleChecked, "M", c.weights, given);
      const compiled = result.error !== undefined ? { error: result.error } : result.runs![0]!;
      if ("error" in expected) {
        expect(compiled, c.what).toEqual({ error: expected.error });
      } else {
        expect("outputs" in compiled, c.what).toBe(true);
        if ("outputs" in compiled) expect(difference(compiled.outputs.map(toTensorData), expected), c.what).toBe(0);
      }
    });
    // Every case but the first fails, each with its own message.
    const messages = results.map((r) => r.error ?? (r.runs![0] as { error?: string }).error);
    expect(messages[0]).toBeUndefined();
    expect(new Set(messages.slice(1)).size).toBe(cases.length - 1);
    expect(messages[1]).toBe("input x: expected f32[B,T,3], got [2,3,4] (dim 2 must be 3)");
    expect(messages[10]).toBe("token id 9 at index 3 is outside the embedding's vocabulary 0..4");
  });

  it("the input check is the only one: jobInput keeps typed data typed", () => {
    expect(jobInput({ shape: [1], data: new Int32Array([3]) })).toEqual({ shape: [1], dtype: "i32", data: [3] });
  });
});

describe("outputs that are not computed", () => {
  it("an input returned as it is, twice, and int and bool outputs, as the interpreter returns them", async () => {
    const source = `model Echo(x: [B, 2], ids: int[B, 3], m: bool[B, 3]) {
  return x, ids, m, x |> dropout(0.5), x
}

model NoWeights(x: [2, 3]) {
  return add(x, x), concat(x, x)
}
`;
    const checked = check(source);
    const written = await compileTo(checked, "echo");
    const runs = [
      {
        x: { shape: [2, 2], dtype: "f32", data: [1, -2, 0.5, 3] },
        ids: { shape: [2, 3], dtype: "i32", data: [1, 2, 3, 4, 5, -6] },
        m: { shape: [2, 3], dtype: "bool", data: [1, 0, 1, 0, 0, 1] },
      } as Record<string, JobInput>,
    ];
    const [echo, none] = runInNode(written.jsPath, [
      { exportName: "Echo", weights: null, runs },
      {
        exportName: "NoWeights",
        weights: {},
        runs: [
          {
            x: {
              nested: [
                [1, 2, 3],
                [4, 5, 6],
              ],
            },
          },
        ],
      },
    ]);
    const outputs = (echo!.runs![0] as { outputs: { shape: number[]; kind: string; data: number[] }[] }).outputs;
    expect(outputs.map((o) => o.kind)).toEqual(["Float32Array", "Int32Array", "Uint8Array", "Float32Array", "Float32Array"]);
    const expected = interpret(checked, "Echo", null, {
      x: { shape: [2, 2], data: Float32Array.from([1, -2, 0.5, 3]) },
      ids: { shape: [2, 3], data: Int32Array.from([1, 2, 3, 4, 5, -6]) },
      m: { shape: [2, 3], data: Uint8Array.from([1, 0, 1, 0, 0, 1]) },
    });
    if ("error" in expected) throw new Error(expected.error);
    expect(difference(outputs.map(toTensorData), expected)).toBe(0);
    const noWeights = none!.runs![0] as { outputs: { shape: number[]; kind: string; data: number[] }[] };
    expect(noWeights.outputs.map((o) => o.data)).toEqual([
      [2, 4, 6, 8, 10, 12],
      [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6],
    ]);
  });
});
