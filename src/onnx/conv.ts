// Conv1D's patches (rnnc's im2col) as ONNX Pad + one strided Slice per kernel tap + Concat: a copy of
// the input's steps, so the matmul that follows gives the CPU backend's floats (a Conv op would sum
// the taps in its own order). The geometry is convGeometry's; it is static (a conv1d on a named T
// keeps T: strides 1, so the pads are fixed and each tap's slice ends a fixed distance from the end).
import { convGeometry, convKeepsLength, type Im2ColOp, type Node } from "../ir/graph.js";
import { staticShapes } from "./shapes.js";
import type { OnnxWriter } from "./writer.js";

const TO_THE_END = 2n ** 63n - 1n;

export function lowerIm2Col(w: OnnxWriter, node: Node, op: Im2ColOp, out: string): void {
  const steps = staticShapes(w.graph)[node.inputs[0]!]![1]!;
  const span = (op.kernelSize - 1) * op.dilation + 1;
  const known = typeof steps === "number";
  if (!known && !convKeepsLength(op)) throw new Error("conv1d changes the length of a named dim");
  // With a named T: outSteps = T, strides 1, and padLeft does not depend on T (convGeometry's rules).
  const { outSteps, padLeft } = convGeometry(op, known ? steps : span);
  // The padded input covers every step a patch reads: (outSteps - 1)·strides + span of them.
  const padRight = known ? Math.max(0, (outSteps - 1) * op.strides + span - padLeft - steps) : span - 1 - padLeft;
  let padded = w.name(node.inputs[0]!);
  if (padLeft > 0 || padRight > 0) {
    padded = w.fresh("conv_padded");
    w.emit("Pad", [w.name(node.inputs[0]!), w.int64s("conv_pads", [0, padLeft, 0, 0, padRight, 0])], [padded]);
  }
  const paddedSteps = known ? padLeft + steps + padRight : undefined;
  const taps: string[] = [];
  for (let j = 0; j < op.kernelSize; j++) {
    const start = j * op.dilation;
    // Tap j reads padded steps start, start + strides, … (outSteps of them).
    let end: bigint;
    if (paddedSteps !== undefined) end = BigInt(outSteps === 0 ? start : start + (outSteps - 1) * op.strides + 1);
    else end = start + 1 - span === 0 ? TO_THE_END : BigInt(start + 1 - span); // T steps from `start`, counted from the end
    const tap = op.kernelSize === 1 ? out : w.fresh("conv_tap");
    const inputs = [padded, w.int64s("tap_start", [start]), w.int64s("tap_end", [end]), w.int64s("time_axis", [1])];
    if (op.strides !== 1) inputs.push(w.int64s("tap_step", [op.strides]));
    w.emit("Slice", inputs, [tap]);
    taps.push(tap);
  }
  if (op.kernelSize > 1) w.emit("Concat", taps, [out], { axis: { int: 2 } });
}
