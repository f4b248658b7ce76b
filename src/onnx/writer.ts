// The ONNX graph being written: nodes, initializers and names, shared by the lowering of each op
// (layers.ts, recurrent.ts). Values keep rnnc's ids; names and constants are made here once.
import type { CheckedModel } from "../check/program.js";
import type { Graph } from "../ir/graph.js";
import { NONE } from "../ir/graph.js";
import { echo } from "../source/echo.js";
import { DataError, type TensorData } from "../types/tensor-data.js";
import type { DType } from "../types/types.js";
import {
  modelProto,
  tensorProto,
  valueInfoProto,
  type AttributeValue,
  type ElemTypeName,
  type OnnxNode,
  type TensorValues,
} from "./messages.js";
import type { ProtoMessage } from "./protobuf.js";

export const ELEM_TYPES: Record<DType, ElemTypeName> = { f32: "float", i32: "int32", bool: "bool" };

export class OnnxWriter {
  /** Where emit() writes: the model's nodes, or a subgraph's while one is built (subgraph()). */
  private nodes: OnnxNode[] = [];
  private nodeCount = 0;
  private readonly initializers: ProtoMessage[] = [];
  /** Constant values' data (weights after folding), by value id: recurrent weights are rearranged from it. */
  readonly constants = new Map<number, TensorData>();
  /** The constants already written as initializers. */
  private readonly written = new Set<number>();
  private counter = 0;

  constructor(readonly graph: Graph) {}

  /** The ModelProto bytes: the model's inputs by name, then an Identity onto each output's own name. */
  finish(model: CheckedModel): Uint8Array {
    const graph = this.graph;
    const inputs = graph.inputs.map((i) => valueInfoProto(i.name, ELEM_TYPES[i.dtype], i.dims));
    // Identity onto each output's own name: an output may be an input or returned twice.
    const taken = new Set(graph.inputs.map((i) => i.name));
    const outputs = graph.outputs.map((value, i) => {
      // A carried state's new value (after the model's outputs) is named after its input: `lstm/h#0` → `lstm/h#0/next`.
      const state = i >= model.outputs.length ? graph.states[i - model.outputs.length] : undefined;
      if (state) {
        const name = `${state.name}/next`;
        this.emit("Identity", [this.name(value)], [name]);
        return valueInfoProto(name, "float", graph.inputs.find((input) => input.value === state.input)?.dims);
      }
      // `output_<i>`, or with `_` added while a model input has that name.
      let name = `output_${i}`;
      while (taken.has(name)) name += "_";
      this.emit("Identity", [this.name(value)], [name]);
      const type = model.outputs[i];
      const dims = type?.kind === "tensor" ? type.dims : undefined;
      return valueInfoProto(name, ELEM_TYPES[graph.values[value]!.dtype], dims);
    });
    return modelProto({ name: model.name, nodes: this.nodes, initializers: this.initializers, inputs, outputs });
  }

  /**
   * A value's name in the ONNX graph: a model input's own name, else `%v<id>` (`%` is in no rnnc
   * identifier, so no input can clash). A constant becomes an initializer when first named:
   * recurrent weights are read rearranged, never under their own name.
   */
  name(value: number): string {
    if (value === NONE) return "";
    const input = this.graph.inputs.find((i) => i.value === value);
    if (input) return input.name;
    const name = `%v${value}`;
    const constant = this.constants.get(value);
    if (constant && !this.written.has(value)) {
      this.written.add(value);
      const data = constant.data;
      this.initializer(name, constant.shape, data instanceof Uint8Array ? { bool: data } : data);
    }
    return name;
  }

  /** A new internal name (`%` first, as for values). */
  fresh(label: string): string {
    return `%${label}_${this.counter++}`;
  }

  emit(opType: string, inputs: readonly string[], outputs: readonly string[], attributes?: Record<string, AttributeValue>): void {
    this.nodes.push({ opType, inputs, outputs, name: `${opType}_${this.nodeCount++}`, ...(attributes ? { attributes } : {}) });
  }

  /**
   * A subgraph (a Scan's body, an If's branch): the nodes `build` emits, given its inputs' names,
   * returning its outputs' names. It reads the model's values and initializers by name (ONNX's outer
   * scope), so weights are written once, in the model. Inputs and outputs are declared with their
   * element type only (ONNX infers the shapes).
   */
  subgraph(
    label: string,
    inputs: readonly { label: string; type: ElemTypeName }[],
    outputs: readonly ElemTypeName[],
    build: (inputs: string[]) => string[],
  ): AttributeValue {
    const outer = this.nodes;
    this.nodes = [];
    const names = inputs.map((i) => this.fresh(i.label));
    const results = build(names);
    // A subgraph output must be produced by one of its nodes: an outer value or input is passed through an Identity.
    // So is a value listed twice (graph outputs are distinct names).
    const produced = new Set(this.nodes.flatMap((n) => n.outputs));
    const listed = new Set<string>();
    const outputNames = results.map((r) => {
      if (produced.has(r) && !listed.has(r)) {
        listed.add(r);
        return r;
      }
      const copy = this.fresh("passed");
      this.emit("Identity", [r], [copy]);
      return copy;
    });
    const graph = {
      name: this.fresh(label),
      nodes: this.nodes,
      initializers: [],
      inputs: names.map((n, i) => valueInfoProto(n, inputs[i]!.type, undefined)),
      outputs: outputNames.map((n, i) => valueInfoProto(n, outputs[i]!, undefined)),
    };
    this.nodes = outer;
    return { graph };
  }

  initializer(name: string, dims: readonly number[], values: TensorValues): string {
    this.initializers.push(tensorProto(name, dims, values));
    return name;
  }

  int64s(label: string, values: readonly (number | bigint)[]): string {
    return this.initializer(this.fresh(label), [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  /** Dims `start` … `end` (default: to the last) of a value's shape, as an int64 vector computed at run time. */
  shapeSlice(value: string, start: number, end?: number): string {
    const dims = this.fresh("dims");
    this.emit("Shape", [value], [dims], { start: { int: start }, ...(end === undefined ? {} : { end: { int: end } }) });
    return dims;
  }

  /** A weight a node reads as data (rearranged): a constant after folding (weights always are). */
  weight(value: number | undefined, layer: string): TensorData | undefined {
    if (value === undefined || value === NONE) return undefined;
    const data = this.constants.get(value);
    if (!data) throw new DataError(`layer ${echo(layer)}: its weights are computed at run time, which is not exported yet`);
    return data;
  }
}
