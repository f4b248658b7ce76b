// `rnnc run FILE [--model M] --input NAME=DATA.json ... [--weights W] [--backend cpu] [--json]`:
// runs a model and prints its outputs in return order.
import { DataError, loadModel, readWeights, type TensorData, type TensorInput } from "../index.js";
import { flag, parseArgs, UsageError } from "./args.js";
import { readSource, UnreadableFile } from "./io.js";
import { loadChecked } from "./load.js";

const BACKENDS = ["cpu"];

export function runCommand(argv: readonly string[]): number {
  const args = parseArgs(
    argv,
    { model: { value: true }, input: { value: true, repeat: true }, weights: { value: true }, backend: { value: true }, json: {} },
    "run",
  );
  const backend = flag(args, "backend") ?? "cpu";
  if (!BACKENDS.includes(backend)) throw new UsageError(`rnnc run: unknown backend ${backend} (available: ${BACKENDS.join(", ")})`);
  const inputs: Record<string, TensorInput> = {};
  for (const spec of args.flags.get("input") ?? []) {
    const eq = spec.indexOf("=");
    if (eq <= 0) throw new UsageError(`rnnc run: --input takes NAME=FILE.json, got ${spec}`);
    const name = spec.slice(0, eq);
    if (name in inputs) throw new UsageError(`rnnc run: input ${name} given twice`);
    inputs[name] = readJsonArray(spec.slice(eq + 1), name);
  }
  const loaded = loadChecked(args, "run");
  if (loaded.hasErrors) return 1;
  const weightsPath = flag(args, "weights");
  if (weightsPath !== undefined) readSource(weightsPath); // unreadable: exit 2, as for any file
  try {
    const weights = weightsPath === undefined ? undefined : readWeights(weightsPath);
    const model = loadModel(loaded.checked, { model: flag(args, "model"), weights });
    const outputs = model.run(inputs);
    if (args.flags.has("json")) {
      // Nine significant digits round-trip a float32 exactly, without float64 noise.
      const data = (o: TensorData) => Array.from(o.data, (v) => (o.data instanceof Float32Array ? Number(v.toPrecision(9)) : v));
      process.stdout.write(`${JSON.stringify({ outputs: outputs.map((o) => ({ shape: o.shape, data: data(o) })) })}\n`);
    } else {
      outputs.forEach((o, i) => process.stdout.write(`${model.name} output ${i} ${model.outputs[i]}:\n${formatNested(o)}\n`));
    }
    return 0;
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    process.stderr.write(`rnnc run: ${error.message}\n`);
    return 1;
  }
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
    return JSON.parse(text) as TensorInput;
  } catch (error) {
    throw new UnreadableFile(`rnnc: input ${name}: ${path} is not valid JSON (${(error as Error).message})`);
  }
}

/** A tensor as nested brackets, float32 values to 7 significant digits. */
function formatNested(t: TensorData): string {
  const value = (i: number) => {
    const v = t.data[i]!;
    return t.data instanceof Float32Array ? String(Number(v.toPrecision(7))) : String(v);
  };
  const walk = (depth: number, offset: number, indent: string): string => {
    if (t.shape.length === 0) return value(0);
    const n = t.shape[depth]!;
    const stride = t.shape.slice(depth + 1).reduce((a, b) => a * b, 1);
    if (depth === t.shape.length - 1) return `[${Array.from({ length: n }, (_, i) => value(offset + i)).join(", ")}]`;
    const items = Array.from({ length: n }, (_, i) => walk(depth + 1, offset + i * stride, indent + " "));
    return `[${items.join(`,\n${indent} `)}]`;
  };
  return walk(0, 0, "");
}
