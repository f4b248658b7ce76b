// The `where` kernel (Keras 3's masked merges): each mask entry chooses a whole row of x or of y (or
// the fill), the output may be one of its inputs, and -0 and NaN pass through untouched.
import { describe, expect, it } from "vitest";
import { where } from "../../src/backends/cpu/kernels/sequence-ops.js";

describe("where", () => {
  const x = Float32Array.from([1, -0, 3, 4, NaN, 6]);
  const y = Float32Array.from([10, 20, 30, 40, 50, 60]);

  it("takes x's row where the mask keeps it, else y's", () => {
    const out = new Float32Array(6);
    where(x, Uint8Array.from([0, 1]), 3, y, 0, out);
    expect(Array.from(out)).toEqual([10, 20, 30, 4, NaN, 6]);
    where(x, Uint8Array.from([1, 0]), 3, y, 0, out);
    expect(Object.is(out[1], -0)).toBe(true);
    expect(Array.from(out.subarray(3))).toEqual([40, 50, 60]);
  });

  it("fills the hidden rows with the number when there is no y", () => {
    const out = new Float32Array(6);
    where(x, Uint8Array.from([0, 1]), 3, undefined, 1, out);
    expect(Array.from(out)).toEqual([1, 1, 1, 4, NaN, 6]);
  });

  it("chooses blocks of any width, in place", () => {
    const inPlace = Float32Array.from([1, 2, 3, 4, 5, 6]);
    where(inPlace, Uint8Array.from([1, 0, 1]), 2, y, 0, inPlace);
    expect(Array.from(inPlace)).toEqual([1, 2, 30, 40, 5, 6]);
  });
});
