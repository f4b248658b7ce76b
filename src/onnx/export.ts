// rnnc's graph → an ONNX model (LANGUAGE.md §8). The graph is lowered as for a run, folded with the
// CPU backend's evaluator (so Keras's GRU bias rows are plain constants) and not hoisted (ONNX's
// recurrent ops take x and the kernel). Each node becomes standard ONNX ops; each recurrent node one
// ONNX LSTM/GRU/RNN node with Keras's weights rearranged (INTEROP.md §1.2–1.4). What this slice
// cannot export (masks, stateful layers, other layers) is a DataError naming the layer.
import { evaluateNode } from "../backends/cpu/executor.js";
import type { CheckedFile, CheckedModel } from "../check/program.js";
import { CELLS } from "../ir/cells.js";
import { NONE, recurrentInputs, type Graph, type Node, type RecurrentOp } from "../ir/graph.js";
import { prepareGraph } from "../ir/passes.js";
import { lowerModel } from "../lower/lower.js";
import { bindWeights } from "../lower/weights.js";
import { echo } from "../source/echo.js";
import type { Activation } from "../types/activations.js";
import { DataError, type TensorData, type WeightSet } from "../types/tensor-data.js";
import type { DType } from "../types/types.js";
import { modelProto, tensorProto, valueInfoProto, type AttributeValue, type ElemTypeName, type OnnxNode } from "./messages.js";
import type { ProtoMessage } from "./protobuf.js";

export interface ExportOptions {
  /** Which model of the file; default: the first. */
  model?: string;
  /** Weights by layer name; default: the initializers in the source. */
  weights?: WeightSet;
}

const ELEM_TYPES: Record<DType, ElemTypeName> = { f32: "float", i32: "int32", bool: "bool" };

/** The ONNX model (ModelProto bytes) of a model of a checked file. */
export function exportOnnx(checked: CheckedFile, options: ExportOptions = {}): Uint8Array {
  const model = pickModel(checked, options.model);
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !model.ok)
    throw new DataError(`the file has ${errors.length} error${errors.length === 1 ? "" : "s"}; fix them before exporting`);
  const models = new Map<string, CheckedModel>(checked.models.map((m) => [m.name, m]));
  const graph = lowerModel(checked, model, bindWeights(model, models, options.weights));
  prepareGraph(graph, { evaluate: (node, inputs) => evaluateNode(graph, node, inputs), hoistInputProjection: false });
  return new OnnxWriter(graph, model).write();
}

function pickModel(checked: CheckedFile, name: string | undefined): CheckedModel {
  if (checked.models.length === 0) throw new DataError("the file defines no model");
  if (name === undefined) return checked.models[0]!;
  const model = checked.models.find((m) => m.name === name);
  if (!model) throw new DataError(`no model named ${echo(name)} (models: ${checked.models.map((m) => echo(m.name)).join(", ")})`);
  return model;
}

/** ONNX's name for an activation inside LSTM/GRU/RNN, with the alpha and beta it takes (ONNX's LSTM spec). */
function recurrentActivation(fn: Activation, layer: string): { name: string; alpha?: number; beta?: number } {
  switch (fn) {
    case "tanh":
      return { name: "Tanh" };
    case "sigmoid":
      return { name: "Sigmoid" };
    case "relu":
      return { name: "Relu" };
    case "linear":
      return { name: "Affine", alpha: 1, beta: 0 };
    case "hard_sigmoid":
      return { name: "HardSigmoid", alpha: 0.2, beta: 0.5 };
    case "hard_sigmoid3":
      return { name: "HardSigmoid", alpha: 1 / 6, beta: 0.5 };
    case "softmax":
      throw new DataError(
        `layer ${echo(layer)}: a softmax activation inside a recurrent layer is not exported yet (ONNX's LSTM/GRU/RNN do not take it)`,
      );
  }
}

class OnnxWriter {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: ProtoMessage[] = [];
  /** Constant values' data (weights after folding), by value id: recurrent weights are rearranged from it. */
  private readonly constants = new Map<number, TensorData>();
  /** The constants already written as initializers. */
  private readonly written = new Set<number>();
  private counter = 0;

  constructor(
    private readonly graph: Graph,
    private readonly model: CheckedModel,
  ) {}

  write(): Uint8Array {
    const graph = this.graph;
    if (graph.states.length > 0) {
      const layer = graph.states[0]!.name.replace(/#\d+$/, "").split("/").slice(0, -1).join("/");
      throw new DataError(
        `layer ${echo(layer)}: stateful layers are not exported yet (ONNX has no carried state; export the model without stateful=true)`,
      );
    }
    // Masks first: the mask's own ops would otherwise be the first thing refused, hiding the reason.
    for (const node of graph.nodes) {
      if (node.op.kind === "recurrent" && recurrentInputs(node).mask !== undefined) {
        throw new DataError(`layer ${echo(node.layer ?? "?")}: masks are not exported yet (the layer receives a mask)`);
      }
    }
    for (const node of graph.nodes) this.lowerNode(node);
    const inputs = graph.inputs.map((i) => valueInfoProto(i.name, ELEM_TYPES[i.dtype], i.dims));
    // Identity onto each output's own name: an output may be an input or returned twice.
    const taken = new Set(graph.inputs.map((i) => i.name));
    const outputs = graph.outputs.map((value, i) => {
      // `output_<i>`, or with `_` added while a model input has that name.
      let name = `output_${i}`;
      while (taken.has(name)) name += "_";
      this.emit("Identity", [this.name(value)], [name]);
      const type = this.model.outputs[i];
      const dims = type?.kind === "tensor" ? type.dims : undefined;
      return valueInfoProto(name, ELEM_TYPES[graph.values[value]!.dtype], dims);
    });
    return modelProto({ name: this.model.name, nodes: this.nodes, initializers: this.initializers, inputs, outputs });
  }

  /**
   * A value's name in the ONNX graph: a model input's own name, else `%v<id>` (`%` is in no rnnc
   * identifier, so no input can clash). A constant becomes an initializer when first named:
   * recurrent weights are read rearranged, never under their own name.
   */
  private name(value: number): string {
    const input = this.graph.inputs.find((i) => i.value === value);
    if (input) return input.name;
    const name = `%v${value}`;
    const constant = this.constants.get(value);
    if (constant && !this.written.has(value)) {
      this.written.add(value);
      const data = constant.data;
      this.initializer(name, constant.shape, data instanceof Uint8Array ? { bool: data } : data);
    }
    return name;
  }

  /** A new internal name (`%` first, as for values). */
  private fresh(label: string): string {
    return `%${label}_${this.counter++}`;
  }

  private emit(opType: string, inputs: readonly string[], outputs: readonly string[], attributes?: Record<string, AttributeValue>): void {
    this.nodes.push({ opType, inputs, outputs, name: `${opType}_${this.nodes.length}`, ...(attributes ? { attributes } : {}) });
  }

  private initializer(
    name: string,
    dims: readonly number[],
    values: Float32Array | Int32Array | BigInt64Array | { bool: Uint8Array },
  ): string {
    this.initializers.push(tensorProto(name, dims, values));
    return name;
  }

  private int64s(label: string, values: readonly (number | bigint)[]): string {
    return this.initializer(this.fresh(label), [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  private lowerNode(node: Node): void {
    const op = node.op;
    if (op.kind === "const") {
      this.constants.set(node.outputs[0]!, op.data);
      return;
    }
    const layer = node.layer ?? "?";
    // Its weights are read rearranged: naming them would write them as they are, unused.
    if (op.kind === "recurrent") return this.recurrent(node, op, layer);
    const out = this.name(node.outputs[0]!);
    const ins = node.inputs.map((v) => (v === NONE ? "" : this.name(v)));
    switch (op.kind) {
      case "input":
        return;
      case "matmul": {
        const product = op.activation === "linear" && ins.length < 3 ? out : this.fresh("matmul");
        this.emit("MatMul", [ins[0]!, ins[1]!], [product]);
        let result = product;
        if (ins.length >= 3 && ins[2] !== "") {
          result = op.activation === "linear" ? out : this.fresh("biased");
          this.emit("Add", [product, ins[2]!], [result]);
        }
        if (result !== out) this.activation(op.activation, result, out, layer);
        return;
      }
      case "activation":
        return this.activation(op.fn, ins[0]!, out, layer);
      case "gather":
        // rnnc's gather takes (ids, table); ONNX's Gather (data, indices).
        return this.emit("Gather", [ins[1]!, ins[0]!], [out], { axis: { int: 0 } });
      case "add":
        return this.emit(ins.length === 2 ? "Add" : "Sum", ins, [out]);
      case "mul":
        return this.emit("Mul", ins, [out]);
      case "scale":
        return this.emit("Mul", [ins[0]!, this.initializer(this.fresh("factor"), [], Float32Array.of(op.factor))], [out]);
      case "repeat": {
        // [B, F] → [B, 1, F] → [B, n, F].
        const unsqueezed = this.fresh("unsqueezed");
        this.emit("Unsqueeze", [ins[0]!, this.int64s("axis1", [1])], [unsqueezed]);
        return this.emit("Tile", [unsqueezed, this.int64s("repeats", [1, op.n, 1])], [out]);
      }
      case "mergeTime": {
        // [B, T, ...] → [B·T, ...]: the new shape is -1 then the dims after T, read at run time (named dims stay symbolic).
        const rest = this.shapeSlice(ins[0]!, 2);
        const shape = this.fresh("merged_shape");
        this.emit("Concat", [this.int64s("minus_one", [-1]), rest], [shape], { axis: { int: 0 } });
        return this.emit("Reshape", [ins[0]!, shape], [out]);
      }
      case "splitTime": {
        // [B·T, ...] → [B, T, ...], B and T from the second input (the sequence it came from).
        const shape = this.fresh("split_shape");
        this.emit("Concat", [this.shapeSlice(ins[1]!, 0, 2), this.shapeSlice(ins[0]!, 1)], [shape], { axis: { int: 0 } });
        return this.emit("Reshape", [ins[0]!, shape], [out]);
      }
      case "maximum":
        return this.emit("Max", ins, [out]);
      case "divide":
        return this.emit("Div", [ins[0]!, this.initializer(this.fresh("divisor"), [], Float32Array.of(op.divisor))], [out]);
      case "flatten":
        return this.emit("Flatten", ins, [out], { axis: { int: 1 } });
      case "poolTime":
        if (ins.length > 1) throw new DataError(`layer ${echo(layer)}: masks are not exported yet (the layer receives a mask)`);
        return this.emit(op.mode === "avg" ? "ReduceMean" : "ReduceMax", ins, [out], { axes: { ints: [1] }, keepdims: { int: 0 } });
      case "layerNorm": {
        // ONNX's LayerNormalization needs a scale: ones of the last axis's length when Keras's scale=false.
        let gamma = ins[1]!;
        if (gamma === "") {
          gamma = this.fresh("ones");
          this.emit("Expand", [this.initializer(this.fresh("one"), [1], Float32Array.of(1)), this.shapeSlice(ins[0]!, -1)], [gamma]);
        }
        const inputs = ins[2] === "" ? [ins[0]!, gamma] : [ins[0]!, gamma, ins[2]!];
        return this.emit("LayerNormalization", inputs, [out], { axis: { int: -1 }, epsilon: { float: op.epsilon } });
      }
      case "concat":
        return this.emit("Concat", ins, [out], { axis: { int: op.axis } });
      default:
        throw new DataError(`layer ${echo(layer)}: its ${op.kind} operation is not exported to ONNX yet`);
    }
  }

  /** Dims `start` … `end` (default: to the last) of a value's shape, as an int64 vector computed at run time. */
  private shapeSlice(value: string, start: number, end?: number): string {
    const dims = this.fresh("dims");
    this.emit("Shape", [value], [dims], { start: { int: start }, ...(end === undefined ? {} : { end: { int: end } }) });
    return dims;
  }

  private activation(fn: Activation, input: string, output: string, layer: string): void {
    switch (fn) {
      case "linear":
        return this.emit("Identity", [input], [output]);
      case "tanh":
        return this.emit("Tanh", [input], [output]);
      case "sigmoid":
        return this.emit("Sigmoid", [input], [output]);
      case "relu":
        return this.emit("Relu", [input], [output]);
      case "softmax":
        return this.emit("Softmax", [input], [output], { axis: { int: -1 } });
      case "hard_sigmoid":
        return this.emit("HardSigmoid", [input], [output], { alpha: { float: 0.2 }, beta: { float: 0.5 } });
      case "hard_sigmoid3":
        return this.emit("HardSigmoid", [input], [output], { alpha: { float: 1 / 6 }, beta: { float: 0.5 } });
      default:
        throw new DataError(`layer ${echo(layer)}: activation ${echo(String(fn))} is not exported to ONNX yet`);
    }
  }

  /** A weight the recurrent op reads: a constant after folding (weights always are). */
  private weight(value: number | undefined, layer: string): TensorData | undefined {
    if (value === undefined || value === NONE) return undefined;
    const data = this.constants.get(value);
    if (!data) throw new DataError(`layer ${echo(layer)}: its recurrent weights are computed at run time, which is not exported yet`);
    return data;
  }

  /**
   * One ONNX LSTM/GRU/RNN node, layout 0 ([T,B,F]: ORT's CPU kernels refuse layout 1), so x is
   * transposed in and Y out. ONNX writes Y in input order; a plain go_backwards layer's Keras output
   * is in processing order, so it is reversed over T.
   */
  private recurrent(node: Node, op: RecurrentOp, layer: string): void {
    const named = recurrentInputs(node);
    if (op.projected) throw new Error("the ONNX exporter prepares graphs without hoisting");
    const cell = CELLS[op.cell];
    const u = op.units;
    const G = cell.gates.length;
    const kernel = this.weight(named.kernel, layer)!;
    const recurrentKernel = this.weight(named.recurrentKernel, layer)!;
    const inputBias = this.weight(named.inputBias, layer);
    const recurrentBias = this.weight(named.recurrentBias, layer);
    const F = kernel.shape[0]!;
    const order = cell.onnxGateOrder.map((g) => cell.gates.findIndex((k) => k.name === g));
    const prefix = this.fresh(op.cell);
    const W = this.initializer(`${prefix}_W`, [1, G * u, F], toOnnxMatrix(kernel.data as Float32Array, F, u, order));
    const R = this.initializer(`${prefix}_R`, [1, G * u, u], toOnnxMatrix(recurrentKernel.data as Float32Array, u, u, order));
    let B = "";
    if (inputBias || recurrentBias) {
      // B = [Wb ‖ Rb]: Rb is Keras's second GRU bias row (reset_after), else zeros.
      const bias = new Float32Array(2 * G * u);
      order.forEach((src, k) => {
        for (let j = 0; j < u; j++) {
          if (inputBias) bias[k * u + j] = (inputBias.data as Float32Array)[src * u + j]!;
          if (recurrentBias) bias[G * u + k * u + j] = (recurrentBias.data as Float32Array)[src * u + j]!;
        }
      });
      B = this.initializer(`${prefix}_B`, [1, 2 * G * u], bias);
    }
    const x = this.fresh(`${prefix}_x_tbf`);
    this.emit("Transpose", [this.name(named.x)], [x], { perm: { ints: [1, 0, 2] } });
    let axis0Name: string | undefined;
    const axis0 = () => (axis0Name ??= this.int64s(`${prefix}_axis0`, [0]));
    const initial = [named.h0, named.c0].map((v) => {
      if (v === undefined) return "";
      const state = this.fresh(`${prefix}_initial`);
      this.emit("Unsqueeze", [this.name(v), axis0()], [state]);
      return state;
    });
    const inputs = [x, W, R, B, "", ...initial.slice(0, op.cell === "lstm" ? 2 : 1)];
    while (inputs[inputs.length - 1] === "") inputs.pop();
    const acts = (
      op.cell === "lstm"
        ? [op.recurrentActivation, op.activation, op.activation]
        : op.cell === "gru"
          ? [op.recurrentActivation, op.activation]
          : [op.activation]
    ).map((fn) => recurrentActivation(fn, layer));
    const attributes: Record<string, AttributeValue> = {
      hidden_size: { int: u },
      direction: { string: op.goBackwards ? "reverse" : "forward" },
      activations: { strings: acts.map((a) => a.name) },
    };
    const alphas = acts.filter((a) => a.alpha !== undefined).map((a) => a.alpha!);
    if (alphas.length > 0) {
      attributes["activation_alpha"] = { floats: alphas };
      attributes["activation_beta"] = { floats: acts.filter((a) => a.beta !== undefined).map((a) => a.beta!) };
    }
    if (op.cell === "gru") attributes["linear_before_reset"] = { int: op.resetAfter ? 1 : 0 };
    const [outputUsed, ...statesUsed] = op.used;
    const Y = outputUsed && op.returnSequences ? this.fresh(`${prefix}_Y`) : "";
    const Yh = this.fresh(`${prefix}_Y_h`);
    const Yc = op.cell === "lstm" && statesUsed[1] ? this.fresh(`${prefix}_Y_c`) : "";
    const outputs = [Y, Yh, Yc];
    while (outputs[outputs.length - 1] === "") outputs.pop();
    this.emit({ lstm: "LSTM", gru: "GRU", simple_rnn: "RNN" }[op.cell], inputs, outputs, attributes);
    const [output, h, c] = node.outputs.map((v) => this.name(v));
    if (outputUsed) {
      if (op.returnSequences) {
        // Y [T, 1, B, u] → [T, B, u] → [B, T, u], reversed over T for a plain go_backwards layer.
        const squeezed = this.fresh(`${prefix}_Y_tbu`);
        this.emit("Squeeze", [Y, this.int64s(`${prefix}_axis1`, [1])], [squeezed]);
        const reverse = op.goBackwards && !op.sequenceInTimeOrder;
        const batchFirst = reverse ? this.fresh(`${prefix}_Y_btu`) : output!;
        this.emit("Transpose", [squeezed], [batchFirst], { perm: { ints: [1, 0, 2] } });
        if (reverse) {
          const starts = this.int64s(`${prefix}_starts`, [-1]);
          const ends = this.int64s(`${prefix}_ends`, [-(2n ** 63n)]);
          const axes = this.int64s(`${prefix}_axes`, [1]);
          const steps = this.int64s(`${prefix}_steps`, [-1]);
          this.emit("Slice", [batchFirst, starts, ends, axes, steps], [output!]);
        }
      } else {
        this.emit("Squeeze", [Yh, axis0()], [output!]);
      }
    }
    if (statesUsed[0]) this.emit("Squeeze", [Yh, axis0()], [h!]);
    if (statesUsed[1]) this.emit("Squeeze", [Yc, axis0()], [c!]);
  }
}

/** A Keras [rows, G·u] matrix (gate blocks in columns) as ONNX's [G·u, rows] (blocks in rows), block k taken from Keras's block order[k]. */
function toOnnxMatrix(keras: Float32Array, rows: number, u: number, order: readonly number[]): Float32Array {
  const width = order.length * u;
  const out = new Float32Array(width * rows);
  order.forEach((src, k) => {
    for (let j = 0; j < u; j++) {
      const o = (k * u + j) * rows;
      for (let r = 0; r < rows; r++) out[o + r] = keras[r * width + src * u + j]!;
    }
  });
  return out;
}
