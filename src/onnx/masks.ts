// rnnc's mask ops, and the ops that read a mask (where, Masking's product, masked mean pooling), as
// standard ONNX ops, each matching its CPU kernel (src/backends/cpu/kernels/tensor-ops.ts and
// sequence-ops.ts) value for value, NaN and 0/0 included.
import type { Node } from "../ir/graph.js";
import { staticShapes } from "./shapes.js";
import type { OnnxWriter } from "./writer.js";

/** One mask op (or one that reads a mask) as ONNX nodes writing its output value. */
export function lowerMaskOp(w: OnnxWriter, node: Node, out: string): void {
  const ins = node.inputs.map((v) => w.name(v));
  const op = node.op;
  switch (op.kind) {
    case "maskNotZero": {
      // Keras's mask_zero: ids != 0.
      const equal = w.fresh("is_zero");
      w.emit("Equal", [ins[0]!, w.initializer(w.fresh("zero_id"), [], Int32Array.of(0))], [equal]);
      return w.emit("Not", [equal], [out]);
    }
    case "maskAnd":
    case "maskOr":
      return chain(w, op.kind === "maskAnd" ? "And" : "Or", ins, out);
    case "maskNotEqual": {
      // A step is kept where some feature differs from the value (NaN differs from everything, as
      // with `!==`): Not(Equal) per feature, then any over the last axis (ReduceMax of 0/1).
      const equal = w.fresh("equal_value");
      w.emit("Equal", [ins[0]!, w.initializer(w.fresh("mask_value"), [], Float32Array.of(op.value))], [equal]);
      const differs = w.fresh("differs");
      w.emit("Not", [equal], [differs]);
      const asInt = w.fresh("differs_int");
      w.emit("Cast", [differs], [asInt], { to: { int: INT32 } });
      const any = w.fresh("any_differs");
      w.emit("ReduceMax", [asInt], [any], { axes: { ints: [-1] }, keepdims: { int: 0 } });
      return w.emit("Cast", [any], [out], { to: { int: BOOL } });
    }
    case "applyMask": {
      // x · float(mask), not a Where: Keras and the kernel multiply, so a masked negative becomes -0.
      const factor = w.fresh("mask_float");
      w.emit("Cast", [unsqueezeMask(w, node.inputs[1]!, node.inputs[0]!)], [factor], { to: { int: FLOAT } });
      return w.emit("Mul", [ins[0]!, factor], [out]);
    }
    case "where": {
      // The mask covers x's leading axes: unsqueezed over the others, it chooses x or y (or `fill`).
      const other = op.fill === undefined ? ins[2]! : w.initializer(w.fresh("fill"), [], Float32Array.of(op.fill));
      return w.emit("Where", [unsqueezeMask(w, node.inputs[1]!, node.inputs[0]!), ins[0]!, other], [out]);
    }
    default:
      throw new Error(`a ${op.kind} node is not a mask op`);
  }
}

/**
 * Keras's masked GlobalAveragePooling1D, [B,T,F] with mask [B,T] → [B,F]: the sum over kept steps
 * (a Where, so a masked-out NaN or infinity counts for nothing, as in the kernel's loop) over their
 * count, 0/0 = NaN for a row that keeps none, as rnnc's kernel and Keras give.
 */
export function lowerMaskedMean(w: OnnxWriter, x: number, mask: number, out: string): void {
  const mask3 = unsqueezeMask(w, mask, x);
  const kept = w.fresh("kept_steps");
  w.emit("Where", [mask3, w.name(x), w.initializer(w.fresh("zero"), [], Float32Array.of(0))], [kept]);
  const axis1 = w.int64s("time_axis", [1]);
  const sum = w.fresh("kept_sum");
  w.emit("ReduceSum", [kept, axis1], [sum], { keepdims: { int: 0 } });
  const maskFloat = w.fresh("mask_float");
  w.emit("Cast", [w.name(mask)], [maskFloat], { to: { int: FLOAT } });
  const count = w.fresh("kept_count");
  w.emit("ReduceSum", [maskFloat, axis1], [count], { keepdims: { int: 1 } });
  w.emit("Div", [sum, count], [out]);
}

/** The mask with unit axes appended up to x's rank (ranks are static: staticShapes), so it broadcasts over x's trailing axes. */
function unsqueezeMask(w: OnnxWriter, mask: number, x: number): string {
  const shapes = staticShapes(w.graph);
  const maskRank = shapes[mask]!.length;
  const xRank = shapes[x]!.length;
  if (xRank === maskRank) return w.name(mask);
  const axes = Array.from({ length: xRank - maskRank }, (_, i) => maskRank + i);
  const unsqueezed = w.fresh("mask_unsqueezed");
  w.emit("Unsqueeze", [w.name(mask), w.int64s("mask_axes", axes)], [unsqueezed]);
  return unsqueezed;
}

/** An n-ary And/Or as a chain of binary nodes (ONNX's logical ops take two inputs). */
function chain(w: OnnxWriter, opType: "And" | "Or", ins: readonly string[], out: string): void {
  if (ins.length === 1) return w.emit("Identity", ins, [out]);
  let acc = ins[0]!;
  for (let i = 1; i < ins.length; i++) {
    const next = i === ins.length - 1 ? out : w.fresh(opType.toLowerCase());
    w.emit(opType, [acc, ins[i]!], [next]);
    acc = next;
  }
}

/** ONNX TensorProto.DataType numbers for Cast's `to`. */
const FLOAT = 1;
const INT32 = 6;
const BOOL = 9;
