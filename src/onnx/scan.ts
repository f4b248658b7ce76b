// A recurrent op as an ONNX Scan whose body is the cell written out in MatMul/Add/Split and the
// activations (INTEROP.md §1.5): exact for any mask (holes, all-false rows, masks known only at run
// time) and for what ONNX's LSTM/GRU/RNN cannot take (softmax). It computes what the CPU kernel
// (backends/cpu/kernels/recurrent-code.ts) computes from the cell's facts (ir/cells.ts): per step,
// the gates from x·K + b and h·R, the state update, then Keras's masking — states keep their old
// value at a masked step, the output repeats the previous one (or is 0 with zeroOutputForMask).
import { CELLS } from "../ir/cells.js";
import type { RecurrentOp } from "../ir/graph.js";
import type { Activation } from "../types/activations.js";
import { emitActivation } from "./layers.js";
import type { FusedWeights } from "./fused.js";
import type { OnnxWriter } from "./writer.js";

/** The ONNX names a recurrent lowering reads: x [B,T,F], the mask [B,T] (bool) and the initial states [B,u]. */
export interface RecurrentSources {
  x: string;
  mask?: string;
  h0?: string;
  c0?: string;
}

/** The ONNX names a recurrent lowering writes (absent: nobody reads it): the output, h, c. */
export interface RecurrentTargets {
  output?: string;
  h?: string;
  c?: string;
}

/**
 * Writes `op` as a Scan over the steps, into `targets`. It reads the fused node's weights (ONNX's
 * layout and gate order, recurrent.ts), so that a masked model holds them once.
 */
export function scanRecurrent(
  w: OnnxWriter,
  op: RecurrentOp,
  layer: string,
  weights: FusedWeights,
  sources: RecurrentSources,
  targets: RecurrentTargets,
): void {
  const facts = CELLS[op.cell];
  const u = op.units;
  const hasC = facts.states.includes("c");
  const prefix = w.fresh(`${op.cell}_scan`);
  const out = (opType: string, inputs: string[], label: string, attributes?: Parameters<OnnxWriter["emit"]>[3]) => {
    const name = w.fresh(`${prefix}_${label}`);
    w.emit(opType, inputs, [name], attributes);
    return name;
  };
  // ONNX's [1, G·u, n] as a right operand [n, G·u]; B [1, 2·G·u] as its halves Wb and Rb [G·u].
  const axis0 = w.int64s(`${prefix}_axis0`, [0]);
  const operand = (m: string, label: string) => out("Transpose", [out("Squeeze", [m, axis0], `${label}_squeezed`)], label);
  const K = operand(weights.W, "K");
  const R = operand(weights.R, "R");
  let inputBias = "";
  let recurrentBias = "";
  if (weights.B) {
    inputBias = w.fresh(`${prefix}_Wb`);
    recurrentBias = w.fresh(`${prefix}_Rb`);
    w.emit("Split", [out("Squeeze", [weights.B, axis0], "B_squeezed")], [inputBias, recurrentBias], { axis: { int: 0 } });
  }

  // x·K + Wb for every step at once, [B,T,G·u], gate blocks in ONNX's order.
  let projected = out("MatMul", [sources.x, K], "xk");
  if (inputBias) projected = out("Add", [projected, inputBias], "xkb");
  // Zeros [B,u] for absent initial states (and the first previous output).
  let zerosName: string | undefined;
  const zeros = () => {
    if (zerosName) return zerosName;
    const shape = w.fresh(`${prefix}_state_shape`);
    w.emit("Concat", [w.shapeSlice(sources.x, 0, 1), w.int64s(`${prefix}_units`, [u])], [shape], { axis: { int: 0 } });
    zerosName = w.fresh(`${prefix}_zeros`);
    w.emit("ConstantOfShape", [shape], [zerosName]);
    return zerosName;
  };
  const h0 = sources.h0 ?? zeros();
  const c0 = hasC ? (sources.c0 ?? zeros()) : undefined;
  // The previous output starts at zeros (Keras), or at a stateful layer's carried h (recurrent-code.ts).
  const prev0 = op.outputStartsAtState && sources.h0 ? sources.h0 : zeros();
  let mask: string | undefined;
  if (sources.mask) {
    // [B,T] → [B,T,1]: step t's slice [B,1] then selects whole rows of [B,u].
    mask = w.fresh(`${prefix}_mask`);
    w.emit("Unsqueeze", [sources.mask, w.int64s(`${prefix}_axis2`, [2])], [mask]);
  }

  const resetBefore = facts.reset !== undefined && !op.resetAfter;
  let Rzr = "";
  let Rh = "";
  if (resetBefore) {
    // GRU reset_after=false: R [u, 3u] as the columns of z and r, and the candidate's (read by (r∘h)·R_h).
    Rzr = w.fresh(`${prefix}_R_zr`);
    Rh = w.fresh(`${prefix}_R_h`);
    w.emit("Split", [R, w.int64s(`${prefix}_split`, [2 * u, u])], [Rzr, Rh], { axis: { int: 1 } });
  }
  // Rb is Keras's second GRU bias row (reset_after); zeros for the other cells, so left out there.
  const gruRecurrentBias = op.cell === "gru" && op.resetAfter ? recurrentBias : "";
  const one = op.cell === "gru" ? w.initializer(w.fresh(`${prefix}_one`), [], Float32Array.of(1)) : "";
  const zero = op.zeroOutputForMask && mask ? w.initializer(w.fresh(`${prefix}_zero`), [], Float32Array.of(0)) : "";

  const sequence = targets.output !== undefined && op.returnSequences;
  const stateLabels = hasC ? ["h", "c", "prev"] : ["h", "prev"];
  const bodyInputs = [
    ...stateLabels.map((label) => ({ label: `${prefix}_${label}`, type: "float" as const })),
    { label: `${prefix}_xk_t`, type: "float" as const },
    ...(mask ? [{ label: `${prefix}_mask_t`, type: "bool" as const }] : []),
  ];
  const bodyOutputs = [...stateLabels, ...(sequence ? ["sequence"] : [])].map(() => "float" as const);

  const body = w.subgraph(`${prefix}_body`, bodyInputs, bodyOutputs, (names) => {
    const h = names[0]!;
    const c = hasC ? names[1]! : "";
    const prev = names[stateLabels.length - 1]!;
    const xt = names[stateLabels.length]!;
    const mt = mask ? names[stateLabels.length + 1]! : "";
    const { h: hNew, c: cNew } = cellStep(w, op, layer, prefix, { R, Rzr, Rh, recurrentBias: gruRecurrentBias, one }, xt, h, c);
    if (!mt) return [hNew, ...(hasC ? [cNew] : []), hNew, ...(sequence ? [hNew] : [])];
    // Keras's masked step: the states stay, the output repeats the previous one (or is 0).
    const hOut = out("Where", [mt, hNew, h], "h_out");
    const cOut = hasC ? [out("Where", [mt, cNew, c], "c_out")] : [];
    const output = out("Where", [mt, hNew, op.zeroOutputForMask ? zero : prev], "output");
    return [hOut, ...cOut, output, ...(sequence ? [output] : [])];
  });

  const direction = op.goBackwards ? 1 : 0;
  const scanInputs = [projected, ...(mask ? [mask] : [])];
  const finals = stateLabels.map((label) => w.fresh(`${prefix}_${label}_final`));
  const stacked = sequence ? [w.fresh(`${prefix}_sequence`)] : [];
  w.emit("Scan", [h0, ...(c0 ? [c0] : []), prev0, ...scanInputs], [...finals, ...stacked], {
    body,
    num_scan_inputs: { int: scanInputs.length },
    // Over T (axis 1): no transposes; backwards from the last step with go_backwards.
    scan_input_axes: { ints: scanInputs.map(() => 1) },
    scan_input_directions: { ints: scanInputs.map(() => direction) },
    ...(sequence
      ? {
          scan_output_axes: { ints: [1] },
          // Processing order, or time order for Bidirectional's backward copy (prepended: the last step processed first).
          scan_output_directions: { ints: [op.goBackwards && op.sequenceInTimeOrder ? 1 : 0] },
        }
      : {}),
  });
  if (targets.output !== undefined) w.emit("Identity", [sequence ? stacked[0]! : finals[finals.length - 1]!], [targets.output]);
  if (targets.h !== undefined) w.emit("Identity", [finals[0]!], [targets.h]);
  if (targets.c !== undefined && hasC) w.emit("Identity", [finals[1]!], [targets.c]);
}

/** The right operands the cell step reads (outer-scope names): R [u,G·u], GRU reset_after=false's R split, GRU's Rb, the scalar 1. */
interface StepWeights {
  R: string;
  Rzr: string;
  Rh: string;
  recurrentBias: string;
  one: string;
}

/** One step of the cell on xt = x_t·K + Wb [B,G·u] (ONNX's gate order) and the states h, c [B,u]: the new h and c. */
function cellStep(
  w: OnnxWriter,
  op: RecurrentOp,
  layer: string,
  prefix: string,
  weights: StepWeights,
  xt: string,
  h: string,
  c: string,
): { h: string; c: string } {
  const { R, Rzr, Rh, recurrentBias, one } = weights;
  const out = (opType: string, inputs: string[], label: string) => {
    const name = w.fresh(`${prefix}_${label}`);
    w.emit(opType, inputs, [name]);
    return name;
  };
  const activate = (fn: Activation, input: string, label: string) => {
    const name = w.fresh(`${prefix}_${label}`);
    emitActivation(w, fn, input, name, layer);
    return name;
  };
  const split = (input: string, parts: number, label: string) => {
    const outs = Array.from({ length: parts }, (_, k) => w.fresh(`${prefix}_${label}${k}`));
    w.emit("Split", [input], outs, { axis: { int: 1 } });
    return outs;
  };
  const recurrentAct = (input: string, label: string) => activate(op.recurrentActivation, input, label);
  let hNew: string;
  let cNew = "";
  if (op.cell === "simple_rnn") {
    hNew = activate(op.activation, out("Add", [xt, out("MatMul", [h, R], "hr")], "pre"), "h_new");
  } else if (op.cell === "lstm") {
    // ONNX's gate blocks i, o, f, c; c' = f∘c + i∘φ(g), h' = o∘φ(c').
    const [i, o, f, g] = split(out("Add", [xt, out("MatMul", [h, R], "hr")], "pre"), 4, "gate");
    const iA = recurrentAct(i!, "i");
    const fA = recurrentAct(f!, "f");
    const gA = activate(op.activation, g!, "g");
    const oA = recurrentAct(o!, "o");
    cNew = out("Add", [out("Mul", [fA, c], "fc"), out("Mul", [iA, gA], "ig")], "c_new");
    hNew = out("Mul", [oA, activate(op.activation, cNew, "c_act")], "h_new");
  } else {
    // GRU: z, r, ĥ; h' = z∘h + (1 − z)∘ĥ.
    const [xz, xr, xh] = split(xt, 3, "x");
    let hz: string;
    let hr: string;
    let candidate: string;
    if (Rzr) {
      // reset_after=false: ĥ's pre-activation x_h + (r∘h)·R_h.
      [hz, hr] = split(out("MatMul", [h, Rzr], "hr"), 2, "hr");
      const r = recurrentAct(out("Add", [xr!, hr], "r_pre"), "r");
      candidate = out("Add", [xh!, out("MatMul", [out("Mul", [r, h], "rh"), Rh], "rhr")], "h_pre");
    } else {
      // reset_after=true: ĥ's pre-activation x_h + r∘(h·R_h + b_rh).
      let hR = out("MatMul", [h, R], "hr");
      if (recurrentBias) hR = out("Add", [hR, recurrentBias], "hrb");
      let hh: string;
      [hz, hr, hh] = split(hR, 3, "hr");
      const r = recurrentAct(out("Add", [xr!, hr!], "r_pre"), "r");
      candidate = out("Add", [xh!, out("Mul", [r, hh!], "rhh")], "h_pre");
    }
    const z = recurrentAct(out("Add", [xz!, hz!], "z_pre"), "z");
    const hCand = activate(op.activation, candidate, "h_cand");
    hNew = out("Add", [out("Mul", [z, h], "zh"), out("Mul", [out("Sub", [one, z], "one_minus_z"), hCand], "zc")], "h_new");
  }
  return { h: hNew, c: cNew };
}
