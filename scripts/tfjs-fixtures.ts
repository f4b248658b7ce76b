// Model-file fixtures from real TensorFlow.js (@tensorflow/tfjs 4.22, tfjs-layers' own save format):
// test/fixtures/model-files/tfjs/<case>/{model.json, weights.bin}, plus a float16 and a uint8
// quantized copy of each (<case>-float16/, <case>-uint8/), and <case>.json with the .rnn source, the
// inputs and tfjs's predictions for each copy. The quantized copies' predictions are tfjs's own: the
// copy is loaded back through tf.loadLayersModel, so tfjs's io.decodeWeights dequantizes it.
//
// Quantization: the tfjs converter (Python tensorflowjs) is not installed here, so this script
// quantizes as its quantization.py does — uint8 affine with min/max nudged so 0 is exact
// (q = round((clip(w) - min) / scale), w ≈ min + scale·q), float16 by round-to-nearest-even — and
// writes the `quantization: {dtype, scale, min}` manifest entries tfjs reads.
//
// Run from the repository root: npx tsx scripts/tfjs-fixtures.ts
import * as tf from "@tensorflow/tfjs";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const OUT = join(import.meta.dirname, "..", "test", "fixtures", "model-files", "tfjs");

/** A seeded generator (mulberry32): the same fixtures on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  name: string;
  source: string;
  build(): tf.LayersModel;
  inputs(rand: () => number): Record<string, { shape: number[]; data: number[]; dtype: "float32" | "int32" }>;
}

const floats = (rand: () => number, shape: number[]) => ({
  shape,
  data: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.fround(rand() * 2 - 1)),
  dtype: "float32" as const,
});

const CASES: Case[] = [
  {
    name: "lstm_time_distributed",
    source:
      "model M(x: [2, 5, 3]) {\n" +
      '  y = lstm(4, seq=true, name="rec")(x)\n' +
      '  return y |> time_distributed(dense(2, activation=tanh), name="td")\n}\n',
    build() {
      const x = tf.input({ batchShape: [2, 5, 3], name: "x" });
      const y = tf.layers
        .lstm({ units: 4, returnSequences: true, recurrentActivation: "sigmoid", name: "rec" })
        .apply(x) as tf.SymbolicTensor;
      const z = tf.layers
        .timeDistributed({ layer: tf.layers.dense({ units: 2, activation: "tanh" }), name: "td" })
        .apply(y) as tf.SymbolicTensor;
      return tf.model({ inputs: x, outputs: z, name: "M" });
    },
    inputs: (rand) => ({ x: floats(rand, [2, 5, 3]) }),
  },
  {
    name: "embedding_bigru_dense",
    source:
      "model M(tokens: int[2, 6]) {\n" +
      '  e = embedding(10, 3, mask_zero=true, name="emb")(tokens)\n' +
      '  y = bidirectional(gru(4, reset_after=false, recurrent_activation=hard_sigmoid), name="bi")(e)\n' +
      '  return dense(2, activation=softmax, name="out")(y)\n}\n',
    build() {
      const tokens = tf.input({ batchShape: [2, 6], dtype: "int32", name: "tokens" });
      const e = tf.layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true, name: "emb" }).apply(tokens) as tf.SymbolicTensor;
      const gru = tf.layers.gru({ units: 4, recurrentActivation: "hardSigmoid" }) as tf.RNN;
      const y = tf.layers.bidirectional({ layer: gru, name: "bi" }).apply(e) as tf.SymbolicTensor;
      const out = tf.layers.dense({ units: 2, activation: "softmax", name: "out" }).apply(y) as tf.SymbolicTensor;
      return tf.model({ inputs: tokens, outputs: out, name: "M" });
    },
    inputs: () => ({
      tokens: { shape: [2, 6], data: [3, 1, 4, 1, 5, 0, 9, 2, 6, 0, 0, 0], dtype: "int32" },
    }),
  },
  {
    name: "simple_rnn_stack",
    source:
      "model M(x: [2, 4, 3]) {\n" +
      '  h = rnn(4, seq=true, name="r1")(x)\n' +
      '  return h |> rnn(3, name="r2") |> dense(2, name="out")\n}\n',
    build() {
      const x = tf.input({ batchShape: [2, 4, 3], name: "x" });
      const h = tf.layers.simpleRNN({ units: 4, returnSequences: true, name: "r1" }).apply(x) as tf.SymbolicTensor;
      const h2 = tf.layers.simpleRNN({ units: 3, name: "r2" }).apply(h) as tf.SymbolicTensor;
      const out = tf.layers.dense({ units: 2, name: "out" }).apply(h2) as tf.SymbolicTensor;
      return tf.model({ inputs: x, outputs: out, name: "M" });
    },
    inputs: (rand) => ({ x: floats(rand, [2, 4, 3]) }),
  },
];

interface Artifacts {
  modelTopology: unknown;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: Uint8Array;
}

async function artifactsOf(model: tf.LayersModel): Promise<Artifacts> {
  let out: Artifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const parts = Array.isArray(a.weightData) ? a.weightData : [a.weightData!];
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let at = 0;
      for (const p of parts) {
        bytes.set(new Uint8Array(p), at);
        at += p.byteLength;
      }
      out = { modelTopology: a.modelTopology, weightSpecs: a.weightSpecs!, weightData: bytes };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  return out!;
}

/** float32 → IEEE half bits, rounding to nearest even (numpy's astype(float16)). */
function toFloat16(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** The converter's uint8 affine quantization of one weight: values, and {scale, min} for the manifest. */
function quantizeUint8(values: Float32Array): { q: Uint8Array; scale: number; min: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo === hi) return { q: new Uint8Array(values.length), scale: 1, min: lo };
  const scale = (hi - lo) / 255;
  const zero = Math.round(0 - lo / scale);
  const min = (0 - zero) * scale;
  const max = (255 - zero) * scale;
  const q = new Uint8Array(values.length);
  values.forEach((v, i) => (q[i] = Math.round((Math.min(max, Math.max(min, v)) - min) / scale)));
  return { q, scale, min };
}

function quantized(a: Artifacts, dtype: "float16" | "uint8"): Artifacts {
  const view = new DataView(a.weightData.buffer, a.weightData.byteOffset, a.weightData.byteLength);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const spec of a.weightSpecs) {
    const n = spec.shape.reduce((x, y) => x * y, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = view.getFloat32(offset + 4 * i, true);
    offset += 4 * n;
    if (dtype === "float16") {
      const halves = new Uint16Array(values.length);
      values.forEach((v, i) => (halves[i] = toFloat16(v)));
      chunks.push(new Uint8Array(halves.buffer));
      specs.push({ ...spec, quantization: { dtype: "float16" } });
    } else {
      const { q, scale, min } = quantizeUint8(values);
      chunks.push(q);
      specs.push({ ...spec, quantization: { dtype: "uint8", scale, min } });
    }
  }
  const data = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { modelTopology: a.modelTopology, weightSpecs: specs, weightData: data };
}

function write(dir: string, a: Artifacts): void {
  mkdirSync(dir, { recursive: true });
  const modelJson = {
    format: "layers-model",
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ["weights.bin"], weights: a.weightSpecs }],
  };
  writeFileSync(join(dir, "model.json"), JSON.stringify(modelJson));
  writeFileSync(join(dir, "weights.bin"), a.weightData);
}

async function predictions(a: Artifacts, inputs: ReturnType<Case["inputs"]>): Promise<{ shape: number[]; data: number[] }[]> {
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: a.modelTopology as tf.io.ModelJSON["modelTopology"],
      weightSpecs: a.weightSpecs,
      weightData: a.weightData.slice().buffer,
    }),
  );
  const xs = model.inputNames.map((n) => {
    const key = Object.keys(inputs).find((k) => n === k || n.startsWith(`${k}`))!;
    const i = inputs[key]!;
    return tf.tensor(i.data, i.shape, i.dtype);
  });
  const out = model.predict(xs.length === 1 ? xs[0]! : xs);
  const list = Array.isArray(out) ? out : [out];
  return list.map((t) => ({ shape: t.shape as number[], data: Array.from(t.dataSync(), (v) => Number(v.toPrecision(9))) }));
}

async function main(): Promise<void> {
  await tf.setBackend("cpu");
  for (const c of CASES) {
    const rand = random([...c.name].reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0, 7));
    const model = c.build();
    for (const layer of model.layers) {
      const weights = layer.getWeights();
      if (weights.length > 0)
        layer.setWeights(
          weights.map((w) =>
            tf.tensor(
              Array.from({ length: w.size }, () => rand() * 1.2 - 0.6),
              w.shape,
            ),
          ),
        );
    }
    const inputs = c.inputs(rand);
    const plain = await artifactsOf(model);
    const copies = { float32: plain, float16: quantized(plain, "float16"), uint8: quantized(plain, "uint8") };
    const outputs: Record<string, unknown> = {};
    for (const [kind, a] of Object.entries(copies)) {
      write(join(OUT, kind === "float32" ? c.name : `${c.name}-${kind}`), a);
      outputs[kind] = await predictions(a, inputs);
    }
    const fixture = { name: c.name, tfjs: tf.version.tfjs, source: c.source, model: "M", inputs, outputs, tolerance: 1e-5 };
    writeFileSync(join(OUT, `${c.name}.json`), JSON.stringify(fixture) + "\n");
    console.log(c.name);
  }
  writeFileSync(join(OUT, "cases.json"), JSON.stringify({ tfjs: tf.version.tfjs, cases: CASES.map((c) => c.name) }, null, 2) + "\n");
}

await main();
