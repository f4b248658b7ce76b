// The checked program: what the checker hands to the CLI, the language server and lowering. The type
// of every expression is computed once, here; readers never recompute it.
import type { Diagnostic } from "../source/diagnostic.js";
import type { Range } from "../source/range.js";
import type { CallExpr, Expr, Identifier, ModelDecl, NameRef } from "../syntax/ast.js";
import type { ParseResult } from "../syntax/parse.js";
import type { LayerInstance, WeightSpec } from "../layers/layer.js";
import type { TensorType, Type } from "../types/types.js";

export interface Binding {
  name: string;
  /** Where it is declared: the input's name, or the assignment target. */
  decl: Identifier;
  type: Type;
  kind: "input" | "binding";
  /** Every place it is read. */
  uses: Range[];
}

/** A layer of a model, as `model.summary()` lists it. */
export interface LayerRow {
  name: string;
  layer: LayerInstance;
  kerasClass: string;
  /** The output of its first application (Keras prints "multiple" for shared layers; so do we). */
  output: Type;
  applications: number;
  weights: WeightSpec[];
  params: number;
}

/** A model called from this one: it contributes its params once however often it is called. */
export interface ModelRow {
  name: string;
  model: string;
  output: Type;
  applications: number;
  params: number;
}

export interface CheckedModel {
  name: string;
  decl: ModelDecl;
  inputs: { name: string; type: TensorType }[];
  /** The returned types, in order (error types where the checker reported a problem). */
  outputs: Type[];
  /** Inputs first, then every assignment target in order (a rebinding is a new binding). */
  bindings: Binding[];
  /** Layers and called models, in order of first application. */
  rows: (LayerRow | ModelRow)[];
  params: number;
  /** Whether the model checked without errors (a model with errors is not lowered or run). */
  ok: boolean;
}

export interface CheckedFile {
  parse: ParseResult;
  /** Syntax and semantic diagnostics, sorted by position. */
  diagnostics: Diagnostic[];
  models: CheckedModel[];
  /** The type of every expression the checker evaluated. */
  types: Map<Expr, Type>;
  /** Each name reference resolved to its binding. */
  references: Map<NameRef, Binding>;
  /** The layer each constructor call built, and each application applied. */
  layers: Map<CallExpr, LayerInstance>;
  /** Name references to models, for go-to-definition. */
  modelReferences: Map<NameRef, CheckedModel>;
}

export function isLayerRow(row: LayerRow | ModelRow): row is LayerRow {
  return "layer" in row;
}
