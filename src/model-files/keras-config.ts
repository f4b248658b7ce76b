// A Keras model config (config.json of a .keras, the `model_config` attribute of an .h5, a tfjs
// model.json's `modelTopology`) in one normalized, typed form, whichever dialect wrote it:
// Keras 2 / tfjs nested-list `inbound_nodes` or Keras 3 `{args, kwargs}`; `batch_input_shape` or
// `batch_shape`; Keras 3.15's mask op nodes (NotEqual, Any, … from keras.src.ops, or absent from an
// .h5's layer_names) marked as ops. The readers use it to name weights; `rnnc import` builds on it.
import { DataError } from "../types/tensor-data.js";

/** A reference to a tensor: the `index`-th output of `layer`'s `node`-th call. */
export interface TensorRef {
  layer: string;
  node: number;
  index: number;
}

/** One call of a layer: its positional tensor arguments and its keyword ones (tensors resolved). */
export interface LayerCall {
  args: TensorRef[];
  /** `initial_state`, when given. */
  initialState: TensorRef[];
  /** An explicit `mask=` argument (Keras 3 wires its mask op chains here). */
  mask: TensorRef[];
  /** Other keyword arguments as written (training, …), without tensors. */
  kwargs: Record<string, unknown>;
}

export interface KerasLayer {
  name: string;
  className: string;
  /** The layer's own config, as written (the model reader does not interpret layer settings). */
  config: Record<string, unknown>;
  /** Keras 3.15's mask operations serialized as nodes: not layers, never weighted. */
  isOp: boolean;
  calls: LayerCall[];
  /** An InputLayer's batch shape (`batch_shape` or `batch_input_shape`; null dims are free). */
  batchShape?: (number | null)[];
  /** A nested Functional/Sequential model used as a layer. */
  model?: KerasModel;
}

export interface KerasModel {
  className: string;
  name: string;
  layers: KerasLayer[];
  inputs: TensorRef[];
  outputs: TensorRef[];
}

/** Where a config came from: the writer matters (tfjs and Keras 2 mean another `hard_sigmoid`). */
export interface ModelFileInfo {
  format: "keras" | "h5" | "weights.h5" | "tfjs";
  /** `keras_version` as the file states it ("3.15.1", "2.15.0", "tfjs-layers 4.22.0"), when it does. */
  kerasVersion?: string;
  backend?: string;
}

const MODEL_CLASSES = new Set(["Functional", "Model", "Sequential"]);
/** The mask operations Keras 3.15 serializes as nodes (INTEROP.md §4.2); Concatenate is left out: a layer has that name. */
const MASK_OP_CLASSES = new Set([
  "NotEqual",
  "Any",
  "All",
  "ExpandDims",
  "ZerosLike",
  "OnesLike",
  "LogicalOr",
  "LogicalAnd",
  "LogicalNot",
  "Equal",
  "Cast",
]);
/** Layers whose Keras 2 calls list `initial_state` tensors as inputs after the sequence. */
const RECURRENT_CLASSES = new Set(["LSTM", "GRU", "SimpleRNN", "Bidirectional", "RNN", "CuDNNLSTM", "CuDNNGRU"]);
const MAX_DEPTH = 32;

/** Normalizes a parsed model config (`{class_name, config}`); `source` names the file in errors. */
export function normalizeModelConfig(json: unknown, source: string, depth = 0): KerasModel {
  if (depth > MAX_DEPTH) throw new DataError(`${source}: models nested more than ${MAX_DEPTH} deep.`);
  const node = objectOr(json, `${source}: the model config`);
  const className = typeof node["class_name"] === "string" ? node["class_name"] : "";
  if (!MODEL_CLASSES.has(className)) {
    throw new DataError(`${source}: the model config's class is ${JSON.stringify(className)}, not a Functional or Sequential model.`);
  }
  const rawConfig = node["config"];
  // Old Sequential configs are a bare list of layers.
  const config = Array.isArray(rawConfig) ? { layers: rawConfig } : objectOr(rawConfig, `${source}: the model's "config"`);
  const name = typeof config["name"] === "string" ? config["name"] : typeof node["name"] === "string" ? node["name"] : "";
  const list = config["layers"];
  if (!Array.isArray(list)) throw new DataError(`${source}: model ${JSON.stringify(name)} has no "layers" list.`);
  const layers = list.map((entry, i) => normalizeLayer(entry, `${source}: model ${JSON.stringify(name)}, layer ${i}`, source, depth));
  if (className === "Sequential") chainSequential(layers);
  const model: KerasModel = { className, name, layers, inputs: refList(config["input_layers"]), outputs: refList(config["output_layers"]) };
  renumberModelNodes(
    model,
    list.some((entry) => isObject(entry) && Array.isArray(entry["inbound_nodes"]) && entry["inbound_nodes"].some(isObject)),
  );
  return model;
}

/**
 * A nested model counts its own construction as its node 0 where Keras writes its calls' numbers:
 * Keras 2 and tfjs everywhere (their networks have that node), Keras 3 only in `input_layers` and
 * `output_layers` (its `functional_from_config` subtracts 1 there, not in `inbound_nodes`). Here a
 * nested model's calls are numbered from 0, as every other layer's; a 0 is read as the first call.
 */
function renumberModelNodes(model: KerasModel, keras3: boolean): void {
  const nested = new Set(model.layers.filter((l) => l.model).map((l) => l.name));
  if (nested.size === 0) return;
  const shift = (refs: TensorRef[]) => refs.map((r) => (nested.has(r.layer) && r.node > 0 ? { ...r, node: r.node - 1 } : r));
  model.inputs = shift(model.inputs);
  model.outputs = shift(model.outputs);
  if (keras3) return;
  for (const layer of model.layers) {
    for (const call of layer.calls) {
      call.args = shift(call.args);
      call.initialState = shift(call.initialState);
      call.mask = shift(call.mask);
    }
  }
}

function normalizeLayer(entry: unknown, where: string, source: string, depth: number): KerasLayer {
  const node = objectOr(entry, where);
  const className = typeof node["class_name"] === "string" ? node["class_name"] : undefined;
  if (className === undefined) throw new DataError(`${where}: has no "class_name".`);
  const config = isObject(node["config"]) ? node["config"] : {};
  const name = typeof config["name"] === "string" ? config["name"] : typeof node["name"] === "string" ? node["name"] : undefined;
  if (name === undefined) throw new DataError(`${where} (${className}): has no name.`);
  const module = typeof node["module"] === "string" ? node["module"] : "";
  const layer: KerasLayer = {
    name,
    className,
    config,
    // An .h5 strips `module`: there, a nested model's mask ops are known by their class (no layer has these names).
    isOp: module.startsWith("keras.src.ops") || (module === "" && MASK_OP_CLASSES.has(className)),
    calls: callsOf(node["inbound_nodes"], RECURRENT_CLASSES.has(className)),
  };
  const shape = config["batch_shape"] ?? config["batch_input_shape"];
  if (Array.isArray(shape)) layer.batchShape = shape.map((d) => (Number.isInteger(d) ? (d as number) : null));
  if (MODEL_CLASSES.has(className)) layer.model = normalizeModelConfig(node, source, depth + 1);
  return layer;
}

/**
 * Keras 3's `[{args, kwargs}]` or Keras 2's `[[[layer, node, index, kwargs], …]]`, where a recurrent
 * layer's tensors after the first are its initial states.
 */
function callsOf(inbound: unknown, recurrent: boolean): LayerCall[] {
  if (!Array.isArray(inbound)) return [];
  return inbound.map((call): LayerCall => {
    if (Array.isArray(call)) {
      // Keras 2: one list per call, one [layer, node, index, kwargs] per input tensor.
      const args: TensorRef[] = [];
      let kwargs: Record<string, unknown> = {};
      for (const t of call) {
        if (Array.isArray(t) && typeof t[0] === "string") {
          args.push({ layer: t[0], node: Number(t[1]) || 0, index: Number(t[2]) || 0 });
          if (isObject(t[3])) kwargs = { ...kwargs, ...t[3] };
        }
      }
      const parsed = split({ args, kwargs });
      if (recurrent && parsed.initialState.length === 0 && args.length > 1) {
        parsed.initialState = args.slice(1);
        parsed.args = args.slice(0, 1);
      }
      return parsed;
    }
    if (isObject(call)) {
      const args = tensorsIn(call["args"]);
      const kwargs = isObject(call["kwargs"]) ? call["kwargs"] : {};
      return split({ args, kwargs });
    }
    return { args: [], initialState: [], mask: [], kwargs: {} };
  });
}

/** Pulls `initial_state` and `mask` out of the keyword arguments (Keras 2 gives initial states as extra inputs in `kwargs`). */
function split(call: { args: TensorRef[]; kwargs: Record<string, unknown> }): LayerCall {
  const kwargs: Record<string, unknown> = {};
  let initialState: TensorRef[] = [];
  let mask: TensorRef[] = [];
  for (const [key, value] of Object.entries(call.kwargs)) {
    if (key === "initial_state") initialState = tensorsIn(value);
    else if (key === "mask") mask = tensorsIn(value);
    else kwargs[key] = value;
  }
  return { args: call.args, initialState, mask, kwargs };
}

/** Every `__keras_tensor__` (Keras 3) or `[layer, node, index]` (Keras 2) in a value, in order. */
function tensorsIn(value: unknown, depth = 0): TensorRef[] {
  if (depth > 8) return [];
  if (Array.isArray(value)) {
    if (value.length >= 3 && typeof value[0] === "string" && Number.isInteger(value[1]) && Number.isInteger(value[2])) {
      return [{ layer: value[0], node: value[1] as number, index: value[2] as number }];
    }
    return value.flatMap((v) => tensorsIn(v, depth + 1));
  }
  if (isObject(value) && value["class_name"] === "__keras_tensor__" && isObject(value["config"])) {
    const history = value["config"]["keras_history"];
    if (Array.isArray(history) && typeof history[0] === "string") {
      return [{ layer: history[0], node: Number(history[1]) || 0, index: Number(history[2]) || 0 }];
    }
  }
  return [];
}

function refList(value: unknown): TensorRef[] {
  if (!Array.isArray(value)) return [];
  // A single output is sometimes written unwrapped: ["dense", 0, 0].
  if (typeof value[0] === "string") return tensorsIn(value);
  return value.flatMap((v) => tensorsIn(v));
}

/** A Sequential's layers call each other in order: give them the calls a Functional would have. */
function chainSequential(layers: KerasLayer[]): void {
  for (let i = 1; i < layers.length; i++) {
    if (layers[i]!.calls.length === 0) {
      layers[i]!.calls = [{ args: [{ layer: layers[i - 1]!.name, node: 0, index: 0 }], initialState: [], mask: [], kwargs: {} }];
    }
  }
}

/** The layers of a model that hold weights in Keras's `model.layers` (mask ops and inputs never do). */
export function weightedLayerCandidates(model: KerasModel): KerasLayer[] {
  return model.layers.filter((l) => !l.isOp && l.className !== "InputLayer");
}

/** Marks the layers an .h5's `layer_names` leaves out as ops (Keras 3 strips `module` in .h5 configs). */
export function markOpsByLayerNames(model: KerasModel, layerNames: readonly string[]): void {
  const names = new Set(layerNames);
  for (const layer of model.layers) if (!names.has(layer.name) && layer.className !== "InputLayer") layer.isOp = true;
}

function objectOr(value: unknown, where: string): Record<string, unknown> {
  if (!isObject(value)) throw new DataError(`${where}: expected an object.`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
