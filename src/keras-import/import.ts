// `rnnc import`: a Keras or tfjs model file's normalized config (model-files/keras-config.ts) written
// as `.rnn` source — one `model` per Functional/Sequential (the file's first, those it calls after),
// each in topological order, Keras's layer names as bindings and as `name=` (so the file's weights
// bind by name), shared layers bound once, `initial_state` as `initial=`, every output of a
// multi-output layer destructured — then formatted and checked. Keras 3.15's mask operations are checked against rnnc's own mask
// propagation. Anything rnnc cannot express is an ImportError naming the file, the layer and its class.
import { checkFile } from "../check/checker.js";
import { parse } from "../syntax/parse.js";
import type { CheckedFile, CheckedModel } from "../check/program.js";
import type { ModelFile } from "../model-files/binary-model-file.js";
import type { KerasLayer, KerasModel, LayerCall, TensorRef } from "../model-files/keras-config.js";
import type { Edition } from "../types/edition.js";
import { DataError, type TensorData, type WeightSet } from "../types/tensor-data.js";
import { constructorCall, layerForClass, type ConstructorContext } from "./constructors.js";
import { ImportError, type LayerPlace } from "./import-error.js";
import { NameScope } from "./names.js";
import { echoQuoted } from "../source/echo.js";

export interface ImportResult {
  /** The formatted `.rnn` source. */
  text: string;
  /** The weights, keyed as the source names its layers and models (rnnc's JSON of LANGUAGE.md §3). */
  weights: WeightSet;
  edition: Edition;
  /** The model the file is: the first in the source (the one `rnnc run` picks), the models it calls after it. */
  model: string;
  checked: CheckedFile;
}

/** The most layer calls (nodes) one model may have: a bound on the work a hostile config can ask for. */
const MAX_NODES = 20_000;
/** The largest input size a declared shape may have (Keras's `batch_shape` is a claim, not data). */
const MAX_DIM = 1 << 24;
const STATES: Record<string, number> = { LSTM: 2, GRU: 1, SimpleRNN: 1 };
/** Where the editions combine masks differently (LANGUAGE.md §6). */
const MERGES = new Set(["Add", "Concatenate", "Multiply", "Average", "Maximum"]);
const MASK_USERS = new Set(["LSTM", "GRU", "SimpleRNN", "Bidirectional"]);
/** Call keywords Keras records that change nothing at inference. */
const IGNORED_CALL_KWARGS = new Set(["training"]);

/** The edition of the program that wrote the file (LANGUAGE.md §6). */
export function editionOf(info: ModelFile["info"]): Edition {
  if (info.format === "tfjs") return 2;
  const version = info.kerasVersion;
  if (version !== undefined) return /^[012]\./.test(version) ? 2 : 3;
  return info.format === "keras" ? 3 : 2;
}

/**
 * The `.rnn` source and weights of a model file already read (readModelFile); `file` names it in
 * messages. Asynchronous because the formatter (prettier's printer) is loaded only when needed, as the
 * language server loads it: `import { check } from "rnnc"` stays light.
 */
export async function importModel(modelFile: ModelFile, file: string): Promise<ImportResult> {
  if (!modelFile.model) {
    throw new DataError(
      `${file}: holds weights but no model config (a .weights.h5 or weights JSON); import needs a .keras, an .h5 saved with its model, or a model.json.`,
    );
  }
  const ctx: ImportContext = { file, hardSigmoidTf2: undefined, hardSigmoid: undefined, editionSensitive: undefined };
  const modelNames = new NameScope();
  const declarations: ModelDecl[] = [];
  const top = declare(modelFile.model, modelNames, declarations, ctx, modelFile.model.name || "model", "");
  let edition = editionOf(modelFile.info);
  if (ctx.hardSigmoidTf2) {
    // rnnc's Keras export writes tf.keras 2's hard_sigmoid as a registered function: only `keras 2` says it.
    if (ctx.hardSigmoid)
      throw new ImportError(
        ctx.hardSigmoid,
        "the model uses both Keras 3's hard_sigmoid and tf.keras 2's (rnnc>hard_sigmoid_tf2); one .rnn edition cannot say both",
      );
    if (edition === 3 && ctx.editionSensitive) {
      throw new ImportError(
        ctx.hardSigmoidTf2,
        `it uses tf.keras 2's hard_sigmoid, which only a keras 2 file says, but layer ${echoQuoted(ctx.editionSensitive.layer)} (${ctx.editionSensitive.className}) computes masks as Keras 3 does`,
      );
    }
    edition = 2;
  }
  // The file's model first, the one `rnnc run` picks; the models it calls after it.
  const ordered = [top, ...declarations.filter((d) => d !== top)];
  const { formatRnnSync } = await import("../format/index.js");
  const text = formatRnnSync(`keras ${edition}\n\n${ordered.map((d) => d.text).join("\n\n")}\n`);
  const checked = checkFile(parse(text));
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    const first = errors[0]!;
    const line = text.slice(0, first.range.start.offset).split("\n").length;
    throw new DataError(
      `${file}: the imported source does not check (line ${line}: ${first.message}); this is a bug in rnnc import, please report it with the file.`,
    );
  }
  // Keras 3.15 records where it applies masks (as op nodes feeding `mask=`); older writers do not.
  const records = recordsMasks(modelFile.info.kerasVersion) || declarations.some((d) => d.applications.some((a) => a.kerasMask === true));
  if (records) for (const decl of declarations) verifyMasks(decl, checked, edition);
  return { text, weights: renamedWeights(modelFile.weights, top), edition, model: top.name, checked };
}

interface ImportContext extends ConstructorContext {
  file: string;
  /** The first merge or initial_state call, where the editions compute masks differently. */
  editionSensitive: LayerPlace | undefined;
}

/** One `model` declaration: its text, and per application (in order) what the mask check needs. */
interface ModelDecl {
  name: string;
  kerasName: string;
  /** Where its layers are, in messages: "" for the file's model, `Enc/` inside the called model Enc. */
  prefix: string;
  text: string;
  applications: { place: LayerPlace; kerasMask: boolean | undefined }[];
  /** Keras layer name → the layer's weights key in the source (nested models renamed). */
  nested: Map<string, ModelDecl>;
  /** The names its return values have in its body: a caller names what it gets back after them. */
  returned: string[];
  /** The layers the source has (unreachable Keras layers are left out, and so are their weights). */
  used: Set<string>;
}

/** Declares `model` (after the models it calls) and returns its declaration. */
function declare(
  model: KerasModel,
  modelNames: NameScope,
  out: ModelDecl[],
  ctx: ImportContext,
  wanted: string,
  prefix: string,
): ModelDecl {
  const name = modelNames.claim(wanted);
  const layers = new Map<string, KerasLayer>();
  for (const layer of model.layers) {
    if (layers.has(layer.name)) throw new ImportError(placeOf(ctx, layer), "two layers of the model have this name");
    layers.set(layer.name, layer);
  }
  const decl: ModelDecl = {
    name,
    kerasName: model.name,
    prefix,
    text: "",
    returned: [],
    applications: [],
    nested: new Map(),
    used: new Set(),
  };
  // Models called from this one, declared first so that their names are known when this one is written.
  for (const layer of model.layers) {
    if (layer.model && !layer.isOp)
      decl.nested.set(layer.name, declare(layer.model, modelNames, out, ctx, layer.name, `${prefix}${layer.name}/`));
  }
  // A binding named like a model it calls, or like itself, would hide that model.
  const reserved = new Set([name, ...out.map((d) => d.name), ...[...decl.nested.values()].map((d) => d.name)]);
  decl.text = writeModel(model, layers, decl, ctx, reserved);
  out.push(decl);
  return decl;
}

const refKey = (r: TensorRef) => JSON.stringify([r.layer, r.node, r.index]);

function placeOf(ctx: { file: string }, layer: KerasLayer, prefix = ""): LayerPlace {
  return { file: ctx.file, layer: prefix + layer.name, className: layer.className };
}

function writeModel(
  model: KerasModel,
  layers: Map<string, KerasLayer>,
  decl: ModelDecl,
  ctx: ImportContext,
  modelNames: Set<string>,
): string {
  const scope = new NameScope(modelNames);
  const vars = new Map<string, string>();
  const prefix = decl.prefix;
  const place = (layer: KerasLayer) => placeOf(ctx, layer, prefix);
  const { inputs, outputs } = endpoints(model, layers, ctx);

  // Inputs, in the model's order.
  const inputTexts: string[] = [];
  for (const ref of inputs) {
    const layer = layers.get(ref.layer)!;
    const id = scope.claim(layer.name);
    vars.set(refKey({ layer: layer.name, node: 0, index: 0 }), id);
    inputTexts.push(`${id}: ${inputType(layer, place(layer))}`);
  }

  const order = topologicalOrder(outputs, layers, ctx, prefix);
  // Which outputs of each call are read: the others are bound to `_`.
  const read = new Set<string>(outputs.map(refKey));
  for (const { layer, node } of order) {
    const call = layer.calls[node]!;
    for (const r of [...call.args, ...call.initialState, ...call.mask]) read.add(refKey(r));
  }

  const lines: string[] = [];
  const sharedBindings = new Map<string, string>();
  for (const { layer, node } of order) {
    const call = layer.calls[node]!;
    const at = place(layer);
    const def = layer.model ? undefined : layerForClass(layer.className);
    decl.used.add(layer.name);
    const resolve = (r: TensorRef): string => {
      const v = vars.get(refKey(r));
      if (v === undefined) {
        const from = layers.get(r.layer);
        if (from?.isOp)
          throw new ImportError(
            at,
            `it takes the result of the Keras operation ${echoQuoted(from.name)} (${from.className}), which rnnc has only as a mask`,
          );
        throw new ImportError(at, `it takes output ${r.index} of ${echoQuoted(r.layer)} call ${r.node}, which that layer does not have`);
      }
      return v;
    };
    for (const [key, value] of Object.entries(call.kwargs)) {
      if (IGNORED_CALL_KWARGS.has(key) || value === null || value === false) continue;
      if (
        (layer.className === "Attention" || layer.className === "AdditiveAttention") &&
        (key === "use_causal_mask" || key === "return_attention_scores")
      )
        continue;
      throw new ImportError(at, `its call passes ${key}=${JSON.stringify(value)?.slice(0, 40)}, which rnnc does not take`);
    }
    if (call.args.length === 0) throw new ImportError(at, "its call takes no tensor (its inbound node lists none rnnc can read)");
    const args = call.args.map(resolve);
    const keywords: string[] = [];
    if (call.initialState.length > 0) {
      ctx.editionSensitive ??= at;
      const states = call.initialState.map(resolve);
      keywords.push(`initial=${states.length === 1 ? states[0] : `(${states.join(", ")})`}`);
    }
    if (MERGES.has(layer.className)) ctx.editionSensitive ??= at;
    const kerasMask = maskOf(call, layers, at, resolve, keywords, layer.className);

    const count = outputCount(layer, call, decl, at);
    const targets: string[] = [];
    let anyRead = false;
    for (let i = 0; i < count; i++) {
      const key = refKey({ layer: layer.name, node, index: i });
      if (!read.has(key)) {
        targets.push("_");
        continue;
      }
      anyRead = true;
      const base =
        layer.calls.length > 1 ? `${layer.name}_out${node === 0 ? "" : `_${node}`}` : node === 0 ? layer.name : `${layer.name}_${node}`;
      const fromModel = layer.model ? decl.nested.get(layer.name)?.returned[i] : undefined;
      const id = scope.claim(fromModel ?? (i === 0 ? base : `${base}_${outputLabel(layer, i)}`));
      vars.set(key, id);
      targets.push(id);
    }
    if (!anyRead) continue;
    decl.applications.push({ place: at, kerasMask: MASK_USERS.has(layer.className) ? kerasMask : undefined });
    const lhs = targets.join(", ");

    let callee: string;
    if (layer.model) {
      callee = decl.nested.get(layer.name)!.name;
    } else if (def?.appliesDirectly) {
      if (layer.calls.length > 1)
        throw new ImportError(at, "it is applied more than once; rnnc applies merge and attention layers where they are written");
      const built = constructorCall(layer.className, layer.config, at, ctx);
      const settings = [...built.args, ...callSettings(layer, call), `name=${JSON.stringify(layer.name)}`];
      lines.push(`${lhs} = ${built.fn}(${[...args, ...settings].join(", ")})`);
      continue;
    } else if (layer.calls.length > 1) {
      let bound = sharedBindings.get(layer.name);
      if (bound === undefined) {
        bound = scope.claim(layer.name);
        sharedBindings.set(layer.name, bound);
        const built = constructorCall(layer.className, layer.config, at, ctx);
        const named = bound === layer.name ? built.args : [...built.args, `name=${JSON.stringify(layer.name)}`];
        lines.push(`${bound} = ${built.fn}(${named.join(", ")})`);
      }
      callee = bound;
    } else {
      const built = constructorCall(layer.className, layer.config, at, ctx);
      callee = `${built.fn}(${[...built.args, `name=${JSON.stringify(layer.name)}`].join(", ")})`;
    }
    lines.push(`${lhs} = ${callee}(${[...args, ...keywords].join(", ")})`);
  }
  const returned = outputs.map((r) => {
    const v = vars.get(refKey(r));
    if (v === undefined)
      throw new DataError(
        `${ctx.file}: model ${echoQuoted(decl.kerasName)} returns output ${r.index} of ${echoQuoted(r.layer)}, which that layer does not have.`,
      );
    return v;
  });
  decl.returned = returned;
  return `model ${decl.name}(${inputTexts.join(", ")}) {\n${lines.map((l) => `  ${l}\n`).join("")}  return ${returned.join(", ")}\n}`;
}

/** A model's inputs and outputs; a Sequential has none listed (its first layer is the input, its last the output). */
function endpoints(model: KerasModel, layers: Map<string, KerasLayer>, ctx: ImportContext): { inputs: TensorRef[]; outputs: TensorRef[] } {
  const where = `${ctx.file}: model ${echoQuoted(model.name)}`;
  if (model.className === "Sequential") {
    const first = model.layers[0];
    const last = model.layers[model.layers.length - 1];
    if (!first || !last) throw new DataError(`${where} has no layers.`);
    if (first.className !== "InputLayer") {
      // Keras 2 Sequential: the first layer carries `batch_input_shape`; Keras names the input `<layer>_input`.
      if (!first.batchShape)
        throw new DataError(`${where}: a Sequential model without an input shape (build it, or give the first layer batch_input_shape).`);
      const input: KerasLayer = {
        name: `${first.name}_input`,
        className: "InputLayer",
        config: first.config,
        isOp: false,
        calls: [],
        batchShape: first.batchShape,
      };
      if (layers.has(input.name)) throw new DataError(`${where}: a layer is named ${echoQuoted(input.name)}, the name of its input.`);
      layers.set(input.name, input);
      first.calls = [{ args: [{ layer: input.name, node: 0, index: 0 }], initialState: [], mask: [], kwargs: {} }];
      return { inputs: [{ layer: input.name, node: 0, index: 0 }], outputs: [{ layer: last.name, node: 0, index: 0 }] };
    }
    return { inputs: [{ layer: first.name, node: 0, index: 0 }], outputs: [{ layer: last.name, node: 0, index: 0 }] };
  }
  for (const r of model.inputs) {
    if (layers.get(r.layer)?.className !== "InputLayer")
      throw new DataError(`${where}: its input ${echoQuoted(r.layer)} is not an InputLayer of the model.`);
  }
  if (model.inputs.length === 0) throw new DataError(`${where} lists no input_layers.`);
  if (model.outputs.length === 0) throw new DataError(`${where} lists no output_layers.`);
  return { inputs: model.inputs, outputs: model.outputs };
}

/** The calls the outputs need, each after the calls it reads (an iterative depth-first search: no recursion to exhaust). */
function topologicalOrder(
  outputs: TensorRef[],
  layers: Map<string, KerasLayer>,
  ctx: ImportContext,
  prefix: string,
): { layer: KerasLayer; node: number }[] {
  const order: { layer: KerasLayer; node: number }[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: { ref: TensorRef; expanded: boolean }[] = outputs.map((ref) => ({ ref, expanded: false })).reverse();
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const layer = layers.get(top.ref.layer);
    if (!layer)
      throw new DataError(`${ctx.file}: a tensor comes from layer ${echoQuoted(prefix + top.ref.layer)}, which the model does not have.`);
    const key = JSON.stringify([layer.name, top.ref.node]);
    if (layer.className === "InputLayer" || layer.isOp) {
      stack.pop();
      continue;
    }
    const call = layer.calls[top.ref.node];
    if (!call)
      throw new ImportError(
        placeOf(ctx, layer, prefix),
        `a tensor comes from its call ${top.ref.node}, but its inbound_nodes list ${layer.calls.length}`,
      );
    if (top.expanded) {
      stack.pop();
      if (state.get(key) !== "done") {
        state.set(key, "done");
        order.push({ layer, node: top.ref.node });
        if (order.length > MAX_NODES) throw new DataError(`${ctx.file}: the model has more than ${MAX_NODES} layer calls.`);
      }
      continue;
    }
    const seen = state.get(key);
    if (seen === "done") {
      stack.pop();
      continue;
    }
    if (seen === "open")
      throw new ImportError(placeOf(ctx, layer, prefix), "its inbound nodes form a cycle: it takes, through other layers, its own output");
    state.set(key, "open");
    top.expanded = true;
    for (const r of [...call.args, ...call.initialState, ...call.mask].reverse()) {
      const from = layers.get(r.layer);
      if (from && !from.isOp && from.className !== "InputLayer") stack.push({ ref: r, expanded: false });
      else if (!from)
        throw new DataError(
          `${ctx.file}: layer ${echoQuoted(prefix + layer.name)} takes a tensor from ${echoQuoted(r.layer)}, which the model does not have.`,
        );
    }
    if (stack.length > 4 * MAX_NODES) throw new DataError(`${ctx.file}: the model has more than ${MAX_NODES} layer calls.`);
  }
  return order;
}

/** An input's type: `[2, 5, 3]`, `int[B, T]`; a free batch dim is `B`, a free step dim `T`. */
function inputType(layer: KerasLayer, at: LayerPlace): string {
  const shape = layer.batchShape;
  if (!shape || shape.length === 0) throw new ImportError(at, "the input has no batch_shape / batch_input_shape");
  if (shape.length > 8) throw new ImportError(at, `the input has rank ${shape.length}; rnnc takes at most 8`);
  const dims = shape.map((d, i) => {
    if (d === null) return i === 0 ? "B" : i === 1 ? "T" : `D${i}`;
    if (d < 1 || d > MAX_DIM) throw new ImportError(at, `the input's dimension ${i} is ${d}, outside 1…${MAX_DIM}`);
    return String(d);
  });
  const dtype = layer.config["dtype"];
  const name =
    typeof dtype === "string"
      ? dtype
      : typeof dtype === "object" && dtype !== null
        ? String((dtype as { config?: { name?: unknown } }).config?.name ?? "float32")
        : "float32";
  const prefix = /^u?int/.test(name) ? "int" : name === "bool" ? "bool" : /^(float|bfloat)/.test(name) ? "" : undefined;
  if (prefix === undefined) throw new ImportError(at, `the input's dtype ${JSON.stringify(name)} is not one rnnc takes (float, int, bool)`);
  return `${prefix}[${dims.join(", ")}]`;
}

/** How many tensors a call returns. */
function outputCount(layer: KerasLayer, call: LayerCall, decl: ModelDecl, at: LayerPlace): number {
  if (layer.model) return decl.nested.get(layer.name) ? endpointsCount(layer.model) : 1;
  const c = layer.config;
  const states = STATES[layer.className];
  if (states !== undefined) return 1 + (c["return_state"] === true ? states : 0);
  if (layer.className === "Bidirectional") {
    const inner = (c["layer"] as { class_name?: string; config?: Record<string, unknown> } | undefined) ?? {};
    const innerStates = STATES[inner.class_name ?? ""];
    if (innerStates === undefined) throw new ImportError(at, `it wraps ${JSON.stringify(inner.class_name)}, not an LSTM, GRU or SimpleRNN`);
    return (c["merge_mode"] === null ? 2 : 1) + (inner.config?.["return_state"] === true ? 2 * innerStates : 0);
  }
  if ((layer.className === "Attention" || layer.className === "AdditiveAttention") && call.kwargs["return_attention_scores"] === true)
    return 2;
  return 1;
}

function endpointsCount(model: KerasModel): number {
  return model.className === "Sequential" ? 1 : model.outputs.length;
}

/** What the i-th output (i ≥ 1) is called: a recurrent layer's states, attention's scores. */
function outputLabel(layer: KerasLayer, i: number): string {
  if (layer.className === "LSTM") return ["", "h", "c"][i] ?? String(i);
  if (layer.className === "GRU" || layer.className === "SimpleRNN") return "h";
  if (layer.className === "Attention" || layer.className === "AdditiveAttention") return "scores";
  return String(i);
}

/** Attention's call settings, written among its arguments as rnnc takes them. */
function callSettings(layer: KerasLayer, call: LayerCall): string[] {
  if (layer.className !== "Attention" && layer.className !== "AdditiveAttention") return [];
  const out: string[] = [];
  if (call.kwargs["use_causal_mask"] === true) out.push("use_causal_mask=true");
  if (call.kwargs["return_attention_scores"] === true) out.push("return_attention_scores=true");
  return out;
}

/**
 * A call's `mask=`: a chain of Keras 3.15 mask operations is the mask Keras propagated itself (rnnc
 * propagates its own: checked afterwards); a mask from an input or a layer is written `mask=`.
 * Returns whether Keras applies a mask, when the file records it.
 */
function maskOf(
  call: LayerCall,
  layers: Map<string, KerasLayer>,
  at: LayerPlace,
  resolve: (r: TensorRef) => string,
  keywords: string[],
  className: string,
): boolean | undefined {
  if (call.mask.length === 0) return false;
  const ops = call.mask.filter((r) => layers.get(r.layer)?.isOp);
  if (ops.length === call.mask.length) return true;
  if (ops.length > 0 || call.mask.length > 1 || !MASK_USERS.has(className)) {
    throw new ImportError(at, "its call is given a mask rnnc cannot write (a mix of Keras mask operations and tensors)");
  }
  keywords.push(`mask=${resolve(call.mask[0]!)}`);
  return true;
}

/** Keras 3.15 records where it applies a mask; rnnc's own propagation must give the same. */
function verifyMasks(decl: ModelDecl, checked: CheckedFile, edition: Edition): void {
  const model = checked.models.find((m) => m.name === decl.name);
  if (!model) return;
  const masked = maskedValues(model);
  model.applications.forEach((app, i) => {
    const expected = decl.applications[i];
    if (!expected || expected.kerasMask === undefined) return;
    const explicit = app.keywords.has("mask");
    let uses = explicit || masked.get(app.inputs[0]!) === true;
    if (!explicit && edition === 3 && app.keywords.has("initial")) uses = false;
    if (uses !== expected.kerasMask) {
      throw new ImportError(
        expected.place,
        expected.kerasMask
          ? "Keras applies a mask to this call that rnnc's mask propagation does not give; the imported model would compute something else"
          : "rnnc's mask propagation gives this call a mask that Keras does not apply; the imported model would compute something else",
      );
    }
  });
}

/** Whether a writer records masks: Keras 3.15 and later. */
function recordsMasks(version: string | undefined): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? "");
  return m !== null && (Number(m[1]) > 3 || (Number(m[1]) === 3 && Number(m[2]) >= 15));
}

function maskedValues(model: CheckedModel): Map<number, boolean> {
  const masked = new Map<number, boolean>();
  for (const app of model.applications) app.outputs.forEach((v, j) => masked.set(v, app.outputMasks[j] === true));
  return masked;
}

/** The file's weights keyed as the source names them: nested models under their `.rnn` names, unreachable layers left out. */
function renamedWeights(weights: WeightSet, decl: ModelDecl): WeightSet {
  const layers = new Map<string, TensorData[] | WeightSet>();
  for (const [name, value] of weights.layers) {
    const nested = decl.nested.get(name);
    if (nested && !Array.isArray(value)) layers.set(nested.name, renamedWeights(value, nested));
    else if (decl.used.has(name)) layers.set(name, value);
  }
  return { layers, source: weights.source };
}
