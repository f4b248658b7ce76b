// `rnnc import MODEL -o OUT.rnn [--weights-out W.json]`: a Keras `.keras`, legacy `.h5` or tfjs
// layers `model.json` as `.rnn` source (checked before it is written) and its weights as rnnc's JSON.
// It ends by running both models on the same random inputs when the original can be run here — a
// model.json on tfjs-layers, if @tensorflow/tfjs is installed — and prints the largest difference;
// a .keras/.h5 needs Python Keras, so it says the numbers were not cross-checked.
import { readFileSync, writeFileSync } from "node:fs";
import { DataError, type TensorData } from "../types/tensor-data.js";
import { importModel, type ImportResult } from "../keras-import/import.js";
import { maxDifference, randomInputShapes, randomInputs } from "../report/random-inputs.js";
import { weightsJson } from "../keras-import/weights-json.js";
import { loadModel } from "../node.js";
import { confinedShards } from "../weights/file-access.js";
import { readModelFile } from "../weights/read.js";
import type { ModelFile } from "../model-files/binary-model-file.js";
import { flag, parseArgs, UsageError } from "./args.js";
import { readModelBytes } from "./io.js";

const USAGE = "rnnc import MODEL -o OUT.rnn [--weights-out W.json]";
/** The most input values the cross-check draws (a declared shape is a claim, not data). */
const MAX_CHECK_VALUES = 1 << 20;

export function importCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { o: { value: true }, out: { value: true }, "weights-out": { value: true } }, "import");
  if (args.positional.length !== 1) throw new UsageError(`rnnc import: give one model file (${USAGE})`);
  if (args.flags.has("o") && args.flags.has("out")) throw new UsageError(`rnnc import: give the output file once (${USAGE})`);
  const out = flag(args, "o") ?? flag(args, "out");
  if (out === undefined) throw new UsageError(`rnnc import: -o OUT.rnn is required (${USAGE})`);
  const path = args.positional[0]!;
  const weightsOut = flag(args, "weights-out");

  return finishLater(importAndWrite(path, readModelBytes(path), out, weightsOut));
}

/** Imports, writes, then cross-checks; 1 when rnnc refuses the model or cannot write, 0 when written. */
async function importAndWrite(path: string, bytes: Uint8Array, out: string, weightsOut: string | undefined): Promise<number> {
  let file: ModelFile;
  let result: ImportResult;
  try {
    file = readModelFile(bytes, { source: path, openShard: confinedShards(path) });
    result = await importModel(file, path);
    // The weights must bind to the source as they are written out, or nothing is written.
    loadModel(result.checked, { model: result.model, weights: result.weights });
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    process.stderr.write(`rnnc import: ${error.message}\n`);
    return 1;
  }
  try {
    writeFileSync(out, result.text);
    if (weightsOut !== undefined) writeFileSync(weightsOut, weightsJson(result.weights));
  } catch (error) {
    process.stderr.write(`rnnc import: cannot write: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(
    `${path} → ${out} (model ${result.model}, keras ${result.edition})${weightsOut !== undefined ? ` and ${weightsOut}` : ""}\n`,
  );
  if (file.info.format !== "tfjs") {
    process.stdout.write(
      `numbers not cross-checked: running a ${file.info.format === "keras" ? ".keras" : ".h5"} file needs Python Keras\n`,
    );
    return 0;
  }
  return crossCheckTfjs(path, result);
}

/** Runs the model.json on tfjs-layers and the import on rnnc, on the same random inputs. */
async function crossCheckTfjs(path: string, result: ImportResult): Promise<number> {
  const tf = await importTfjs();
  if (!tf) {
    process.stdout.write(
      "numbers not cross-checked: the optional package @tensorflow/tfjs is not installed (npm install @tensorflow/tfjs)\n",
    );
    return 0;
  }
  const model = result.checked.models.find((m) => m.name === result.model)!;
  const values = randomInputShapes(model).shapes.reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);
  if (values > MAX_CHECK_VALUES) {
    process.stdout.write(
      `numbers not cross-checked: the model's declared input shapes hold ${values} values, more than the check draws (${MAX_CHECK_VALUES})\n`,
    );
    return 0;
  }
  const { inputs } = randomInputs(result.checked, model);
  const ours = loadModel(result.checked, { model: result.model, weights: result.weights }).run(inputs);
  try {
    const theirs = await runOnTfjs(
      tf,
      path,
      model.inputs.map((i) => ({ ...inputs[i.name]!, dtype: TFJS_DTYPES[i.type.dtype] })),
    );
    const diff = maxDifference(ours, theirs, "tfjs-layers").maxDiff;
    process.stdout.write(`max |Δ| against tfjs-layers on random inputs: ${diff.toExponential(2)}\n`);
    return diff <= 1e-4 ? 0 : 1;
  } catch (error) {
    process.stdout.write(`numbers not cross-checked: tfjs-layers could not run the model.json (${(error as Error).message})\n`);
    return 0;
  }
}

interface Tfjs {
  enableProdMode(): void;
  setBackend(name: string): Promise<boolean>;
  io: { fromMemory(artifacts: unknown): unknown };
  loadLayersModel(handler: unknown): Promise<{ predict(x: unknown): unknown }>;
  tensor(data: ArrayLike<number>, shape: number[], dtype: string): { dispose(): void };
}

async function importTfjs(): Promise<Tfjs | undefined> {
  const saved = { log: console.log, info: console.info, warn: console.warn };
  console.log = console.info = console.warn = () => {};
  try {
    const specifier: string = "@tensorflow/tfjs"; // in a variable: rnnc builds without it
    const tf = (await import(specifier)) as Tfjs;
    tf.enableProdMode();
    await tf.setBackend("cpu");
    return tf;
  } catch {
    return undefined;
  } finally {
    Object.assign(console, saved);
  }
}

/** The tfjs dtype of each rnnc dtype. */
const TFJS_DTYPES = { f32: "float32", i32: "int32", bool: "bool" } as const;

/** The model.json's predictions on `inputs` (in the model's input order). */
async function runOnTfjs(
  tf: Tfjs,
  path: string,
  inputs: readonly { shape: number[]; data: TensorData["data"]; dtype: string }[],
): Promise<{ shape: number[]; data: Float32Array }[]> {
  const json = JSON.parse(readFileSync(path, "utf8")) as {
    modelTopology: unknown;
    weightsManifest: { paths: string[]; weights: unknown[] }[];
  };
  const open = confinedShards(path);
  const parts: Uint8Array[] = [];
  const weightSpecs: unknown[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      const shard = open(p);
      parts.push(shard instanceof Uint8Array ? shard : shard.read());
    }
  }
  const weightData = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    weightData.set(p, offset);
    offset += p.length;
  }
  const saved = console.warn;
  console.warn = () => {};
  try {
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer }),
    );
    const tensors = inputs.map((i) => tf.tensor(i.data, i.shape, i.dtype));
    const predicted = model.predict(tensors.length === 1 ? tensors[0] : tensors) as TfTensorLike | TfTensorLike[];
    const list = Array.isArray(predicted) ? predicted : [predicted];
    const out = list.map((t) => ({ shape: t.shape, data: Float32Array.from(t.dataSync()) }));
    for (const t of [...tensors, ...list]) t.dispose();
    return out;
  } finally {
    console.warn = saved;
  }
}

interface TfTensorLike {
  shape: number[];
  dataSync(): ArrayLike<number>;
  dispose(): void;
}

function finishLater(work: Promise<number>): number {
  work.then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`rnnc import: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 70;
    },
  );
  return 0;
}
