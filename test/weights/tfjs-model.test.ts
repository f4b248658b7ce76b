// The TensorFlow.js layers-model format, against files tfjs-layers itself saves.
import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DataError, type TensorData, type WeightSet } from "../../src/types/tensor-data.js";
import { readTfjsModel, readWeights } from "../../src/weights/read.js";
import { float16, parseTfjsModel } from "../../src/weights/tfjs-model.js";

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error("expected a DataError");
}

function list(set: WeightSet, name: string): TensorData[] {
  const v = set.layers.get(name);
  if (!Array.isArray(v)) throw new Error(`${name} is not a list in ${[...set.layers.keys()].join(", ")}`);
  return v;
}

interface Saved {
  modelTopology: unknown;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: Uint8Array;
}

/** Saves a model as tfjs's file saving does, but into memory. */
async function save(model: tf.LayersModel): Promise<Saved> {
  let saved: Saved | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData!;
      const parts = Array.isArray(data) ? data : [data];
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let at = 0;
      for (const p of parts) {
        bytes.set(new Uint8Array(p), at);
        at += p.byteLength;
      }
      saved = { modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs!, weightData: bytes };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  return saved!;
}

/** model.json + weights.bin in a fresh folder, in the format tf.io's file saving writes. */
function writeModel(saved: Saved, manifest?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "rnnc-tfjs-"));
  const modelJson = {
    modelTopology: saved.modelTopology,
    weightsManifest: manifest ?? [{ paths: ["weights.bin"], weights: saved.weightSpecs }],
    format: "layers-model",
    generatedBy: "TensorFlow.js tfjs-layers v4.22.0",
    convertedBy: null,
  };
  writeFileSync(join(dir, "model.json"), JSON.stringify(modelJson));
  writeFileSync(join(dir, "weights.bin"), saved.weightData);
  return join(dir, "model.json");
}

function expectSame(read: TensorData[], layer: tf.layers.Layer): void {
  const expected = layer.getWeights();
  expect(read.map((t) => t.shape)).toEqual(expected.map((t) => t.shape));
  read.forEach((t, i) => {
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual(Array.from(expected[i]!.dataSync()));
  });
}

let model: tf.Sequential;
let saved: Saved;

beforeAll(async () => {
  await tf.setBackend("cpu");
  model = tf.sequential();
  model.add(tf.layers.lstm({ units: 3, returnSequences: true, inputShape: [4, 5], name: "enc" }));
  // tfjs's GRU is reset_after=false only (its typings lack the option).
  model.add(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2 }) as tf.RNN, name: "bi" }));
  model.add(tf.layers.dense({ units: 2, name: "out" }));
  saved = await save(model);
});

describe("readTfjsModel", () => {
  it("reads every array tfjs-layers saved, grouped by layer, in get_weights() order", () => {
    const path = writeModel(saved);
    const set = readTfjsModel(path);
    expect(set.source).toBe(path);
    expect([...set.layers.keys()]).toEqual(["enc", "bi"].concat("out"));
    expectSame(list(set, "enc"), model.getLayer("enc"));
    expectSame(list(set, "bi"), model.getLayer("bi"));
    expectSame(list(set, "out"), model.getLayer("out"));
    // Bidirectional: forward's three, then backward's, under names like bi/forward_gru_GRU1/kernel.
    expect(list(set, "bi").map((t) => t.shape)).toEqual([[3, 6], [2, 6], [6], [3, 6], [2, 6], [6]]);
    expect(saved.weightSpecs.slice(3, 9).map((w) => w.name.replace(/GRU\d+/, "GRUn"))).toEqual([
      "bi/forward_gru_GRUn/kernel",
      "bi/forward_gru_GRUn/recurrent_kernel",
      "bi/forward_gru_GRUn/bias",
      "bi/backward_gru_GRUn/kernel",
      "bi/backward_gru_GRUn/recurrent_kernel",
      "bi/backward_gru_GRUn/bias",
    ]);
  });

  it("is what readWeights reads for a model.json", () => {
    const set = readWeights(writeModel(saved));
    expectSame(list(set, "out"), model.getLayer("out"));
  });

  it("concatenates a group's shards in order, and reads several groups", () => {
    const dir = mkdtempSync(join(tmpdir(), "rnnc-tfjs-"));
    const cut = 100; // not on a weight boundary, nor a multiple of 4
    writeFileSync(join(dir, "group1-shard1of2.bin"), saved.weightData.subarray(0, cut));
    writeFileSync(join(dir, "group1-shard2of2.bin"), saved.weightData.subarray(cut));
    const encBytes = 4 * (5 * 12 + 3 * 12 + 12);
    writeFileSync(join(dir, "group2.bin"), saved.weightData.subarray(0, encBytes));
    const manifest = [
      { paths: ["group1-shard1of2.bin", "group1-shard2of2.bin"], weights: saved.weightSpecs },
      { paths: ["group2.bin"], weights: saved.weightSpecs.slice(0, 3).map((w) => ({ ...w, name: "copy/" + w.name })) },
    ];
    writeFileSync(join(dir, "model.json"), JSON.stringify({ modelTopology: null, weightsManifest: manifest }));
    const set = readTfjsModel(join(dir, "model.json"));
    expectSame(list(set, "bi"), model.getLayer("bi"));
    expectSame(list(set, "copy"), model.getLayer("enc"));
  });

  it("nests the layers of a nested model under the model's name (tfjs writes them unprefixed)", async () => {
    const encoder = tf.sequential({
      name: "Encoder",
      layers: [tf.layers.lstm({ units: 3, returnSequences: true, inputShape: [4, 5], name: "lstm" })],
    });
    const outer = tf.sequential({
      layers: [encoder, tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, name: "d" }), name: "td" })],
    });
    const s = await save(outer);
    expect(s.weightSpecs.map((w) => w.name)).toEqual(["lstm/kernel", "lstm/recurrent_kernel", "lstm/bias", "td/kernel", "td/bias"]);
    const set = readTfjsModel(writeModel(s));
    expect([...set.layers.keys()]).toEqual(["Encoder", "td"]);
    expectSame(list(set.layers.get("Encoder") as WeightSet, "lstm"), encoder.getLayer("lstm"));
    expectSame(list(set, "td"), outer.getLayer("td"));
  });

  it("converts int32 weights to float32", () => {
    const bytes = new Uint8Array(new Int32Array([1, -2, 3]).buffer);
    const set = parseTfjsModel(
      { weightsManifest: [{ paths: ["a.bin"], weights: [{ name: "e/w", shape: [3], dtype: "int32" }] }] },
      () => bytes,
      "m.json",
    );
    expect(list(set, "e")[0]!.data).toEqual(new Float32Array([1, -2, 3]));
  });
});

describe("readTfjsModel errors", () => {
  it("names a truncated shard, the byte counts and the first weight that does not fit", () => {
    const path = writeModel(saved);
    const dir = join(path, "..");
    const short = saved.weightData.subarray(0, saved.weightData.length - 6);
    writeFileSync(join(dir, "weights.bin"), short);
    const total = saved.weightData.length;
    expect(errorOf(() => readTfjsModel(path))).toBe(
      `${path}: shard "weights.bin" has ${total - 6} bytes, but the manifest needs ${total}: the shard is truncated. Weight "out/bias" [2] (bytes ${total - 8}–${total}) is the first that does not fit.`,
    );
  });

  it("names a shard longer than the manifest says", () => {
    const path = writeModel(saved);
    writeFileSync(join(path, "..", "weights.bin"), new Uint8Array([...saved.weightData, 0, 0, 0, 0]));
    expect(errorOf(() => readTfjsModel(path))).toMatch(/: shard "weights\.bin" has \d+ bytes, but the manifest's 11 weights take \d+/);
  });

  it("names a missing shard file", () => {
    const path = writeModel(saved);
    rmSync(join(path, "..", "weights.bin"));
    expect(errorOf(() => readTfjsModel(path))).toBe(`${path}: cannot read weights shard "weights.bin": file not found`);
  });

  it("rejects a dtype other than float32 or int32", () => {
    const weights = saved.weightSpecs.map((w, i) => (i === 1 ? { ...w, dtype: "float16" } : w));
    const path = writeModel(saved, [{ paths: ["weights.bin"], weights }]);
    expect(errorOf(() => readTfjsModel(path))).toBe(
      `${path}: weightsManifest[0]: weight "enc/recurrent_kernel": dtype "float16" is not supported; weights must be float32 (or int32).`,
    );
  });

  it("decodes IEEE half floats, subnormals and infinities included; a non-finite float16 weight is refused", () => {
    expect([0x3c00, 0xc000, 0x3555, 0x0001, 0x03ff, 0x7bff, 0xfbff, 0x0000, 0x8000].map(float16)).toEqual([
      1,
      -2,
      0.333251953125,
      2 ** -24,
      1023 * 2 ** -24,
      65504,
      -65504,
      0,
      -0,
    ]);
    expect(float16(0x7c00)).toBe(Infinity);
    expect(float16(0x7e00)).toBeNaN();
    const spec = { name: "d/kernel", shape: [2], dtype: "float32", quantization: { dtype: "float16" } };
    const shard = new Uint8Array([0x00, 0x3c, 0x00, 0x7c]); // 1, Infinity
    expect(errorOf(() => parseTfjsModel({ weightsManifest: [{ paths: ["w.bin"], weights: [spec] }] }, () => shard, "m.json"))).toMatch(
      /weight "d\/kernel" \[2\]: element 1 is Infinity/,
    );
  });

  it("sizes quantized weights by their stored dtype, and refuses quantizations tfjs does not write", () => {
    // uint8 weights take a byte each: the float32 shard is too long for the manifest.
    const uint8 = saved.weightSpecs.map((w, i) => (i === 0 ? { ...w, quantization: { dtype: "uint8", scale: 0.1, min: 0 } } : w));
    expect(errorOf(() => readTfjsModel(writeModel(saved, [{ paths: ["weights.bin"], weights: uint8 }])))).toMatch(
      /does not belong to this model\.json/,
    );
    const int4 = saved.weightSpecs.map((w, i) => (i === 0 ? { ...w, quantization: { dtype: "int4", scale: 0.1, min: 0 } } : w));
    expect(errorOf(() => readTfjsModel(writeModel(saved, [{ paths: ["weights.bin"], weights: int4 }])))).toMatch(
      /weight "enc\/kernel": quantization dtype "int4" is not one tfjs writes/,
    );
    const noScale = saved.weightSpecs.map((w, i) => (i === 0 ? { ...w, quantization: { dtype: "uint16", min: 0 } } : w));
    expect(errorOf(() => readTfjsModel(writeModel(saved, [{ paths: ["weights.bin"], weights: noScale }])))).toMatch(
      /weight "enc\/kernel": uint16 quantization needs finite "scale" and "min"/,
    );
  });

  it("rejects a model.json without weights, and an unreadable one", () => {
    expect(errorOf(() => parseTfjsModel({ modelTopology: {} }, () => new Uint8Array(), "m.json"))).toMatch(
      /^m\.json: this model\.json has no "weightsManifest"/,
    );
    const dir = mkdtempSync(join(tmpdir(), "rnnc-tfjs-"));
    writeFileSync(join(dir, "model.json"), "{");
    expect(errorOf(() => readTfjsModel(join(dir, "model.json")))).toMatch(/model\.json: invalid JSON: /);
    expect(errorOf(() => readWeights(join(dir, "none.json")))).toMatch(/none\.json: file not found$/);
  });

  it("rejects a malformed manifest entry", () => {
    const m = (weights: unknown) => ({ weightsManifest: [{ paths: ["a.bin"], weights }] });
    const read = () => new Uint8Array(16);
    expect(errorOf(() => parseTfjsModel(m([{ name: "a/b", shape: [2, -1], dtype: "float32" }]), read, "m.json"))).toMatch(
      /weight "a\/b": "shape" should be a list of non-negative integers/,
    );
    expect(errorOf(() => parseTfjsModel(m([{ shape: [4], dtype: "float32" }]), read, "m.json"))).toMatch(
      /weights\[0\]: "name" should be a string/,
    );
    expect(errorOf(() => parseTfjsModel({ weightsManifest: {} }, read, "m.json"))).toMatch(/"weightsManifest" should be a list/);
  });
});

// Keep the shard reader honest: a file read back equals what was written.
it("writes the shard it reads", () => {
  const path = writeModel(saved);
  expect(new Uint8Array(readFileSync(join(path, "..", "weights.bin")))).toEqual(saved.weightData);
});
