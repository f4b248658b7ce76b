// The Keras JSON weights format (LANGUAGE.md §3).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DataError, type TensorData, type WeightSet } from "../../src/types/tensor-data.js";
import { parseKerasWeights } from "../../src/weights/keras-json.js";
import { readWeights } from "../../src/weights/read.js";

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error("expected a DataError");
}

function list(set: WeightSet, name: string): TensorData[] {
  const v = set.layers.get(name);
  if (!Array.isArray(v)) throw new Error(`${name} is not a list`);
  return v;
}

describe("parseKerasWeights", () => {
  it("reads shapes from the nesting, data row-major as float32", () => {
    const set = parseKerasWeights(
      {
        dense: [
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          [0.5, -0.5, 1e-3],
        ],
      },
      "w.json",
    );
    expect(set.source).toBe("w.json");
    const [kernel, bias] = list(set, "dense");
    expect(kernel!.shape).toEqual([2, 3]);
    expect(kernel!.data).toBeInstanceOf(Float32Array);
    expect(Array.from(kernel!.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(bias!.shape).toEqual([3]);
    expect(Array.from(bias!.data)).toEqual([0.5, -0.5, Math.fround(1e-3)]);
  });

  it("reads GRU's [2, 3u] bias, scalars, empty lists and weightless layers", () => {
    const set = parseKerasWeights(
      {
        gru: [
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
        ],
        s: [7],
        e: [[]],
        dropout: [],
      },
      "w.json",
    );
    expect(list(set, "gru")[0]!.shape).toEqual([2, 3]);
    expect(list(set, "s")[0]!.shape).toEqual([]);
    expect(list(set, "e")[0]!.shape).toEqual([0]);
    expect(list(set, "dropout")).toEqual([]);
  });

  it("nests a called model's weights given as an object", () => {
    const set = parseKerasWeights({ Encoder: { lstm: [[1, 2]], Inner: { dense: [[3]] } }, out: [[1]] }, "w.json");
    const enc = set.layers.get("Encoder") as WeightSet;
    expect(enc.layers.get("lstm")).toHaveLength(1);
    expect((enc.layers.get("Inner") as WeightSet).layers.get("dense")).toHaveLength(1);
  });

  it("accepts {shape, data} weights", () => {
    const set = parseKerasWeights(
      {
        d: [
          { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
          { shape: [2], data: [0, 1] },
        ],
      },
      "w.json",
    );
    expect(list(set, "d")[0]!.shape).toEqual([2, 2]);
    expect(errorOf(() => parseKerasWeights({ d: [{ shape: [2, 2], data: [1, 2, 3] }] }, "w.json"))).toBe(
      'w.json: layer "d": weight 0: "data" should hold 4 numbers for shape [2,2], found 3.',
    );
  });

  it("rejects a top level that is not an object", () => {
    expect(errorOf(() => parseKerasWeights([1, 2], "w.json"))).toMatch(
      /^w\.json: expected an object mapping layer names .* found a list of 2\.$/,
    );
    expect(errorOf(() => parseKerasWeights(null, "w.json"))).toMatch(/found null\.$/);
  });

  it("rejects a layer whose value is neither a list nor an object", () => {
    expect(errorOf(() => parseKerasWeights({ lstm: 3 }, "w.json"))).toBe(
      'w.json: layer "lstm": expected a list of weight arrays (or, for a called model, an object of its layers), found number 3.',
    );
  });

  it("names the layer, weight and path of a ragged array", () => {
    expect(errorOf(() => parseKerasWeights({ lstm: [[1], [[1, 2], [3, 4], [5]]] }, "w.json"))).toBe(
      'w.json: layer "lstm": weight 1: ragged array: [2] has 1 element, but [0] has 2 (shape [3,2]).',
    );
    expect(errorOf(() => parseKerasWeights({ lstm: [[[1, 2], 3]] }, "w.json"))).toBe(
      'w.json: layer "lstm": weight 0: ragged array: [1] should be a list of 2 (shape [2,2]), found number 3.',
    );
    expect(errorOf(() => parseKerasWeights({ lstm: [[1, [2]]] }, "w.json"))).toBe(
      'w.json: layer "lstm": weight 0: ragged array: [1] is a list, but [0] is a number.',
    );
  });

  it("names the path of a non-number, NaN or Infinity", () => {
    expect(
      errorOf(() =>
        parseKerasWeights(
          {
            dense: [
              [
                [1, 2],
                [3, "x"],
              ],
            ],
          },
          "w.json",
        ),
      ),
    ).toBe('w.json: layer "dense": weight 0 at [1][1]: expected a number, found "x".');
    expect(errorOf(() => parseKerasWeights({ dense: [[0], [[1, "NaN"]]] }, "w.json"))).toBe(
      'w.json: layer "dense": weight 1 at [0][1]: NaN is not a finite number; weights must be finite.',
    );
    expect(errorOf(() => parseKerasWeights({ dense: [["-Infinity"]] }, "w.json"))).toBe(
      'w.json: layer "dense": weight 0 at [0]: -Infinity is not a finite number; weights must be finite.',
    );
    expect(errorOf(() => parseKerasWeights({ dense: [[null]] }, "w.json"))).toBe(
      'w.json: layer "dense": weight 0 at [0]: expected a number, found null.',
    );
    // Built in JavaScript rather than parsed: NaN itself.
    expect(errorOf(() => parseKerasWeights({ dense: [[1, Number.NaN]] }, "w.json"))).toMatch(
      /weight 0 at \[1\]: NaN is not a finite number/,
    );
  });

  it("names the nested layer's path inside a called model", () => {
    expect(errorOf(() => parseKerasWeights({ Encoder: { lstm: [[1, true]] } }, "w.json"))).toBe(
      'w.json: layer "Encoder/lstm": weight 0 at [1]: expected a number, found boolean true.',
    );
  });

  it("rejects absurd nesting without overflowing the stack", () => {
    let deep: unknown = [1];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(errorOf(() => parseKerasWeights({ d: [deep] }, "w.json"))).toMatch(/nested more than 32 deep/);
  });

  it("rejects called models nested 200,000 deep without overflowing the stack", () => {
    let deep: Record<string, unknown> = { lstm: [] };
    for (let i = 0; i < 200_000; i++) deep = { m: deep };
    expect(errorOf(() => parseKerasWeights(deep, "w.json"))).toMatch(/called models nested more than 64 deep\.$/);
  });

  it("rejects a number that is Infinity as a float32, naming where it is", () => {
    expect(errorOf(() => parseKerasWeights({ d: [[0, 1e39]] }, "w.json"))).toBe(
      'w.json: layer "d": weight 0 at [1]: 1e+39 is outside the float32 range (±3.4028234663852886e+38); weights must be finite float32 values.',
    );
    expect(errorOf(() => parseKerasWeights({ d: [{ shape: [2], data: [-1e300, 0] }] }, "w.json"))).toMatch(
      /at data\[0\]: -1e\+300 is outside/,
    );
    // The largest float32 is a weight.
    expect(list(parseKerasWeights({ d: [[3.4028234663852886e38]] }, "w.json"), "d")[0]!.data[0]).toBe(3.4028234663852886e38);
  });

  it("allocates for the values a weight has, not for the shape its first elements claim", () => {
    const claim = [[new Array(2000).fill(0), ...new Array(1999).fill(0)], ...new Array(1999).fill(0)];
    expect(errorOf(() => parseKerasWeights({ d: [claim] }, "w.json"))).toMatch(
      /ragged array: \[0\]\[1\] should be a list of 2000 \(shape \[2000,2000,2000\]\)/,
    );
  });
});

describe("readWeights (Keras JSON)", () => {
  const dir = mkdtempSync(join(tmpdir(), "rnnc-weights-"));

  it("reads a file", () => {
    const path = join(dir, "w.json");
    writeFileSync(path, "\uFEFF" + JSON.stringify({ dense: [[[1, 2]], [3, 4]] }));
    const set = readWeights(path);
    expect(set.source).toBe(path);
    expect(list(set, "dense")[0]!.shape).toEqual([1, 2]);
  });

  it("names the path of a missing file or invalid JSON", () => {
    const missing = join(dir, "nope.json");
    expect(errorOf(() => readWeights(missing))).toBe(`${missing}: file not found`);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ dense: [1");
    expect(errorOf(() => readWeights(bad))).toMatch(new RegExp(`^${bad.replace(/[.\\]/g, "\\$&")}: invalid JSON: `));
  });
});
