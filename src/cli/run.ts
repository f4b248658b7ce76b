// `rnnc run FILE [--model M] --input NAME=DATA.json ... [--weights W] [--backend cpu|tfjs|ort|auto]
// [--tfjs-backend cpu|wasm] [--json] [--verbose]`: runs a model and prints its outputs in return
// order; `--verbose` says on stderr which engine ran and why.
import { DataError, loadModel, type CheckedFile, type LoadOptions, type TensorData, type TensorInput, type WeightSet } from "../node.js";
import { parseByteSize } from "../lower/memory.js";
import { threadsProblem } from "../backends/cpu/wasm/pool.js";
import { outputsText } from "../report/tensor-text.js";
import { echo } from "../source/echo.js";
import { elementPath } from "../ir/inputs.js";
import { flag, parseArgs, UsageError } from "./args.js";
import { readSource, readWeightsFlag, UnreadableFile } from "./io.js";
import { kerasStructure } from "../lower/keras-structure.js";
import { loadChecked } from "./load.js";
import { loadOrt, OrtUnavailable } from "./ort.js";
import { loadTfjs, TFJS_BACKENDS, TfjsUnavailable, type TfjsBackendName } from "./tfjs.js";

const BACKENDS = ["cpu", "tfjs", "ort", "auto"];

/** Past this many output values the printed text (about 12 characters a value) would pass V8's string limit. */
const MAX_PRINTED_VALUES = 10_000_000;

export function runCommand(argv: readonly string[]): number {
  const args = parseArgs(
    argv,
    {
      model: { value: true },
      input: { value: true, repeat: true },
      weights: { value: true },
      backend: { value: true },
      "tfjs-backend": { value: true },
      "max-memory": { value: true },
      threads: { value: true },
      json: {},
      verbose: {},
    },
    "run",
  );
  const backend = flag(args, "backend") ?? "cpu";
  if (!BACKENDS.includes(backend)) throw new UsageError(`rnnc run: unknown backend ${echo(backend)} (available: ${BACKENDS.join(", ")})`);
  const tfjsBackend = flag(args, "tfjs-backend");
  if (tfjsBackend !== undefined && backend !== "tfjs") throw new UsageError("rnnc run: --tfjs-backend needs --backend tfjs");
  if (tfjsBackend !== undefined && !(TFJS_BACKENDS as readonly string[]).includes(tfjsBackend)) {
    throw new UsageError(`rnnc run: unknown tfjs backend ${echo(tfjsBackend)} (available: ${TFJS_BACKENDS.join(", ")})`);
  }
  const maxMemoryText = flag(args, "max-memory");
  const maxMemory = maxMemoryText === undefined ? undefined : parseByteSize(maxMemoryText);
  if (maxMemoryText !== undefined && maxMemory === undefined) {
    throw new UsageError(`rnnc run: --max-memory takes a size in bytes, or with K, M, G or T (512M, 2G); got ${echo(maxMemoryText)}`);
  }
  const threadsText = flag(args, "threads");
  const threads = threadsText !== undefined && /^\d{1,3}$/.test(threadsText) ? Number(threadsText) : threadsText;
  const threadsWrong = threadsProblem(threads);
  if (threadsWrong) throw new UsageError(`rnnc run: --${threadsWrong}`);
  if (threads !== undefined && backend !== "cpu" && backend !== "auto") {
    throw new UsageError(`rnnc run: --threads is for rnnc's CPU kernels (--backend cpu or auto), not --backend ${backend}`);
  }
  // No prototype: an input named `constructor` or `__proto__` is a name like any other.
  const inputs: Record<string, TensorInput> = Object.create(null) as Record<string, TensorInput>;
  for (const spec of args.flags.get("input") ?? []) {
    const eq = spec.indexOf("=");
    if (eq <= 0) throw new UsageError(`rnnc run: --input takes NAME=FILE.json, got ${echo(spec)}`);
    const name = spec.slice(0, eq);
    if (Object.hasOwn(inputs, name)) throw new UsageError(`rnnc run: input ${echo(name)} given twice`);
    inputs[name] = readJsonArray(spec.slice(eq + 1), name);
  }
  const loaded = loadChecked(args, "run");
  if (loaded.hasErrors) return 1;
  let weights: WeightSet | undefined;
  try {
    weights = readWeightsFlag(flag(args, "weights"), () => kerasStructure(loaded.checked, flag(args, "model"))); // unreadable: exit 2, as for any file
  } catch (error) {
    return userError(error);
  }
  const run = {
    checked: loaded.checked,
    options: { model: flag(args, "model"), weights, maxMemory, threads: threads as number | undefined },
    inputs,
    json: args.flags.has("json"),
    verbose: args.flags.has("verbose"),
  };
  if (backend === "tfjs") return finishLater(runOnTfjs(run, (tfjsBackend ?? "cpu") as TfjsBackendName));
  if (backend === "ort" || backend === "auto") return finishLater(runOnOrt(run, backend));
  try {
    runAndPrint(run);
    return 0;
  } catch (error) {
    return userError(error);
  }
}

interface Run {
  checked: CheckedFile;
  /** The options of a synchronous backend (runOnOrt adds `ort`). */
  options: LoadOptions & { backend?: "cpu" | "tfjs"; ort?: undefined };
  inputs: Record<string, TensorInput>;
  json: boolean;
  verbose: boolean;
}

function runAndPrint(run: Run): void {
  const model = loadModel(run.checked, run.options);
  try {
    const outputs = model.run(run.inputs);
    if (run.verbose) process.stderr.write(`rnnc run: ran on ${run.options.backend ?? "cpu"} (--backend ${run.options.backend ?? "cpu"})\n`);
    printOutputs(model, outputs, run.json);
  } finally {
    model.dispose();
  }
}

/** ONNX Runtime loads and runs asynchronously: import onnxruntime-node, then run on it. */
async function runOnOrt(run: Run, backend: "ort" | "auto"): Promise<number> {
  try {
    const ort = await loadOrt("run", `--backend ${backend}`);
    const model = await loadModel(run.checked, { ...run.options, backend, ort });
    try {
      const outputs = await model.run(run.inputs);
      const engine = model.lastEngine!;
      if (run.verbose)
        process.stderr.write(`rnnc run: ran on ${engine.engine} (${backend === "auto" ? engine.reason : "--backend ort"})\n`);
      printOutputs(model, outputs, run.json);
    } finally {
      await model.dispose();
    }
    return 0;
  } catch (error) {
    if (error instanceof OrtUnavailable) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    return userError(error);
  }
}

function printOutputs(model: { name: string; outputs: string[] }, outputs: TensorData[], json: boolean): void {
  const values = outputs.reduce((n, o) => n + o.data.length, 0);
  if (values > MAX_PRINTED_VALUES) {
    throw new DataError(
      `the outputs hold ${values.toLocaleString("en-US")} values, more than rnnc run prints (${MAX_PRINTED_VALUES.toLocaleString("en-US")}: the text would not fit in a JavaScript string); run the model from code with loadModel to get them as arrays`,
    );
  }
  outputs.forEach((o, i) => warnIfNotFinite(o, `${model.name} output ${i} ${model.outputs[i]}`));
  if (json) {
    process.stdout.write(`${JSON.stringify({ outputs: outputs.map((o) => ({ shape: o.shape, data: jsonValues(o) })) })}\n`);
  } else {
    process.stdout.write(`${outputsText(model, outputs)}\n`);
  }
}

/**
 * An output's values for JSON: float32 to nine significant digits (which round-trip it exactly,
 * without float64 noise); a value JSON cannot hold is the string "NaN", "Infinity" or "-Infinity"
 * (as Python's json and NumPy print them), never null.
 */
function jsonValues(o: TensorData): (number | string)[] {
  return Array.from(o.data, (v) => (!Number.isFinite(v) ? String(v) : o.data instanceof Float32Array ? Number(v.toPrecision(9)) : v));
}

/** One warning line on stderr for an output that overflowed float32 (or became NaN): which, how many, where first. */
function warnIfNotFinite(o: TensorData, what: string): void {
  let count = 0;
  let first = -1;
  for (let i = 0; i < o.data.length; i++) {
    if (!Number.isFinite(o.data[i]!)) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return;
  process.stderr.write(
    `rnnc run: warning: ${what} has ${count} value${count === 1 ? "" : "s"} that ${count === 1 ? "is" : "are"} not finite (first ${elementPath(o.shape, first)} = ${o.data[first]}): the computation overflowed float32\n`,
  );
}

/** A user's mistake (inputs, weights) is one line and exit 1; anything else is rnnc's. */
function userError(error: unknown): number {
  if (!(error instanceof DataError)) throw error;
  process.stderr.write(`rnnc run: ${error.message}\n`);
  return 1;
}

/** tfjs loads asynchronously: import it, then run on it. */
async function runOnTfjs(run: Run, tfjsBackend: TfjsBackendName): Promise<number> {
  try {
    const tf = await loadTfjs(tfjsBackend);
    runAndPrint({ ...run, options: { ...run.options, backend: "tfjs", tf } });
    return 0;
  } catch (error) {
    if (error instanceof TfjsUnavailable) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    return userError(error);
  }
}

/**
 * The exit code of work that ends after the command returns: the command's own result (0) is
 * replaced when the work settles; an error that is not the user's is one line, as main() prints it.
 */
export function finishLater(work: Promise<number>): number {
  work.then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`rnnc: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 70;
    },
  );
  return 0;
}

/** An input file: unreadable or not JSON is an unreadable file (one line, exit 2), like a source file. */
function readJsonArray(path: string, name: string): TensorInput {
  let text: string;
  try {
    text = readSource(path);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    throw new UnreadableFile(error.message.replace(/^rnnc: cannot read /, `rnnc: cannot read input ${name} from `));
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, "")) as TensorInput;
  } catch (error) {
    throw new UnreadableFile(`rnnc: input ${name}: ${path} is not valid JSON (${(error as Error).message})`);
  }
}
