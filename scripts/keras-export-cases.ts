// The cases scripts/keras-export-check.py verifies in real Keras, and test/keras-export/ re-hashes:
// every Keras 3 fixture of test/fixtures/keras3/ (its source, weights, inputs and Keras's outputs)
// and every example of examples/ that checks clean (rnnc's own starting weights, seeded inputs, and
// rnnc's outputs on them). `npx tsx scripts/keras-export-cases.ts DIR` writes DIR/<case>.py (the
// module rnnc generates), DIR/<case>.json (the data) and DIR/cases.json (the list).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check, loadModel, parseKerasWeights, type CheckedFile, type CheckedModel } from "../src/index.js";
import { exportKeras } from "../src/keras-export/export.js";
import { initialRecipes, realizeInitialWeights } from "../src/lower/weights.js";
import type { TensorData } from "../src/types/tensor-data.js";

const ROOT = join(import.meta.dirname, "..");
const FIXTURES = join(ROOT, "test", "fixtures", "keras3");
const EXAMPLES = join(ROOT, "examples");

export interface ExportCase {
  name: string;
  /** The file name the module's header names. */
  fileName: string;
  /** The .rnn source. */
  source: string;
  checked: CheckedFile;
}

/**
 * Cases no fixture or example covers, checked against rnnc's own numbers like the examples: a `keras 2`
 * file's hard_sigmoid (the module's registered tf.keras 2 function, which must survive .keras save/load),
 * and a called model applied twice (one nested keras.Model, its weights shared) with a shared layer.
 */
const EXTRA_SOURCES: Record<string, string> = {
  keras2_hard_sigmoid: `model HardSigmoid2(x: [B, 5, 3]) {
  a = lstm(4, seq=true, recurrent_activation=hard_sigmoid, name="l")(x)
  b = gru(4, seq=true, recurrent_activation=hard_sigmoid, reset_after=false, name="g")(a)
  return b |> dense(2, activation=hard_sigmoid, name="d"), activation(hard_sigmoid, name="act")(x)
}
`,
  called_model_twice: `keras 3
model Branch(x: [B, T, 3]) {
  return x |> gru(4, seq=true, name="g") |> dense(3, activation=tanh, name="d")
}
model Twice(a: [B, T, 3], b: [B, T, 3]) {
  shared = dense(3, name="shared")
  left = Branch(shared(a))
  right = Branch(shared(b))
  return concat(left, right), Branch(a)
}
`,
  // Keras 3 names its mask ops "concatenate", "concatenate_1", …: rnnc's layers of those names must not collide.
  two_masked_concats: `keras 3
model Concats(a: int[B, T], b: int[B, T]) {
  ea = embedding(6, 3, mask_zero=true, name="ea")(a)
  eb = embedding(6, 2, mask_zero=true, name="eb")(b)
  first = concat(ea, eb)
  second = concat(first, ea)
  return lstm(3, seq=true, name="rec")(second), second
}
`,
};

/** Every case, fixtures first (in cases.json's order), then the examples that check clean. */
export function keraExportCases(): ExportCase[] {
  const cases: ExportCase[] = [];
  const list = JSON.parse(readFileSync(join(FIXTURES, "cases.json"), "utf8")) as { cases: string[] };
  for (const name of list.cases) {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as { source: string };
    cases.push({ name, fileName: `test/fixtures/keras3/${name}.json`, source: fixture.source, checked: check(fixture.source) });
  }
  for (const [name, source] of Object.entries(EXTRA_SOURCES))
    cases.push({ name: `extra_${name}`, fileName: `${name}.rnn`, source, checked: check(source) });
  for (const file of readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(".rnn"))
    .sort()) {
    const source = readFileSync(join(EXAMPLES, file), "utf8");
    const checked = check(source);
    if (checked.diagnostics.some((d) => d.severity === "error")) continue; // mistakes.rnn: written to fail
    cases.push({ name: `example_${file.replace(/\.rnn$/, "").replace(/-/g, "_")}`, fileName: `examples/${file}`, source, checked });
  }
  return cases;
}

export function moduleText(c: ExportCase): string {
  return exportKeras(c.checked, { fileName: c.fileName });
}

// ---------------------------------------------------------------------------------------------
// The data of an example: rnnc's starting weights, seeded inputs, rnnc's outputs.

type Json = { shape: number[]; data: number[] };

const toJson = (t: TensorData): Json => ({ shape: [...t.shape], data: Array.from(t.data) });

/** A small seeded generator (mulberry32), so the inputs are the same on every run. */
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

/** Named dims get small sizes (the batch 2, the rest 5); int inputs are ids right-padded with 0; bool inputs right-padded masks. */
function exampleInputs(model: CheckedModel, next: () => number): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const input of model.inputs) {
    const shape = input.type.dims.map((d, i) => (typeof d === "number" ? d : i === 0 ? 2 : 5));
    const size = shape.reduce((a, b) => a * b, 1);
    const steps = shape[1] ?? 1;
    const data: number[] = [];
    for (let i = 0; i < size; i++) {
      const step = Math.floor(i / (size / shape[0]! / steps)) % steps;
      const row = Math.floor(i / (size / shape[0]!));
      const kept = step < steps - row; // row b keeps its first T-b steps
      if (input.type.dtype === "f32") data.push(Math.fround(next() * 2 - 1));
      else if (input.type.dtype === "i32") data.push(kept ? 1 + Math.floor(next() * 4) : 0);
      else data.push(kept ? 1 : 0);
    }
    out[input.name] = { shape, data };
  }
  return out;
}

function nest(weights: Map<string, TensorData[]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, list] of weights) {
    const parts = path.split("/");
    let node = root;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]!] = list.map(toJson);
  }
  return root;
}

function exampleData(c: ExportCase): unknown {
  const models = new Map(c.checked.models.map((m) => [m.name, m]));
  return {
    models: c.checked.models.map((model, index) => {
      // One entry per set of weights: a time_distributed layer's under its own name, not its inner layer's too.
      const groups = initialRecipes(model, models);
      const primary = new Set(groups.map((g) => g.paths[0]!));
      const weights = nest(new Map([...realizeInitialWeights(groups)].filter(([path]) => primary.has(path))));
      const inputs = exampleInputs(model, random(1000 + index));
      const runnable = loadModel(c.checked, { model: model.name, weights: parseKerasWeights(weights, "initial") });
      const feeds = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { shape: v.shape, data: new Float32Array(v.data) }]));
      return { model: model.name, weights, inputs, outputs: runnable.run(feeds).map(toJson) };
    }),
  };
}

function fixtureData(c: ExportCase): unknown {
  const f = JSON.parse(readFileSync(join(FIXTURES, `${c.name}.json`), "utf8")) as Record<string, unknown>;
  return { models: [{ model: f.model, weights: f.weights, inputs: f.inputs, outputs: f.outputs, chunks: f.chunks }] };
}

function main(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (const c of keraExportCases()) {
    writeFileSync(join(dir, `${c.name}.py`), moduleText(c));
    const data = c.name.startsWith("example_") || c.name.startsWith("extra_") ? exampleData(c) : fixtureData(c);
    // The source travels with the data: the round trip (keras-export-check.py) commits it beside the saved .keras.
    writeFileSync(
      join(dir, `${c.name}.json`),
      JSON.stringify({ name: c.name, fileName: c.fileName, source: c.source, ...(data as object) }),
    );
    names.push(c.name);
  }
  writeFileSync(join(dir, "cases.json"), JSON.stringify(names));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) main(process.argv[2] ?? "/tmp/keras-export-cases");
