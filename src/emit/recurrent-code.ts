// A recurrent op as straight code: the CPU backend's RecurrentKernel (kernels/recurrent.ts)
// specialised to one op — its cell, activations, direction, mask and outputs decided here, its batch,
// steps and units written as literals — so that the loop holds only the work this op does. The
// arithmetic is the kernel's, in the same order: a compiled model gives the interpreter's numbers.
// One thing differs: step t's gates are computed in place in the projected input, not in a copy.
import { NONE, RECURRENT_INPUTS as R, type Node, type RecurrentOp } from "../ir/graph.js";
import type { Activation } from "../types/activations.js";
import { copy, fill, inPlace, loop, scalar, type ModelEmitter } from "./emitter.js";
import { code, mul, size } from "./sizes.js";

/** The code of one recurrent node (its one-off work goes to the plan's setup). */
export function emitRecurrent(e: ModelEmitter, node: Node, op: RecurrentOp, index: number): string[] {
  if (!op.projected) throw new Error("recurrent ops are emitted after the hoisting pass");
  const [batch, steps] = e.shape(node.inputs[R.x]!);
  const B = code(batch!);
  const T = code(steps!);
  const u = op.units;
  const gateCount = op.cell === "lstm" ? 4 : op.cell === "gru" ? 3 : 1;
  const W = gateCount * u;
  const gruBefore = op.cell === "gru" && !op.resetAfter;
  const input = (i: number) => (node.inputs[i] === NONE ? undefined : e.buffer(node.inputs[i]!));
  const kernel = input(R.recurrentKernel)!;
  const recurrentBias = input(R.recurrentBias);
  const mask = input(R.mask);
  const h0 = input(R.h0);
  const c0 = input(R.c0);
  const [output, hOut, cOut] = node.outputs.map((v, i) => (op.used[i] ? e.buffer(v) : undefined));

  // The kernel copies step t of the projected input x·K + b into a gates buffer, then adds h·R
  // there. Here step t's gates are worked on where they are, in the projection's buffer [B, T, G·u]
  // (row b at (b·T + t)·G·u): the same values, without the copy. The projection is this op's own
  // (the hoisting pass made it for it); were it read elsewhere, it is copied once per run first.
  const x = e.buffer(node.inputs[R.x]!);
  const g = e.readOnlyHere(node.inputs[R.x]!)
    ? x
    : e.scratch(`gates${index}`, "f32", e.length(node.inputs[R.x]!), "the projected input, worked on in place");
  const rows = (n: number) => mul(batch!, size(n));
  const h = e.scratch(`h${index}`, "f32", rows(u), "state h");
  const c = op.cell === "lstm" ? e.scratch(`c${index}`, "f32", rows(u), "state c") : "";
  const part = op.cell === "gru" ? e.scratch(`part${index}`, "f32", rows(W), "h·R (+ recurrent bias), kept apart for the reset gate") : "";
  const prev = e.scratch(`prev${index}`, "f32", rows(u), "the previous step's output");
  let packed = "";
  let packedZr = "";
  let packedH = "";
  let kernelZr = "";
  let kernelH = "";
  let resetState = "";
  if (gruBefore) {
    resetState = e.scratch(`reset${index}`, "f32", rows(u), "r ∘ h");
    kernelZr = e.scratch(`kernelZr${index}`, "f32", size(u * 2 * u), "R's z and r columns");
    kernelH = e.scratch(`kernelH${index}`, "f32", size(u * u), "R's h columns");
    e.setup.push(
      `// R [${u},${W}] split into its z,r columns and its h columns.`,
      ...loop("i", String(u), [
        `${kernelZr}.set(${kernel}.subarray(i * ${3 * u}, i * ${3 * u} + ${2 * u}), i * ${2 * u});`,
        `${kernelH}.set(${kernel}.subarray(i * ${3 * u} + ${2 * u}, (i + 1) * ${3 * u}), i * ${u});`,
      ]),
    );
    packedZr = e.packed(`packedZr${index}`, kernelZr, u, 2 * u);
    packedH = e.packed(`packedH${index}`, kernelH, u, u);
  } else {
    packed = e.packed(`packed${index}`, kernel, u, W);
  }

  // Softmax is not element-wise: with it, activations run over whole gate blocks (as Keras does),
  // and the scalar ones are the identity.
  const blockwise = op.activation === "softmax" || op.recurrentActivation === "softmax";
  const act = (v: string) => (blockwise ? v : scalar(e, op.activation, v));
  const recAct = (v: string) => (blockwise ? v : scalar(e, op.recurrentActivation, v));
  /** Sample b's gates at step t: where its row starts. */
  const gz = `const gz = (b * ${T} + t) * ${W};`;
  const activateBlock = (fn: Activation, block: number) =>
    loop("b", B, inPlace(e, fn, g, `(b * ${T} + t) * ${W} + ${block * u}`, String(u), String(u)));
  /** step t's gates (+)= a [B, k] · w [k, n], into columns `column` of every sample's row. */
  const rowStride = /^\d+$/.test(T) ? String(Number(T) * W) : `${T} * ${W}`;
  const intoGates = (a: string, w: string, n: number, column: number, p: string) =>
    e.matmul(a, "0", String(u), B, String(u), w, String(n), g, column === 0 ? `t * ${W}` : `t * ${W} + ${column}`, rowStride, p);
  /** Per sample: the cell's update where the mask keeps the step, else the masked-step rule. */
  const perSample = (body: string[]) => {
    const masked = op.zeroOutputForMask ? fill(prev, "0", String(u), `b * ${u}`) : [];
    if (!mask) return loop("b", B, body);
    return loop("b", B, [
      `if (${mask}[b * ${T} + t] !== 0) {`,
      ...body,
      ...(masked.length > 0 ? ["} else {", "// A masked step: the state stays, the output is zeros.", ...masked] : []),
      "}",
    ]);
  };

  const step: string[] = [];
  if (op.cell === "lstm") {
    step.push(intoGates(h, kernel, W, 0, packed));
    if (blockwise) {
      for (const block of [0, 1, 3]) step.push(...activateBlock(op.recurrentActivation, block));
      step.push(...activateBlock(op.activation, 2));
    }
    if (op.activation === "tanh" && op.recurrentActivation === "sigmoid" && !mask) {
      // Keras's default activations, no mask.
      step.push(
        ...loop("b", B, [
          gz,
          ...loop("j", String(u), [
            `const z = gz + j;`,
            `const s = b * ${u} + j;`,
            `const i = ${scalar(e, "sigmoid", `${g}[z]`)};`,
            `const f = ${scalar(e, "sigmoid", `${g}[z + ${u}]`)};`,
            `const cc = ${scalar(e, "tanh", `${g}[z + ${2 * u}]`)};`,
            `const o = ${scalar(e, "sigmoid", `${g}[z + ${3 * u}]`)};`,
            `const cj = f * ${c}[s] + i * cc;`,
            `${c}[s] = cj;`,
            `const hj = o * ${scalar(e, "tanh", "cj")};`,
            `${h}[s] = hj;`,
            `${prev}[s] = hj;`,
          ]),
        ]),
      );
    } else {
      step.push(
        ...perSample([
          gz,
          ...loop("j", String(u), [
            `const z = gz + j;`,
            `const s = b * ${u} + j;`,
            `const i = ${recAct(`${g}[z]`)};`,
            `const f = ${recAct(`${g}[z + ${u}]`)};`,
            `const cc = ${act(`${g}[z + ${2 * u}]`)};`,
            `const cj = f * ${c}[s] + i * cc;`,
            `${c}[s] = cj;`,
            `${prev}[s] = ${act("cj")};`,
          ]),
          ...(blockwise ? inPlace(e, op.activation, prev, `b * ${u}`, String(u), String(u)) : []),
          ...loop("j", String(u), [
            `const s = b * ${u} + j;`,
            `const hj = ${recAct(`${g}[gz + ${3 * u} + j]`)} * ${prev}[s];`,
            `${h}[s] = hj;`,
            `${prev}[s] = hj;`,
          ]),
        ]),
      );
    }
  } else if (op.cell === "gru") {
    if (op.resetAfter) {
      // z, r from x·K + h·R (+ b_rec); ĥ = φ(x_h + r ∘ (h·R_h + b_rec,h)).
      step.push(
        ...loop("b", B, recurrentBias ? copy(part, recurrentBias, String(W), `b * ${W}`) : fill(part, "0", String(W), `b * ${W}`)),
        e.matmul(h, "0", String(u), B, String(u), kernel, String(W), part, "0", String(W), packed),
        ...loop("b", B, [gz, ...loop("j", String(2 * u), [`${g}[gz + j] = ${g}[gz + j] + ${part}[b * ${W} + j];`])]),
      );
    } else {
      // z, r from x·K + h·R_zr; ĥ = φ(x_h + (r ∘ h)·R_h).
      step.push(intoGates(h, kernelZr, 2 * u, 0, packedZr));
    }
    if (blockwise) step.push(...activateBlock(op.recurrentActivation, 0), ...activateBlock(op.recurrentActivation, 1));
    if (op.resetAfter) {
      step.push(
        ...loop("b", B, [
          gz,
          ...loop("j", String(u), [
            `const z = gz + ${2 * u} + j;`,
            `${g}[z] = ${g}[z] + ${recAct(`${g}[gz + ${u} + j]`)} * ${part}[b * ${W} + ${2 * u} + j];`,
          ]),
        ]),
      );
    } else {
      step.push(
        ...loop("b", B, [
          gz,
          ...loop("j", String(u), [`${resetState}[b * ${u} + j] = ${recAct(`${g}[gz + ${u} + j]`)} * ${h}[b * ${u} + j];`]),
        ]),
        intoGates(resetState, kernelH, u, 2 * u, packedH),
      );
    }
    if (blockwise) step.push(...activateBlock(op.activation, 2));
    step.push(
      ...perSample([
        gz,
        ...loop("j", String(u), [
          `const s = b * ${u} + j;`,
          `const zg = ${recAct(`${g}[gz + j]`)};`,
          `${prev}[s] = zg * ${h}[s] + (1 - zg) * ${act(`${g}[gz + ${2 * u} + j]`)};`,
        ]),
        ...loop("j", String(u), [`${h}[b * ${u} + j] = ${prev}[b * ${u} + j];`]),
      ]),
    );
  } else {
    step.push(intoGates(h, kernel, u, 0, packed));
    if (blockwise) step.push(...activateBlock(op.activation, 0));
    step.push(
      ...perSample([
        gz,
        ...loop("j", String(u), [`const s = b * ${u} + j;`, `const hj = ${act(`${g}[gz + j]`)};`, `${h}[s] = hj;`, `${prev}[s] = hj;`]),
      ]),
    );
  }
  if (output && op.returnSequences) {
    step.push(...loop("b", B, copy(output, prev, String(u), `(b * ${T} + step) * ${u}`, `b * ${u}`)));
  }

  const stateSize = code(rows(u));
  return [
    ...(g === x ? [] : copy(g, x, code(e.length(node.inputs[R.x]!)))),
    ...(h0 ? copy(h, h0, stateSize) : fill(h, "0", stateSize, "0", true)),
    ...(op.cell === "lstm" ? (c0 ? copy(c, c0, stateSize) : fill(c, "0", stateSize, "0", true)) : []),
    ...fill(prev, "0", stateSize, "0", true),
    ...loop("step", T, [`const t = ${op.goBackwards ? `${T} - 1 - step` : "step"};`, ...step]),
    ...(output && !op.returnSequences ? copy(output, prev, stateSize) : []),
    ...(hOut ? copy(hOut, h, stateSize) : []),
    ...(cOut && op.cell === "lstm" ? copy(cOut, c, stateSize) : []),
  ];
}
