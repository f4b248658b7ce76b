// Inputs as users hand them (nested arrays, {data, shape}): real arrays only, bounded depth, finite
// float32 values, errors naming the input and the element.
import { describe, expect, it } from "vitest";
import { elementPath, toTensorData, type TensorInput } from "../../src/ir/inputs.js";
import { MAX_RANK } from "../../src/types/types.js";
import { DataError } from "../../src/types/tensor-data.js";

function errorOf(value: unknown, dtype: "f32" | "i32" | "bool" = "f32"): string {
  try {
    toTensorData(value as TensorInput, dtype, "x");
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error("expected a DataError");
}

/** `[[[…1…]]]` nested `depth` deep, built without recursion. */
function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

describe("toTensorData", () => {
  it("reads nested arrays and {data, shape} with real arrays or typed arrays", () => {
    expect(
      toTensorData(
        [
          [1, 2],
          [3, 4],
        ],
        "f32",
        "x",
      ),
    ).toEqual({ shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) });
    expect(toTensorData({ shape: [2], data: [true, false] as unknown as number[] }, "bool", "x").data).toEqual(Uint8Array.from([1, 0]));
    expect(toTensorData({ shape: [1, 2], data: Float32Array.from([5, 6]) }, "f32", "x").shape).toEqual([1, 2]);
  });

  it("refuses data that only looks like an array, before allocating anything", () => {
    expect(errorOf({ shape: [200000000, 1, 5], data: { length: 1000000000 } })).toBe(
      'input x: "data" should be an array of numbers, found an object (not an array)',
    );
    expect(errorOf({ shape: [2], data: "ab" })).toBe('input x: "data" should be an array of numbers, found "ab"');
    expect(errorOf({ shape: [1000000000], data: [1, 2] })).toBe("input x: shape [1000000000] holds 1000000000 values, but data has 2");
    expect(errorOf({ shape: [1, 2], data: [1, "2"] })).toBe('input x: element [0][1] is "2", not a number');
  });

  it("stops at a documented depth, whatever the nesting", () => {
    expect(toTensorData(nested(MAX_RANK) as TensorInput, "f32", "x").shape).toHaveLength(MAX_RANK);
    expect(errorOf(nested(MAX_RANK + 1))).toBe(`input x: nested more than ${MAX_RANK} deep`);
    expect(errorOf(nested(200_000))).toBe(`input x: nested more than ${MAX_RANK} deep`);
    expect(errorOf({ shape: new Array(MAX_RANK + 1).fill(1), data: [1] })).toMatch(/more than 32/);
  });

  it("refuses values that are not finite float32, naming the element", () => {
    expect(errorOf([[0, 1e39]])).toBe("input x: element [0][1] is 1e+39, outside the float32 range; inputs must be finite float32 values");
    expect(errorOf([[-3.5e38, 0]])).toMatch(/element \[0\]\[0\] is -3\.5e\+38, outside the float32 range/);
    expect(errorOf({ shape: [2, 2], data: Float32Array.from([0, 0, 0, NaN]) })).toMatch(/element \[1\]\[1\] is NaN; inputs must be finite/);
    // The largest float32, and a number that rounds to it, are fine.
    expect(toTensorData([3.4028234663852886e38, 3.40282356e38], "f32", "x").data[1]).toBe(3.4028234663852886e38);
  });

  it("names int32 problems by position", () => {
    expect(errorOf([[1, 2.5]], "i32")).toBe("input x: token ids must be integers; element [0][1] is 2.5");
    expect(errorOf([[2 ** 32 + 1]], "i32")).toBe("input x: element [0][0] is 4294967297, outside int32");
  });
});

describe("elementPath", () => {
  it("is the row-major position of a flat index", () => {
    expect(elementPath([2, 3], 0)).toBe("[0][0]");
    expect(elementPath([2, 3], 5)).toBe("[1][2]");
    expect(elementPath([2, 3, 4], 13)).toBe("[1][0][1]");
    expect(elementPath([], 0)).toBe("[]");
  });
});
