// Keras's Attention / AdditiveAttention (rnnc's attention op) as standard ONNX ops, step for step
// the CPU kernel (src/backends/cpu/kernels/attention.ts): scores, `score - 1e9` where the value mask
// or the causal mask hides a key step (a fully hidden row thus softmaxes its shifted scores, as
// Keras and rnnc do), Softmax over the key steps, the weighted values, zeros at masked query steps.
import { ATTENTION_INPUTS, NONE, type AttentionOp, type Node } from "../ir/graph.js";
import type { OnnxWriter } from "./writer.js";

/** Keras's HIDDEN: 1e9 is a float32 exactly, so Sub gives the kernel's fround(score - 1e9). */
const HIDDEN = 1e9;

export function lowerAttention(w: OnnxWriter, node: Node, op: AttentionOp): void {
  const at = ATTENTION_INPUTS;
  const input = (i: number) => (node.inputs[i] === undefined || node.inputs[i] === NONE ? undefined : w.name(node.inputs[i]!));
  const [query, key, value] = [input(at.query)!, input(at.key)!, input(at.value)!];
  const scale = input(at.scale);
  const [output, weights] = node.outputs.map((v) => w.name(v)) as [string, string];

  const scores = op.score === "dot" ? dotScores(w, query, key, scale) : tanhScores(w, op, query, key, scale, input(at.concatWeight));

  // Hidden key steps: the value mask's false steps ([B,1,Tv]) and, causally, j > i ([Tq,Tv]).
  const hidden: string[] = [];
  const valueMask = input(at.valueMask);
  if (valueMask !== undefined) {
    const masked = w.fresh("value_masked");
    w.emit("Not", [valueMask], [masked]);
    hidden.push(unsqueeze(w, masked, [1]));
  }
  if (op.causal) hidden.push(causalMask(w, query, key));
  let shifted = scores;
  if (hidden.length > 0) {
    let hide = hidden[0]!;
    if (hidden.length === 2) {
      hide = w.fresh("hidden");
      w.emit("Or", hidden, [hide]);
    }
    const lowered = w.fresh("scores_hidden");
    w.emit("Sub", [scores, w.initializer(w.fresh("hidden_offset"), [], Float32Array.of(HIDDEN))], [lowered]);
    shifted = w.fresh("scores_masked");
    w.emit("Where", [hide, lowered, scores], [shifted]);
  }
  w.emit("Softmax", [shifted], [weights], { axis: { int: -1 } });

  const queryMask = input(at.queryMask);
  if (queryMask === undefined) return w.emit("MatMul", [weights, value], [output]);
  const attended = w.fresh("attended");
  w.emit("MatMul", [weights, value], [attended]);
  const zero = w.initializer(w.fresh("zero"), [], Float32Array.of(0));
  w.emit("Where", [unsqueeze(w, queryMask, [2]), attended, zero], [output]);
}

/** q·kᵀ [B,Tq,Tv], times the scale (use_scale) when there is one. */
function dotScores(w: OnnxWriter, query: string, key: string, scale: string | undefined): string {
  const keyT = w.fresh("key_t");
  w.emit("Transpose", [key], [keyT], { perm: { ints: [0, 2, 1] } });
  const product = w.fresh("scores");
  w.emit("MatMul", [query, keyT], [product]);
  if (scale === undefined) return product;
  const scaled = w.fresh("scores_scaled");
  w.emit("Mul", [product, scale], [scaled]);
  return scaled;
}

/**
 * concat: Σ_d tanh(scale·(q + k)) · concat_score_weight; additive: Σ_d scale_d · tanh(q + k)
 * (plain Σ tanh without use_scale), from q [B,Tq,1,D] + k [B,1,Tv,D].
 */
function tanhScores(
  w: OnnxWriter,
  op: AttentionOp,
  query: string,
  key: string,
  scale: string | undefined,
  concatWeight: string | undefined,
): string {
  let sum = w.fresh("query_plus_key");
  w.emit("Add", [unsqueeze(w, query, [2]), unsqueeze(w, key, [1])], [sum]);
  if (op.score === "concat" && scale !== undefined) {
    const scaled = w.fresh("scaled_sum");
    w.emit("Mul", [sum, scale], [scaled]);
    sum = scaled;
  }
  let terms = w.fresh("tanh_terms");
  w.emit("Tanh", [sum], [terms]);
  if (op.score === "additive" && scale !== undefined) {
    const scaled = w.fresh("scaled_terms");
    w.emit("Mul", [terms, scale], [scaled]);
    terms = scaled;
  }
  const scores = w.fresh("scores");
  w.emit("ReduceSum", [terms, w.int64s("feature_axis", [-1])], [scores], { keepdims: { int: 0 } });
  if (op.score !== "concat") return scores;
  const weighted = w.fresh("scores_weighted");
  w.emit("Mul", [scores, concatWeight!], [weighted]);
  return weighted;
}

/** [Tq, Tv], true where key step j is after query step i (Keras's use_causal_mask hides it). */
function causalMask(w: OnnxWriter, query: string, key: string): string {
  const steps = (value: string, axis: number, label: string) => {
    const count = w.fresh(`${label}_count`);
    w.emit("Squeeze", [w.shapeSlice(value, axis, axis + 1)], [count]);
    const range = w.fresh(`${label}_range`);
    w.emit("Range", [scalar64(w, 0n), count, scalar64(w, 1n)], [range]);
    return range;
  };
  const i = unsqueeze(w, steps(query, 1, "query_steps"), [1]);
  const j = steps(key, 1, "key_steps");
  const after = w.fresh("causal_hidden");
  w.emit("Greater", [j, i], [after]);
  return after;
}

function scalar64(w: OnnxWriter, value: bigint): string {
  return w.initializer(w.fresh("int64"), [], BigInt64Array.of(value));
}

function unsqueeze(w: OnnxWriter, value: string, axes: number[]): string {
  const out = w.fresh("unsqueezed");
  w.emit("Unsqueeze", [value, w.int64s("axes", axes)], [out]);
  return out;
}
