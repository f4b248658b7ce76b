// Dim unification for model calls: a called model's dim names are its own, bound to the caller's dims
// at the call, consistently across its inputs; its output types are then read through the binding.
import { tensor, type Dim, type TensorType } from "./types.js";

/** The callee's dim names bound so far, to the caller's dims. */
export type DimBinding = Map<string, Dim>;

/** How a caller's tensor differs from a callee's input type. */
export type InputProblem =
  | { kind: "dtype" }
  | { kind: "rank"; expected: number; found: number }
  | { kind: "size"; index: number; expected: number; found: Dim }
  | { kind: "bound"; index: number; name: string; bound: Dim };

/** Matches a callee's input type against the caller's tensor, extending `binding`; the problem when they differ. */
export function unifyInput(expected: TensorType, found: TensorType, binding: DimBinding): InputProblem | undefined {
  if (expected.dtype !== found.dtype) return { kind: "dtype" };
  if (expected.dims.length !== found.dims.length) return { kind: "rank", expected: expected.dims.length, found: found.dims.length };
  for (let i = 0; i < expected.dims.length; i++) {
    const e = expected.dims[i]!;
    const f = found.dims[i]!;
    if (typeof e === "number") {
      if (e !== f) return { kind: "size", index: i, expected: e, found: f };
    } else {
      const bound = binding.get(e);
      if (bound === undefined) binding.set(e, f);
      else if (bound !== f) return { kind: "bound", index: i, name: e, bound };
    }
  }
  return undefined;
}

/** A callee's type in the caller's dims: each bound dim name replaced by what it is bound to. */
export function substitute(type: TensorType, binding: DimBinding): TensorType {
  return tensor(
    type.dtype,
    type.dims.map((d) => (typeof d === "string" ? (binding.get(d) ?? d) : d)),
  );
}
