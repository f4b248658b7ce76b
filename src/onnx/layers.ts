// rnnc's non-recurrent ops as standard ONNX ops (LANGUAGE.md §8; INTEROP.md §1.6).
import type { Node } from "../ir/graph.js";
import type { Activation } from "../types/activations.js";
import { lowerAttention } from "./attention.js";
import { lowerIm2Col } from "./conv.js";
import { lowerMaskedMean, lowerMaskOp } from "./masks.js";
import { staticShapes } from "./shapes.js";
import { ElemType } from "./messages.js";
import type { OnnxWriter } from "./writer.js";

/** One non-recurrent node as ONNX nodes writing its output value (every op kind but const and recurrent, which export.ts handles). */
export function lowerLayerOp(w: OnnxWriter, node: Node, layer: string): void {
  const op = node.op;
  const out = w.name(node.outputs[0]!);
  const ins = node.inputs.map((v) => w.name(v));
  switch (op.kind) {
    case "input":
      return;
    case "matmul": {
      const product = op.activation === "linear" && ins.length < 3 ? out : w.fresh("matmul");
      w.emit("MatMul", [ins[0]!, ins[1]!], [product]);
      let result = product;
      if (ins.length >= 3 && ins[2] !== "") {
        result = op.activation === "linear" ? out : w.fresh("biased");
        w.emit("Add", [product, ins[2]!], [result]);
      }
      if (result !== out) emitActivation(w, op.activation, result, out, layer);
      return;
    }
    case "activation":
      return emitActivation(w, op.fn, ins[0]!, out, layer);
    case "gather":
      return lowerGather(w, node, out);
    case "row":
      // Row `index` of a matrix: Gather on axis 0 with a scalar index drops that axis.
      return w.emit("Gather", [ins[0]!, w.initializer(w.fresh("row"), [], BigInt64Array.of(BigInt(op.index)))], [out], {
        axis: { int: 0 },
      });
    case "maskNotZero":
    case "maskAnd":
    case "maskOr":
    case "maskNotEqual":
    case "applyMask":
    case "where":
      return lowerMaskOp(w, node, out);
    case "im2col":
      return lowerIm2Col(w, node, op, out);
    case "attention":
      return lowerAttention(w, node, op);
    case "add":
      return w.emit(ins.length === 2 ? "Add" : "Sum", ins, [out]);
    case "mul":
      return w.emit("Mul", ins, [out]);
    case "scale":
      return w.emit("Mul", [ins[0]!, w.initializer(w.fresh("factor"), [], Float32Array.of(op.factor))], [out]);
    case "repeat": {
      // [B, F] → [B, 1, F] → [B, n, F].
      const unsqueezed = w.fresh("unsqueezed");
      w.emit("Unsqueeze", [ins[0]!, w.int64s("axis1", [1])], [unsqueezed]);
      return w.emit("Tile", [unsqueezed, w.int64s("repeats", [1, op.n, 1])], [out]);
    }
    case "mergeTime": {
      // [B, T, ...] → [B·T, ...]: the new shape is -1 then the dims after T, read at run time (named dims stay symbolic).
      const rest = w.shapeSlice(ins[0]!, 2);
      const shape = w.fresh("merged_shape");
      w.emit("Concat", [w.int64s("minus_one", [-1]), rest], [shape], { axis: { int: 0 } });
      return w.emit("Reshape", [ins[0]!, shape], [out]);
    }
    case "splitTime": {
      // [B·T, ...] → [B, T, ...], B and T from the second input (the sequence it came from).
      const shape = w.fresh("split_shape");
      w.emit("Concat", [w.shapeSlice(ins[1]!, 0, 2), w.shapeSlice(ins[0]!, 1)], [shape], { axis: { int: 0 } });
      return w.emit("Reshape", [ins[0]!, shape], [out]);
    }
    case "maximum":
      return w.emit("Max", ins, [out]);
    case "divide":
      return w.emit("Div", [ins[0]!, w.initializer(w.fresh("divisor"), [], Float32Array.of(op.divisor))], [out]);
    case "flatten":
      return w.emit("Flatten", ins, [out], { axis: { int: 1 } });
    case "poolTime":
      // The max ignores the mask (Keras's GlobalMaxPooling1D takes none; so does the kernel).
      if (op.mode === "avg" && ins.length > 1 && ins[1] !== "") return lowerMaskedMean(w, node.inputs[0]!, node.inputs[1]!, out);
      return w.emit(op.mode === "avg" ? "ReduceMean" : "ReduceMax", ins, [out], { axes: { ints: [1] }, keepdims: { int: 0 } });
    case "layerNorm": {
      // Two passes in float64, as rnnc's kernel sums (Keras takes the mean of squared deviations
      // too): ORT's LayerNormalization takes E[x²] − E[x]² in float32, 1.15e-3 off on features
      // near 1000, and even two float32 passes are 3.7e-4 off there.
      const x64 = w.fresh("x_f64");
      w.emit("Cast", [ins[0]!], [x64], { to: { int: ElemType.double } });
      const mean = w.fresh("mean");
      w.emit("ReduceMean", [x64], [mean], { axes: { ints: [-1] }, keepdims: { int: 1 } });
      const centered = w.fresh("centered");
      w.emit("Sub", [x64, mean], [centered]);
      const squares = w.fresh("squares");
      w.emit("Mul", [centered, centered], [squares]);
      const variance = w.fresh("variance");
      w.emit("ReduceMean", [squares], [variance], { axes: { ints: [-1] }, keepdims: { int: 1 } });
      const shifted = w.fresh("variance_eps");
      w.emit("Add", [variance, w.initializer(w.fresh("epsilon"), [], Float64Array.of(op.epsilon))], [shifted]);
      const deviation = w.fresh("deviation");
      w.emit("Sqrt", [shifted], [deviation]);
      const normalized64 = w.fresh("normalized_f64");
      w.emit("Div", [centered, deviation], [normalized64]);
      const plain = ins[1] === "" && ins[2] === "";
      const normalized = plain ? out : w.fresh("normalized");
      w.emit("Cast", [normalized64], [normalized], { to: { int: ElemType.float } });
      if (plain) return;
      const gammaOut = ins[2] === "" ? out : w.fresh("scaled");
      if (ins[1] !== "") w.emit("Mul", [normalized, ins[1]!], [gammaOut]);
      if (ins[2] !== "") w.emit("Add", [ins[1] !== "" ? gammaOut : normalized, ins[2]!], [out]);
      return;
    }
    case "concat":
      return w.emit("Concat", ins, [out], { axis: { int: op.axis } });
    case "const":
    case "recurrent":
      throw new Error(`${op.kind} nodes are lowered by export.ts`);
  }
}

/**
 * An embedding's lookup. rnnc's gather takes (ids, table); ONNX's Gather (data, indices). ONNX wraps
 * a negative id (-1 is the last row) where rnnc and Keras refuse it: negative ids are sent past the
 * table (to V), which ONNX Runtime refuses as out of bounds, as it does ids ≥ V (docs/decisions.md).
 */
function lowerGather(w: OnnxWriter, node: Node, out: string): void {
  const [ids, table] = node.inputs.map((v) => w.name(v)) as [string, string];
  const vocab = staticShapes(w.graph)[node.inputs[1]!]![0]!;
  const zero = w.initializer(w.fresh("zero_id"), [], Int32Array.of(0));
  const negative = w.fresh("negative_id");
  w.emit("Less", [ids, zero], [negative]);
  let pastTable: string;
  if (typeof vocab === "number") pastTable = w.initializer(w.fresh("vocab_size"), [], Int32Array.of(vocab));
  else {
    pastTable = w.fresh("vocab_size");
    w.emit("Cast", [w.shapeSlice(table, 0, 1)], [pastTable], { to: { int: 6 } });
  }
  const checked = w.fresh("ids_checked");
  w.emit("Where", [negative, pastTable, ids], [checked]);
  w.emit("Gather", [table, checked], [out], { axis: { int: 0 } });
}

export function emitActivation(w: OnnxWriter, fn: Activation, input: string, output: string, layer: string): void {
  switch (fn) {
    case "linear":
      return w.emit("Identity", [input], [output]);
    case "tanh":
      return w.emit("Tanh", [input], [output]);
    case "sigmoid":
      return w.emit("Sigmoid", [input], [output]);
    case "relu":
      return w.emit("Relu", [input], [output]);
    case "softmax":
      return w.emit("Softmax", [input], [output], { axis: { int: -1 } });
    case "hard_sigmoid":
      return w.emit("HardSigmoid", [input], [output], { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case "hard_sigmoid3":
      return w.emit("HardSigmoid", [input], [output], { alpha: { float: 1 / 6 }, beta: { float: 0.5 } });
    default: {
      // Every activation has a case above: a new one fails to type-check here until it is lowered.
      const unknown: never = fn;
      throw new Error(`layer ${layer}: activation ${String(unknown)} has no ONNX lowering`);
    }
  }
}
