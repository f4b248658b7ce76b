// The ONNX messages rnnc writes, on the protobuf writer. Field numbers are those of onnx/onnx.proto
// (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto,
// TensorShapeProto, OperatorSetIdProto).
import { ProtoMessage } from "./protobuf.js";

/** TensorProto.DataType. */
export const ElemType = { float: 1, int32: 6, int64: 7, bool: 9, double: 11 } as const;
export type ElemTypeName = keyof typeof ElemType;

const ATTR = { float: 1, int: 2, string: 3, graph: 5, floats: 6, ints: 7, strings: 8 } as const;

/** A tensor's contents: float32, int32, int64, float64 or bool (one byte each). */
export type TensorValues = Float32Array | Int32Array | BigInt64Array | Float64Array | { bool: Uint8Array };

function elemTypeOf(values: TensorValues): ElemTypeName {
  if (values instanceof Float32Array) return "float";
  if (values instanceof Int32Array) return "int32";
  if (values instanceof BigInt64Array) return "int64";
  if (values instanceof Float64Array) return "double";
  return "bool";
}

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian, as ONNX requires). */
export function tensorProto(name: string, dims: readonly number[], values: TensorValues): ProtoMessage {
  const m = new ProtoMessage();
  for (const d of dims) m.int(1, d);
  m.int(2, ElemType[elemTypeOf(values)]);
  m.string(8, name);
  const view = "bool" in values ? values.bool : values;
  return m.bytes(9, new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
}

/** ValueInfoProto {name = 1, type = 2: TypeProto {tensor_type = 1: {elem_type = 1, shape = 2: {dim = 1: {dim_value = 1 | dim_param = 2}}}}}. */
export function valueInfoProto(name: string, elemType: ElemTypeName, dims: readonly (number | string)[] | undefined): ProtoMessage {
  const tensorType = new ProtoMessage().int(1, ElemType[elemType]);
  if (dims !== undefined) {
    const shape = new ProtoMessage();
    for (const d of dims) shape.message(1, typeof d === "number" ? new ProtoMessage().int(1, d) : new ProtoMessage().string(2, d));
    tensorType.message(2, shape);
  }
  return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
}

/** An attribute's value: an int, a float, a string, a graph (Scan's body, If's branches), or a list of ints, floats or strings. */
export type AttributeValue =
  | { int: number }
  | { graph: OnnxGraph }
  | { float: number }
  | { string: string }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { strings: readonly string[] };

/** AttributeProto: name = 1, f = 2, i = 3, s = 4, g = 6, floats = 7, ints = 8, strings = 9, type = 20. */
function attributeProto(name: string, value: AttributeValue): ProtoMessage {
  const m = new ProtoMessage().string(1, name);
  if ("int" in value) return m.int(3, value.int).int(20, ATTR.int);
  if ("float" in value) return m.float(2, value.float).int(20, ATTR.float);
  if ("string" in value) return m.string(4, value.string).int(20, ATTR.string);
  if ("graph" in value) return m.message(6, graphProto(value.graph)).int(20, ATTR.graph);
  if ("ints" in value) {
    for (const v of value.ints) m.int(8, v);
    return m.int(20, ATTR.ints);
  }
  if ("floats" in value) {
    for (const v of value.floats) m.float(7, v);
    return m.int(20, ATTR.floats);
  }
  for (const v of value.strings) m.string(9, v);
  return m.int(20, ATTR.strings);
}

export interface OnnxNode {
  opType: string;
  /** Value names; "" for an absent optional input. */
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. */
function nodeProto(node: OnnxNode): ProtoMessage {
  const m = new ProtoMessage();
  for (const i of node.inputs) m.string(1, i);
  for (const o of node.outputs) m.string(2, o);
  m.string(3, node.name).string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) m.message(5, attributeProto(name, value));
  return m;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: ProtoMessage[];
  inputs: ProtoMessage[];
  outputs: ProtoMessage[];
}

/** GraphProto {node = 1, name = 2, initializer = 5, input = 11, output = 12}: the model's, or a subgraph's. */
function graphProto(graph: OnnxGraph): ProtoMessage {
  const g = new ProtoMessage();
  for (const n of graph.nodes) g.message(1, nodeProto(n));
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, t);
  for (const i of graph.inputs) g.message(11, i);
  for (const o of graph.outputs) g.message(12, o);
  return g;
}

/** Opset 17 and IR 8: the ONNX 1.12 pair, which Debian's python3-onnx checks (INTEROP.md §1.1). */
export const OPSET = 17;
export const IR_VERSION = 8;

/**
 * ModelProto {ir_version = 1, producer_name = 2, graph = 7, opset_import = 8}; OperatorSetIdProto {domain = 1, version = 2}.
 */
export function modelProto(graph: OnnxGraph): Uint8Array {
  const g = graphProto(graph);
  const opset = new ProtoMessage().string(1, "").int(2, OPSET);
  return new ProtoMessage().int(1, IR_VERSION).string(2, "rnnc").message(7, g).message(8, opset).encode();
}
