// The checked program: what the checker hands to the CLI, the language server and lowering. The type
// of every expression is computed once, here; readers never recompute it.
import type { Diagnostic } from "../source/diagnostic.js";
import type { Range } from "../source/range.js";
import type { CallExpr, Expr, Identifier, ModelDecl, NameRef } from "../syntax/ast.js";
import type { ParseResult } from "../syntax/parse.js";
import type { LayerDefinition, LayerInstance, WeightSpec } from "../layers/layer.js";
import type { Edition } from "../types/edition.js";
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

/** What a name refers to, decided once by the checker: a binding of its model, else a model, else a layer constructor. */
export type Resolution =
  | { kind: "binding"; binding: Binding; model: CheckedModel }
  | { kind: "model"; model: CheckedModel }
  | { kind: "layer"; def: LayerDefinition };

/** A tensor of a model's body, numbered as the checker made it: 0, 1, … are the model's inputs in order. */
export type ValueId = number;

/** One application of a layer or a called model, with its tensors resolved: what lowering maps over. */
export interface Application {
  callee: { kind: "layer"; layer: LayerInstance } | { kind: "model"; model: CheckedModel };
  /** Positional inputs, after a piped tuple is spread into a multi-input layer. */
  inputs: ValueId[];
  /** Call keywords (`initial=`) by their canonical name. */
  keywords: Map<string, ValueId[]>;
  /** One value per output, in order (a tuple's items). */
  outputs: ValueId[];
  /** Whether a Keras mask rides on each output, as this application computed it (exporters read it). */
  outputMasks: boolean[];
  /** Each output's type, as this application computed it (a shared layer's calls may differ in named dims). */
  outputTypes: TensorType[];
  range: Range;
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
  /** Every application in evaluation order (complete when the model is ok). */
  applications: Application[];
  /** The returned values, in order (`return (a, b)` is `return a, b`). */
  returns: ValueId[];
  /** Whether the model checked without errors (a model with errors is not lowered or run). */
  ok: boolean;
}

export interface CheckedFile {
  parse: ParseResult;
  /** Syntax and semantic diagnostics, sorted by position. */
  diagnostics: Diagnostic[];
  /** The Keras edition the file follows (its `keras N` statement, else 2): lowering and tools read it. */
  edition: Edition;
  models: CheckedModel[];
  /** The type of every expression the checker evaluated. */
  types: Map<Expr, Type>;
  /**
   * What each name refers to, for every name the checker reached: names in rejected arguments too, and
   * after a return the models and layers named (a name there is no use of a binding).
   */
  resolved: Map<NameRef, Resolution>;
  /** The layer each constructor call built, and each application applied. */
  layers: Map<CallExpr, LayerInstance>;
}

export function isLayerRow(row: LayerRow | ModelRow): row is LayerRow {
  return "layer" in row;
}
