// A float64 reference implementation of the Keras (TensorFlow 2, TF backend) recurrent layers,
// written from /work/shared/KERAS-SEMANTICS.md and nothing else: not from rnnc's code, not from
// tfjs-layers'. Section numbers (§) below are that document's.
//
// Everything is plain nested arrays of numbers: a batch of vectors is `number[][]` ([B][n]), a batch
// of sequences `number[][][]` ([B][T][n]). Weights are in Keras `get_weights()` layout (§3), given as
// flat row-major arrays with their shapes.

/** `hard_sigmoid3` is Keras 3's hard_sigmoid, what `hard_sigmoid` means in a `keras 3` file (LANGUAGE.md §6). */
export type Activation = "tanh" | "sigmoid" | "relu" | "softmax" | "linear" | "hard_sigmoid" | "hard_sigmoid3";
export type CellKind = "simple_rnn" | "gru" | "lstm";
export type Merge = "concat" | "sum" | "mul" | "ave" | "none";

export type Vec = number[];
export type Mat = number[][];
export type Seq = number[][][];

/** A weight array as `get_weights()` returns it: row-major data and a shape. */
export interface Weight {
  shape: number[];
  data: ArrayLike<number>;
}

// ---------------------------------------------------------------------------------------------
// Activations (LANGUAGE.md §2, §4 of KERAS-SEMANTICS: hard_sigmoid = clip(0.2x + 0.5, 0, 1)).

/** Applies an activation to one vector; softmax normalises over the vector (Keras: the last axis). */
export function activate(kind: Activation, v: Vec): Vec {
  switch (kind) {
    case "tanh":
      return v.map(Math.tanh);
    case "sigmoid":
      return v.map((x) => 1 / (1 + Math.exp(-x)));
    case "relu":
      return v.map((x) => (x > 0 ? x : 0));
    case "linear":
      return v.slice();
    case "hard_sigmoid":
      return v.map((x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)));
    case "hard_sigmoid3":
      // Keras 3: relu6(x + 3) / 6.
      return v.map((x) => Math.min(6, Math.max(0, x + 3)) / 6);
    case "softmax": {
      const m = Math.max(...v);
      const e = v.map((x) => Math.exp(x - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / s);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Small linear algebra.

/** The rows of a 2-D weight `[r, c]` as a matrix. */
export function toMatrix(w: Weight): Mat {
  if (w.shape.length !== 2) throw new Error(`expected a 2-D weight, got [${w.shape.join(",")}]`);
  const [r, c] = w.shape as [number, number];
  const rows: Mat = [];
  for (let i = 0; i < r; i++) rows.push(Array.from({ length: c }, (_, j) => w.data[i * c + j]!));
  return rows;
}

export function toVector(w: Weight): Vec {
  return Array.from(w.data);
}

/** Row vector times matrix: `v @ M`, `v` of length r, `M` [r, c]. */
export function vecMat(v: Vec, m: Mat): Vec {
  const c = m[0]?.length ?? 0;
  const out = new Array<number>(c).fill(0);
  for (let i = 0; i < v.length; i++) {
    const row = m[i]!;
    const vi = v[i]!;
    for (let j = 0; j < c; j++) out[j]! += vi * row[j]!;
  }
  return out;
}

const add = (a: Vec, b: Vec): Vec => a.map((x, i) => x + b[i]!);
const mul = (a: Vec, b: Vec): Vec => a.map((x, i) => x * b[i]!);
const slice = (v: Vec, block: number, width: number): Vec => v.slice(block * width, (block + 1) * width);

// ---------------------------------------------------------------------------------------------
// Cells (§3). A cell maps (x_t, states) to (output, new states); the output is always h.

export interface CellConfig {
  kind: CellKind;
  units: number;
  activation: Activation;
  /** GRU and LSTM gates. */
  recurrentActivation: Activation;
  useBias: boolean;
  /** GRU: reset gate after the recurrent matmul, bias [2, 3u]. */
  resetAfter: boolean;
}

export interface CellWeights {
  kernel: Mat;
  recurrent: Mat;
  /** SimpleRNN/LSTM/GRU(reset_after=false): [G·u]; GRU(reset_after=true): the input bias (row 0). */
  bias: Vec;
  /** GRU(reset_after=true): the recurrent bias (row 1). */
  recurrentBias: Vec;
}

export function stateCount(kind: CellKind): number {
  return kind === "lstm" ? 2 : 1;
}

export function gateCount(kind: CellKind): number {
  return kind === "lstm" ? 4 : kind === "gru" ? 3 : 1;
}

/** The weights of one cell from its `get_weights()` list: [kernel, recurrent_kernel, (bias)]. */
export function cellWeights(cfg: CellConfig, weights: readonly Weight[]): CellWeights {
  const width = gateCount(cfg.kind) * cfg.units;
  const expected = cfg.useBias ? 3 : 2;
  if (weights.length !== expected) throw new Error(`${cfg.kind}: expected ${expected} weights, got ${weights.length}`);
  const kernel = toMatrix(weights[0]!);
  const recurrent = toMatrix(weights[1]!);
  let bias = new Array<number>(width).fill(0);
  let recurrentBias = new Array<number>(width).fill(0);
  if (cfg.useBias) {
    const b = weights[2]!;
    if (cfg.kind === "gru" && cfg.resetAfter) {
      if (b.shape.length !== 2 || b.shape[0] !== 2) throw new Error("GRU reset_after=true: bias must be [2, 3u]");
      const rows = toMatrix(b);
      bias = rows[0]!;
      recurrentBias = rows[1]!;
    } else {
      bias = toVector(b);
    }
  }
  if (bias.length !== width) throw new Error(`${cfg.kind}: bias width ${bias.length}, expected ${width}`);
  return { kernel, recurrent, bias, recurrentBias };
}

/** One step of one sample: returns the output and the new states. */
export function cellStep(cfg: CellConfig, w: CellWeights, x: Vec, states: readonly Vec[]): { output: Vec; states: Vec[] } {
  const u = cfg.units;
  const phi = (v: Vec) => activate(cfg.activation, v);
  const sigma = (v: Vec) => activate(cfg.recurrentActivation, v);
  const hPrev = states[0]!;
  switch (cfg.kind) {
    case "simple_rnn": {
      // h = φ(x@K + h₋@R + b)
      const h = phi(add(add(vecMat(x, w.kernel), vecMat(hPrev, w.recurrent)), w.bias));
      return { output: h, states: [h] };
    }
    case "lstm": {
      // z = x@K + h₋@R + b; i, f, c, o blocks; c = f*c₋ + i*φ(z_c); h = o*φ(c)
      const cPrev = states[1]!;
      const z = add(add(vecMat(x, w.kernel), vecMat(hPrev, w.recurrent)), w.bias);
      const i = sigma(slice(z, 0, u));
      const f = sigma(slice(z, 1, u));
      const g = phi(slice(z, 2, u));
      const o = sigma(slice(z, 3, u));
      const c = add(mul(f, cPrev), mul(i, g));
      const h = mul(o, phi(c));
      return { output: h, states: [h, c] };
    }
    case "gru": {
      const xm = add(vecMat(x, w.kernel), w.bias);
      const xz = slice(xm, 0, u);
      const xr = slice(xm, 1, u);
      const xh = slice(xm, 2, u);
      let hHat: Vec;
      let z: Vec;
      if (cfg.resetAfter) {
        // rz, rr, rh = h₋@R + b_rec; ĥ = φ(xh + r*rh)
        const rm = add(vecMat(hPrev, w.recurrent), w.recurrentBias);
        z = sigma(add(xz, slice(rm, 0, u)));
        const r = sigma(add(xr, slice(rm, 1, u)));
        hHat = phi(add(xh, mul(r, slice(rm, 2, u))));
      } else {
        // z = σ(xz + h₋@R_z), r = σ(xr + h₋@R_r), ĥ = φ(xh + (r*h₋)@R_h); no recurrent bias
        const rz = w.recurrent.map((row) => slice(row, 0, u));
        const rr = w.recurrent.map((row) => slice(row, 1, u));
        const rh = w.recurrent.map((row) => slice(row, 2, u));
        z = sigma(add(xz, vecMat(hPrev, rz)));
        const r = sigma(add(xr, vecMat(hPrev, rr)));
        hHat = phi(add(xh, vecMat(mul(r, hPrev), rh)));
      }
      // h = z*h₋ + (1-z)*ĥ
      const h = z.map((zi, k) => zi * hPrev[k]! + (1 - zi) * hHat[k]!);
      return { output: h, states: [h] };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The RNN loop (§1.1, §2, §5, §6), the Keras TF backend's `rnn()`.

export interface RnnConfig extends CellConfig {
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  /** §6: a masked step outputs zeros instead of the previous output. Only Bidirectional sets it. */
  zeroOutputForMask?: boolean;
  /**
   * Which masked-output rule to follow (§6). "keras" (the default): the previous output, zeros before
   * the first step, and Bidirectional zeroes masked steps with return_sequences. "tfjs" (tfjs-layers and
   * the Keras 3 JAX backend): the previous h state, and no zeroing anywhere. Only used to validate this
   * reference against tfjs-layers on masked inputs; rnnc follows "keras".
   */
  maskSemantics?: "keras" | "tfjs";
}

export interface RnnResult {
  /** [B][T][u] in processing order when returnSequences, else [B][u]: the last (fallback-processed) output. */
  output: Seq | Mat;
  /** The final states, [h] or [h, c], each [B][u]. Always computed; returned as outputs only with returnState. */
  states: Mat[];
}

/**
 * Runs a recurrent layer over `x` [B][T][F]. `initial` is the list of initial states in state order
 * (each [B][u]); zeros when absent. `mask` [B][T] is true where a step is used.
 */
export function runRnn(
  cfg: RnnConfig,
  weights: readonly Weight[],
  x: Seq,
  initial?: readonly Mat[],
  mask?: readonly (readonly boolean[])[],
): RnnResult {
  const w = cellWeights(cfg, weights);
  const S = stateCount(cfg.kind);
  const B = x.length;
  const T = x[0]?.length ?? 0;
  const u = cfg.units;
  if (initial && initial.length !== S) throw new Error(`${cfg.kind}: expected ${S} initial states, got ${initial.length}`);
  const seqs: Mat[] = [];
  const lasts: Mat = [];
  const finals: Mat[] = Array.from({ length: S }, () => []);
  for (let b = 0; b < B; b++) {
    let states: Vec[] = Array.from({ length: S }, (_, s) => (initial ? initial[s]![b]!.slice() : new Array<number>(u).fill(0)));
    // §6: prev_out is zeros before the first step.
    let prevOut: Vec = new Array<number>(u).fill(0);
    const outs: Mat = [];
    for (let k = 0; k < T; k++) {
      // §2: go_backwards reverses the input (and the mask with it) before the loop.
      const t = cfg.goBackwards ? T - 1 - k : k;
      const used = mask ? mask[b]![t]! : true;
      const step = cellStep(cfg, w, x[b]![t]!, states);
      let out: Vec;
      if (used) {
        states = step.states;
        out = step.output;
      } else {
        // States: s_t = where(mask, new, prev) — kept. Output: prev_out, or zeros with zero_output_for_mask.
        if (cfg.maskSemantics === "tfjs") out = states[0]!.slice();
        else out = cfg.zeroOutputForMask ? new Array<number>(u).fill(0) : prevOut.slice();
      }
      prevOut = out;
      outs.push(out);
    }
    seqs.push(outs);
    lasts.push(prevOut);
    for (let s = 0; s < S; s++) finals[s]!.push(states[s]!);
  }
  return { output: cfg.returnSequences ? seqs : lasts, states: finals };
}

/** The layer's outputs in Keras order (§1.1): the output, then the states with return_state. */
export function rnnLayer(
  cfg: RnnConfig,
  weights: readonly Weight[],
  x: Seq,
  initial?: readonly Mat[],
  mask?: readonly (readonly boolean[])[],
): (Seq | Mat)[] {
  const r = runRnn(cfg, weights, x, initial, mask);
  return cfg.returnState ? [r.output, ...r.states] : [r.output];
}

// ---------------------------------------------------------------------------------------------
// Bidirectional (§1.2, §2, §5, §6).

export interface BidirectionalConfig extends CellConfig {
  returnSequences: boolean;
  returnState: boolean;
  merge: Merge;
  maskSemantics?: "keras" | "tfjs";
}

function mergeVec(merge: Exclude<Merge, "none">, a: Vec, b: Vec): Vec {
  switch (merge) {
    case "concat":
      return [...a, ...b];
    case "sum":
      return add(a, b);
    case "mul":
      return mul(a, b);
    case "ave":
      return a.map((x, i) => (x + b[i]!) / 2);
  }
}

/**
 * Keras `Bidirectional(layer, merge_mode)`: `weights` are the forward layer's then the backward
 * layer's; `initial` the forward states then the backward ones.
 */
export function bidirectionalLayer(
  cfg: BidirectionalConfig,
  weights: readonly Weight[],
  x: Seq,
  initial?: readonly Mat[],
  mask?: readonly (readonly boolean[])[],
): (Seq | Mat)[] {
  if (weights.length % 2 !== 0) throw new Error("bidirectional: an odd number of weights");
  const half = weights.length / 2;
  const S = stateCount(cfg.kind);
  if (initial && initial.length !== 2 * S) throw new Error(`bidirectional: expected ${2 * S} initial states`);
  // Both inner layers get zero_output_for_mask = return_sequences (§6 force_zero_output_for_mask).
  const base = { ...cfg, zeroOutputForMask: cfg.returnSequences && cfg.maskSemantics !== "tfjs" };
  const fwd = runRnn({ ...base, goBackwards: false }, weights.slice(0, half), x, initial?.slice(0, S), mask);
  const bwd = runRnn({ ...base, goBackwards: true }, weights.slice(half), x, initial?.slice(S), mask);
  const yF = fwd.output;
  let yB = bwd.output;
  // Re-reversal only with return_sequences.
  if (cfg.returnSequences) yB = (yB as Seq).map((steps) => steps.slice().reverse());
  let outputs: (Seq | Mat)[];
  if (cfg.merge === "none") {
    outputs = [yF, yB];
  } else {
    const m = cfg.merge;
    if (cfg.returnSequences) {
      outputs = [(yF as Seq).map((steps, b) => steps.map((v, t) => mergeVec(m, v, (yB as Seq)[b]![t]!)))];
    } else {
      outputs = [(yF as Mat).map((v, b) => mergeVec(m, v, (yB as Mat)[b]!))];
    }
  }
  if (cfg.returnState) outputs.push(...fwd.states, ...bwd.states);
  return outputs;
}

// ---------------------------------------------------------------------------------------------
// Dense and Embedding.

/** Keras Dense on the last axis of any rank: `act(x @ K + b)`. `x` is given as a list of vectors. */
export function denseRows(rows: Mat, weights: readonly Weight[], activation: Activation): Mat {
  const kernel = toMatrix(weights[0]!);
  const bias = weights[1] ? toVector(weights[1]) : new Array<number>(kernel[0]!.length).fill(0);
  return rows.map((r) => activate(activation, add(vecMat(r, kernel), bias)));
}

/** Dense applied to [B][T][F]. */
export function denseSeq(x: Seq, weights: readonly Weight[], activation: Activation): Seq {
  return x.map((steps) => denseRows(steps, weights, activation));
}

/** Embedding lookup `ids` [B][T] → [B][T][D], and the mask `ids != 0` (used only with mask_zero). */
export function embedding(ids: readonly (readonly number[])[], table: Weight): { output: Seq; mask: boolean[][] } {
  const rows = toMatrix(table);
  const output = ids.map((steps) =>
    steps.map((id) => {
      const row = rows[id];
      if (!row) throw new Error(`embedding: id ${id} out of range`);
      return row.slice();
    }),
  );
  return { output, mask: ids.map((steps) => steps.map((id) => id !== 0)) };
}

// ---------------------------------------------------------------------------------------------
// Conversions.

export type Nested = number | Nested[];

/** Flattens a nested array row-major, with its shape. */
export function flatten(v: Nested): { shape: number[]; data: number[] } {
  const shape: number[] = [];
  let cur: Nested = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as Nested;
  }
  const data: number[] = [];
  const walk = (n: Nested) => {
    if (Array.isArray(n)) n.forEach(walk);
    else data.push(n);
  };
  walk(v);
  return { shape, data };
}

/** Splits flat row-major data into nested arrays of `shape`. */
export function unflatten(data: ArrayLike<number>, shape: readonly number[]): Nested {
  let pos = 0;
  const build = (axis: number): Nested => {
    if (axis === shape.length) return data[pos++]!;
    return Array.from({ length: shape[axis]! }, () => build(axis + 1));
  };
  return build(0);
}

// ---------------------------------------------------------------------------------------------
// Masking, Activation, LayerNormalization, Conv1D, global pooling, Flatten (LANGUAGE.md §7), from
// Keras's definitions: written from the formulas, not from rnnc's kernels.

/** Keras Masking: the mask (some feature ≠ value) and the input with masked steps zeroed. */
export function masking(x: Seq, value: number): { output: Seq; mask: boolean[][] } {
  const mask = x.map((steps) => steps.map((v) => v.some((f) => f !== value)));
  return { output: x.map((steps, b) => steps.map((v, t) => (mask[b]![t] ? v.slice() : v.map(() => 0)))), mask };
}

/** An activation on every vector of the last axis, whatever the rank. */
export function activateNested(kind: Activation, x: Nested): Nested {
  if (!Array.isArray(x)) throw new Error("activate: a scalar");
  if (x.length === 0 || !Array.isArray(x[0])) return activate(kind, x as Vec);
  return x.map((inner) => activateNested(kind, inner));
}

/** LayerNormalization over the last axis: (v - mean) / sqrt(var + epsilon) · gamma + beta. */
export function layerNorm(x: Nested, epsilon: number, gamma: Weight | undefined, beta: Weight | undefined): Nested {
  if (!Array.isArray(x)) throw new Error("layer_norm: a scalar");
  if (x.length > 0 && Array.isArray(x[0])) return x.map((inner) => layerNorm(inner, epsilon, gamma, beta));
  const v = x as Vec;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  const sd = Math.sqrt(variance + epsilon);
  return v.map((f, i) => ((f - mean) / sd) * (gamma ? gamma.data[i]! : 1) + (beta ? beta.data[i]! : 0));
}

export interface Conv1dConfig {
  kernelSize: number;
  strides: number;
  dilation: number;
  padding: "valid" | "same" | "causal";
  activation: Activation;
}

/**
 * Keras Conv1D, channels last: out[t] = act(bias + Σ_j x[t·s + j·d − left] · K[j]), zeros outside x.
 * "valid": no padding; "causal": (k−1)·d zeros on the left; "same" (TensorFlow's rule): out length
 * ceil(T/s), total padding max((out−1)·s + (k−1)·d + 1 − T, 0), its floor half on the left.
 */
export function conv1d(x: Seq, weights: readonly Weight[], cfg: Conv1dConfig): Seq {
  const [k, F, filters] = weights[0]!.shape as [number, number, number];
  const K = weights[0]!.data;
  const bias = weights[1]?.data;
  const T = x[0]?.length ?? 0;
  const span = (k - 1) * cfg.dilation + 1;
  let outT: number;
  let left: number;
  if (cfg.padding === "valid") {
    outT = Math.floor((T - span) / cfg.strides) + 1;
    left = 0;
  } else if (cfg.padding === "causal") {
    outT = Math.floor((T - 1) / cfg.strides) + 1;
    left = span - 1;
  } else {
    outT = Math.ceil(T / cfg.strides);
    left = Math.floor(Math.max((outT - 1) * cfg.strides + span - T, 0) / 2);
  }
  return x.map((steps) =>
    Array.from({ length: outT }, (_, t) => {
      const acc = Array.from({ length: filters }, (_, o) => (bias ? bias[o]! : 0));
      for (let j = 0; j < k; j++) {
        const s = t * cfg.strides + j * cfg.dilation - left;
        if (s < 0 || s >= T) continue;
        for (let f = 0; f < F; f++) for (let o = 0; o < filters; o++) acc[o]! += steps[s]![f]! * K[(j * F + f) * filters + o]!;
      }
      return activate(cfg.activation, acc);
    }),
  );
}

/** GlobalAveragePooling1D: the mean over time, over the kept steps with a mask (0/0 = NaN when none). */
export function globalAvgPool(x: Seq, mask?: readonly (readonly boolean[])[]): Mat {
  return x.map((steps, b) => {
    const kept = steps.filter((_, t) => !mask || mask[b]![t]);
    const F = steps[0]?.length ?? 0;
    return Array.from({ length: F }, (_, f) => kept.reduce((a, v) => a + v[f]!, 0) / kept.length);
  });
}

/** GlobalMaxPooling1D: the max over every step (Keras's takes no mask). */
export function globalMaxPool(x: Seq): Mat {
  return x.map((steps) => steps[0]!.map((_, f) => Math.max(...steps.map((v) => v[f]!))));
}

/** Flatten: every axis after the batch into one. */
export function flattenLayer(x: Nested[]): Mat {
  return x.map((sample) => flatten(sample).data);
}

// ---------------------------------------------------------------------------------------------
// Attention and the element-wise merges, written from Keras 3.15's source
// (keras/src/layers/attention/attention.py, additive_attention.py, merging/*.py); tfjs-layers has no
// Attention layer to check against.

export interface AttentionRefConfig {
  /** "dot": q·k; "concat": cw · Σ tanh(scale · (q + k)); "additive": Σ scale_d · tanh(q_d + k_d). */
  score: "dot" | "concat" | "additive";
  /** dot, concat: the scalar `scale` (use_scale); additive: the vector `scale` [D]; absent: none. */
  scale?: number | Vec;
  /** concat: `concat_score_weight`. */
  concatWeight?: number;
  causal?: boolean;
}

/**
 * Keras's Attention / AdditiveAttention: `q` [B][Tq][D], `v` [B][Tv][Dv], `k` [B][Tv][D] (v when
 * absent), masks [B][T] (true = used). Returns the output [B][Tq][Dv] and the weights [B][Tq][Tv].
 */
export function attentionRef(
  cfg: AttentionRefConfig,
  q: Seq,
  v: Seq,
  k: Seq = v,
  qMask?: readonly (readonly boolean[])[],
  vMask?: readonly (readonly boolean[])[],
): { output: Seq; weights: Seq } {
  const output: Seq = [];
  const weights: Seq = [];
  q.forEach((steps, b) => {
    const outRows: Mat = [];
    const weightRows: Mat = [];
    steps.forEach((qi, i) => {
      const scores = k[b]!.map((kj, j) => {
        let s: number;
        if (cfg.score === "dot") {
          s = qi.reduce((acc, x, d) => acc + x * kj[d]!, 0);
          if (cfg.scale !== undefined) s *= cfg.scale as number;
        } else if (cfg.score === "concat") {
          const c = (cfg.scale as number | undefined) ?? 1;
          s = cfg.concatWeight! * qi.reduce((acc, x, d) => acc + Math.tanh(c * (x + kj[d]!)), 0);
        } else {
          const scale = cfg.scale as Vec | undefined;
          s = qi.reduce((acc, x, d) => acc + (scale ? scale[d]! : 1) * Math.tanh(x + kj[d]!), 0);
        }
        const hidden = (vMask !== undefined && !vMask[b]![j]) || (cfg.causal === true && j > i);
        // Keras computes in float32: `score - 1e9` there loses the score (it rounds to a multiple of
        // 64), so a query whose every value step is hidden weighs them all equally.
        return hidden ? Math.fround(Math.fround(s) - 1e9) : s;
      });
      const w = activate("softmax", scores);
      weightRows.push(w);
      const used = qMask === undefined || qMask[b]![i]!;
      const dv = v[b]![0]?.length ?? 0;
      outRows.push(Array.from({ length: dv }, (_, e) => (used ? w.reduce((acc, wj, j) => acc + wj * v[b]![j]![e]!, 0) : 0)));
    });
    output.push(outRows);
    weights.push(weightRows);
  });
  return { output, weights };
}

/**
 * Keras's Multiply, Average, Maximum over tensors of one shape. Keras 2 (tf.keras) never lets masks
 * change the values; Keras 3.15 does for sequences [B][T][F] given `masks` ([B][T] per input, undefined
 * for an unmasked one) under edition 3: see maskedMergeStep.
 */
export function mergeRef(
  kind: "multiply" | "average" | "maximum",
  inputs: readonly Nested[],
  masked?: { edition: 2 | 3; masks: readonly (readonly (readonly boolean[])[] | undefined)[] },
): Nested {
  const combine = (values: number[]): number =>
    kind === "multiply"
      ? values.reduce((a, b) => a * b)
      : kind === "maximum"
        ? Math.max(...values)
        : values.reduce((a, b) => a + b) / values.length;
  const walk = (items: readonly Nested[]): Nested =>
    Array.isArray(items[0])
      ? (items[0] as Nested[]).map((_, i) => walk(items.map((x) => (x as Nested[])[i]!)))
      : combine(items as number[]);
  if (masked?.edition !== 3 || kind === "average" || masked.masks.every((m) => m === undefined)) return walk(inputs);
  const seqs = inputs as readonly Seq[];
  return seqs[0]!.map((steps, b) =>
    steps.map((_, t) =>
      maskedMergeStep(
        kind,
        seqs.map((x) => x[b]![t]!),
        masked.masks.map((m) => (m === undefined ? undefined : m[b]![t]!)),
      ),
    ),
  );
}

/**
 * One step of Keras 3.15's Multiply or Maximum where some input has a mask (`kept[i]` undefined: input
 * i has none). Multiply (multiply.py): a step an input's mask hides counts as 1, and when every input
 * has a mask and none keeps the step it is 0. Maximum (base_merge.py): the maximum over the inputs
 * that keep the step (an unmasked one keeps every step); a step no input keeps is the first input's.
 */
function maskedMergeStep(kind: "multiply" | "maximum", rows: readonly Vec[], kept: readonly (boolean | undefined)[]): Vec {
  const keeps = (i: number) => kept[i] !== false;
  if (kind === "multiply") {
    const everyMasked = kept.every((k) => k !== undefined);
    if (everyMasked && !kept.some((k) => k)) return rows[0]!.map(() => 0);
    return rows[0]!.map((_, f) => rows.reduce((p, row, i) => p * (keeps(i) ? row[f]! : 1), 1));
  }
  const used = rows.filter((_, i) => keeps(i));
  if (used.length === 0) return rows[0]!.slice();
  return rows[0]!.map((_, f) => Math.max(...used.map((row) => row[f]!)));
}
