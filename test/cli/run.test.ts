// `rnnc run` as a user meets it (LANGUAGE.md §3–4): spawned as a process, outputs in return order,
// `--json` as the contract says, weights files in Keras layout, and every mistake in the user's data
// reported as one line on stderr with a non-zero exit, never a stack trace.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rnnc, type CliResult } from "../cli-process.js";

const SEED = "examples/seed.rnn";
const SEED_X = "examples/seed.x.json";

const dir = mkdtempSync(join(tmpdir(), "rnnc-run-"));
let files = 0;
/** Writes `text` (or JSON of a value) to a fresh file in the temp dir and returns its path. */
function temp(name: string, content: unknown): string {
  const sub = join(dir, String(files++));
  mkdirSync(sub);
  const path = join(sub, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

interface JsonOutputs {
  outputs: { shape: number[]; data: number[] }[];
}

function runJson(...args: string[]): JsonOutputs {
  const r = rnnc("run", ...args, "--json");
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const json = JSON.parse(r.stdout) as JsonOutputs;
  expect(Object.keys(json)).toEqual(["outputs"]);
  for (const o of json.outputs) {
    expect(Object.keys(o)).toEqual(["shape", "data"]);
    expect(o.data).toHaveLength(o.shape.reduce((a, b) => a * b, 1));
  }
  return json;
}

function expectClose(found: readonly number[], expected: readonly number[], tolerance = 1e-6): void {
  expect(found).toHaveLength(expected.length);
  const worst = found.reduce((w, v, i) => Math.max(w, Math.abs(v - expected[i]!)), 0);
  expect(worst, `found ${JSON.stringify(found)}\nexpected ${JSON.stringify(expected)}`).toBeLessThanOrEqual(tolerance);
}

const repeat = (v: number, n: number) => Array.from({ length: n }, () => v);

/** A user's mistake: a non-zero exit, exactly one line on stderr, nothing on stdout, no stack trace. */
function expectOneLineError(r: CliResult, message: RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stdout).toBe("");
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain("internal error");
  expect(r.stderr.endsWith("\n")).toBe(true);
  expect(r.stderr.slice(0, -1).split("\n"), "one line on stderr").toEqual([expect.stringMatching(message)]);
}

/** A usage error: exit 2, one message line, then (as every rnnc command does) the usage text. */
function expectUsageError(r: CliResult, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).not.toMatch(/\n\s+at /);
  const [first, second] = r.stderr.split("\n");
  expect(first).toMatch(message);
  expect(second).toMatch(/^usage: rnnc /);
}

// ---- a float64 reference for the seed models: every weight 0.1, biases zero ----

/**
 * One LSTM direction of the seed walkthrough over the steps of `xs`, in float64. With every weight
 * equal, every unit is the same: z = 0.1·Σx + 0.1·Σh = 0.1·Σx + 0.3h for all four gates, except that
 * Keras's unit_forget_bias (on by default) adds 1 to the forget gate's bias even with bias=zeros.
 */
function seedLstm(xs: readonly (readonly number[])[]): { hs: number[]; c: number } {
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  let h = 0;
  let c = 0;
  const hs: number[] = [];
  for (const x of xs) {
    const z = 0.1 * x.reduce((a, b) => a + b, 0) + 0.1 * 3 * h;
    c = sigmoid(z + 1) * c + sigmoid(z) * Math.tanh(z);
    h = sigmoid(z) * Math.tanh(c);
    hs.push(h);
  }
  return { hs, c };
}

const X = [
  [0.1, 4.2, 1.5, 1.1, 2.8],
  [1.0, 3.1, 2.5, 0.7, 1.1],
  [0.3, 2.1, 1.5, 2.1, 0.1],
  [2.2, 1.4, 0.5, 0.9, 1.1],
];
const forward = seedLstm(X);
const backward = seedLstm([...X].reverse());
const backwardAt = (t: number) => backward.hs[X.length - 1 - t]!;

describe("rnnc run examples/seed.rnn", () => {
  it("prints BiSeed's three outputs, each headed by its model, index and type, and exits 0", () => {
    const r = rnnc("run", SEED, "--input", `x=${SEED_X}`);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const headers = r.stdout.split("\n").filter((l) => l.startsWith("BiSeed output"));
    expect(headers).toEqual(["BiSeed output 0 f32[1,4,6]:", "BiSeed output 1 f32[1,3]:", "BiSeed output 2 f32[1,3]:"]);
    // Seven significant digits, as Keras prints them: Keras's own digits (its layers of 3 units run
    // the float64 step loop, which rounds to Keras's float32 values exactly).
    expect(r.stdout).toContain("[[[0.3590647, 0.3590647, 0.3590647, 0.7038735, 0.7038735, 0.7038735],");
    expect(r.stdout).toContain("BiSeed output 1 f32[1,3]:\n[[0.6303139, 0.6303139, 0.6303139]]\n");
    expect(r.stdout).toContain("BiSeed output 2 f32[1,3]:\n[[0.7038735, 0.7038735, 0.7038735]]\n");
  });

  it("--json prints {outputs:[{shape,data}]} in return order with Keras's numbers", () => {
    const { outputs } = runJson(SEED, "--input", `x=${SEED_X}`);
    expect(outputs.map((o) => o.shape)).toEqual([
      [1, 4, 6],
      [1, 3],
      [1, 3],
    ]);
    const [y, fh, bh] = outputs;
    // Keras's numbers (tf.keras 2, the seed walkthrough).
    expectClose(fh!.data, repeat(0.6303139, 3));
    expectClose(bh!.data, repeat(0.70387346, 3));
    expectClose(y!.data.slice(0, 6), [...repeat(0.3590647, 3), ...repeat(0.70387346, 3)]);
    // The rest of y: forward half then backward half at every step, as a float64 LSTM computes them.
    const expected = X.flatMap((_, t) => [...repeat(forward.hs[t]!, 3), ...repeat(backwardAt(t), 3)]);
    expectClose(y!.data, expected);
    // The last step's forward half is fh; the first step's backward half is bh.
    expect(y!.data.slice(18, 21)).toEqual(fh!.data);
    expect(y!.data.slice(3, 6)).toEqual(bh!.data);
  });

  it("--json values round-trip float32 (nine significant digits, no float64 noise)", () => {
    const { outputs } = runJson(SEED, "--input", `x=${SEED_X}`);
    for (const o of outputs) for (const v of o.data) expect(Number(Math.fround(v).toPrecision(9))).toBe(v);
  });

  it("--model SeedLstm runs that model: its eight outputs in return order", () => {
    const { outputs } = runJson(SEED, "--model", "SeedLstm", "--input", `x=${SEED_X}`);
    expect(outputs.map((o) => o.shape)).toEqual([
      [1, 3],
      [1, 4, 3],
      [1, 3],
      [1, 3],
      [1, 3],
      [1, 4, 3],
      [1, 3],
      [1, 3],
    ]);
    const last = repeat(forward.hs[3]!, 3);
    const steps = forward.hs.flatMap((h) => repeat(h, 3));
    const c = repeat(forward.c, 3);
    const expected = [last, steps, last, last, c, steps, last, c];
    outputs.forEach((o, i) => expectClose(o.data, expected[i]!));
    expectClose(outputs[0]!.data, repeat(0.6303139, 3));
  });

  it("also takes --model=M and --input=NAME=FILE", () => {
    const { outputs } = runJson(SEED, "--model=SeedLstm", `--input=x=${SEED_X}`);
    expect(outputs).toHaveLength(8);
  });

  it("an unknown --model is a usage error naming the models there are", () => {
    expectUsageError(
      rnnc("run", SEED, "--model", "Nope", "--input", `x=${SEED_X}`),
      /^rnnc run: examples\/seed\.rnn has no model named Nope \(models: BiSeed, SeedRnn, SeedLstm, SeedBiLstm\)$/,
    );
  });
});

// ---- weights files ----

/** rnn(2) then dense(1): small enough to compute by hand. */
const TINY = `model Tiny(x: [1, 2, 2]) {
  h = rnn(2, name="r")(x)
  return dense(1, name="d")(h)
}
`;
const TINY_X = [
  [
    [1, 2],
    [0.5, -1],
  ],
];
// Keras layout: SimpleRNN kernel [F,u], recurrent kernel [u,u], bias [u]; Dense kernel [u,1], bias [1].
const K = [
  [0.5, 0.25],
  [-0.5, 1],
];
const R = [
  [0.1, 0.2],
  [0.3, -0.4],
];
const B = [0.1, -0.2];
const D = [[1], [2]];
const DB = [0.5];
const TINY_WEIGHTS = { r: [K, R, B], d: [D, DB] };

/** h_t = tanh(x_t·K + h_{t-1}·R + b); y = h_T·D + db, written out element by element. */
function tinyByHand(): number {
  let h0 = 0;
  let h1 = 0;
  for (const [x0, x1] of TINY_X[0]!) {
    const a0 = Math.tanh(x0! * K[0]![0]! + x1! * K[1]![0]! + h0 * R[0]![0]! + h1 * R[1]![0]! + B[0]!);
    const a1 = Math.tanh(x0! * K[0]![1]! + x1! * K[1]![1]! + h0 * R[0]![1]! + h1 * R[1]![1]! + B[1]!);
    h0 = a0;
    h1 = a1;
  }
  return h0 * D[0]![0]! + h1 * D[1]![0]! + DB[0]!;
}

describe("rnnc run --weights", () => {
  const source = temp("tiny.rnn", TINY);
  const input = temp("x.json", TINY_X);

  it("uses a Keras-layout weights JSON: the numbers are those computed by hand", () => {
    const weights = temp("tiny.weights.json", TINY_WEIGHTS);
    const { outputs } = runJson(source, "--input", `x=${input}`, "--weights", weights);
    expect(outputs).toHaveLength(1);
    expect(outputs[0]!.shape).toEqual([1, 1]);
    const expected = tinyByHand();
    expect(expected).toBeCloseTo(-0.5222534, 6);
    expectClose(outputs[0]!.data, [expected]);
  });

  it("the weights change the numbers (without them the initializers run)", () => {
    const weights = temp("tiny.weights.json", TINY_WEIGHTS);
    const withFile = runJson(source, "--input", `x=${input}`, "--weights", weights).outputs[0]!.data[0]!;
    const without = runJson(source, "--input", `x=${input}`).outputs[0]!.data[0]!;
    expect(Math.abs(withFile - without)).toBeGreaterThan(1e-3);
    // Other weights, other numbers: the file is read, not cached.
    const scaled = temp("tiny.weights.json", { ...TINY_WEIGHTS, d: [[[2], [4]], [1]] });
    const doubled = runJson(source, "--input", `x=${input}`, "--weights", scaled).outputs[0]!.data[0]!;
    expectClose([doubled], [2 * tinyByHand()]);
  });

  it("an unreadable weights file is one line naming the file", () => {
    const missing = join(dir, "no-such-weights.json");
    expectOneLineError(rnnc("run", source, "--input", `x=${input}`, "--weights", missing), /no-such-weights\.json/);
    const folder = join(dir, "a-folder.json");
    mkdirSync(folder, { recursive: true });
    expectOneLineError(rnnc("run", source, "--input", `x=${input}`, "--weights", folder), /a-folder\.json/);
    const broken = temp("broken.weights.json", '{"r": [[[0.5, 0.25]');
    expectOneLineError(rnnc("run", source, "--input", `x=${input}`, "--weights", broken), /broken\.weights\.json.*JSON/);
  });

  it("a weight of the wrong shape is one line naming the layer, the expected and the found shape", () => {
    const wrong = temp("wrong.weights.json", { ...TINY_WEIGHTS, r: [[...K, [1, 1]], R, B] });
    const r = rnnc("run", source, "--input", `x=${input}`, "--weights", wrong);
    expectOneLineError(r, /layer "r".*kernel.*\[2,2\].*\[3,2\]/);
  });

  it("a layer missing from the weights is one line naming it and what it needs", () => {
    const partial = temp("partial.weights.json", { r: TINY_WEIGHTS.r });
    const r = rnnc("run", source, "--input", `x=${input}`, "--weights", partial);
    expectOneLineError(r, /layer "d" is missing.*kernel \[2,1\].*bias \[1\]/);
  });
});

// ---- the user's mistakes ----

describe("rnnc run: mistakes in the inputs", () => {
  it("a missing input names it and its type", () => {
    expectOneLineError(rnnc("run", SEED), /^rnnc run: missing input x \(f32\[1,4,5\]\)$/);
  });

  it("an unknown input name names the model's inputs", () => {
    const r = rnnc("run", SEED, "--input", `x=${SEED_X}`, "--input", `z=${SEED_X}`);
    expectOneLineError(r, /unknown input z.*inputs are x/);
  });

  it("a wrong input shape names the input and both shapes", () => {
    const short = temp("short.json", [[[1, 2, 3, 4, 5]]]);
    expectOneLineError(rnnc("run", SEED, "--input", `x=${short}`), /input x: .*\[1,4,5\].*\[1,1,5\]/);
    const wide = temp("wide.json", [X.map((row) => [...row, 0])]);
    expectOneLineError(rnnc("run", SEED, "--input", `x=${wide}`), /input x: .*\[1,4,5\].*\[1,4,6\]/);
    const rank = temp("rank.json", X);
    expectOneLineError(rnnc("run", SEED, "--input", `x=${rank}`), /input x: .*\[1,4,5\].*\[4,5\]/);
  });

  it("a ragged or non-numeric input is one line naming the input", () => {
    const ragged = temp("ragged.json", [[X[0], X[1], X[2], [1, 2]]]);
    expectOneLineError(rnnc("run", SEED, "--input", `x=${ragged}`), /input x: ragged/);
    const text = temp("text.json", [X.map((row) => row.map((v, i) => (i === 2 ? "a" : v)))]);
    expectOneLineError(rnnc("run", SEED, "--input", `x=${text}`), /input x: .*"a".*not a number/);
  });

  it("an output that overflows float32 is a warning naming it, and --json writes the value as a string, never null", () => {
    const file = temp("big.rnn", 'model Big(x: [1, 2]) {\n  return x |> dense(2, activation="linear", kernel=ones, bias=zeros)\n}\n');
    const x = temp("x.json", [[3e38, 3e38]]);
    const r = rnnc("run", file, "--input", `x=${x}`, "--json");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      "rnnc run: warning: Big output 0 f32[1,2] has 2 values that are not finite (first [0][0] = Infinity): the computation overflowed float32\n",
    );
    expect(JSON.parse(r.stdout)).toEqual({ outputs: [{ shape: [1, 2], data: ["Infinity", "Infinity"] }] });
    const negative = temp("x.json", [[-3e38, -3e38]]);
    expect(JSON.parse(rnnc("run", file, "--input", `x=${negative}`, "--json").stdout).outputs[0].data).toEqual(["-Infinity", "-Infinity"]);
  });

  it("an input outside float32 names the element; a {data, shape} input needs a real array", () => {
    const big = temp("x.json", [
      [
        [0.1, 4.2, 1.5, 1.1, 2.8],
        [0, 0, 0, 0, 0],
        [0, 0, 1e39, 0, 0],
        [0, 0, 0, 0, 0],
      ],
    ]);
    expectOneLineError(
      rnnc("run", SEED, "--input", `x=${big}`),
      /^rnnc run: input x: element \[0\]\[2\]\[2\] is 1e\+39, outside the float32 range; inputs must be finite float32 values$/,
    );
    const fake = temp("x.json", { shape: [200000000, 1, 5], data: { length: 1000000000 } });
    expectOneLineError(
      rnnc("run", SEED, "--input", `x=${fake}`),
      /^rnnc run: input x: "data" should be an array of numbers, found an object \(not an array\)$/,
    );
    const bom = temp("x.json", `\uFEFF${JSON.stringify([X])}`);
    expect(runJson(SEED, "--input", `x=${bom}`).outputs[0]!.shape).toEqual([1, 4, 6]);
  });

  it("non-integer token ids for an int input", () => {
    const file = temp("e.rnn", "model E(ids: int[1, 3]) {\n  return ids |> embedding(5, 2)\n}\n");
    const ids = temp("ids.json", [[1, 2.5, 3]]);
    expectOneLineError(rnnc("run", file, "--input", `ids=${ids}`), /input ids: token ids must be integers; element \[0\]\[1\] is 2\.5/);
    const fine = temp("ids.json", [[1, 2, 3]]);
    expect(runJson(file, "--input", `ids=${fine}`).outputs[0]!.shape).toEqual([1, 3, 2]);
  });

  it("token ids beyond int32 are an error, not wrapped round to another id", () => {
    const file = temp("e.rnn", "model E(ids: int[1, 3]) {\n  return ids |> embedding(5, 2)\n}\n");
    // 2^32 + 1 would wrap to 1 in an Int32Array, silently reading row 1 of the table.
    const ids = temp("ids.json", [[1, 4294967297, 2]]);
    expectOneLineError(rnnc("run", file, "--input", `ids=${ids}`), /input ids|token id/);
  });

  it("a malformed JSON input file is one line naming the input and the file", () => {
    const bad = temp("bad.json", "[[[0.1, 4.2");
    expectOneLineError(rnnc("run", SEED, "--input", `x=${bad}`), /input x: .*bad\.json is not valid JSON/);
  });

  it("an unreadable input file is one line naming the input and the file", () => {
    const missing = join(dir, "no-such-input.json");
    expectOneLineError(rnnc("run", SEED, "--input", `x=${missing}`), /input x.*no-such-input\.json/);
  });

  it("JSON that is not an array (null, a number, an object) is one line, not an internal error", () => {
    for (const value of ["null", "5", '{"a": 1}']) {
      const file = temp("odd.json", value);
      expectOneLineError(rnnc("run", SEED, "--input", `x=${file}`), /input x/);
    }
  });

  it("an unknown backend is a usage error naming the backends there are", () => {
    expectUsageError(
      rnnc("run", SEED, "--input", `x=${SEED_X}`, "--backend", "gpu"),
      /^rnnc run: unknown backend gpu \(available: cpu, tfjs, ort, auto\)$/,
    );
  });

  it("--threads takes a whole number of threads for the CPU kernels; anything else is a usage error", () => {
    const model = temp("wide.rnn", "model Wide(x: f32[1, 6, 64]) { return lstm(256, seq=true)(x) }");
    const x = temp("x.json", [Array.from({ length: 6 }, (_, t) => Array.from({ length: 64 }, (_, f) => Math.sin(t + f)))]);
    const one = runJson(model, "--input", `x=${x}`, "--threads", "1");
    expect(runJson(model, "--input", `x=${x}`, "--threads", "2")).toEqual(one);
    for (const bad of ["0", "1.5", "two", "-1"]) {
      expectUsageError(
        rnnc("run", SEED, "--input", `x=${SEED_X}`, `--threads=${bad}`),
        /^rnnc run: --threads must be a whole number from 1 to 32, not /,
      );
    }
    expectUsageError(
      rnnc("run", SEED, "--input", `x=${SEED_X}`, "--threads", "2", "--backend", "tfjs"),
      /^rnnc run: --threads is for rnnc's CPU kernels \(--backend cpu or auto\), not --backend tfjs$/,
    );
  });

  it("--input without NAME= and an input given twice are usage errors", () => {
    expectUsageError(rnnc("run", SEED, "--input", SEED_X), /--input takes NAME=FILE\.json/);
    expectUsageError(rnnc("run", SEED, "--input", `x=${SEED_X}`, "--input", `x=${SEED_X}`), /input x given twice/);
  });
});

describe("rnnc run: a file with errors", () => {
  it("prints the diagnostics on stderr, runs nothing and exits 1", () => {
    const file = temp("stack.rnn", "model M(x: [1, 4, 5]) {\n  a = lstm(16)(x)\n  return lstm(8)(a)\n}\n");
    const r = rnnc("run", file, "--input", `x=${SEED_X}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/stack\.rnn:3:18: error RNN020: lstm\(8\) expects a sequence/);
    expect(r.stderr).toContain("3 |   return lstm(8)(a)");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain("internal error");
  });

  it("examples/mistakes.rnn: every diagnostic, exit 1", () => {
    const r = rnnc("run", "examples/mistakes.rnn", "--input", `x=${SEED_X}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    for (const code of ["RNN020", "RNN030", "RNN011", "RNN012"]) expect(r.stderr).toContain(`error ${code}:`);
  });

  it("an unreadable source file exits 2 with one line", () => {
    const r = rnnc("run", "no-such-file.rnn", "--input", `x=${SEED_X}`);
    expect(r.code).toBe(2);
    expectOneLineError(rnnc("run", "no-such-file.rnn", "--input", `x=${SEED_X}`), /^rnnc: cannot read no-such-file\.rnn: no such file$/);
  });
});
