// The contract every layer file implements: its signature (for the checker, hover and completion),
// its shape rule, and its weight layout (which gives its parameter count). Layers know nothing of
// the checker: the checker hands them evaluated arguments and a context to report through.
import type { CatalogEntry } from "../source/catalog.js";
import type { Fix } from "../source/diagnostic.js";
import type { Range } from "../source/range.js";
import type { GraphBuilder } from "../ir/graph.js";
import type { CallExpr } from "../syntax/ast.js";
import type { TensorType } from "../types/types.js";
import type { Activation } from "../types/activations.js";
import type { Edition } from "../types/edition.js";
import type { Initializer } from "./initializers.js";
import type { WeightRecipe } from "./weight-recipe.js";

export type ParamKind =
  | "int" // a positive integer: units, vocabulary size, repeat count
  | "axis" // an integer, negative counts from the end
  | "rate" // a number in [0, 1)
  | "number" // any finite number: mask_value, epsilon
  | "bool"
  | "activation"
  | "initializer"
  | "merge" // concat | sum | mul | ave | none
  | "string"
  | "regularizer" // l1(0.01), l2, none: accepted, no effect at inference
  | "constraint" // max_norm(2), non_neg, none: accepted, no effect at inference
  | "layer"; // a layer value, for wrappers

export type Merge = "concat" | "sum" | "mul" | "ave" | null;

export type ParamValue = number | boolean | string | Activation | Initializer | Merge | LayerInstance;

export interface ParamSpec {
  /** The DSL name, e.g. `seq`. */
  name: string;
  /** Other accepted names, Keras's first, e.g. `return_sequences`. */
  aliases?: readonly string[];
  kind: ParamKind;
  /** May be given without its keyword, in declaration order. */
  positional?: boolean;
  required?: boolean;
  /** The value when omitted; absent for required params and for `name`. */
  default?: ParamValue;
  doc: string;
}

/** A keyword of the application, not the construction: `lstm(3)(x, initial=(h, c), mask=m)`. */
export interface CallKeywordSpec {
  name: string;
  aliases?: readonly string[];
  /** `tensors` takes a tuple or a single tensor. */
  kind: "tensor" | "tensors";
  doc: string;
}

export interface WeightSpec {
  /** Keras's weight name: kernel, recurrent_kernel, bias, embeddings. */
  name: string;
  shape: readonly number[];
}

/** A tensor handed to a layer, with where it came from (for fixes) and whether a Keras mask rides on it. */
export interface TensorArg {
  type: TensorType;
  mask: boolean;
  range: Range;
  /** The layer whose output this is, if any. */
  origin?: LayerInstance;
}

export interface ApplyArgs {
  inputs: TensorArg[];
  /** Evaluated call keywords, by canonical name. */
  keywords: ReadonlyMap<string, { values: TensorArg[]; range: Range }>;
  /** The whole application, for messages that have no better place. */
  range: Range;
}

export interface OutputSlot {
  type: TensorType;
  mask: boolean;
  /** For messages: output, h, c, fh, … */
  label: string;
}

export interface LayerOutput {
  items: OutputSlot[];
  /** False: the layer returns one tensor (items has one entry), not a 1-tuple. */
  tuple: boolean;
}

/** A tensor in the graph being built: its value and its Keras mask's value (NONE when it has none). */
export interface LoweredTensor {
  value: number;
  mask: number;
}

export interface LowerArgs {
  inputs: LoweredTensor[];
  /** Call keywords, by canonical name: `initial` → the state tensors, `mask` → one bool tensor. */
  keywords: ReadonlyMap<string, LoweredTensor[]>;
}

export interface LowerContext {
  /** The file's Keras edition (merges' mask rule, recurrent layers given `initial=`). */
  edition: Edition;
  builder: GraphBuilder;
  /** The layer's i-th weight (Keras get_weights() order), as a constant of the graph. */
  weight(index: number): number;
  /** Lowers a wrapped layer on one tensor with this layer's weights (time_distributed). */
  lowerInner(layer: LayerInstance, input: LoweredTensor): LoweredTensor[];
}

export interface ConfigureContext {
  /** Report a problem with the argument `param` (its range, or the call's when it was defaulted). */
  error(param: string, entry: CatalogEntry, message: string): void;
}

export interface ApplyContext {
  /** The file's Keras edition (merges' mask rule, recurrent layers given `initial=`). */
  edition: Edition;
  report(entry: CatalogEntry, range: Range, message: string, extra?: { fix?: Fix; related?: { range: Range; message: string }[] }): void;
  /** A fix that sets `keyword=value` on a layer's constructor call (replacing it if present). */
  fixSetKeyword(call: CallExpr, keyword: string, value: string): Fix;
  /** A fix that declares the named dim `name` as `value` in the model's input types (none if no input has it). */
  fixNamedDim(name: string, value: string): Fix | undefined;
  /** Apply another layer (a wrapper's inner layer) to one tensor. */
  applyInner(layer: LayerInstance, input: TensorArg, range: Range): LayerOutput | undefined;
}

export interface LayerDefinition<C = unknown> {
  /** The DSL name: `lstm`. */
  name: string;
  /** Other accepted names, e.g. Keras's functional names. */
  aliases?: readonly string[];
  /** Keras's class, shown in summaries: `LSTM`. */
  kerasClass: string;
  /** The base of Keras-style automatic names: `lstm`, then `lstm_1`, … */
  autoName: string;
  /** One paragraph for hover and completion. */
  doc: string;
  params: readonly ParamSpec[];
  callKeywords: readonly CallKeywordSpec[];
  /** How many positional tensors an application takes. */
  inputs: { min: number; max: number };
  /** Called with tensors directly, like `concat(a, b)`: built from its keywords and applied at once. */
  appliesDirectly?: boolean;
  /** What its positional tensors are, for signature help, when not `a, b, …`: `query, value, key` (the last ones optional). */
  inputNames?: readonly string[];
  configure(args: ReadonlyMap<string, ParamValue>, ctx: ConfigureContext): C | undefined;
  apply(layer: LayerInstance<C>, args: ApplyArgs, ctx: ApplyContext): LayerOutput | undefined;
  /** Weights in Keras `get_weights()` order, for an input of this type (already accepted by apply). */
  weights(config: C, input: TensorType): WeightSpec[];
  /**
   * The recipe of the starting values of `weights(config, input)` (same order and shapes) from the
   * configured initializers, used when no weights file is given: data that the interpreter and
   * compiled modules both realize (weight-recipe.ts). `seed` comes from the layer's path (`seedFrom`
   * in random.ts); derive one per weight from it (`deriveSeed(seed, "kernel")`). [] for a layer
   * without weights.
   */
  initialWeights(config: C, input: TensorType, seed: number): WeightRecipe[];
  /** For layers that can return only their last step: whether they return sequences, and where `seq=true` goes. */
  sequenceFlag?(layer: LayerInstance<C>): { returnsSequences: boolean; call: CallExpr; layerText: string };
  /** Layers that can return their final states: whether they do, the labels, and where `state=` goes. */
  stateOutputs?(layer: LayerInstance<C>): { returned: boolean; outputs: string[]; labels: string[]; call: CallExpr };
  /** A wrapper whose weights are another layer's (time_distributed): counted once in totals. */
  weightOwner?(layer: LayerInstance<C>): LayerInstance;
  /** A shorthand that stands for a wrapped layer (`bilstm` = `bidirectional(lstm(…))`): that layer's automatic name, used up as Keras would. */
  innerAutoName?: string;
  /** The recurrent layers: what bidirectional() needs to know to wrap one. */
  recurrent?: { stateNames: readonly string[] };
  /** Lowers one application to graph ops; outputs in the order of the shape rule's. */
  lower(layer: LayerInstance<C>, args: LowerArgs, ctx: LowerContext): LoweredTensor[];
  /** A short rendering of the configuration for hover: `lstm(3, seq=true)`. */
  describe(config: C): string;
}

/** A built layer. Applying the same instance twice shares its weights, as in Keras. */
export interface LayerInstance<C = unknown> {
  kind: "layer-instance";
  id: number;
  def: LayerDefinition<C>;
  config: C;
  /** The call that built it: where fixes insert keywords. */
  constructorCall: CallExpr;
  /** Where each given argument is, for messages about it. */
  argRanges?: ReadonlyMap<string, Range>;
  /** `name=` if given. */
  explicitName?: string;
  /** The binding it was assigned to, if any (`enc = lstm(64)`). */
  boundName?: string;
  /** Its final name, given at its first application. */
  name?: string;
  /** Set at the first application: the input type its weights were sized for. */
  built?: { input: TensorType; weights: WeightSpec[]; output: LayerOutput };
}

/** A constructor parameter by its name or any alias. */
export function findParam(def: LayerDefinition, keyword: string): ParamSpec | undefined {
  return def.params.find((p) => p.name === keyword || (p.aliases ?? []).includes(keyword));
}

/** An application keyword (`initial`, `mask`) by its name or any alias. */
export function findCallKeyword(def: LayerDefinition, keyword: string): CallKeywordSpec | undefined {
  return def.callKeywords.find((k) => k.name === keyword || (k.aliases ?? []).includes(keyword));
}

export function paramCount(weights: readonly WeightSpec[]): number {
  let n = 0;
  for (const w of weights) n += w.shape.reduce((a, b) => a * b, 1);
  return n;
}

/** A valid call of a layer with its required arguments, for messages: `lstm(64)`, `dropout(0.5)`, `add()`. */
export function exampleCall(def: LayerDefinition): string {
  const sample: Partial<Record<ParamKind, string>> = {
    int: "64",
    rate: "0.5",
    layer: "lstm(64)",
    axis: "-1",
    bool: "true",
    number: "0.0",
    activation: "relu",
  };
  const args = def.params.filter((p) => p.required).map((p) => sample[p.kind] ?? "…");
  return `${def.name}(${args.join(", ")})`;
}
