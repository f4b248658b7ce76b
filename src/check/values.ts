// The checker's values: a type plus what the type alone does not say (which layer made a tensor, the
// labels of a tuple, the model or layer a name holds), and the few facts read off them.
import type { LayerDefinition, LayerInstance } from "../layers/layer.js";
import type { Range } from "../source/range.js";
import type { ModelDecl } from "../syntax/ast.js";
import { errorType, tuple, type TensorType, type Type } from "../types/types.js";
import type { CheckedModel, ValueId } from "./program.js";

/** A value during checking: a type plus what the type alone does not say. */
export type Val =
  | { kind: "tensor"; id: ValueId; type: TensorType; mask: boolean; origin?: LayerInstance }
  | { kind: "tuple"; items: Val[]; labels?: readonly string[]; source?: TupleSource; type: Type }
  | { kind: "layer"; layer: LayerInstance }
  | { kind: "constructor"; def: LayerDefinition; name: string }
  | { kind: "model"; model: ModelState }
  | { kind: "scalar"; type: Type }
  | { kind: "error" };

/** What produced a tuple, for arity messages: "bilstm(3, state=true)" and the call to fix. */
export interface TupleSource {
  text: string;
  layer?: LayerInstance;
}

export const ERROR: Val = { kind: "error" };

/** A model of the file as the checker tracks it. */
export interface ModelState {
  decl: ModelDecl;
  status: "pending" | "checking" | "done";
  result?: CheckedModel;
  /** Inputs with resolved types, for callers (available before the body is checked). */
  inputs?: { name: string; type: TensorType }[];
  /** On a cycle of model calls: a call into it from inside the cycle is an error, not a nested check. */
  cyclic?: boolean;
}

/** A tuple piped into a multi-input layer (concat, add) spreads into its inputs. */
export function spreadPiped(value: Val, f: Val, range: Range): { val: Val; range: Range }[] {
  const def = f.kind === "layer" ? f.layer.def : undefined;
  if (value.kind === "tuple" && def && def.inputs.max > 1) return value.items.map((val) => ({ val, range }));
  return [{ val: value, range }];
}

/** A tuple value; its type is built once from its items' (shared, not copied: tuples of tuples stay small). */
export function tupleVal(items: Val[], labels?: readonly string[], source?: TupleSource): Val {
  const type = labels ? tuple(items.map(typeOf), labels) : tuple(items.map(typeOf));
  const val: Val = { kind: "tuple", items, type };
  if (labels) val.labels = labels;
  if (source) val.source = source;
  return val;
}

export function typeOf(val: Val): Type {
  switch (val.kind) {
    case "tensor":
      return val.type;
    case "tuple":
      return val.type;
    case "layer":
      return { kind: "layer", layerKind: val.layer.def.name, id: val.layer.id };
    case "constructor":
      return { kind: "layer", layerKind: val.def.name, id: 0 };
    case "model":
      return { kind: "model", name: val.model.decl.name.name };
    case "scalar":
      return val.type;
    case "error":
      return errorType;
  }
}
