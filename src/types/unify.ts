// Dim unification for model calls: a called model's dim names are its own, bound to the caller's dims
// at the call, consistently across its inputs; its output types are then read through the binding.
import { Codes, type CatalogEntry } from "../source/catalog.js";
import { tensor, type Dim, type TensorType } from "./types.js";

/** The callee's dim names bound so far, to the caller's dims. */
export type DimBinding = Map<string, Dim>;

/** Matches a callee's input type against the caller's tensor, extending `binding`; the problem when they differ. */
export function unifyInput(
  expected: TensorType,
  found: TensorType,
  binding: DimBinding,
): { code: CatalogEntry; message: string } | undefined {
  if (expected.dtype !== found.dtype) return { code: Codes.DtypeMismatch, message: `the element types differ.` };
  if (expected.dims.length !== found.dims.length)
    return { code: Codes.RankMismatch, message: `expected ndim=${expected.dims.length}, found ndim=${found.dims.length}.` };
  for (let i = 0; i < expected.dims.length; i++) {
    const e = expected.dims[i]!;
    const f = found.dims[i]!;
    if (typeof e === "number") {
      if (e !== f)
        return {
          code: Codes.DimMismatch,
          message: `dim ${i} must be ${e}${typeof f === "string" ? `, and ${f} is a name that may be any size` : ""}.`,
        };
    } else {
      const bound = binding.get(e);
      if (bound === undefined) binding.set(e, f);
      else if (bound !== f) return { code: Codes.DimMismatch, message: `dim ${i} is ${e}, which is already ${bound} here.` };
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
