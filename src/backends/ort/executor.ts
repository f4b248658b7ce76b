// The ONNX Runtime backend: the model exported to ONNX in memory (src/onnx/export.ts) and run by one
// InferenceSession from the caller's `ort` module. Inputs are checked and converted as for the CPU
// backend (ir/inputs.ts: named dims, int32 ids, bool masks); the outputs come back as TensorData in
// the graph's order (the model's outputs, then any carried states).
import type { Graph } from "../../ir/graph.js";
import { prepareInputs, type TensorInput } from "../../ir/inputs.js";
import { DataError, type TensorData } from "../../types/tensor-data.js";
import type { DType } from "../../types/types.js";
import type { OrtFeedType, OrtModule, OrtSession, OrtTensor } from "./ort-module.js";

/** The ORT tensor type of each rnnc dtype. */
export const FEED_TYPES: Record<DType, OrtFeedType> = { f32: "float32", i32: "int32", bool: "bool" };

export class OrtBackend {
  private released = false;

  private constructor(
    private readonly graph: Graph,
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
  ) {}

  /** A session for the ONNX model `bytes` exported from `graph` (whose inputs and outputs it has, in order). */
  static async create(graph: Graph, bytes: Uint8Array, ort: OrtModule): Promise<OrtBackend> {
    let session: OrtSession;
    try {
      // Errors only: ORT's warnings would otherwise print on the user's stderr.
      session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "all", logSeverityLevel: 3 });
    } catch (error) {
      throw new DataError(`ONNX Runtime could not load the exported model: ${firstLine(error)}`);
    }
    if (session.outputNames.length !== graph.outputs.length) {
      await session.release();
      throw new Error(`rnnc: the exported model has ${session.outputNames.length} outputs, the graph ${graph.outputs.length}`);
    }
    return new OrtBackend(graph, ort, session);
  }

  /** Runs the model; the results are fresh arrays the caller owns. */
  async run(inputs: Readonly<Record<string, TensorInput>>): Promise<TensorData[]> {
    if (this.released) throw new DataError("this model was disposed (its ONNX Runtime session is released)");
    const data = prepareInputs(this.graph, inputs);
    const feeds: Record<string, OrtTensor> = {};
    this.graph.inputs.forEach((input, i) => {
      feeds[input.name] = new this.ort.Tensor(FEED_TYPES[input.dtype], data[i]!.data, data[i]!.shape);
    });
    let results: Record<string, OrtTensor>;
    try {
      results = await this.session.run(feeds);
    } catch (error) {
      throw new DataError(`ONNX Runtime failed to run the model: ${firstLine(error)}`);
    }
    return this.session.outputNames.map((name, i) => toTensorData(results[name]!, this.graph.values[this.graph.outputs[i]!]!.dtype));
  }

  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}

/** An ORT result as rnnc's TensorData, in the dtype the graph gives the value. */
function toTensorData(tensor: OrtTensor, dtype: DType): TensorData {
  const shape = tensor.dims.map(Number);
  const data = tensor.data;
  if (dtype === "f32") return { shape, data: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>) };
  if (dtype === "i32") return { shape, data: data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>) };
  return { shape, data: data instanceof Uint8Array ? data : Uint8Array.from(data as ArrayLike<number>) };
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0]!;
}
