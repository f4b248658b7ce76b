// Builds the ONNX model of a workload in memory, as protobuf bytes written by hand (no dependency).
// Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
// TensorProto, ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto).
//
// Keras → ONNX weights (ONNX LSTM/GRU operator specs):
//   LSTM: Keras kernel [F, 4u] / recurrent [u, 4u] with gate blocks i,f,c,o (columns) become
//         W [dirs, 4u, F] / R [dirs, 4u, u] (rows) with gate blocks i,o,f,c; B [dirs, 8u] = Wb ‖ Rb,
//         Keras's single bias as Wb and zeros as Rb.
//   GRU:  gate blocks z,r,h in both; W/R transposed the same way; B = Keras bias row 0 ‖ row 1
//         (reset_after=true ⇔ linear_before_reset=1).
// X is [T, B, F] for ONNX (layout=0), so the graph transposes the [B, T, F] input and the outputs.

// ---------------------------------------------------------------------------------------------
// protobuf wire format

function varint(n) {
  // n is a non-negative integer below 2^53.
  const out = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

class Message {
  constructor() {
    this.parts = [];
  }
  int(field, n) {
    this.parts.push(Uint8Array.from([...varint((field << 3) | WIRE_VARINT), ...varint(n)]));
    return this;
  }
  bytes(field, bytes) {
    this.parts.push(Uint8Array.from([...varint((field << 3) | WIRE_LEN), ...varint(bytes.length)]), bytes);
    return this;
  }
  string(field, s) {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  message(field, msg) {
    return this.bytes(field, msg.finish());
  }
  finish() {
    const size = this.parts.reduce((a, p) => a + p.length, 0);
    const out = new Uint8Array(size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// ONNX messages

const FLOAT = 1; // TensorProto.DataType
const INT64 = 7;
const ATTR_INT = 2; // AttributeProto.AttributeType
const ATTR_STRING = 3;
const ATTR_INTS = 7;

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian). */
function tensor(name, dims, data) {
  const m = new Message();
  for (const d of dims) m.int(1, d);
  const isFloat = data instanceof Float32Array;
  m.int(2, isFloat ? FLOAT : INT64);
  m.string(8, name);
  m.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return m;
}

/** ValueInfoProto {name = 1, type = 2: TypeProto {tensor_type = 1: {elem_type = 1, shape = 2: {dim = 1: {dim_value = 1}}}}}. */
function valueInfo(name, dims) {
  const shape = new Message();
  for (const d of dims) shape.message(1, new Message().int(1, d));
  const tensorType = new Message().int(1, FLOAT).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}

/** AttributeProto: name = 1, i = 3, s = 4, ints = 8, type = 20. */
function attribute(name, value) {
  const m = new Message().string(1, name);
  if (typeof value === "number") m.int(3, value).int(20, ATTR_INT);
  else if (typeof value === "string") m.string(4, value).int(20, ATTR_STRING);
  else {
    for (const v of value) m.int(8, v);
    m.int(20, ATTR_INTS);
  }
  return m;
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. */
function node(opType, inputs, outputs, attrs = {}) {
  const m = new Message();
  for (const i of inputs) m.string(1, i);
  for (const o of outputs) m.string(2, o);
  m.string(3, `${opType}_${outputs.find(Boolean)}`);
  m.string(4, opType);
  for (const [k, v] of Object.entries(attrs)) m.message(5, attribute(k, v));
  return m;
}

/** ModelProto {ir_version = 1, producer_name = 2, graph = 7, opset_import = 8}; GraphProto {node = 1, name = 2, initializer = 5, input = 11, output = 12}. */
function model({ nodes, initializers, inputs, outputs }) {
  const graph = new Message();
  for (const n of nodes) graph.message(1, n);
  graph.string(2, "bench");
  for (const t of initializers) graph.message(5, t);
  for (const i of inputs) graph.message(11, i);
  for (const o of outputs) graph.message(12, o);
  const opset = new Message().string(1, "").int(2, 17);
  return new Message().int(1, 8).string(2, "rnnc-bench").message(7, graph).message(8, opset).finish();
}

// ---------------------------------------------------------------------------------------------
// Keras → ONNX weights

/** ONNX gate block k takes Keras gate block ORDER[k]: LSTM iofc from ifco; GRU zrh from zrh. */
const GATE_ORDER = { lstm: [0, 3, 1, 2], gru: [0, 1, 2] };

/** A Keras [rows, G·u] matrix (gate blocks in columns) as ONNX [G·u, rows] with the gates reordered. */
function toOnnxMatrix(keras, rows, u, order) {
  const G = order.length;
  const W = G * u;
  const out = new Float32Array(W * rows);
  for (let k = 0; k < G; k++) {
    const src = order[k] * u;
    for (let j = 0; j < u; j++) {
      const o = (k * u + j) * rows;
      for (let r = 0; r < rows; r++) out[o + r] = keras[r * W + src + j];
    }
  }
  return out;
}

function toOnnxBias(cell, bias, u, order) {
  const G = order.length;
  const out = new Float32Array(2 * G * u);
  for (let k = 0; k < G; k++) {
    const src = order[k] * u;
    for (let j = 0; j < u; j++) {
      out[k * u + j] = bias[src + j];
      // GRU reset_after: row 1 of the Keras bias is the recurrent bias Rb. LSTM has no Rb.
      if (cell === "gru") out[G * u + k * u + j] = bias[G * u + src + j];
    }
  }
  return out;
}

/**
 * The ONNX model of a workload: input "x" [B, T, F]; outputs "y" (the Keras output) and, with
 * state=true, "h" [dirs, B, u] and "c" [dirs, B, u] (forward then backward, as Y_h / Y_c).
 * `linearBeforeReset` (GRU only) defaults to 1, Keras's reset_after=true.
 */
export function onnxModel(wl, kase, { linearBeforeReset = 1 } = {}) {
  const { B, T, F, units: u, cell } = wl;
  const dirs = wl.bidirectional ? 2 : 1;
  const order = GATE_ORDER[cell];
  const G = order.length;
  const Wd = new Float32Array(dirs * G * u * F);
  const Rd = new Float32Array(dirs * G * u * u);
  const Bd = new Float32Array(dirs * 2 * G * u);
  kase.directions.forEach((d, i) => {
    Wd.set(toOnnxMatrix(d.kernel.data, F, u, order), i * G * u * F);
    Rd.set(toOnnxMatrix(d.recurrent.data, u, u, order), i * G * u * u);
    Bd.set(toOnnxBias(cell, d.bias.data, u, order), i * 2 * G * u);
  });
  const initializers = [tensor("W", [dirs, G * u, F], Wd), tensor("R", [dirs, G * u, u], Rd), tensor("B", [dirs, 2 * G * u], Bd)];
  const attrs = { hidden_size: u, direction: wl.bidirectional ? "bidirectional" : "forward" };
  if (cell === "gru") attrs.linear_before_reset = linearBeforeReset;
  const op = cell === "lstm" ? "LSTM" : "GRU";
  const nodes = [node("Transpose", ["x"], ["xt"], { perm: [1, 0, 2] })];
  const outputs = [];
  const W = dirs * u;
  const rnnOutputs = [wl.seq ? "Y" : "", "Y_h"];
  if (wl.state && cell === "lstm") rnnOutputs.push("Y_c");
  nodes.push(node(op, ["xt", "W", "R", "B"], rnnOutputs, attrs));
  if (wl.seq) {
    // Y [T, dirs, B, u] → [B, T, dirs, u] → [B, T, dirs·u] (concat merge: forward first).
    initializers.push(tensor("yshape", [3], BigInt64Array.from([B, T, W].map(BigInt))));
    nodes.push(node("Transpose", ["Y"], ["Yb"], { perm: [2, 0, 1, 3] }));
    nodes.push(node("Reshape", ["Yb", "yshape"], ["y"]));
    outputs.push(valueInfo("y", [B, T, W]));
  } else {
    // Y_h [dirs, B, u] → [B, dirs, u] → [B, dirs·u].
    initializers.push(tensor("yshape", [2], BigInt64Array.from([B, W].map(BigInt))));
    nodes.push(node("Transpose", ["Y_h"], ["Yhb"], { perm: [1, 0, 2] }));
    nodes.push(node("Reshape", ["Yhb", "yshape"], ["y"]));
    outputs.push(valueInfo("y", [B, W]));
  }
  if (wl.state) {
    nodes.push(node("Identity", ["Y_h"], ["h"]));
    outputs.push(valueInfo("h", [dirs, B, u]));
    if (cell === "lstm") {
      nodes.push(node("Identity", ["Y_c"], ["c"]));
      outputs.push(valueInfo("c", [dirs, B, u]));
    }
  }
  const bytes = model({ nodes, initializers, inputs: [valueInfo("x", [B, T, F])], outputs });
  return { bytes, outputNames: outputs.length === 1 ? ["y"] : cell === "lstm" ? ["y", "h", "c"] : ["y", "h"] };
}

/** ORT's results as the Keras-order output list: y, then per direction h (and c). */
export function onnxOutputs(wl, result) {
  const outs = [{ shape: result.y.dims, data: result.y.data }];
  if (wl.state) {
    const dirs = wl.bidirectional ? 2 : 1;
    const n = wl.B * wl.units;
    for (let d = 0; d < dirs; d++) {
      outs.push({ shape: [wl.B, wl.units], data: result.h.data.subarray(d * n, (d + 1) * n) });
      if (wl.cell === "lstm") outs.push({ shape: [wl.B, wl.units], data: result.c.data.subarray(d * n, (d + 1) * n) });
    }
  }
  return outs;
}

/**
 * A bench engine over an ONNX Runtime module (onnxruntime-node or onnxruntime-web): the workload's
 * model built in memory, one session with `sessionOptions`; the timed call wraps the input, runs and
 * reads the outputs.
 */
export function ortEngine(ort, sessionOptions) {
  return async (wl, kase) => {
    const { bytes, outputNames } = onnxModel(wl, kase, { linearBeforeReset: 1 });
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "all", ...sessionOptions });
    const { data, shape } = kase.x;
    const run = async () => {
      const result = await session.run({ x: new ort.Tensor("float32", data, shape) });
      for (const name of outputNames) result[name].data;
      return result;
    };
    return {
      run,
      isAsync: true,
      outputs: (result) => onnxOutputs(wl, result),
      note: wl.cell === "gru" ? "linear_before_reset=1" : undefined,
      dispose: () => session.release(),
    };
  };
}
