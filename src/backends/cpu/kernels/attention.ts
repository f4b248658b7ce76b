// Keras's Attention and AdditiveAttention at inference (keras/src/layers/attention/attention.py,
// Keras 3.15): scores of every query step against every key step, the value mask and the causal
// mask as `score - 1e9` where a step is hidden, a softmax over the key steps, the values weighted
// by it, and zeros where the query is masked. The CPU backend calls this function and compiled
// modules bundle this same function (src/emit/runtime.ts): one text, the same floats.
import { activateInPlace, tanh } from "./activations.js";

/** "dot": q·k; "concat": Σ tanh(q + k) (Attention's score_mode="concat"); "additive": Σ scale ∘ tanh(q + k). */
export type AttentionScoreKind = "dot" | "concat" | "additive";

/** Where Keras hides a masked step: `score - 1e9` (float32), which softmax turns into zero weight. */
const HIDDEN = 1e9;

export interface AttentionBuffers {
  /** [B, Tq, D]. */
  query: Float32Array;
  /** [B, Tv, D]. */
  key: Float32Array;
  /** [B, Tv, Dv]. */
  value: Float32Array;
  /** dot, concat: one number (use_scale); additive: [D]; absent: no scaling. */
  scale: Float32Array | undefined;
  /** concat: concat_score_weight, one number. */
  concatWeight: Float32Array | undefined;
  /** [B, Tq], 1 where the query step is used. */
  queryMask: Uint8Array | undefined;
  /** [B, Tv], 1 where the value step is used. */
  valueMask: Uint8Array | undefined;
  /** [B, Tq, Dv]. */
  output: Float32Array;
  /** [B, Tq, Tv]: the attention distribution (Keras's return_attention_scores). */
  weights: Float32Array;
}

/** Runs one attention op over the whole batch. */
export function attention(
  score: AttentionScoreKind,
  causal: boolean,
  batch: number,
  tq: number,
  tv: number,
  dim: number,
  valueDim: number,
  io: AttentionBuffers,
): void {
  const { query, key, value, scale, concatWeight, queryMask, valueMask, output, weights } = io;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < tq; i++) {
      const row = (b * tq + i) * tv;
      const q = (b * tq + i) * dim;
      for (let j = 0; j < tv; j++) {
        const k = (b * tv + j) * dim;
        let s = 0;
        if (score === "dot") {
          for (let d = 0; d < dim; d++) s += query[q + d]! * key[k + d]!;
          if (scale) s = Math.fround(s) * scale[0]!;
        } else if (score === "concat") {
          const c = scale ? scale[0]! : 1;
          for (let d = 0; d < dim; d++) s += tanh(Math.fround(c * Math.fround(query[q + d]! + key[k + d]!)));
          s = Math.fround(s) * concatWeight![0]!;
        } else {
          for (let d = 0; d < dim; d++) {
            const t = Math.fround(tanh(Math.fround(query[q + d]! + key[k + d]!)));
            s += scale ? Math.fround(scale[d]! * t) : t;
          }
        }
        weights[row + j] = s;
        if ((valueMask && !valueMask[b * tv + j]) || (causal && j > i)) weights[row + j] = weights[row + j]! - HIDDEN;
      }
      activateInPlace("softmax", weights, row, row + tv, tv);
      const o = (b * tq + i) * valueDim;
      if (queryMask && !queryMask[b * tq + i]) {
        output.fill(0, o, o + valueDim);
        continue;
      }
      for (let e = 0; e < valueDim; e++) {
        let sum = 0;
        for (let j = 0; j < tv; j++) sum += weights[row + j]! * value[(b * tv + j) * valueDim + e]!;
        output[o + e] = sum;
      }
    }
  }
}
