// Comparing lists of output tensors, with a readable account of the first mismatches.
import { flatten, type Nested } from "./reference.js";

export interface Flat {
  shape: readonly number[];
  data: ArrayLike<number>;
}

export function toFlat(v: Flat | Nested): Flat {
  if (typeof v === "object" && !Array.isArray(v)) return v;
  return flatten(v);
}

function index(shape: readonly number[], flat: number): string {
  const idx: number[] = [];
  let rest = flat;
  for (let a = shape.length - 1; a >= 0; a--) {
    idx.unshift(rest % shape[a]!);
    rest = Math.floor(rest / shape[a]!);
  }
  return `[${idx.join("][")}]`;
}

/**
 * Problems found comparing `actual` with `expected` (empty when they agree): the output count, each
 * shape, and each element to `tolerance` absolute. `select[k][i]` false skips element i of output k.
 */
export function compareOutputs(
  actual: readonly (Flat | Nested)[],
  expected: readonly (Flat | Nested)[],
  tolerance: number,
  select?: readonly (readonly boolean[])[],
  maxReported = 4,
): string[] {
  const problems: string[] = [];
  if (actual.length !== expected.length) return [`expected ${expected.length} outputs, got ${actual.length}`];
  actual.forEach((a0, k) => {
    const a = toFlat(a0);
    const e = toFlat(expected[k]!);
    if (a.shape.join(",") !== e.shape.join(",")) {
      problems.push(`output ${k}: shape [${a.shape.join(",")}], expected [${e.shape.join(",")}]`);
      return;
    }
    let bad = 0;
    let worst = 0;
    for (let i = 0; i < e.data.length; i++) {
      if (select && !select[k]![i]) continue;
      const x = a.data[i]!;
      const y = e.data[i]!;
      const d = Math.abs(x - y);
      if (!(d <= tolerance)) {
        bad++;
        worst = Number.isNaN(d) ? NaN : Math.max(worst, d);
        if (bad <= maxReported) problems.push(`output ${k}${index(e.shape, i)}: ${x}, expected ${y} (|diff| ${d.toExponential(2)})`);
      }
    }
    if (bad > maxReported) problems.push(`output ${k}: ${bad} elements differ in all (worst ${worst.toExponential(2)})`);
  });
  return problems;
}

/** The largest absolute difference over all (selected) elements; shapes must agree. */
export function maxAbsDiff(actual: readonly (Flat | Nested)[], expected: readonly (Flat | Nested)[]): number {
  let worst = 0;
  actual.forEach((a0, k) => {
    const a = toFlat(a0);
    const e = toFlat(expected[k]!);
    for (let i = 0; i < e.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - e.data[i]!));
  });
  return worst;
}
