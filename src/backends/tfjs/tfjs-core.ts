// The part of TensorFlow.js (@tensorflow/tfjs-core) the tfjs backend calls, as a structural type: the
// user passes their own `tf` (the @tensorflow/tfjs or @tensorflow/tfjs-core module, with whatever
// backend they registered), so nothing in src/ imports tfjs at run time or needs its types to build.
// `import * as tf from "@tensorflow/tfjs"` satisfies it (test/backends/tfjs-backend.test.ts checks that).

/** A tfjs tensor, as far as rnnc looks at one. */
export interface TfTensor {
  readonly shape: number[];
  readonly dtype: string;
  /** The data, synchronously (a view of the backend's memory on some backends: copy it). */
  dataSync(): ArrayLike<number>;
  dispose(): void;
}

/** tfjs dtypes rnnc creates. */
export type TfDType = "float32" | "int32" | "bool";

/**
 * What a user passes: their `tf` module. Its tensor type is left open (`any`): tfjs's ops take
 * `Tensor | TensorLike`, which no structural type can be assigned to; the names and arities of the
 * functions are still checked.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TfjsCore = TfjsOps<any>;

/** The tfjs-core functions rnnc calls, all standard ops (names and argument orders as in tfjs 4), over tensors `T`. */
export interface TfjsOps<T = TfTensor> {
  tensor(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: TfDType): T;
  /** Runs `fn`, then disposes every tensor it made except those it kept. */
  tidy(fn: () => void): void;
  /** Keeps a tensor made inside `tidy` past its end. */
  keep(tensor: T): T;
  /** The active backend's name: "cpu", "wasm", "webgl", "webgpu", … */
  getBackend(): string;

  matMul(a: T, b: T, transposeA?: boolean, transposeB?: boolean): T;
  add(a: T, b: T): T;
  addN(tensors: T[]): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  sigmoid(x: T): T;
  tanh(x: T): T;
  relu(x: T): T;
  /** Along the last axis. */
  softmax(x: T): T;
  clipByValue(x: T, min: number, max: number): T;
  cast(x: T, dtype: TfDType): T;
  notEqual(a: T, b: T): T;
  logicalAnd(a: T, b: T): T;
  logicalOr(a: T, b: T): T;

  reshape(x: T, shape: number[]): T;
  transpose(x: T, perm: number[]): T;
  concat(tensors: T[], axis: number): T;
  reverse(x: T, axis: number): T;
  tile(x: T, reps: number[]): T;
  slice(x: T, begin: number[], size: number[]): T;
  split(x: T, sizes: number[], axis: number): T[];
  stack(tensors: T[], axis: number): T;
  unstack(x: T, axis: number): T[];
  gather(x: T, indices: T, axis: number): T;
  // layers-a: masking, layer_norm, conv1d, global pooling
  any(x: T, axis: number, keepDims?: boolean): T;
  mean(x: T, axis: number, keepDims?: boolean): T;
  sum(x: T, axis?: number | number[], keepDims?: boolean): T;
  max(x: T, axis: number, keepDims?: boolean): T;
  div(a: T, b: T): T;
  rsqrt(x: T): T;
  pad(x: T, paddings: [number, number][]): T;
  // layers-b: attention and the merges multiply/average/maximum
  maximum(a: T, b: T): T;
  // merges: Keras 3's masked values
  /** a where condition (bool, of a's shape) is true, else b. */
  where(condition: T, a: T, b: T): T;
  broadcastTo(x: T, shape: number[]): T;
}
