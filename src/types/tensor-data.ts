// Tensors as data: what weights files hold, what a model is run on and what it returns.

/** Row-major data with its shape. f32 tensors hold a Float32Array, i32 an Int32Array, bool a Uint8Array (0/1). */
export interface TensorData {
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

/** The weights of a model, by layer name, each list in Keras `get_weights()` order; a called model nests. */
export interface WeightSet {
  layers: Map<string, TensorData[] | WeightSet>;
  /** Where they came from, for messages: a file name. */
  source: string;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** An error in the user's data (weights, inputs): its message is for the user; no stack is shown. */
export class DataError extends Error {}
