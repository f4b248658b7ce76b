// Builds a layer in tfjs-layers 4.22 (CPU backend), sets its weights, runs it eagerly, and returns
// its outputs as float32 arrays. Used to validate the float64 reference and as a second oracle for
// rnnc. tfjs-layers differs from Keras in its defaults (KERAS-SEMANTICS.md §4, §9): every option is
// passed explicitly here, `recurrentActivation` above all (tfjs defaults to hardSigmoid).
import * as tf from "@tensorflow/tfjs";
import type { Activation, CellKind, Mat, Merge, Seq, Weight } from "./reference.js";

let ready: Promise<void> | undefined;

/** Selects the CPU backend once (the default in Node would be the same, but say so). */
export function tfjsReady(): Promise<void> {
  ready ??= (async () => {
    await tf.setBackend("cpu");
    await tf.ready();
  })();
  return ready;
}

/** A tfjs output: float32 row-major data with its shape. */
export interface TfjsOutput {
  shape: number[];
  data: Float32Array;
}

const TFJS_ACTIVATION: Record<Activation, string> = {
  tanh: "tanh",
  sigmoid: "sigmoid",
  relu: "relu",
  softmax: "softmax",
  linear: "linear",
  hard_sigmoid: "hardSigmoid",
  // tfjs-layers has only Keras 2's: this name makes it throw, were it ever asked (generate.ts tfjsSupports).
  hard_sigmoid3: "keras3HardSigmoidIsNotInTfjs",
};

export interface TfjsRecurrentSpec {
  cell: CellKind;
  units: number;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  activation: Activation;
  recurrentActivation: Activation;
  useBias: boolean;
  /** Only false: tfjs-layers' GRU throws on resetAfter=true. */
  resetAfter?: boolean;
  /** Wrap in tf.layers.bidirectional with this merge mode. */
  bidirectional?: Merge;
}

type TfLayer = ReturnType<typeof tf.layers.lstm>;

function recurrentLayer(spec: TfjsRecurrentSpec): TfLayer {
  if (spec.cell === "gru" && spec.resetAfter) throw new Error("tfjs-layers' GRU has no reset_after=true");
  const common = {
    units: spec.units,
    returnSequences: spec.returnSequences,
    returnState: spec.returnState,
    goBackwards: spec.goBackwards,
    activation: TFJS_ACTIVATION[spec.activation],
    useBias: spec.useBias,
  } as const;
  const gated = { ...common, recurrentActivation: TFJS_ACTIVATION[spec.recurrentActivation] };
  // The activation identifiers are checked by tfjs at run time; its types name them as a union.
  type Args = Parameters<typeof tf.layers.lstm>[0];
  switch (spec.cell) {
    case "simple_rnn":
      return tf.layers.simpleRNN(common as unknown as Parameters<typeof tf.layers.simpleRNN>[0]);
    case "gru":
      return tf.layers.gru({ ...(gated as unknown as Parameters<typeof tf.layers.gru>[0]), resetAfter: false } as Parameters<
        typeof tf.layers.gru
      >[0]);
    case "lstm":
      return tf.layers.lstm({ ...(gated as unknown as Args), unitForgetBias: false });
  }
}

function buildLayer(spec: TfjsRecurrentSpec): TfLayer {
  const inner = recurrentLayer(spec);
  if (spec.bidirectional === undefined) return inner;
  const mergeMode = spec.bidirectional === "none" ? null : spec.bidirectional;
  // tfjs accepts mergeMode null (two outputs); its type does not say so.
  return tf.layers.bidirectional({ layer: inner as never, mergeMode: mergeMode as never }) as unknown as TfLayer;
}

function toTensor(w: Weight): tf.Tensor {
  return tf.tensor(Float32Array.from(w.data), w.shape, "float32");
}

async function collect(result: tf.Tensor | tf.Tensor[]): Promise<TfjsOutput[]> {
  const list = Array.isArray(result) ? result : [result];
  const outputs: TfjsOutput[] = [];
  for (const t of list) outputs.push({ shape: t.shape.slice(), data: Float32Array.from(await t.data()) });
  return outputs;
}

/**
 * Runs one recurrent (or bidirectional) layer on `x` [B][T][F] with Keras-layout `weights`
 * (forward then backward for a bidirectional layer), optional initial states (Keras order: forward
 * then backward) and an optional mask [B][T]. Returns the outputs in Keras order.
 */
export async function runTfjsRecurrent(
  spec: TfjsRecurrentSpec,
  weights: readonly Weight[],
  x: Seq,
  initial?: readonly Mat[],
  mask?: readonly (readonly boolean[])[],
): Promise<TfjsOutput[]> {
  await tfjsReady();
  const tensors: tf.Tensor[] = [];
  const track = <T extends tf.Tensor>(t: T): T => {
    tensors.push(t);
    return t;
  };
  try {
    const layer = buildLayer(spec);
    const input = track(tf.tensor3d(x as number[][][], undefined, "float32"));
    const states = initial?.map((s) => track(tf.tensor2d(s as number[][], undefined, "float32")));
    const maskTensor = mask
      ? track(
          tf.tensor2d(
            mask.map((r) => r.map((v) => (v ? 1 : 0))),
            undefined,
            "bool",
          ),
        )
      : undefined;
    // A fresh object per call: tfjs's Bidirectional.call writes the forward/backward split into it.
    const kwargs = (): Record<string, unknown> => ({
      ...(states ? { initialState: states.slice() } : {}),
      ...(maskTensor ? { mask: maskTensor } : {}),
    });
    // Build (the first call creates the weights), then set them, then run for real.
    const warm = layer.apply(input, kwargs()) as tf.Tensor | tf.Tensor[];
    (Array.isArray(warm) ? warm : [warm]).forEach(track);
    const values = weights.map((w) => track(toTensor(w)));
    layer.setWeights(values);
    const result = layer.apply(input, kwargs()) as tf.Tensor | tf.Tensor[];
    (Array.isArray(result) ? result : [result]).forEach(track);
    const out = await collect(result);
    layer.dispose();
    return out;
  } finally {
    for (const t of tensors) if (!t.isDisposed) t.dispose();
  }
}

/** tf.layers.dense on `x` of any rank ≥ 2, given as flat data and shape. */
export function runTfjsDense(
  units: number,
  activation: Activation,
  useBias: boolean,
  weights: readonly Weight[],
  x: { shape: number[]; data: ArrayLike<number> },
): Promise<TfjsOutput> {
  return runTfjsSequenceLayer({ kind: "dense", units, activation, useBias }, weights, x);
}

/** The number of tensors tfjs holds: a test can check the harness leaks none. */
export function tfjsTensorCount(): number {
  return tf.memory().numTensors;
}

/** The tfjs-layers layer for an rnnc layer of LANGUAGE.md §7 or dense (options passed explicitly, as Keras's defaults). */
export type TfjsSequenceLayer =
  | {
      kind: "conv1d";
      filters: number;
      kernelSize: number;
      strides: number;
      padding: "valid" | "same" | "causal";
      dilation: number;
      activation: Activation;
      useBias: boolean;
    }
  | { kind: "layer_norm"; epsilon: number; center: boolean; scale: boolean }
  | { kind: "masking"; maskValue: number }
  | { kind: "activation"; activation: Activation }
  | { kind: "global_avg_pool1d" }
  | { kind: "global_max_pool1d" }
  | { kind: "flatten" }
  | { kind: "dense"; units: number; activation: Activation; useBias: boolean };

function sequenceLayer(spec: TfjsSequenceLayer): tf.layers.Layer {
  switch (spec.kind) {
    case "conv1d":
      return tf.layers.conv1d({
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        strides: spec.strides,
        padding: spec.padding,
        dilationRate: spec.dilation,
        activation: TFJS_ACTIVATION[spec.activation] as "linear",
        useBias: spec.useBias,
      });
    case "layer_norm":
      return tf.layers.layerNormalization({ axis: -1, epsilon: spec.epsilon, center: spec.center, scale: spec.scale });
    case "masking":
      return tf.layers.masking({ maskValue: spec.maskValue });
    case "activation":
      return tf.layers.activation({ activation: TFJS_ACTIVATION[spec.activation] as "linear" });
    case "global_avg_pool1d":
      return tf.layers.globalAveragePooling1d();
    case "global_max_pool1d":
      return tf.layers.globalMaxPooling1d();
    case "flatten":
      return tf.layers.flatten();
    case "dense":
      return tf.layers.dense({ units: spec.units, activation: TFJS_ACTIVATION[spec.activation] as "linear", useBias: spec.useBias });
  }
}

/** One tfjs-layers layer (§7, or dense) on `x` (flat data and shape) with Keras-layout weights. */
export async function runTfjsSequenceLayer(
  spec: TfjsSequenceLayer,
  weights: readonly Weight[],
  x: { shape: number[]; data: ArrayLike<number> },
): Promise<TfjsOutput> {
  await tfjsReady();
  const tensors: tf.Tensor[] = [];
  const track = <T extends tf.Tensor>(t: T): T => {
    tensors.push(t);
    return t;
  };
  try {
    const layer = sequenceLayer(spec);
    const input = track(tf.tensor(Float32Array.from(x.data), x.shape, "float32"));
    track(layer.apply(input) as tf.Tensor);
    if (weights.length > 0) layer.setWeights(weights.map((w) => track(toTensor(w))));
    const result = track(layer.apply(input) as tf.Tensor);
    const [out] = await collect(result);
    layer.dispose();
    return out!;
  } finally {
    for (const t of tensors) if (!t.isDisposed) t.dispose();
  }
}

/** tf.layers.multiply / average / maximum on tensors of one shape. */
export async function runTfjsMerge(
  kind: "multiply" | "average" | "maximum",
  inputs: readonly { shape: number[]; data: ArrayLike<number> }[],
): Promise<TfjsOutput> {
  await tfjsReady();
  const tensors = inputs.map((x) => tf.tensor(Float32Array.from(x.data), x.shape, "float32"));
  try {
    const layer = tf.layers[kind]({});
    const result = layer.apply(tensors) as tf.Tensor;
    tensors.push(result);
    const [out] = await collect(result);
    layer.dispose();
    return out!;
  } finally {
    for (const t of tensors) if (!t.isDisposed) t.dispose();
  }
}
