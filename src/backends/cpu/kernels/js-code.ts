// JavaScript text of the CPU kernels' loops, written out with their bounds: the recurrent step
// (recurrent-code.ts, which the CPU backend runs and the emitter writes into modules) and the
// emitter's element-wise ops are made of these. Each writes the arithmetic of the kernel it names,
// in the same order, so that text and kernel give the same floats.
import type { Activation } from "../../../types/activations.js";
import { SMALL_MATMUL } from "../wasm/arena.js";

/** The names of src/emit/runtime.ts that generated code may call, each bound to `$name`. */
export type RuntimeName =
  | "defineModel"
  | "Arena"
  | "f32"
  | "i32"
  | "u8"
  | "align"
  | "fastExp"
  | "hardSigmoid"
  | "hardSigmoid3"
  | "activateInPlace"
  | "DataError"
  // sequence-ops.ts's kernels (layers-a)
  | "maskNotEqual"
  | "applyMask"
  | "layerNorm"
  | "im2col"
  | "poolTime"
  | "where"
  // attention.ts (layers-b)
  | "attention";

/** `$name` for a runtime function, recording that the code needs it. */
export type Runtime = (name: RuntimeName) => string;

/** Up to this many elements (of static count) a copy or fill is a loop: calling a typed array's set or fill costs more. */
const SMALL_COPY = 64;

/** dst[dstOffset + q] = src[srcOffset + q] for q < length. */
export function copy(dst: string, src: string, length: string, dstOffset = "0", srcOffset = "0"): string[] {
  if (/^\d+$/.test(length) && Number(length) <= SMALL_COPY) {
    return [`for (let q = 0; q < ${length}; q++) ${dst}[${sum(dstOffset, "q")}] = ${src}[${sum(srcOffset, "q")}];`];
  }
  const from = srcOffset === "0" ? src : `${src}.subarray(${srcOffset}, ${sum(srcOffset, length)})`;
  return [`${dst}.set(${from}${dstOffset === "0" ? "" : `, ${dstOffset}`});`];
}

/** dst[offset + q] = value for q < length. */
export function fill(dst: string, value: string, length: string, offset = "0", whole = false): string[] {
  if (/^\d+$/.test(length) && Number(length) <= SMALL_COPY)
    return [`for (let q = 0; q < ${length}; q++) ${dst}[${sum(offset, "q")}] = ${value};`];
  return [whole ? `${dst}.fill(${value});` : `${dst}.fill(${value}, ${offset}, ${sum(offset, length)});`];
}

/** `a + b` for index expressions, without adding zeros. */
export function sum(a: string, b: string): string {
  return a === "0" ? b : b === "0" ? a : `${a} + ${b}`;
}

/** `for (let v = 0; v < bound; v++) { body }`. */
export function loop(v: string, bound: string, body: readonly string[]): string[] {
  if (body.length === 0) return [];
  return [`for (let ${v} = 0; ${v} < ${bound}; ${v}++) {`, ...body, `}`];
}

/**
 * A scalar activation applied to an expression: activations.ts's function of that name. sigmoid and
 * tanh are written out on its fastExp, the same arithmetic: a call to them costs a fifth of an LSTM
 * step (V8 stops inlining there), and test/backends/step-text.test.ts holds the two to the same bits.
 */
export function scalar(rt: Runtime, fn: Activation, x: string): string {
  switch (fn) {
    case "linear":
      return x;
    case "tanh":
      return `(1 - 2 / (${rt("fastExp")}(2 * ${operand(x)}) + 1))`;
    case "sigmoid":
      return `(1 / (1 + ${rt("fastExp")}(-${operand(x)})))`;
    case "hard_sigmoid":
      return `${rt("hardSigmoid")}(${x})`;
    case "hard_sigmoid3":
      return `${rt("hardSigmoid3")}(${x})`;
    // (Every case is one operand: a call, or parenthesised, so that `a * f(x)` multiplies by f(x).)
    case "relu":
      return `(${x} > 0 ? ${x} : 0)`;
    case "softmax":
      throw new Error("softmax is not element-wise");
  }
}

/** An expression as an operand of `*` or unary `-`: parenthesised unless it is a name or an element. */
function operand(x: string): string {
  return /^[\w$]+(\[[^\]]*\])?$/.test(x) ? x : `(${x})`;
}

/** activateInPlace(fn, a, start, start + length, rowLength), written out for the element-wise functions. */
export function inPlace(rt: Runtime, fn: Activation, a: string, start: string, length: string, rowLength: string): string[] {
  const at = start === "0" ? "i" : `${start} + i`;
  switch (fn) {
    case "linear":
      return [];
    case "softmax":
      return [`${rt("activateInPlace")}("softmax", ${a}, ${start}, ${start === "0" ? length : `${start} + ${length}`}, ${rowLength});`];
    case "relu":
      return loop("i", length, [`if (${a}[${at}] < 0) ${a}[${at}] = 0;`]);
    default:
      return loop("i", length, [`${a}[${at}] = ${scalar(rt, fn, `${a}[${at}]`)};`]);
  }
}

/**
 * out[i, :] += x[i, :] · w on views (offsets and strides in floats): the arena's matmul (`arena` in
 * scope), or — small and of static size, where the arena would call the JavaScript kernel
 * (kernels/matmul.ts) — its loops written out with their bounds, the same products summed in the
 * same order (rows of its 4-row tiles add every product, the rows after them skip zeros of x, as it does).
 */
export function matmulCode(
  x: string,
  xOffset: string,
  xStride: string,
  m: string,
  k: string,
  w: string,
  n: string,
  out: string,
  outOffset: string,
  outStride: string,
  packed: string,
): string {
  const [M, K, N] = [m, k, n].map((v) => (/^\d+$/.test(v) ? Number(v) : NaN));
  if (!(M! * K! * N! < SMALL_MATMUL)) {
    return `arena.matmulAccumulate(${x}, ${xOffset}, ${xStride}, ${m}, ${k}, ${w}, ${n}, ${out}, ${outOffset}, ${outStride}, ${packed});`;
  }
  const row = (i: string, skip: boolean) => [
    `for (let p = 0; p < ${K}; p++) {`,
    `const a = ${x}[${sum(xOffset, `${i} * ${xStride}`)} + p];`,
    ...(skip ? ["if (a === 0) continue;"] : []),
    `for (let j = 0; j < ${N}; j++) ${out}[${sum(outOffset, `${i} * ${outStride}`)} + j] += a * ${w}[p * ${N} + j];`,
    `}`,
  ];
  const tiled = M! - (M! % 4);
  const where = outOffset === "0" && outStride === N!.toString() ? "" : ` (rows from ${outOffset}, every ${outStride})`;
  const lines = [`// ${out}[${M}×${N}]${where} += ${x}[${M}×${K}] · ${w}[${K}×${N}]`];
  if (tiled > 0) lines.push(`for (let i = 0; i < ${tiled}; i++) {`, ...row("i", false), `}`);
  if (tiled < M!) lines.push(`for (let i = ${tiled}; i < ${M}; i++) {`, ...row("i", true), `}`);
  return lines.join("\n");
}
