// The tfjs handle and the tensors a backend keeps across runs — weights, rearranged weights, constant
// scalars — made once, outside any run, and released together by dispose().
import type { TfDType, TfjsCore, TfjsOps, TfTensor } from "./tfjs-core.js";

export class TfContext {
  readonly tf: TfjsOps;
  private readonly kept: TfTensor[] = [];
  private readonly scalars = new Map<number, TfTensor>();

  constructor(tf: TfjsCore) {
    this.tf = tf;
  }

  /** A tensor kept until dispose() (tf.keep: a tidy scope around the call does not release it). */
  upload(data: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: TfDType = "float32"): TfTensor {
    const t = this.tf.keep(this.tf.tensor(data, shape, dtype));
    this.kept.push(t);
    return t;
  }

  /** A float32 scalar, made once (the backend makes those it needs before any run). */
  scalar(value: number): TfTensor {
    let t = this.scalars.get(value);
    if (!t) {
      t = this.upload(new Float32Array([value]), []);
      this.scalars.set(value, t);
    }
    return t;
  }

  /** Whether `t` is one of the kept tensors (a run must not dispose it). */
  owns(t: TfTensor): boolean {
    return this.kept.includes(t);
  }

  dispose(): void {
    for (const t of this.kept) t.dispose();
    this.kept.length = 0;
    this.scalars.clear();
  }
}
