// The part of ONNX Runtime's JavaScript API (onnxruntime-common, shared by onnxruntime-node and
// onnxruntime-web) the ORT backend calls, as a structural type: the user passes their own `ort`
// module, so nothing in src/ imports ONNX Runtime or needs its types to build.
// `import * as ort from "onnxruntime-node"` satisfies it (test/backends/ort.test.ts checks that).
import { DataError } from "../../types/tensor-data.js";

/** An ONNX Runtime tensor, as far as rnnc looks at one. */
export interface OrtTensor {
  readonly dims: readonly number[];
  readonly type: string;
  readonly data: unknown;
}

/** An inference session: one per loaded model. */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/** The tensor types rnnc feeds: its f32, i32 and bool. */
export type OrtFeedType = "float32" | "int32" | "bool";

/** What a user passes: their `ort` module (onnxruntime-node in Node, onnxruntime-web in browsers). */
export interface OrtModule {
  Tensor: new (type: OrtFeedType, data: Float32Array | Int32Array | Uint8Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(model: Uint8Array, options?: OrtSessionOptions): Promise<OrtSession> };
}

/** The session options rnnc sets (the rest stay ONNX Runtime's defaults). */
export interface OrtSessionOptions {
  graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
  /** 3: errors only. */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/** Throws a DataError unless `ort` looks like an ONNX Runtime module (the constructors rnnc calls). */
export function requireOrtModule(ort: unknown, backend: string): OrtModule {
  const how = 'import * as ort from "onnxruntime-node", or "onnxruntime-web" in a browser';
  if (ort === undefined || ort === null)
    throw new DataError(`backend ${JSON.stringify(backend)} needs the ort option: your ONNX Runtime module (${how})`);
  const candidate = ort as Partial<Record<"Tensor" | "InferenceSession", unknown>>;
  const session = candidate.InferenceSession as { create?: unknown } | undefined;
  if (typeof candidate.Tensor !== "function" || typeof session?.create !== "function") {
    throw new DataError(
      `the ort option is not an ONNX Runtime module (it has no Tensor and InferenceSession.create); pass the module itself: ${how}`,
    );
  }
  return ort as OrtModule;
}
