// Binding weights to checked models (LANGUAGE.md §3): every layer present with exactly the shapes the
// checker sized, every problem in one error, initializers when there is no file.
import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { check, type CheckedModel } from "../../src/index.js";
import { bindWeights, WeightsMismatchError } from "../../src/lower/weights.js";
import type { TensorData, WeightSet } from "../../src/types/tensor-data.js";
import { parseKerasWeights } from "../../src/weights/keras-json.js";
import { readTfjsModel } from "../../src/weights/read.js";

/** The checked models of a source (which must check cleanly), and the one named `name` (default: the last). */
function program(src: string, name?: string): { model: CheckedModel; models: Map<string, CheckedModel> } {
  const file = check(src);
  const errors = file.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join("\n"));
  const models = new Map(file.models.map((m) => [m.name, m]));
  const model = name === undefined ? file.models[file.models.length - 1]! : models.get(name)!;
  return { model, models };
}

/** A nested list of this shape whose elements count up from `start` (so arrays can be told apart). */
function array(shape: number[], start = 0): unknown {
  let n = start;
  const build = (depth: number): unknown => (depth === shape.length ? n++ : Array.from({ length: shape[depth]! }, () => build(depth + 1)));
  return build(0);
}

function bind(src: string, json: unknown, name?: string): Map<string, TensorData[]> {
  const { model, models } = program(src, name);
  return bindWeights(model, models, parseKerasWeights(json, "w.json"));
}

function problemsOf(src: string, json: unknown, name?: string): readonly string[] {
  try {
    bind(src, json, name);
  } catch (e) {
    expect(e).toBeInstanceOf(WeightsMismatchError);
    const err = e as WeightsMismatchError;
    expect(err.message).toBe(err.problems.join("\n"));
    return err.problems;
  }
  throw new Error("expected a WeightsMismatchError");
}

const shapes = (list: TensorData[] | undefined) => list?.map((t) => t.shape);

const simple = `
model M(x: [B, T, 5]) {
  h = lstm(3, seq=true)(x)
  return h |> dropout(0.1) |> dense(2)
}`;
const lstmWeights = () => [array([5, 12]), array([3, 12], 100), array([12], 200)];
const denseWeights = () => [array([3, 2], 300), array([2], 400)];

describe("bindWeights with a file", () => {
  it("binds a file that fits, by layer name", () => {
    const bound = bind(simple, { lstm: lstmWeights(), dense: denseWeights() });
    expect([...bound.keys()]).toEqual(["lstm", "dense"]);
    expect(shapes(bound.get("lstm"))).toEqual([[5, 12], [3, 12], [12]]);
    expect(Array.from(bound.get("dense")![1]!.data)).toEqual([400, 401]);
  });

  it("accepts weightless layers and model inputs listed with no arrays (as get_weights() gives them)", () => {
    const bound = bind(simple, { x: [], lstm: lstmWeights(), dropout: [], dense: denseWeights() });
    expect([...bound.keys()]).toEqual(["lstm", "dense"]);
    expect(problemsOf(simple, { lstm: lstmWeights(), dropout: [[1]], dense: denseWeights() })).toEqual([
      'w.json: layer "dropout" has no weights, found 1 array',
    ]);
  });

  it("reports a missing layer with the arrays it needs", () => {
    expect(problemsOf(simple, { lstm: lstmWeights() })).toEqual(['w.json: layer "dense" is missing (expected kernel [3,2], bias [2])']);
  });

  it("reports a layer the model does not have, with its layers and a guess", () => {
    expect(problemsOf(simple, { lstm: lstmWeights(), dense: denseWeights(), decoder: [[1]] })).toEqual([
      'w.json: layer "decoder" is not in model M (its layers with weights: lstm, dense)',
    ]);
    expect(problemsOf(simple, { lstm: lstmWeights(), dense_1: denseWeights() })).toEqual([
      'w.json: layer "dense" is missing (expected kernel [3,2], bias [2])',
      'w.json: layer "dense_1" is not in model M (its layers with weights: lstm, dense); did you mean "dense"?',
    ]);
  });

  it("reports a wrong number of arrays", () => {
    expect(problemsOf(simple, { lstm: lstmWeights().slice(0, 2), dense: denseWeights() })).toEqual([
      'w.json: layer "lstm": expected 3 arrays (kernel [5,12], recurrent_kernel [3,12], bias [12]), found 2: [5,12], [3,12]',
    ]);
  });

  it("reports a wrong shape, naming the weight", () => {
    const w = lstmWeights();
    w[2] = array([16]);
    expect(problemsOf(simple, { lstm: w, dense: denseWeights() })).toEqual([
      'w.json: layer "lstm": weight 2 (bias) should be [12], found [16]',
    ]);
  });

  it("collects every problem into one error", () => {
    const w = lstmWeights();
    w[0] = array([12, 5]);
    w[1] = array([3, 16]);
    const problems = problemsOf(simple, { lstm: w, decoder: [] });
    expect(problems).toEqual([
      'w.json: layer "lstm": weight 0 (kernel) should be [5,12], found [12,5]',
      'w.json: layer "lstm": weight 1 (recurrent_kernel) should be [3,12], found [3,16]',
      'w.json: layer "dense" is missing (expected kernel [3,2], bias [2])',
      'w.json: layer "decoder" is not in model M (its layers with weights: lstm, dense)',
    ]);
  });

  it("uses names given with name= and bound names", () => {
    const src = `
model M(x: [B, T, 5]) {
  enc = lstm(3, seq=true)
  y = bidirectional(gru(2, reset_after=false), name="bi")(enc(x))
  return y
}`;
    const gru = [array([3, 6]), array([2, 6]), array([6])];
    const bound = bind(src, { enc: lstmWeights(), bi: [...gru, ...gru] });
    expect(shapes(bound.get("bi"))).toEqual([[3, 6], [2, 6], [6], [3, 6], [2, 6], [6]]);
  });

  it("reports a list where a called model's layers are expected, and vice versa", () => {
    expect(problemsOf(simple, { lstm: { inner: [] }, dense: denseWeights() })).toEqual([
      'w.json: layer "lstm": expected a list of 3 arrays (kernel [5,12], recurrent_kernel [3,12], bias [12]), found an object of layers (a called model\'s weights)',
    ]);
  });
});

const nested = `
model Encoder(src: [B, S, 5]) {
  _, h, c = lstm(3, state=true)(src)
  return h |> dense(4)
}

model Seq2Seq(a: [B, S, 5], b: [B, S, 5]) {
  x = Encoder(a)
  y = Encoder(b)
  return concat(x, y) |> dense(2)
}`;
const encoder = () => ({ lstm: lstmWeights(), dense: [array([3, 4]), array([4])] });

describe("bindWeights with called models", () => {
  it("binds a called model's weights given as an object, once however often it is called", () => {
    const bound = bind(nested, { Encoder: encoder(), dense: [array([8, 2]), array([2])] });
    expect([...bound.keys()]).toEqual(["Encoder/lstm", "Encoder/dense", "dense"]);
    expect(shapes(bound.get("Encoder/dense"))).toEqual([[3, 4], [4]]);
    expect(shapes(bound.get("dense"))).toEqual([[8, 2], [2]]);
  });

  it("binds a called model's weights given as one flat list, in its order", () => {
    const e = encoder();
    const bound = bind(nested, { Encoder: [...e.lstm, ...e.dense], dense: [array([8, 2]), array([2])] });
    expect(shapes(bound.get("Encoder/lstm"))).toEqual([[5, 12], [3, 12], [12]]);
    expect(shapes(bound.get("Encoder/dense"))).toEqual([[3, 4], [4]]);
    expect(Array.from(bound.get("Encoder/lstm")![2]!.data).slice(0, 2)).toEqual([200, 201]);
  });

  it("reports problems inside a called model with the layer's path", () => {
    const e = encoder();
    e.dense[0] = array([4, 3]);
    expect(problemsOf(nested, { Encoder: { ...e, extra: [] }, dense: [array([8, 2]), array([2])] })).toEqual([
      'w.json: layer "Encoder/dense": weight 0 (kernel) should be [3,4], found [4,3]',
      'w.json: layer "Encoder/extra" is not in model Encoder (its layers with weights: lstm, dense)',
    ]);
  });

  it("reports a flat list of the wrong length or shapes", () => {
    const e = encoder();
    expect(problemsOf(nested, { Encoder: [...e.lstm], dense: [array([8, 2]), array([2])] })).toEqual([
      'w.json: model "Encoder": its flat list should hold 5 arrays (lstm: kernel [5,12], recurrent_kernel [3,12], bias [12]; dense: kernel [3,4], bias [4]), found 3: [5,12], [3,12], [12]',
    ]);
    expect(problemsOf(nested, { Encoder: [...e.lstm, array([4]), array([3, 4])], dense: [array([8, 2]), array([2])] })).toEqual([
      'w.json: layer "Encoder/dense": weight 0 (kernel) should be [3,4], found [4] (array 3 of Encoder\'s flat list)',
      'w.json: layer "Encoder/dense": weight 1 (bias) should be [4], found [3,4] (array 4 of Encoder\'s flat list)',
    ]);
  });

  it("reports a missing called model", () => {
    expect(problemsOf(nested, { dense: [array([8, 2]), array([2])] })).toEqual([
      'w.json: model "Encoder" is missing (its layers with weights: lstm, dense)',
    ]);
  });

  it("binds models nested two deep", () => {
    const src = `
model Inner(x: [B, 5]) {
  return dense(3)(x)
}
model Middle(x: [B, 5]) {
  return Inner(x) |> dense(2)
}
model Outer(x: [B, 5]) {
  return Middle(x)
}`;
    const inner = { dense: [array([5, 3]), array([3])] };
    const middleDense = [array([3, 2]), array([2])];
    expect([...bind(src, { Middle: { Inner: inner, dense: middleDense } }).keys()]).toEqual(["Middle/Inner/dense", "Middle/dense"]);
    const flat = bind(src, { Middle: [...inner.dense, ...middleDense] });
    expect(shapes(flat.get("Middle/Inner/dense"))).toEqual([[5, 3], [3]]);
    expect(shapes(flat.get("Middle/dense"))).toEqual([[3, 2], [2]]);
  });
});

describe("bindWeights with time_distributed", () => {
  const src = `
model M(x: [B, T, 3]) {
  d = dense(4)
  y = time_distributed(d)(x)
  z = d(x)
  return add(y, z)
}`;
  const dw = () => [array([3, 4]), array([4])];

  it("expects the shared weights under the time_distributed row's name, once", () => {
    const bound = bind(src, { time_distributed: dw() });
    expect(bound.get("time_distributed")).toBe(bound.get("d"));
    expect(shapes(bound.get("d"))).toEqual([[3, 4], [4]]);
  });

  it("accepts them under the wrapped layer's name too (a tfjs file names them after the first built), and both when they agree", () => {
    expect(shapes(bind(src, { d: dw() }).get("time_distributed"))).toEqual([[3, 4], [4]]);
    expect(shapes(bind(src, { time_distributed: dw(), d: dw() }).get("d"))).toEqual([[3, 4], [4]]);
    const other = dw();
    other[1] = array([4], 50);
    expect(problemsOf(src, { time_distributed: dw(), d: other })).toEqual([
      'w.json: layer "d" and "time_distributed" share one set of weights (time_distributed wraps the layer), but the file gives them different values',
    ]);
  });

  it("prefers the wrapper's name even when the wrapped layer was applied first", () => {
    const first = `
model M(x: [B, T, 3]) {
  d = dense(4)
  z = d(x)
  y = time_distributed(d)(x)
  return add(y, z)
}`;
    expect(problemsOf(first, {})).toEqual([
      'w.json: layer "time_distributed" is missing (expected kernel [3,4], bias [4]; it may also be given as "d")',
    ]);
  });

  it("follows a chain of wrappers to the layer that holds the weights", () => {
    const chain = `
model M(x: [B, T, U, 3]) {
  return x |> time_distributed(time_distributed(dense(2)))
}`;
    // Keras names in construction order: the inner wrapper is time_distributed, the outer (the row) time_distributed_1.
    const bound = bind(chain, { time_distributed_1: [array([3, 2]), array([2])] });
    expect([...bound.keys()]).toEqual(["time_distributed_1", "time_distributed", "dense"]);
    expect(bound.get("dense")).toBe(bound.get("time_distributed"));
  });

  it("reports them missing under the time_distributed name", () => {
    expect(problemsOf(src, {})).toEqual([
      'w.json: layer "time_distributed" is missing (expected kernel [3,4], bias [4]; it may also be given as "d")',
    ]);
  });
});

describe("bindWeights without a file", () => {
  it("runs the initializers and gives every layer its shapes", () => {
    const { model, models } = program(nested);
    const bound = bindWeights(model, models, undefined);
    expect([...bound.keys()]).toEqual(["Encoder/lstm", "Encoder/dense", "dense"]);
    expect(shapes(bound.get("Encoder/lstm"))).toEqual([[5, 12], [3, 12], [12]]);
    expect(shapes(bound.get("dense"))).toEqual([[8, 2], [2]]);
    for (const list of bound.values()) for (const t of list) expect(t.data).toHaveLength(t.shape.reduce((a, b) => a * b, 1));
  });

  it("is deterministic", () => {
    const { model, models } = program(nested);
    const a = bindWeights(model, models, undefined);
    const b = bindWeights(model, models, undefined);
    for (const [k, list] of a) list.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(b.get(k)![i]!.data)));
  });

  it("initializes a time_distributed layer's weights once, under every name", () => {
    const src = `
model M(x: [B, T, 3]) {
  return x |> time_distributed(dense(4))
}`;
    const { model, models } = program(src);
    const bound = bindWeights(model, models, undefined);
    expect(shapes(bound.get("time_distributed"))).toEqual([[3, 4], [4]]);
    expect(bound.get("dense")).toBe(bound.get("time_distributed"));
  });
});

describe("bindWeights with a model.json saved by tfjs-layers", () => {
  interface Saved {
    modelTopology: unknown;
    weightSpecs: tf.io.WeightsManifestEntry[];
    weightData: Uint8Array;
  }
  async function saveTo(model: tf.LayersModel): Promise<string> {
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
    const dir = mkdtempSync(join(tmpdir(), "rnnc-bind-"));
    const json = {
      modelTopology: saved!.modelTopology,
      weightsManifest: [{ paths: ["weights.bin"], weights: saved!.weightSpecs }],
      format: "layers-model",
    };
    writeFileSync(join(dir, "model.json"), JSON.stringify(json));
    writeFileSync(join(dir, "weights.bin"), saved!.weightData);
    return join(dir, "model.json");
  }

  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("binds the same model written in .rnn", async () => {
    const m = tf.sequential();
    m.add(tf.layers.lstm({ units: 3, returnSequences: true, inputShape: [4, 5], name: "enc" }));
    m.add(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2 }) as tf.RNN, name: "bi" }));
    m.add(tf.layers.dense({ units: 2, name: "out" }));
    const set: WeightSet = readTfjsModel(await saveTo(m));
    const { model, models } = program(`
model M(x: [B, 4, 5]) {
  h = lstm(3, seq=true, name="enc")(x)
  b = bidirectional(gru(2, reset_after=false), name="bi")(h)
  return dense(2, name="out")(b)
}`);
    const bound = bindWeights(model, models, set);
    for (const name of ["enc", "bi", "out"]) {
      const expected = m.getLayer(name).getWeights();
      expect(bound.get(name)!.map((t) => Array.from(t.data))).toEqual(expected.map((t) => Array.from(t.dataSync())));
    }
  });

  it("binds a nested model and a time_distributed layer", async () => {
    const encoder = tf.sequential({
      name: "Encoder",
      layers: [tf.layers.lstm({ units: 3, returnSequences: true, inputShape: [4, 5], name: "lstm" })],
    });
    const outer = tf.sequential({ layers: [encoder, tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }), name: "td" })] });
    const set = readTfjsModel(await saveTo(outer));
    const { model, models } = program(`
model Encoder(x: [B, 4, 5]) {
  return lstm(3, seq=true)(x)
}
model M(x: [B, 4, 5]) {
  return Encoder(x) |> time_distributed(dense(2), name="td")
}`);
    const bound = bindWeights(model, models, set);
    expect(bound.get("Encoder/lstm")!.map((t) => Array.from(t.data))).toEqual(
      encoder
        .getLayer("lstm")
        .getWeights()
        .map((t) => Array.from(t.dataSync())),
    );
    expect(shapes(bound.get("td"))).toEqual([[3, 2], [2]]);
  });

  it("reports a tfjs model that does not fit", async () => {
    const m = tf.sequential({ layers: [tf.layers.lstm({ units: 4, inputShape: [4, 5], name: "enc" })] });
    const path = await saveTo(m);
    const { model, models } = program(`
model M(x: [B, 4, 5]) {
  return lstm(3, name="enc")(x)
}`);
    expect(() => bindWeights(model, models, readTfjsModel(path))).toThrow(
      `${path}: layer "enc": weight 0 (kernel) should be [5,12], found [5,16]\n${path}: layer "enc": weight 1 (recurrent_kernel) should be [3,12], found [4,16]\n${path}: layer "enc": weight 2 (bias) should be [12], found [16]`,
    );
  });
});
