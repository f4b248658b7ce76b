// A Keras layer's config as the rnnc constructor call that builds the same layer. The mapping is the
// layer registry's own: each rnnc layer records its Keras class, and each of its parameters Keras's
// keyword among its aliases (`seq` ← `return_sequences`), the table `rnnc export --format keras`
// reads the other way. A setting is written when it differs from rnnc's default (so tfjs's
// `recurrent_activation: "hard_sigmoid"` and `unit_forget_bias: null` are explicit). Keys rnnc has no
// parameter for are refused unless they cannot change what inference computes.
import { findParam, type LayerDefinition, type ParamSpec } from "../layers/layer.js";
import { LAYERS } from "../layers/registry.js";
import { ImportError, type LayerPlace } from "./import-error.js";
import { echo } from "../source/echo.js";

/** What writing constructors finds out about the model as a whole. */
export interface ConstructorContext {
  /** The first layer using tf.keras 2's hard_sigmoid as a registered function (rnnc's Keras export writes `rnnc>hard_sigmoid_tf2`). */
  hardSigmoidTf2: LayerPlace | undefined;
  /** The first layer using the file's own `hard_sigmoid` (the edition's). */
  hardSigmoid: LayerPlace | undefined;
}

/** A constructor call: `lstm` and `["4", "seq=true"]`. */
export interface ConstructorCall {
  fn: string;
  args: string[];
}

/** Keys that never change what inference computes: weights are loaded, training is not done here. */
const IGNORED = new Set(["name", "trainable", "dtype", "seed", "quantization_config", "input_length", "batch_input_shape", "batch_shape"]);
const IGNORED_SUFFIXES = ["_initializer", "_regularizer", "_constraint"];
/** Keys accepted only at the value that means what rnnc computes. */
const REQUIRED_VALUES: Record<string, unknown[]> = {
  time_major: [false],
  data_format: ["channels_last"],
  groups: [1],
  rms_scaling: [false],
  keepdims: [false],
  noise_shape: [null],
  sparse: [false],
  ragged: [false],
};

/** The rnnc layer for a Keras class: the first registered (the canonical `bidirectional`, not the `bilstm` shorthand). */
export function layerForClass(className: string): LayerDefinition | undefined {
  return LAYERS.find((def) => def.kerasClass === className);
}

/** The classes rnnc can import, for messages. */
export function importableClasses(): string[] {
  return [...new Set(LAYERS.map((def) => def.kerasClass))].sort();
}

/**
 * The constructor call for a layer config of class `className` (its `name=` left to the caller),
 * e.g. `lstm(4, seq=true, recurrent_activation=hard_sigmoid)`. Throws an ImportError naming `place`
 * for what rnnc cannot express.
 */
export function constructorCall(
  className: string,
  config: Record<string, unknown>,
  place: LayerPlace,
  ctx: ConstructorContext,
): ConstructorCall {
  const def = layerForClass(className);
  if (!def)
    throw new ImportError(place, `rnnc has no layer for the Keras class ${echo(className)} (it imports ${importableClasses().join(", ")})`);
  if (def.kerasClass === "Bidirectional") checkBidirectional(config, place);
  const keywords: { order: number; text: string }[] = [];
  const positional = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(config)) {
    if (IGNORED.has(key) || IGNORED_SUFFIXES.some((s) => key.endsWith(s))) continue;
    if (key === "backward_layer") continue; // checked above: the forward layer's mirror
    const required = REQUIRED_VALUES[key];
    if (required !== undefined) {
      if (!required.some((v) => JSON.stringify(v) === JSON.stringify(value))) {
        throw new ImportError(
          place,
          `the setting ${echo(key)}=${show(value)} is not supported (rnnc computes ${echo(key)}=${show(required[0])})`,
        );
      }
      continue;
    }
    const param = findParam(def, key);
    if (!param) {
      if (value === null || value === false || value === 0) continue; // an option switched off (e.g. Keras 3's `dropout` on attention is a param; others)
      throw new ImportError(place, `the setting ${echo(key)}=${show(value)} has no rnnc equivalent`);
    }
    if (param.kind === "initializer" || param.kind === "regularizer" || param.kind === "constraint" || param.name === "name") continue;
    if (param.positional && param.required) {
      positional.set(param.name, valueText(param, value, place, ctx, key, def.kerasClass));
      continue;
    }
    const text = valueText(param, value, place, ctx, key, def.kerasClass);
    if (text !== undefined && !isDefault(param, value, text))
      keywords.push({ order: def.params.indexOf(param), text: `${param.name}=${text}` });
  }
  // The required arguments first, in the order rnnc declares them, whatever order the config has.
  const required = def.params.filter((p) => p.positional && p.required);
  const missing = required.find((p) => positional.get(p.name) === undefined);
  if (missing) throw new ImportError(place, `the config has no ${missing.aliases?.[0] ?? missing.name}, which ${def.name}() needs`);
  // Keywords in the order rnnc declares them (as hover and the docs list them), not the config's.
  keywords.sort((a, b) => a.order - b.order);
  return { fn: def.name, args: [...required.map((p) => positional.get(p.name)!), ...keywords.map((k) => k.text)] };
}

function isDefault(param: ParamSpec, value: unknown, text: string): boolean {
  if (param.default === undefined) return false;
  if (param.kind === "activation") return text === param.default;
  if (param.kind === "merge") return text === (param.default ?? "none");
  if (param.kind === "axis" && Array.isArray(value)) return value.length === 1 && value[0] === param.default;
  return JSON.stringify(unwrap(value)) === JSON.stringify(param.default);
}

/**
 * The value as `.rnn` writes it, or undefined when there is nothing to write; `className` is the
 * class of the layer the setting belongs to (a wrapper's inner layer is written without what the
 * wrapper decides).
 */
function valueText(
  param: ParamSpec,
  raw: unknown,
  place: LayerPlace,
  ctx: ConstructorContext,
  key: string,
  className: string,
): string | undefined {
  const value = unwrap(raw);
  // Keras and tfjs write null for "not set" (tfjs's `implementation: null`): the default, except where null means a value.
  if (value === null && param.kind !== "bool" && param.kind !== "merge" && param.kind !== "activation") return undefined;
  switch (param.kind) {
    case "int":
      if (!Number.isSafeInteger(value) || (value as number) < 0)
        throw new ImportError(place, `${echo(key)}=${show(raw)} is not a whole number rnnc accepts`);
      return String(value);
    case "axis":
      if (!Number.isSafeInteger(value)) throw new ImportError(place, `${echo(key)}=${show(raw)}: rnnc takes one axis`);
      return String(value);
    case "rate":
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) throw new ImportError(place, `${echo(key)}=${show(raw)} is not a number`);
      return numberText(value);
    case "bool":
      // tfjs writes `unit_forget_bias: null` for false.
      if (value === null) return "false";
      if (typeof value !== "boolean") throw new ImportError(place, `${echo(key)}=${show(raw)} is not true or false`);
      return String(value);
    case "string":
      if (typeof value !== "string") throw new ImportError(place, `${echo(key)}=${show(raw)} is not a string`);
      return JSON.stringify(value);
    case "merge":
      if (value === null) return "none";
      if (value === "concat" || value === "sum" || value === "mul" || value === "ave") return value;
      throw new ImportError(place, `merge_mode=${show(raw)} is not one rnnc knows (concat, sum, mul, ave, None)`);
    case "activation":
      return activationText(value, place, ctx, key);
    case "layer": {
      const inner = raw as { class_name?: unknown; config?: unknown } | null;
      if (
        typeof inner !== "object" ||
        inner === null ||
        typeof inner.class_name !== "string" ||
        typeof inner.config !== "object" ||
        inner.config === null
      ) {
        throw new ImportError(place, `its wrapped ${key} is not a layer config`);
      }
      const innerName = (inner.config as Record<string, unknown>)["name"];
      const innerPlace: LayerPlace = {
        ...place,
        layer: `${place.layer}/${typeof innerName === "string" ? innerName : key}`,
        className: inner.class_name,
      };
      const built = constructorCall(inner.class_name, inner.config as Record<string, unknown>, innerPlace, ctx);
      // Bidirectional sets its layers' zero_output_for_mask to return_sequences whatever they say (Keras 3
      // writes the value it set): as rnnc's Keras export does, it is left to the wrapper.
      const args = className === "Bidirectional" ? built.args.filter((a) => !a.startsWith("zero_output_for_mask=")) : built.args;
      return `${built.fn}(${args.join(", ")})`;
    }
    default:
      return undefined;
  }
}

const ACTIVATIONS = new Set(["tanh", "sigmoid", "relu", "softmax", "linear"]);

function activationText(value: unknown, place: LayerPlace, ctx: ConstructorContext, key: string): string {
  if (value === null || value === "None" || value === undefined) return "linear";
  if (typeof value === "string") {
    if (ACTIVATIONS.has(value)) return value;
    if (value === "hard_sigmoid") {
      ctx.hardSigmoid ??= place;
      return "hard_sigmoid";
    }
  }
  // A registered function: rnnc's Keras export writes tf.keras 2's hard_sigmoid as `rnnc>hard_sigmoid_tf2`.
  if (typeof value === "object" && value !== null) {
    const v = value as Record<string, unknown>;
    if (v["registered_name"] === "rnnc>hard_sigmoid_tf2" || v["config"] === "rnnc>hard_sigmoid_tf2") {
      ctx.hardSigmoidTf2 ??= place;
      return "hard_sigmoid";
    }
    if (typeof v["config"] === "string" && ACTIVATIONS.has(v["config"]) && v["class_name"] === "function") return v["config"];
  }
  throw new ImportError(
    place,
    `${echo(key)}=${show(value)} is not an activation rnnc has (${[...ACTIVATIONS, "hard_sigmoid"].join(", ")})`,
  );
}

/** Keras 3 lists the backward copy in full: rnnc builds it from the forward one, so it must be that layer's mirror. */
function checkBidirectional(config: Record<string, unknown>, place: LayerPlace): void {
  const forward = config["layer"] as { class_name?: unknown; config?: Record<string, unknown> } | undefined;
  const f = forward?.config;
  if (f?.["go_backwards"] === true) {
    throw new ImportError(
      place,
      "its wrapped layer has go_backwards=True, which Keras 2 and Keras 3 read differently (Keras 2 swaps the directions, Keras 3 refuses it)",
    );
  }
  if (f?.["stateful"] === true) {
    throw new ImportError(
      place,
      "it is stateful: its backward copy would start each chunk from the state the previous chunk ended in, so chunks never give the numbers of the whole sequence (LANGUAGE.md §9)",
    );
  }
  const backward = config["backward_layer"] as { class_name?: unknown; config?: Record<string, unknown> } | undefined;
  if (backward === undefined || backward === null) return;
  const b = backward.config ?? {};
  const differs =
    backward.class_name !== forward?.class_name ||
    Object.keys({ ...f, ...b }).some(
      (k) =>
        k !== "name" &&
        k !== "go_backwards" &&
        k !== "zero_output_for_mask" &&
        !IGNORED_SUFFIXES.some((s) => k.endsWith(s)) &&
        JSON.stringify(f?.[k]) !== JSON.stringify(b[k]),
    );
  if (differs || b["go_backwards"] !== true)
    throw new ImportError(
      place,
      "its backward_layer is not the forward layer run backwards; rnnc builds the backward copy from the forward layer",
    );
}

/** Keras writes one-element lists for Conv1D's kernel_size, strides, dilation_rate and LayerNormalization's axis. */
function unwrap(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function numberText(n: number): string {
  const s = String(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function show(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
