// The vocabulary of types: tensors with static dims, tuples, layers and models.
// A dim is a number or a name; a name stands for one size throughout its model.

export type DType = "f32" | "i32" | "bool";

/**
 * NumPy's limit on dims: no model needs more. The checker refuses a type past it, and every walk of a
 * nested input or weight stops there, which bounds its depth.
 */
export const MAX_RANK = 32;

export type Dim = number | string;

export interface TensorType {
  kind: "tensor";
  dtype: DType;
  dims: readonly Dim[];
}

/** The values of a multi-output layer or model, in order; `labels` name them for messages. */
export interface TupleType {
  kind: "tuple";
  items: readonly Type[];
  labels?: readonly string[];
}

/** A layer value (built, maybe not yet applied). `layerKind` is the DSL name, e.g. "lstm". */
export interface LayerType {
  kind: "layer";
  layerKind: string;
  /** The layer's identity, so that sharing can be seen in types (the checker's layer id). */
  id: number;
}

export interface ModelType {
  kind: "model";
  name: string;
}

/** A plain compile-time value: a number, string or boolean literal. */
export interface ScalarType {
  kind: "scalar";
  scalar: "number" | "string" | "bool";
}

/** The type of something already reported as wrong: it silences follow-on diagnostics. */
export interface ErrorType {
  kind: "error";
}

export type Type = TensorType | TupleType | LayerType | ModelType | ScalarType | ErrorType;

export const errorType: ErrorType = { kind: "error" };

export function tensor(dtype: DType, dims: readonly Dim[]): TensorType {
  return { kind: "tensor", dtype, dims };
}

export function tuple(items: readonly Type[], labels?: readonly string[]): TupleType {
  return labels ? { kind: "tuple", items, labels } : { kind: "tuple", items };
}

/** Dims are equal when they are the same number or the same name: a name never equals a number. */
export function sameDims(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatDim(d: Dim): string {
  return String(d);
}

export function formatDims(dims: readonly Dim[]): string {
  return `[${dims.map(formatDim).join(",")}]`;
}

/** A type as the checker prints it everywhere (no spaces inside a type): `f32[1,4,6]`, `(f32[1,6],f32[1,3])`. */
export function formatType(t: Type): string {
  switch (t.kind) {
    case "tensor":
      return `${t.dtype}${formatDims(t.dims)}`;
    case "tuple":
      return `(${t.items.map(formatType).join(",")})`;
    case "layer":
      return `layer<${t.layerKind}>`;
    case "model":
      return `model<${t.name}>`;
    case "scalar":
      return t.scalar;
    case "error":
      return "?";
  }
}

/** Keras's way of writing a shape in a summary: `(None, 4, 6)` for `[B,4,6]` when B is the batch. */
export function formatKerasShape(t: Type): string {
  if (t.kind === "tensor") return `(${t.dims.map(formatDim).join(", ")})`;
  if (t.kind === "tuple") return `[${t.items.map(formatKerasShape).join(", ")}]`;
  return formatType(t);
}

/** A noun phrase for a type in messages: "a tensor f32[1,3]", "a 5-tuple". */
export function describeType(t: Type): string {
  switch (t.kind) {
    case "tensor":
      return `a tensor ${formatType(t)}`;
    case "tuple":
      return `a tuple of ${t.items.length} values ${formatType(t)}`;
    case "layer":
      return `a layer (${t.layerKind}) that was not applied to a tensor`;
    case "model":
      return `the model ${t.name} (not applied to tensors)`;
    case "scalar":
      return `a ${t.scalar}`;
    case "error":
      return "an erroneous value";
  }
}
